"""Matching a table's rows to the catalogue, and giving new rows stable codes.

A row is the indicator named in its ``Mã`` cell; else the group row of its letter; a
numbered row the indicator of its group with the same STT and name, or failing that
the same name (the rows were renumbered); a sub-row the child of its parent with the
same mark and name, or the same name. Names are compared after ``clean`` and case
folding. A matched indicator keeps its code, parent, phòng, direction and flags; a
new one gets a code nobody uses yet, so inserting a row never renumbers the others.
A row with no group (a table imported without one) is coded by its STT alone ("9",
"9.a"), under the heading ``CPN`` ("Chưa phân nhóm").
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import count

from bkdesk.catalogue import GROUPS, UNGROUPED, UNGROUPED_CODE, Direction, Indicator, counted_by_default
from bkdesk.exchange.rows import FileRow, RowKind, TreeProblem
from bkdesk.text import clean

_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def name_key(name: str) -> str:
    return clean(name).casefold()


@dataclass(frozen=True, slots=True)
class Placed:
    """A row's indicator as it will be stored; ``new`` when the catalogue did not have it."""

    indicator: Indicator
    new: bool


def _letters(number: int) -> str:
    """0 → ``a``, 25 → ``z``, 26 → ``aa``: sub-row suffixes as the demo data writes them."""
    text = ""
    number += 1
    while number:
        number, rest = divmod(number - 1, len(_LETTERS))
        text = _LETTERS[rest] + text
    return text


Key = tuple[object, ...]


def _index(indicators: Sequence[Indicator], key: Callable[[Indicator], Key]) -> dict[Key, list[Indicator]]:
    found: dict[Key, list[Indicator]] = {}
    for indicator in indicators:
        found.setdefault(key(indicator), []).append(indicator)
    return found


class _Matcher:
    def __init__(self, rows: Sequence[FileRow], catalogue: Sequence[Indicator]) -> None:
        self.rows = rows
        self.by_code = {indicator.code: indicator for indicator in catalogue}
        self.used: set[str] = set(self.by_code)
        self.taken: set[str] = set()
        self.matched: list[Indicator | None] = [None] * len(rows)
        self.placed: list[Placed | None] = [None] * len(rows)
        self.problems: list[TreeProblem] = []
        self.groups = {i.group: i for i in catalogue if i.is_group}
        numbered = [i for i in catalogue if i.is_numbered]
        subs = [i for i in catalogue if not i.is_numbered and not i.is_group]
        self.numbered_exact = _index(numbered, lambda i: (i.group, i.stt, name_key(i.name)))
        self.numbered_named = _index(numbered, lambda i: (i.group, name_key(i.name)))
        self.sub_exact = _index(subs, lambda i: (i.parent, i.stt, name_key(i.name)))
        self.sub_named = _index(subs, lambda i: (i.parent, name_key(i.name)))

    def run(self) -> None:
        self._by_code()
        for index in list(self._open(RowKind.GROUP)):
            found = self.groups.get(self.rows[index].stt)
            if found is not None and found.code not in self.taken:
                self._take(index, found)
        # Exact matches first for every row, so that a renumbered row found by its name
        # never takes the indicator another row names exactly.
        self._match(RowKind.NUMBERED, self.numbered_exact, lambda r, _: (r.group, r.stt, name_key(r.name)))
        self._match(RowKind.NUMBERED, self.numbered_named, lambda r, _: (r.group, name_key(r.name)))
        self._place((RowKind.GROUP, RowKind.NUMBERED))
        self._match(RowKind.SUB, self.sub_exact, lambda r, i: (self._parent_code(i), r.stt, name_key(r.name)))
        self._match(RowKind.SUB, self.sub_named, lambda r, i: (self._parent_code(i), name_key(r.name)))
        self._place((RowKind.SUB,))

    def _open(self, kind: RowKind) -> Iterator[int]:
        for index, row in enumerate(self.rows):
            if row.kind is kind and self.matched[index] is None and not row.code:
                yield index

    def _take(self, index: int, indicator: Indicator) -> None:
        self.matched[index] = indicator
        self.taken.add(indicator.code)

    def _by_code(self) -> None:
        first_row: dict[str, int] = {}
        for index, row in enumerate(self.rows):
            if not row.code:
                continue
            if row.code in first_row:
                earlier = self.rows[first_row[row.code]].excel_row
                self.problems.append(TreeProblem(index, f"mã {row.code} đã dùng ở dòng {earlier}"))
                continue
            first_row[row.code] = index
            existing = self.by_code.get(row.code)
            if existing is not None:
                self._take(index, existing)
            else:
                self.used.add(row.code)

    def _match(self, kind: RowKind, index_: dict[Key, list[Indicator]], key: Callable[[FileRow, int], Key]) -> None:
        for index in list(self._open(kind)):
            for candidate in index_.get(key(self.rows[index], index), ()):
                if candidate.code not in self.taken:
                    self._take(index, candidate)
                    break

    def _parent_code(self, index: int) -> str | None:
        parent = self.rows[index].parent
        if parent is None:
            return None
        placed = self.placed[parent]
        return placed.indicator.code if placed is not None else None

    def _place(self, kinds: tuple[RowKind, ...]) -> None:
        for index, row in enumerate(self.rows):
            if row.kind not in kinds or self.placed[index] is not None:
                continue
            existing = self.matched[index]
            if existing is not None:
                unit = row.unit or existing.unit
                stt = existing.stt if existing.is_group else row.stt
                # A group row the reader implied keeps the catalogue's own name for it.
                name = existing.name if row.implied else row.name
                self.placed[index] = Placed(replace(existing, stt=stt, name=name, unit=unit), new=False)
                continue
            parent_code = self._parent_code(index)
            placed_parent = self.placed[row.parent] if row.parent is not None else None
            parent = placed_parent.indicator if placed_parent else None
            group = row.group if row.group is not None else (row.code.split(".")[0] if row.code else None)
            if (group not in GROUPS and group != UNGROUPED) or (row.parent is not None and parent is None):
                continue  # the row's own problem (no group, or a parent that could not be placed) is reported
            code = row.code or self._new_code(row, group, parent_code)
            self.used.add(code)
            indicator = Indicator(
                code=code,
                group=group,
                stt=row.stt,
                name=row.name,
                unit=row.unit,
                parent=parent_code,
                department=parent.department if parent is not None else None,
                direction=Direction.HIGHER,
                counted=counted_by_default(row.stt, row.target or ""),
            )
            self.placed[index] = Placed(indicator, new=True)

    def _new_code(self, row: FileRow, group: str, parent_code: str | None) -> str:
        # The ungrouped rows' codes are their STT: the heading's code is no prefix of theirs.
        prefix = f"{group}." if group else ""
        if row.kind is RowKind.GROUP:
            preferred = group or UNGROUPED_CODE
        elif row.kind is RowKind.NUMBERED:
            preferred = f"{prefix}{row.stt}"
        else:
            base = parent_code or group or UNGROUPED_CODE
            return next(f"{base}.{_letters(n)}" for n in count() if f"{base}.{_letters(n)}" not in self.used)
        if preferred not in self.used:
            return preferred
        # Taken by an indicator that moved (rows inserted above): the next free number under the parent.
        base = parent_code if parent_code and parent_code != UNGROUPED_CODE else group
        under = f"{base}." if base else ""
        numbers = [int(code[len(under) :]) for code in self.used if _is_number_under(code, base)]
        start = max(numbers, default=0) + 1
        return next(f"{under}{n}" for n in count(start) if f"{under}{n}" not in self.used)


def _is_number_under(code: str, base: str) -> bool:
    if not base:
        return code.isdigit()
    return code.startswith(base + ".") and code[len(base) + 1 :].isdigit()


def place_rows(
    rows: Sequence[FileRow], catalogue: Sequence[Indicator]
) -> tuple[list[Placed | None], list[TreeProblem]]:
    """Each row's indicator (``None`` where a reported problem leaves it unplaced)."""
    matcher = _Matcher(rows, catalogue)
    matcher.run()
    return matcher.placed, matcher.problems
