"""Three-way merge of a phòng's figures into the synthesis office's, by value.

For each indicator and each field (the value, the note) three texts are compared:
the *base* (what the phòng sent last time, or what its setup held), the synthesis
office's *local* text and the *incoming* one. Whoever changed it since the base wins;
when both changed it, differently, neither wins silently: that is a conflict, and
the local text stays until a person resolves it. Texts are compared as stored,
after the same checks every entry passes, so ``25500`` and ``25.500`` are equal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

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


def decide(base: str, local: str, incoming: str) -> Outcome:
    if incoming == local:
        return Outcome.SAME
    if local == base:
        return Outcome.TAKE_INCOMING
    if incoming == base:
        return Outcome.KEEP_LOCAL
    return Outcome.CONFLICT


@dataclass(frozen=True, slots=True)
class MergeItem:
    """One indicator seen three ways; ``base`` is ``None`` when nothing was ever agreed (read as empty)."""

    code: str
    base: Figure | None
    local: Figure
    incoming: Figure


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


@dataclass(frozen=True, slots=True)
class MergePlan:
    fields: tuple[FieldPlan, ...]

    @property
    def updates(self) -> tuple[Update, ...]:
        taken: dict[str, dict[str, str]] = {}
        for plan in self.fields:
            if plan.outcome is Outcome.TAKE_INCOMING:
                taken.setdefault(plan.code, {})[plan.field] = plan.incoming
        return tuple(Update(code, f.get("value"), f.get("note")) for code, f in taken.items())

    @property
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
            plans.append(FieldPlan(item.code, name, decide(b, lo, inc), b, lo, inc))
    return MergePlan(tuple(plans))
