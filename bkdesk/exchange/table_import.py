"""Reading an appendix table from an Excel workbook as offices really send it (DESIGN §3b).

:func:`read_table` finds the header, reads every row below it until the first blank
row or the note and signature block, checks every cell, matches the rows to the
catalogue and returns a :class:`~bkdesk.tables.Table` ready to store, with every
problem found (never only the first): a table with any problem must not be stored.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from bkdesk.catalogue import GROUPS, UNGROUPED, Direction, Indicator, PeriodKind, is_heading
from bkdesk.entry import Field, entry_slips, heading_refusal
from bkdesk.exchange import cells
from bkdesk.exchange.cells import CellError, ExcelCell, is_blank
from bkdesk.exchange.header import MAX_COLUMNS, Column, Header, Role, find_header, is_column_number_row
from bkdesk.exchange.matching import Placed, place_rows
from bkdesk.exchange.rows import (
    FileRow,
    RowKind,
    SttError,
    TreeProblem,
    implied_group,
    is_among_them,
    is_ungrouped_heading,
    link_rows,
    read_stt,
    split_name_mark,
)
from bkdesk.exchange.workbook import MAX_PART_BYTES, WorkbookError, open_workbook
from bkdesk.quantities import QuantityError, parse_quantity
from bkdesk.tables import Table, TableLine
from bkdesk.text import clean
from bkdesk.verdicts import Verdict, VerdictError, judge, parse_verdict

# What starts a note or the signature block under the table.
_NOTE_START = re.compile(
    r"(ghi chú|chú thích|lưu ý|nguồn\s*(?::|số liệu|tài liệu)|người lập|người ký|người duyệt|người tổng hợp"
    r"|thủ trưởng|lãnh đạo|kế toán|trưởng phòng|phó trưởng phòng|giám đốc|phó giám đốc|chủ tịch|phó chủ tịch"
    r"|tm\.|t/m|kt\.|k/t|nơi nhận|xác nhận|ký tên|\(ký|\*)(?=$|[\s:.,(])"
)
_DATE_LINE = re.compile(r"ngày\s+\S{0,4}\s*tháng\s+\S{0,4}\s*năm")
# How far below the blank row that ends the table a forgotten part is looked for.
_LOOK_BELOW_END = 20
_FIGURE_ROLES = (Role.UNIT, Role.TARGET, Role.VALUE, Role.LAST_YEAR, Role.VERDICT, Role.SAME_PERIOD)
# The app's own report workbook (bkdesk/reports/xlsx.py): its title, its header row, the
# note mark beside an adjusted verdict ("Đạt (1)") and the note it refers to.
_REPORT_SHEET = "Biểu"
_REPORT_HEADER_ROW = 4
_REPORT_TITLE = re.compile(r"BIỂU (DỰ ƯỚC )?KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU NGHỊ QUYẾT NĂM (\d{4})")
_REPORT_MARK = re.compile(r"\s*\((\d+)\)\s*$")
_REPORT_NOTE = re.compile(
    r"\((\d+)\) .*: đánh giá «([^»]*)» do cơ quan tổng hợp điều chỉnh \(.*?\)\. Lý do: (.+)", re.DOTALL
)


@dataclass(frozen=True, slots=True)
class Problem:
    """A cell or row that stops the import, with its Excel place and a Vietnamese explanation."""

    row: int | None
    column: str
    header: str
    message: str
    # The catalogue's code of the row, when the row is one the catalogue has.
    code: str = ""

    def __str__(self) -> str:
        place: list[str] = []
        if self.row is not None:
            place.append(f"Dòng {self.row}" + (f" ({self.code})" if self.code else ""))
        if self.column:
            place.append(f"cột {self.column}" + (f" ({self.header})" if self.header else ""))
        return f"{', '.join(place)}: {self.message}" if place else self.message


@dataclass(frozen=True, slots=True)
class ReportSheet:
    """A sheet recognised as bkdesk's own report workbook: the year and period its title names."""

    year: int
    period: PeriodKind


def report_sheet(sheet: Worksheet) -> ReportSheet | None:
    """The year and period of bkdesk's own appendix workbook (the PDF's twin), or ``None`` for any other sheet.

    Recognised by its sheet name, its title in row 1 and its header row, exactly as
    :mod:`bkdesk.reports.xlsx` writes them, so an office's own table is never taken for it.
    """
    from bkdesk.reports.layout import headers

    if sheet.title != _REPORT_SHEET or sheet.max_row < _REPORT_HEADER_ROW:
        return None
    title = sheet.cell(row=1, column=1).value
    found = _REPORT_TITLE.fullmatch(clean(title)) if isinstance(title, str) else None
    if found is None:
        return None
    year = int(found.group(2))
    period = PeriodKind.ESTIMATE if found.group(1) else PeriodKind.RESULT
    written = tuple(sheet.cell(row=_REPORT_HEADER_ROW, column=c).value for c in range(1, 8))
    return ReportSheet(year, period) if written == headers(year, period) else None


def _refuse_other_year(sheet: Worksheet, year: int, period: PeriodKind) -> None:
    """bkdesk's report of another year or period is refused, naming both, instead of read as something else."""
    report = report_sheet(sheet)
    if report is None or (report.year, report.period) == (year, period):
        return
    said = f"{report.period.label.lower()} năm {report.year}"
    wanted = f"{period.label.lower()} năm {year}"
    raise WorkbookError(
        f"Trang «{sheet.title}» là biểu bkdesk in ra cho {said}, không phải cho {wanted}: hãy nhập biểu này "
        f"vào năm {report.year}, {report.period.label.lower()}"
    )


@dataclass(frozen=True, slots=True)
class ImportResult:
    """The table read from a workbook, and everything wrong with it (empty when it can be stored)."""

    table: Table
    problems: list[Problem]
    sheet: str = ""
    header: Header | None = None
    new_codes: tuple[str, ...] = field(default=())
    # Things worth telling the user that do not stop the import.
    warnings: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.problems


def read_table(
    path: str | os.PathLike[str],
    catalogue: Sequence[Indicator],
    year: int,
    period: PeriodKind = PeriodKind.ESTIMATE,
    *,
    max_part_bytes: int = MAX_PART_BYTES,
    targeted: Collection[str] = frozenset(),
) -> ImportResult:
    """Read the appendix table in the workbook at ``path`` for ``year``.

    Raises :class:`~bkdesk.exchange.workbook.WorkbookError` when the file cannot be
    read as a table at all; problems with cells and rows come back in the result.
    """
    workbook = open_workbook(path, max_part_bytes=max_part_bytes)
    return read_workbook(workbook, catalogue, year, period, targeted=targeted)


def read_workbook(
    workbook: Workbook,
    catalogue: Sequence[Indicator],
    year: int,
    period: PeriodKind = PeriodKind.ESTIMATE,
    *,
    targeted: Collection[str] = frozenset(),
) -> ImportResult:
    """Read the table of an already opened workbook (see :func:`read_table`)."""
    sheet, header = locate_table(workbook, year, period)
    return read_sheet(sheet, header, catalogue, year, targeted=targeted)


def locate_table(workbook: Workbook, year: int, period: PeriodKind = PeriodKind.ESTIMATE) -> tuple[Worksheet, Header]:
    """The sheet holding the table (the active one first) and its header; raises WorkbookError when none has one."""
    sheets: list[Worksheet] = list(workbook.worksheets)
    active = workbook.active
    if isinstance(active, Worksheet) and active in sheets:
        sheets.remove(active)
        sheets.insert(0, active)
    for sheet in sheets:
        _refuse_other_year(sheet, year, period)
        header = find_header(sheet, year, period)
        if header is not None:
            return sheet, header
    names = ", ".join(sheet.title for sheet in sheets)
    raise WorkbookError(
        f"Không tìm thấy dòng tiêu đề của biểu trong 30 dòng đầu (trang: {names}): cần các ô tiêu đề riêng "
        "cho tên chỉ tiêu («Chỉ tiêu») và cho «Nhiệm vụ»/«Kế hoạch» hoặc «Ước thực hiện»"
    )


def has_group_rows(sheet: Worksheet, header: Header) -> bool:
    """Whether the table under ``header`` has a group row (A–E, I–V, or bkdesk's "Chưa phân nhóm")."""
    number = header.get(Role.NUMBER)
    name = header.columns[Role.NAME]
    columns = [column.index for column in (number, name) if column is not None]
    first = header.last_row + 1
    for values in sheet.iter_rows(min_row=first, min_col=min(columns), max_col=max(columns), values_only=True):
        stt = values[number.index - min(columns)] if number is not None else None
        written = values[name.index - min(columns)]
        if isinstance(written, str) and not stt and is_ungrouped_heading(written):
            return True
        try:
            if isinstance(stt, str) and read_stt(stt).kind is RowKind.GROUP:
                return True
        except SttError:
            continue
    return False


@dataclass(slots=True)
class _Figures:
    target: str | None = None
    value: str | None = None
    verdict: str | None = None
    same_period: str | None = None
    last_year: str | None = None
    note: str | None = None


class _RowReader:
    """Reads one data row's cells, collecting every problem instead of stopping at the first."""

    def __init__(self, header: Header, problems: list[Problem], report: bool = False) -> None:
        self.header = header
        self.problems = problems
        # bkdesk's own report: an adjusted verdict carries its note's mark ("Đạt (1)").
        self.report = report
        self.marks: dict[int, str] = {}

    def read(
        self, excel_row: int, cells_by_role: Mapping[Role, ExcelCell], role: Role, parse: Callable[..., Any]
    ) -> Any:
        cell = cells_by_role.get(role)
        try:
            return parse(cell)
        except CellError as exc:
            column = self.header.columns[role]
            self.problems.append(Problem(excel_row, column.letter, column.title, exc.message))
            return None

    def row(self, excel_row: int, by_role: Mapping[Role, ExcelCell]) -> tuple[FileRow, _Figures] | None:
        columns = self.header.columns
        stt_written = self.read(excel_row, by_role, Role.NUMBER, cells.stt_text) or ""
        written_name = self.read(excel_row, by_role, Role.NAME, cells.name)
        name = written_name or ""
        unit = self.read(excel_row, by_role, Role.UNIT, lambda c: cells.plain_text(c, what="đơn vị tính")) or ""
        code = self.read(excel_row, by_role, Role.CODE, lambda c: cells.plain_text(c, what="mã")) or ""
        figures = _Figures(
            target=self.read(excel_row, by_role, Role.TARGET, cells.figure),
            value=self.read(excel_row, by_role, Role.VALUE, cells.figure),
            verdict=self.read(excel_row, by_role, Role.VERDICT, self._verdict(excel_row)),
            same_period=self.read(excel_row, by_role, Role.SAME_PERIOD, cells.same_period),
            last_year=self.read(excel_row, by_role, Role.LAST_YEAR, cells.figure),
            note=self.read(excel_row, by_role, Role.NOTE, cells.note),
        )
        try:
            stt = read_stt(stt_written)
        except SttError as exc:
            column = columns[Role.NUMBER]
            self.problems.append(Problem(excel_row, column.letter, column.title, exc.message))
            return None
        if written_name is None and not is_blank(by_role.get(Role.NAME)):
            return None  # the name was refused, and said so
        mark = stt.mark
        kind = stt.kind
        if stt.kind is RowKind.GROUP and not name:
            name = GROUPS[mark]
        if stt.kind is RowKind.SUB and not mark and is_ungrouped_heading(name) and not unit and figures.target is None:
            kind = RowKind.GROUP  # the heading bkdesk prints above rows stored with no group
            mark, name = UNGROUPED, name.rstrip(":").strip()
        elif stt.kind is RowKind.SUB and is_among_them(name) and (unit or _has_figures(figures)):
            column = columns[Role.NAME]
            self.problems.append(
                Problem(
                    excel_row,
                    column.letter,
                    column.title,
                    f"«{name}» là dòng tiêu đề của các dòng con bên dưới, không có tên chỉ tiêu nên không nhận "
                    "đơn vị hay số liệu; hãy ghi tên chỉ tiêu (ví dụ «Trong đó: lao động có bằng cấp») "
                    "hoặc xóa số liệu ở dòng này",
                )
            )
            return None
        if stt.kind is RowKind.SUB:
            written_mark, bare = split_name_mark(name)
            if written_mark and mark in ("", written_mark):
                mark, name = written_mark, bare
        if not name:
            column = columns[Role.NAME]
            self.problems.append(Problem(excel_row, column.letter, column.title, "thiếu tên chỉ tiêu"))
            return None
        file_row = FileRow(excel_row, kind, mark, name, unit=unit, target=figures.target, code=code)
        return file_row, figures

    def _verdict(self, excel_row: int) -> Callable[[ExcelCell | None], str | None]:
        if not self.report:
            return cells.verdict

        def read(cell: ExcelCell | None) -> str | None:
            value = cell.value if cell is not None else None
            if cell is None or not isinstance(value, str) or (found := _REPORT_MARK.search(value)) is None:
                return cells.verdict(cell)
            self.marks[excel_row] = found.group(1)
            return cells.verdict(_Written(value[: found.start()], cell.number_format))

        return read


@dataclass(slots=True)
class _Written:
    """A text cell's value without the note mark bkdesk's report prints beside an adjusted verdict."""

    value: str
    number_format: str
    data_type: str = "s"


def _has_figures(figures: _Figures) -> bool:
    return any(
        text is not None
        for text in (figures.target, figures.value, figures.verdict, figures.same_period, figures.last_year)
    )


def read_sheet(
    sheet: Worksheet,
    header: Header,
    catalogue: Sequence[Indicator],
    year: int,
    *,
    targeted: Collection[str] = frozenset(),
    group: str | None = None,
) -> ImportResult:
    """Read the rows under ``header`` on ``sheet`` (see :func:`read_table`).

    ``targeted``: codes with a target in another year's table, which are no headings
    even when this file gives them neither unit nor target. ``group``: the group (A–E,
    see :func:`~bkdesk.exchange.rows.read_group`) of a table with no group rows; without
    it such a table's rows are stored with no group, under "Chưa phân nhóm".
    """
    problems: list[Problem] = []
    report = report_sheet(sheet) is not None
    reader = _RowReader(header, problems, report)
    width = min(max(sheet.max_column or 1, max(c.index for c in header.columns.values())), MAX_COLUMNS)
    rows: list[FileRow] = []
    figures: list[_Figures] = []
    started = False
    warnings: list[str] = []
    first_row = header.last_row + 1
    lines_iter = enumerate(sheet.iter_rows(min_row=first_row, max_col=width), start=first_row)
    notes: dict[str, tuple[Verdict | None, str]] = {}
    for excel_row, row_cells in lines_iter:
        by_role = {role: row_cells[column.index - 1] for role, column in header.columns.items()}
        if all(is_blank(cell) for cell in by_role.values()):
            if started:
                if report:
                    notes = _report_notes(lines_iter)
                    break
                warnings.extend(_rows_after_the_end(excel_row, lines_iter, header))
                break
            continue
        if _is_note_row(row_cells, by_role):
            if report:
                notes = _report_notes(lines_iter)
            break
        started = True
        if _repeats_header(row_cells, by_role, header):
            continue
        read = reader.row(excel_row, by_role)
        if read is not None:
            rows.append(read[0])
            figures.append(read[1])
    if not rows and not problems:
        raise WorkbookError(f"Trang «{sheet.title}»: không có dòng chỉ tiêu nào dưới dòng tiêu đề {header.first_row}")
    first_group = next((row for row in rows if row.kind is RowKind.GROUP), None)
    # Rows that all name their code (a Mã column) take their group from it.
    if first_group is None and (group is not None or not all(row.code for row in rows)):
        rows.insert(0, implied_group(header.last_row, group))
        figures.insert(0, _Figures())
    elif group is not None and first_group is not None:
        column = header.get(Role.NUMBER) or header.columns[Role.NAME]
        problems.append(
            Problem(
                first_group.excel_row,
                column.letter,
                column.title,
                f"biểu đã có dòng nhóm ({first_group.stt or first_group.name}) nên không chọn nhóm {group} cho cả "
                "biểu được; hãy nhập lại mà không chọn nhóm",
            )
        )
    tree_problems = link_rows(rows)
    placed, match_problems = place_rows(rows, catalogue)
    if report:
        placed = [
            _direction_from_report(p, f, r.excel_row in reader.marks)
            for p, f, r in zip(placed, figures, rows, strict=True)
        ]
    known = {
        row.excel_row: place.indicator.code for row, place in zip(rows, placed, strict=True) if place and not place.new
    }
    problems[:] = [replace(problem, code=known.get(problem.row or 0, "")) for problem in problems]
    problems.extend(_row_problems(tree_problems + match_problems, rows, header))
    # A row with a refused cell is judged no further: its unit or target may only look empty.
    troubled = {problem.row for problem in problems}
    for file_row, place, found in zip(rows, placed, figures, strict=True):
        if place is not None and file_row.excel_row not in troubled:
            problems.extend(_figures_on_heading(file_row.excel_row, place.indicator, found, header, targeted))
            warnings.extend(_slips(file_row.excel_row, place.indicator, found))
    overrides = {
        file_row.excel_row: notes[reader.marks[file_row.excel_row]]
        for file_row in rows
        if reader.marks.get(file_row.excel_row) in notes
    }
    lines = tuple(
        _line(p, f, overrides.get(r.excel_row) if not r.implied else None)
        for r, p, f in zip(rows, placed, figures, strict=True)
        if p is not None
    )
    problems.sort(key=lambda p: (p.row or 0, len(p.column), p.column))
    new_codes = tuple(p.indicator.code for p in placed if p is not None and p.new)
    return ImportResult(Table(year, lines), problems, sheet.title, header, new_codes, tuple(warnings))


def _rows_after_the_end(
    blank_row: int, following: Iterator[tuple[int, tuple[ExcelCell, ...]]], header: Header
) -> list[str]:
    """A row below the blank one that still reads like a row of the table: say it was left out."""
    for excel_row, row_cells in following:
        if excel_row > blank_row + _LOOK_BELOW_END:
            return []
        by_role = {role: row_cells[column.index - 1] for role, column in header.columns.items()}
        if all(is_blank(cell) for cell in by_role.values()):
            continue
        if _is_note_row(row_cells, by_role) or is_blank(by_role.get(Role.NAME)):
            return []
        return [
            f"Biểu dừng ở dòng trống {blank_row}; dòng {excel_row} bên dưới vẫn có chỉ tiêu nhưng không được nhập "
            "(xóa dòng trống rồi nhập lại nếu cần)"
        ]
    return []


_FIGURE_COLUMNS = (
    (Role.TARGET, "target"),
    (Role.VALUE, "value"),
    (Role.LAST_YEAR, "last_year"),
    (Role.SAME_PERIOD, "same_period"),
    (Role.VERDICT, "verdict"),
)


def _figures_on_heading(
    excel_row: int, indicator: Indicator, figures: _Figures, header: Header, targeted: Collection[str]
) -> list[Problem]:
    """A figure on a group row or on a heading of the catalogue (no unit, no target in any year)."""
    if not is_heading(indicator, figures.target or "", indicator.code in targeted):
        return []
    found: list[Problem] = []
    for role, attribute in _FIGURE_COLUMNS:
        if getattr(figures, attribute) is None or role not in header.columns:
            continue
        column = header.columns[role]
        field = Field.TARGET if role is Role.TARGET else Field.VALUE
        place = f"{indicator.code} {indicator.name}"
        found.append(Problem(excel_row, column.letter, column.title, heading_refusal(indicator, field, place)))
    return found


def _slips(excel_row: int, indicator: Indicator, figures: _Figures) -> list[str]:
    """What the grid would ask about, as warnings: a printed table is what it is."""
    said: list[str] = []
    if figures.target:
        said.extend(entry_slips(indicator, Field.TARGET, figures.target).warnings)
    if figures.value:
        said.extend(entry_slips(indicator, Field.VALUE, figures.value, target=figures.target or "").warnings)
    return [f"dòng {excel_row}: {slip}" for slip in said]


def _direction_from_report(placed: Placed | None, figures: _Figures, adjusted: bool) -> Placed | None:
    """A new indicator's better direction, as bkdesk's report shows it by its computed verdict.

    The report prints the verdict bkdesk computed with the indicator's direction; where
    "higher is better" would not give it and another direction does, that one is taken,
    so the table evaluates as it was printed. An adjusted verdict says nothing of it.
    """
    if placed is None or not placed.new or adjusted or figures.target is None or figures.value is None:
        return placed
    try:
        target, estimate = parse_quantity(figures.target), parse_quantity(figures.value)
        printed = parse_verdict(figures.verdict)
    except (QuantityError, VerdictError):
        return placed  # the cell's own problem is reported
    if judge(target, estimate, Direction.HIGHER) == printed:
        return placed
    for direction in (Direction.LOWER, Direction.NONE):
        if judge(target, estimate, direction) == printed:
            return Placed(replace(placed.indicator, direction=direction), new=True)
    return placed


def _report_notes(following: Iterator[tuple[int, tuple[ExcelCell, ...]]]) -> dict[str, tuple[Verdict | None, str]]:
    """The notes under bkdesk's report: each adjusted verdict by its mark, with its reason."""
    # A note longer than Excel's tallest row goes on in the rows under it, cut at a space.
    texts: list[str] = []
    for _excel_row, row_cells in following:
        first = row_cells[0].value if row_cells else None
        if not isinstance(first, str) or not clean(first):
            continue
        if re.match(r"\(\d+\) ", clean(first)) or not texts:
            texts.append(clean(first))
        else:
            texts[-1] += " " + clean(first)
    found: dict[str, tuple[Verdict | None, str]] = {}
    for text in texts:
        match = _REPORT_NOTE.fullmatch(text)
        if match is None:
            continue
        try:
            verdict = parse_verdict(match.group(2))
        except VerdictError:
            continue  # "Chưa đánh giá": the office took the verdict back to none
        found[match.group(1)] = (verdict, match.group(3))
    return found


def _line(placed: Placed, figures: _Figures, override: tuple[Verdict | None, str] | None = None) -> TableLine:
    return TableLine(
        indicator=placed.indicator,
        target=figures.target,
        estimate=figures.value,
        reported_verdict=figures.verdict,
        reported_pct_last_year=figures.same_period,
        last_year=figures.last_year,
        note=figures.note,
        override=override,
    )


def _row_problems(found: Sequence[TreeProblem], rows: Sequence[FileRow], header: Header) -> list[Problem]:
    column: Column = header.get(Role.NUMBER) or header.columns[Role.NAME]
    return [Problem(rows[p.row_index].excel_row, column.letter, column.title, p.message) for p in found]


def _repeats_header(row_cells: Sequence[ExcelCell], by_role: Mapping[Role, ExcelCell], header: Header) -> bool:
    """The header or its column numbers again, as a sheet printed over several pages repeats them."""
    name = by_role[Role.NAME]
    if is_blank(name):
        return False  # a row of figures without a name is a mistake to report, not a header
    texts = [clean(cell.value) if isinstance(cell.value, (str, int)) else "" for cell in row_cells]
    if is_column_number_row(texts):
        return True
    return isinstance(name.value, str) and clean(name.value) == header.columns[Role.NAME].header


def _note_like(cell: ExcelCell) -> bool:
    value = cell.value
    if not isinstance(value, str):
        return False
    text = clean(value).casefold()
    return bool(_NOTE_START.match(text) or _DATE_LINE.search(text))


def _is_note_row(row_cells: Sequence[ExcelCell], by_role: Mapping[Role, ExcelCell]) -> bool:
    """A note or signature line under the table; a real row that merely starts alike has figures."""
    first = next((cell for cell in row_cells if not is_blank(cell)), None)
    if first is None or not _note_like(first):
        return False
    stt = by_role.get(Role.NUMBER)
    if stt is not None and stt is not first and not is_blank(stt):
        return False
    for role in _FIGURE_ROLES:
        cell = by_role.get(role)
        if cell is not None and cell is not first and not is_blank(cell) and not _note_like(cell):
            return False
    return True
