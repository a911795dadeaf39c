"""Finding the header of an appendix table and what each column holds (DESIGN §3b).

Offices put title rows above the header, split it over two rows under a merged
``Năm 2020``, number the columns ``(1)``, ``(2)`` … below it, shuffle the columns and
misspell ``Ước`` as ``Uớc``. A column is known by its words (NFC, case-folded, whole
words: ``ước`` is not found inside ``nước``), the first rule that fits wins.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bkdesk.catalogue import PeriodKind
from bkdesk.exchange.workbook import WorkbookError
from bkdesk.text import clean, words

HEADER_SEARCH_ROWS = 30
# Columns beyond this are formatting debris, never part of an appendix.
MAX_COLUMNS = 200


class Role(StrEnum):
    NUMBER = "number"
    CODE = "code"
    NAME = "name"
    UNIT = "unit"
    TARGET = "target"
    VALUE = "value"
    VERDICT = "verdict"
    SAME_PERIOD = "same_period"
    LAST_YEAR = "last_year"
    NOTE = "note"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS: dict[Role, str] = {
    Role.NUMBER: "STT",
    Role.CODE: "Mã",
    Role.NAME: "Chỉ tiêu",
    Role.UNIT: "Đơn vị tính",
    Role.TARGET: "Nhiệm vụ/Kế hoạch",
    Role.VALUE: "Ước thực hiện",
    Role.VERDICT: "Đánh giá",
    Role.SAME_PERIOD: "So với cùng kỳ",
    Role.LAST_YEAR: "Thực hiện năm trước",
    Role.NOTE: "Ghi chú",
}

Phrase = tuple[str, ...]

# The rules in the order they are tried. "Thực hiện so với cùng kỳ (%)" is the
# same-period column although it also says "thực hiện", so order matters.
_SAME_PERIOD: tuple[Phrase, ...] = (("cùng", "kỳ"), ("cùng", "kì"))
_VERDICT: tuple[Phrase, ...] = (("đánh", "giá"),)
_NOTE: tuple[Phrase, ...] = (("ghi", "chú"),)
_RATIO: tuple[Phrase, ...] = (("so", "với"), ("so", "sánh"), ("tỷ", "lệ"), ("tỉ", "lệ"))
_RATIO_SLASH = re.compile(r"(ước|uớc|ưth|th|thực hiện)\s*/\s*(kh|nv|kế hoạch|nhiệm vụ)\b")
_DEPARTMENT: tuple[Phrase, ...] = (
    ("đơn", "vị", "thực", "hiện"),
    ("đơn", "vị", "chủ", "trì"),
    ("đơn", "vị", "báo", "cáo"),
    ("cơ", "quan", "chủ", "trì"),
    ("phụ", "trách"),
)
# "Uớc" (accent on the u) is how the seed's own header spells it.
_ESTIMATE: tuple[Phrase, ...] = (
    ("ước",),
    ("uớc",),
    ("ươc",),
    ("ưth",),
    ("dự", "kiến", "thực", "hiện"),
    ("dự", "kiến", "th"),
)
_TARGET: tuple[Phrase, ...] = (("nhiệm", "vụ"), ("kế", "hoạch"), ("kh",))
_DONE: tuple[Phrase, ...] = (("thực", "hiện"),)
_CODE: tuple[Phrase, ...] = (("mã",),)
_NAME: tuple[Phrase, ...] = (("chỉ", "tiêu"), ("nội", "dung"))
_UNIT: tuple[Phrase, ...] = (("đơn", "vị"), ("đvt",))
_NUMBER: tuple[Phrase, ...] = (("stt",), ("tt",), ("số", "thứ", "tự"))

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_YEAR_LABEL = re.compile(r"(?:năm\s*)?(?:19|20)\d{2}")
_COLUMN_NUMBER = re.compile(r"\(?\s*[0-9]{1,2}[a-z]?\s*\)?(?:\s*[-+*/=x:]\s*\(?\s*[0-9]{1,2}[a-z]?\s*\)?)*|[A-Z]")


@dataclass(frozen=True, slots=True)
class Reading:
    """What a header text says: the role it names (``None``: nothing bkdesk reads)."""

    role: Role | None
    # The role the words name before the year is weighed; the header is found by it.
    named: Role | None = None
    names_year: bool = False
    ignored_because: str = ""


@dataclass(frozen=True, slots=True)
class Column:
    index: int
    header: str
    role: Role

    @property
    def letter(self) -> str:
        return get_column_letter(self.index)

    @property
    def title(self) -> str:
        """The header as the user sees it, or the role's name for a blank header cell."""
        return self.header or self.role.label


@dataclass(frozen=True, slots=True)
class IgnoredColumn:
    index: int
    header: str
    reason: str

    @property
    def letter(self) -> str:
        return get_column_letter(self.index)


@dataclass(frozen=True, slots=True)
class Header:
    first_row: int
    last_row: int
    columns: dict[Role, Column]
    ignored: tuple[IgnoredColumn, ...] = ()
    # Header rows, then the row of column numbers if there is one.
    skipped_rows: tuple[int, ...] = field(default=())

    def get(self, role: Role) -> Column | None:
        return self.columns.get(role)


def _has(tokens: Sequence[str], phrases: Iterable[Phrase]) -> bool:
    for phrase in phrases:
        size = len(phrase)
        for start in range(len(tokens) - size + 1):
            if tuple(tokens[start : start + size]) == phrase:
                return True
    return False


def read_header_text(text: str, year: int, period: PeriodKind = PeriodKind.ESTIMATE) -> Reading:
    """The role a header cell names in a table of ``year`` (see the module's rules)."""
    cleaned = clean(text)
    if not cleaned:
        return Reading(None)
    tokens = words(cleaned)
    folded = cleaned.casefold()
    years = {int(found) for found in _YEAR.findall(cleaned)}
    names_year = year in years
    other_year = bool(years) and not names_year

    def plain(role: Role) -> Reading:
        return Reading(role, role, names_year)

    def ignored(named: Role | None, reason: str) -> Reading:
        return Reading(None, named, names_year, reason)

    if _has(tokens, _SAME_PERIOD):
        return plain(Role.SAME_PERIOD)
    if _has(tokens, _VERDICT):
        return plain(Role.VERDICT)
    if _has(tokens, _NOTE):
        return plain(Role.NOTE)
    if _has(tokens, _RATIO) or "%" in cleaned or _RATIO_SLASH.search(folded):
        return ignored(None, "tỷ lệ do bkdesk tự tính")
    if _has(tokens, _DEPARTMENT):
        return ignored(None, "đơn vị thực hiện không nhập từ biểu")
    for phrases, role in ((_ESTIMATE, Role.VALUE), (_TARGET, Role.TARGET)):
        if _has(tokens, phrases):
            if other_year:
                shown = ", ".join(str(y) for y in sorted(years))
                return ignored(role, f"ghi năm {shown}, không phải năm {year} của biểu")
            if role is Role.VALUE and period is PeriodKind.RESULT:
                return ignored(role, "số ước thực hiện: nhập bằng --period uoc")
            return plain(role)
    if _has(tokens, _DONE):
        if year - 1 in years and not names_year:
            return plain(Role.LAST_YEAR)
        if period is PeriodKind.RESULT and not other_year and "tháng" not in tokens:
            return plain(Role.VALUE)
        if period is PeriodKind.ESTIMATE and not other_year and "tháng" not in tokens:
            return ignored(Role.VALUE, "số thực hiện: nhập bằng --period thuc-hien")
        return ignored(Role.VALUE, "không phải số của năm trước hay của năm biểu")
    for phrases, role in ((_CODE, Role.CODE), (_NAME, Role.NAME), (_UNIT, Role.UNIT), (_NUMBER, Role.NUMBER)):
        if _has(tokens, phrases):
            return plain(role)
    return Reading(None)


def is_column_number_row(texts: Sequence[str]) -> bool:
    """``(1)``, ``(2)`` … or ``A``, ``B``, ``1``, ``2`` … under a header: not a data row."""
    filled = [clean(text) for text in texts if clean(text)]
    return len(filled) >= 2 and all(_COLUMN_NUMBER.fullmatch(text) for text in filled)


def _is_header_word(text: str, year: int, period: PeriodKind) -> bool:
    reading = read_header_text(text, year, period)
    return reading.named is not None or bool(reading.ignored_because) or bool(_YEAR_LABEL.fullmatch(text.casefold()))


class _Grid:
    """The top rows of a sheet as text, with horizontally merged titles spread over their columns."""

    def __init__(self, sheet: Worksheet, rows: int) -> None:
        width = min(sheet.max_column or 1, MAX_COLUMNS)
        self.height = min(sheet.max_row or 0, rows)
        self.texts: list[list[str]] = []
        for values in sheet.iter_rows(min_row=1, max_row=max(self.height, 1), max_col=width, values_only=True):
            self.texts.append([_header_cell_text(value) for value in values])
        # (row, column) → the first column of the horizontal merge it belongs to.
        self.merged_from: dict[tuple[int, int], int] = {}
        for merged in sheet.merged_cells.ranges:
            if merged.min_row > self.height or merged.max_col == merged.min_col:
                continue
            for column in range(merged.min_col, min(merged.max_col, width) + 1):
                self.merged_from[(merged.min_row, column)] = merged.min_col

    def row(self, number: int) -> list[str]:
        return self.texts[number - 1] if 1 <= number <= len(self.texts) else []

    def spread(self, number: int) -> list[tuple[str, int]]:
        """Row ``number`` with each merged title copied to every column it covers, and its source column."""
        texts = self.row(number)
        spread: list[tuple[str, int]] = []
        for index, text in enumerate(texts, start=1):
            source = self.merged_from.get((number, index), index)
            spread.append((texts[source - 1] if source != index else text, source))
        return spread


def _header_cell_text(value: object) -> str:
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, (int, float)):
        return str(int(value)) if float(value).is_integer() else str(value)
    return ""


def _qualifies(readings: Mapping[int, tuple[Reading, object]]) -> bool:
    names = {source for reading, source in readings.values() if reading.named is Role.NAME}
    figures = {source for reading, source in readings.values() if reading.named in (Role.TARGET, Role.VALUE)}
    return any(a != b for a in names for b in figures)


def find_header(sheet: Worksheet, year: int, period: PeriodKind = PeriodKind.ESTIMATE) -> Header | None:
    """The header of the table on ``sheet``, or ``None`` when the first 30 rows hold none."""
    grid = _Grid(sheet, HEADER_SEARCH_ROWS + 2)
    for number in range(1, min(grid.height, HEADER_SEARCH_ROWS) + 1):
        top = grid.spread(number)
        if not any(text for text, _ in top):
            continue
        below = grid.row(number + 1)
        single = {
            index: (read_header_text(text, year, period), source)
            for index, (text, source) in enumerate(top, start=1)
            if text
        }
        second = _is_second_row(top, below, grid, number, year, period)
        if second:
            combined = _combine(top, below, year, period)
            if _qualifies(combined):
                texts = {index: " ".join(t for t in (top[index - 1][0], _at(below, index)) if t) for index in combined}
                return _build(grid, number, number + 1, combined, texts, year)
        if _qualifies(single):
            texts = {index: top[index - 1][0] for index in single}
            return _build(grid, number, number, single, texts, year)
    return None


def _at(texts: Sequence[str], index: int) -> str:
    return texts[index - 1] if 0 < index <= len(texts) else ""


def _is_second_row(
    top: list[tuple[str, int]], below: list[str], grid: _Grid, number: int, year: int, period: PeriodKind
) -> bool:
    """Whether the row under ``number`` continues the header (``Kế hoạch``, ``Ước TH`` under ``Năm 2020``)."""
    filled = [(index, text) for index, text in enumerate(below, start=1) if text]
    if not filled or is_column_number_row(below):
        return False
    if len({source for text, source in top if text}) < 2:
        return False  # a lone title above is not the first row of a header
    if not all(_is_header_word(text, year, period) for _, text in filled):
        return False
    under_merge = any((number, index) in grid.merged_from for index, _ in filled)
    return under_merge or len(filled) >= 2


def _combine(
    top: list[tuple[str, int]], below: list[str], year: int, period: PeriodKind
) -> dict[int, tuple[Reading, object]]:
    combined: dict[int, tuple[Reading, object]] = {}
    for index in range(1, max(len(top), len(below)) + 1):
        upper, source = top[index - 1] if index <= len(top) else ("", index)
        lower = _at(below, index)
        text = " ".join(t for t in (upper, lower) if t)
        if text:
            combined[index] = (read_header_text(text, year, period), (source, index) if lower else source)
    return combined


def _build(
    grid: _Grid,
    first: int,
    last: int,
    readings: Mapping[int, tuple[Reading, object]],
    texts: dict[int, str],
    year: int,
) -> Header:
    candidates: dict[Role, list[tuple[int, Reading]]] = {}
    ignored: list[IgnoredColumn] = []
    for index, (reading, _source) in sorted(readings.items()):
        if reading.role is None:
            if reading.ignored_because:
                ignored.append(IgnoredColumn(index, texts[index], reading.ignored_because))
            continue
        candidates.setdefault(reading.role, []).append((index, reading))
    columns: dict[Role, Column] = {}
    for role, found in candidates.items():
        chosen = found
        if len(found) > 1:
            chosen = [(index, reading) for index, reading in found if reading.names_year]
            if len(chosen) != 1:
                shown = ", ".join(f"{get_column_letter(i)} ({texts[i]})" for i, _ in found)
                raise WorkbookError(
                    f"Dòng tiêu đề {first}: nhiều cột cùng là «{role.label}»: {shown}; "
                    f"hãy đổi tên để chỉ một cột ghi năm {year}"
                )
            for index, _reading in found:
                if index != chosen[0][0]:
                    ignored.append(IgnoredColumn(index, texts[index], f"đã dùng cột có năm {year}"))
        index = chosen[0][0]
        columns[role] = Column(index, texts[index], role)
    if Role.NUMBER not in columns and Role.NAME in columns:
        # The seed's STT header cell is blank: the nearest blank-headed column left of the name.
        for index in range(columns[Role.NAME].index - 1, 0, -1):
            if not any(_at(grid.row(row), index) for row in range(first, last + 1)):
                columns[Role.NUMBER] = Column(index, "", Role.NUMBER)
                break
    for role in (Role.NAME, Role.TARGET):
        if role not in columns:
            raise WorkbookError(
                f"Dòng tiêu đề {first}: không thấy cột «{role.label}» "
                f"(cần có cột tên chỉ tiêu và cột nhiệm vụ/kế hoạch năm {year})"
            )
    skipped = list(range(first, last + 1))
    if is_column_number_row(grid.row(last + 1)):
        skipped.append(last + 1)
    return Header(first, skipped[-1], columns, tuple(sorted(ignored, key=lambda c: c.index)), tuple(skipped))
