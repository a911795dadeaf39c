"""The indicator catalogue: groups A–E, the tree of chỉ tiêu, the phòng that report them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

GROUPS: dict[str, str] = {
    "A": "Chỉ tiêu kinh tế",
    "B": "Chỉ tiêu về môi trường",
    "C": "Chỉ tiêu xã hội",
    "D": "Chỉ tiêu về quốc phòng - an ninh - nội chính",
    "E": "Chỉ tiêu về cải cách hành chính",
}

# A table with no group rows may be stored with no group: its rows print under this heading.
UNGROUPED = ""
UNGROUPED_NAME = "Chưa phân nhóm"
# The code of that heading row (its STT and group are empty); its rows' codes are their STT.
UNGROUPED_CODE = "CPN"

_NUMBERED = re.compile(r"\d+(?:\.\d+)*\.?")


class Direction(StrEnum):
    """Which way is better for an indicator's value."""

    HIGHER = "higher"
    LOWER = "lower"
    NONE = "none"

    @property
    def label(self) -> str:
        return {"higher": "Càng cao càng tốt", "lower": "Càng thấp càng tốt", "none": "Không xác định"}[self.value]


class PeriodKind(StrEnum):
    """The two figures a year has: the estimate made in December and the final result."""

    ESTIMATE = "uoc"
    RESULT = "thuc-hien"

    @property
    def label(self) -> str:
        return "Ước thực hiện" if self is PeriodKind.ESTIMATE else "Thực hiện"


@dataclass(frozen=True, slots=True)
class Department:
    """A phòng (or other office) that reports indicators."""

    code: str
    name: str


@dataclass(frozen=True, slots=True)
class Indicator:
    """One chỉ tiêu: a row of the appendix.

    ``code`` is stable across years and edits ("A.8", "A.8.a"); ``stt`` is the mark
    printed in the table ("8", "+", "-", "" or the group letter).
    """

    code: str
    group: str
    stt: str
    name: str
    unit: str = ""
    parent: str | None = None
    department: str | None = None
    direction: Direction = Direction.HIGHER
    counted: bool = False
    sum_of_children: bool = False

    @property
    def is_group(self) -> bool:
        return self.parent is None and self.stt == self.group

    @property
    def is_numbered(self) -> bool:
        return is_numbered_stt(self.stt)


def is_numbered_stt(stt: str) -> bool:
    """``1``, ``2``, ``1.1`` are numbered; ``+``, ``-``, empty and group letters are not."""
    return _NUMBERED.fullmatch(stt.strip()) is not None


def is_heading(indicator: Indicator, target: str, target_other_year: bool = False) -> bool:
    """A row that takes no figure: a group A–E, or a heading of the catalogue.

    A heading has no unit and no target this year (``target``) nor in any other
    (``target_other_year``), as "Cơ cấu kinh tế" above its three shares.
    """
    if indicator.is_group:
        return True
    return not indicator.unit.strip() and not target.strip() and not target_other_year


def is_assigned(indicator: Indicator, department: str, target: str, target_other_year: bool = False) -> bool:
    """Counted among the indicators phòng ``department`` owes a figure for: one of its rows that takes one.

    The one rule behind every count of a phòng's indicators (the setup file, the file it
    sends, the Excel template, *Tình hình nộp*): its numbered rows and their sub-rows
    (``+``, ``-``, unmarked) count, whether or not they have a target; group rows A–E and
    headings (:func:`is_heading`: no unit and no target, as "Xây dựng NTM" above its two
    figures) do not, as the grid greys them and takes no figure there.
    """
    return indicator.department == department and not is_heading(indicator, target, target_other_year)


def counted_by_default(stt: str, target_text: str) -> bool:
    """DESIGN §3: numbered rows that carry a target count in the summary; sub-rows don't."""
    return is_numbered_stt(stt) and bool(target_text.strip())


def children_of(indicators: Iterable[Indicator]) -> dict[str, list[Indicator]]:
    """Map each code to its direct children, in the order given."""
    children: dict[str, list[Indicator]] = {}
    for indicator in indicators:
        if indicator.parent is not None:
            children.setdefault(indicator.parent, []).append(indicator)
    return children


def depth_of(indicators: Sequence[Indicator]) -> dict[str, int]:
    """Depth of each code in the tree: group rows 0, their rows 1, sub-rows 2, …"""
    by_code = {indicator.code: indicator for indicator in indicators}
    depths: dict[str, int] = {}

    def depth(code: str, guard: int = 0) -> int:
        if code in depths:
            return depths[code]
        parent = by_code[code].parent if code in by_code else None
        value = 0 if parent is None or parent not in by_code or guard > 32 else depth(parent, guard + 1) + 1
        depths[code] = value
        return value

    for indicator in indicators:
        depth(indicator.code)
    return depths


def ancestors(code: str, by_code: dict[str, Indicator]) -> list[str]:
    """Codes of the parents of ``code``, nearest first."""
    found: list[str] = []
    current = by_code.get(code)
    while current is not None and current.parent is not None and current.parent not in found:
        found.append(current.parent)
        current = by_code.get(current.parent)
    return found


def with_ancestors(indicators: Iterable[Indicator], selected: Iterable[str]) -> set[str]:
    """The codes in ``selected`` and every row above them: a phòng's form reads as the table does."""
    by_code = {indicator.code: indicator for indicator in indicators}
    keep: set[str] = set()
    for start in selected:
        code: str | None = start
        while code is not None and code not in keep:
            keep.add(code)
            indicator = by_code.get(code)
            code = indicator.parent if indicator else None
    return keep
