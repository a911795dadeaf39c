"""Three-way merge of a phòng's figures into the synthesis office's, by value.

For each indicator and each field (the value, the note) three texts are compared:
the file's *base* (the state it was made from: the setup or the earlier file of its
installation, or a template's export), the synthesis office's *local* text and the
*incoming* one; and the file says which fields the phòng *edited* since that base.

- not edited → the local text stays, whatever it is;
- edited to the local text → nothing to do;
- edited, and the local text still equals the base → the incoming text is taken;
- otherwise → a conflict, and the local text stays until a person resolves it;
- when the office never received the state the file names as its base, the file's marks
  say nothing the office can use (the missing file's changes are in it unmarked): a field
  that differs is a conflict unless the caller knows it was not edited since the newest
  state the office does hold from that PC (its last file received, read by when the PC last
  changed the field); such a field stays as the office has it.

A file that carries no edit marks (the first format, a template) counts a field as
edited when it differs from the base, which is exactly the earlier three-way rule.
Texts are compared as stored, after the same checks every entry passes, so ``25500``
and ``25.500`` are equal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

FIELDS = ("value", "note")


@dataclass(frozen=True, slots=True)
class Figure:
    """A value and its note, as one side holds them."""

    value: str = ""
    note: str = ""


class Outcome(StrEnum):
    SAME = "same"
    KEEP_LOCAL = "keep-local"
    TAKE_INCOMING = "take-incoming"
    CONFLICT = "conflict"


def decide(base: str, local: str, incoming: str, *, edited: bool | None = None, base_known: bool = True) -> Outcome:
    """One field's outcome; ``edited`` ``None`` means the file does not say (then: differs from the base)."""
    if incoming == local:
        return Outcome.SAME
    if not base_known:
        # What the phòng sent in the file the office never got is in this one unmarked: a person looks,
        # unless the field is known untouched since a state the office holds (it already merged that).
        return Outcome.KEEP_LOCAL if edited is False else Outcome.CONFLICT
    if not (incoming != base if edited is None else edited):
        return Outcome.KEEP_LOCAL
    if local == base:
        return Outcome.TAKE_INCOMING
    return Outcome.CONFLICT


@dataclass(frozen=True, slots=True)
class MergeItem:
    """One indicator seen three ways; ``base`` is ``None`` when nothing was ever agreed (read as empty).

    ``edited`` names the fields the phòng changed since the base (``None``: the file does
    not say); ``base_known`` is false when the office never received the state the file
    was made from, so no field is taken without a person: ``base`` is then the newest state
    the office holds from that PC (if any) and ``edited`` the fields changed since it.
    """

    code: str
    base: Figure | None
    local: Figure
    incoming: Figure
    edited: frozenset[str] | None = None
    base_known: bool = True


@dataclass(frozen=True, slots=True)
class FieldPlan:
    code: str
    field: str
    outcome: Outcome
    base: str
    local: str
    incoming: str


@dataclass(frozen=True, slots=True)
class Update:
    """What to write for one indicator: ``None`` leaves that field as it is."""

    code: str
    value: str | None
    note: str | None


@dataclass(frozen=True)
class MergePlan:
    """Every field's outcome; what to write and the conflicts, each worked out once (a plan is read many times)."""

    fields: tuple[FieldPlan, ...]

    @cached_property
    def updates(self) -> tuple[Update, ...]:
        taken: dict[str, dict[str, str]] = {}
        for plan in self.fields:
            if plan.outcome is Outcome.TAKE_INCOMING:
                taken.setdefault(plan.code, {})[plan.field] = plan.incoming
        return tuple(Update(code, f.get("value"), f.get("note")) for code, f in taken.items())

    @cached_property
    def conflicts(self) -> tuple[FieldPlan, ...]:
        return tuple(plan for plan in self.fields if plan.outcome is Outcome.CONFLICT)

    @property
    def agreed(self) -> tuple[FieldPlan, ...]:
        """Fields on which both sides now hold the same text (an open conflict there is settled)."""
        return tuple(plan for plan in self.fields if plan.outcome is Outcome.SAME)


def merge_plan(items: Iterable[MergeItem]) -> MergePlan:
    plans: list[FieldPlan] = []
    for item in items:
        base = item.base or Figure()
        for name in FIELDS:
            b, lo, inc = getattr(base, name), getattr(item.local, name), getattr(item.incoming, name)
            edited = None if item.edited is None else name in item.edited
            outcome = decide(b, lo, inc, edited=edited, base_known=item.base_known)
            plans.append(FieldPlan(item.code, name, outcome, b, lo, inc))
    return MergePlan(tuple(plans))
