"""The Excel template for a phòng without bkdesk: write it, and read it back filled in.

The visible sheet lists the phòng's rows (STT, name, unit, target) with two editable
columns, the estimate and the note; everything else is locked by sheet protection,
and a hidden column carries each row's code. A very hidden sheet keeps what the
template was made from (its identity, the rows and the figures written into it) and
a SHA-256 fingerprint of that record. Reading back, the record must match its
fingerprint and every locked cell of the visible sheet must be exactly what the
record says it was written as: an edited target, name, code or title is named by
its cell and the file refused. Protection in Excel is a guard against slips, not a
lock against intent (it can be lifted without a password); the check on import is
what counts, and a template, being unsigned, is imported only when a person says so.
"""

from __future__ import annotations

import hashlib
import io
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bkdesk.catalogue import Department, PeriodKind
from bkdesk.entry import MAX_FIGURE_LENGTH, MAX_NOTE_LENGTH
from bkdesk.exchange.documents import canonical_bytes, iso
from bkdesk.exchange.files import FileRefused, open_zip, verify_zip
from bkdesk.exchange.merge import Figure
from bkdesk.exchange.submission import SubmittedValue
from bkdesk.exchange.workbook import ZIP_ERRORS, check_sheet_sizes
from bkdesk.numbers import format_number

FORMAT = "bkdesk-template"
VERSION = "1"
SHEET = "Nhập số liệu"
RECORD_SHEET = "bkdesk"
FIRST_ROW = 4
MAX_VALUE_LENGTH = MAX_FIGURE_LENGTH
META_KEYS = ("template_id", "department_code", "department_name", "year", "kind", "created_at", "app_version")
ROW_KEYS = ("code", "stt", "name", "unit", "target", "value", "note", "depth")
RECORD_ROWS_START = 12  # rows of the record sheet: 1 format, 2 fingerprint, 3–9 meta, 11 header, 12+ rows
COLUMNS = ("A", "B", "C", "D", "E", "F", "G")
VALUE_COLUMN, NOTE_COLUMN, CODE_COLUMN = 5, 6, 7
WHAT = "biểu mẫu Excel"
NAME_CHARS_PER_LINE = 62


@dataclass(frozen=True, slots=True)
class TemplateInfo:
    template_id: str
    department: Department
    year: int
    kind: PeriodKind
    created_at: datetime
    app_version: str


@dataclass(frozen=True, slots=True)
class TemplateRow:
    code: str
    stt: str
    name: str
    unit: str
    target: str
    figure: Figure
    depth: int = 0


@dataclass(frozen=True, slots=True)
class FilledTemplate:
    """A template read back: what it was made with, and what the phòng wrote into it."""

    info: TemplateInfo
    rows: tuple[TemplateRow, ...]
    values: tuple[SubmittedValue, ...]
    saved_at: datetime | None

    def base(self) -> dict[str, Figure]:
        """The figures written into the template when it was made."""
        return {row.code: row.figure for row in self.rows}


def _meta(info: TemplateInfo) -> dict[str, str]:
    return {
        "template_id": info.template_id,
        "department_code": info.department.code,
        "department_name": info.department.name,
        "year": str(info.year),
        "kind": info.kind.value,
        "created_at": iso(info.created_at) or "",
        "app_version": info.app_version,
    }


def _row_record(row: TemplateRow) -> list[str]:
    return [row.code, row.stt, row.name, row.unit, row.target, row.figure.value, row.figure.note, str(row.depth)]


def fingerprint(meta: dict[str, str], records: Iterable[list[str]]) -> str:
    return hashlib.sha256(canonical_bytes({"meta": meta, "rows": list(records)})).hexdigest()


def _title(info: TemplateInfo) -> str:
    return f"BIỂU NHẬP SỐ LIỆU {info.kind.label.upper()} NĂM {info.year} — {info.department.name.upper()}"


def _instructions(info: TemplateInfo) -> str:
    return (
        f"Hướng dẫn: chỉ nhập vào cột «{info.kind.label} năm {info.year}» và cột «Ghi chú». Số viết kiểu Việt Nam "
        "(3.050; 95,3), có thể ghi >95, 33-34 hoặc bằng chữ; để trống nếu chưa có số. Không sửa các ô khác: "
        "bkdesk sẽ từ chối biểu đã bị sửa."
    )


def _headers(info: TemplateInfo) -> tuple[str, ...]:
    return (
        "STT",
        "Chỉ tiêu",
        "Đơn vị tính",
        f"Nhiệm vụ (KH) năm {info.year}",
        f"{info.kind.label} năm {info.year}",
        "Ghi chú",
        "Mã chỉ tiêu",
    )


def locked_cells(info: TemplateInfo, rows: Iterable[TemplateRow]) -> dict[tuple[int, int], str]:
    """Every non-empty locked cell of the visible sheet, by (row, column), as written."""
    cells: dict[tuple[int, int], str] = {(1, 1): _title(info), (2, 1): _instructions(info)}
    for column, header in enumerate(_headers(info), start=1):
        cells[(3, column)] = header
    for offset, row in enumerate(rows):
        line = FIRST_ROW + offset
        for column, text in ((1, row.stt), (2, row.name), (3, row.unit), (4, row.target), (CODE_COLUMN, row.code)):
            if text:
                cells[(line, column)] = text
    return cells


def _editable(rows: tuple[TemplateRow, ...]) -> dict[tuple[int, int], tuple[str, str]]:
    cells: dict[tuple[int, int], tuple[str, str]] = {}
    for offset, row in enumerate(rows):
        cells[(FIRST_ROW + offset, VALUE_COLUMN)] = (row.code, "value")
        cells[(FIRST_ROW + offset, NOTE_COLUMN)] = (row.code, "note")
    return cells


def coordinate(row: int, column: int) -> str:
    """``(4, 5)`` → ``E4``, as Excel names the cell."""
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row}"


def write_template(info: TemplateInfo, rows: Iterable[TemplateRow]) -> bytes:
    """The ``.xlsx`` bytes of the template."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.workbook.protection import WorkbookProtection
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.properties import PageSetupProperties
    from openpyxl.worksheet.worksheet import Worksheet

    table = tuple(rows)
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new workbook opens on its one worksheet
    sheet.title = SHEET
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    font = Font(name="Times New Roman", size=12)
    bold = Font(name="Times New Roman", size=12, bold=True)
    editable_fill = PatternFill("solid", fgColor="FFF8DC")

    def put(cell: Any, text: str) -> None:
        cell.value = text
        cell.data_type = "s"  # never a formula, whatever the text starts with

    for (line, column), text in locked_cells(info, table).items():
        put(sheet.cell(line, column), text)
    sheet.merge_cells("A1:F1")
    sheet.merge_cells("A2:F2")
    sheet["A1"].font = Font(name="Times New Roman", size=13, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet["A2"].font = Font(name="Times New Roman", size=11, italic=True)
    sheet["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[2].height = 48
    sheet.row_dimensions[3].height = 34
    for column in range(1, CODE_COLUMN + 1):
        header = sheet.cell(3, column)
        header.font = bold
        header.border = border
        header.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for offset, row in enumerate(table):
        line = FIRST_ROW + offset
        for column in range(1, CODE_COLUMN + 1):
            cell = sheet.cell(line, column)
            cell.font = bold if row.depth <= 1 and row.stt and row.stt not in ("+", "-") else font
            cell.border = border
            cell.alignment = Alignment(vertical="center", wrap_text=column in (2, NOTE_COLUMN))
        sheet.cell(line, 2).alignment = Alignment(vertical="center", wrap_text=True, indent=max(row.depth - 1, 0))
        # Spreadsheets do not all fit a row to wrapped text on opening: give long names their lines.
        lines = max(1, math.ceil(len(row.name) / NAME_CHARS_PER_LINE), math.ceil(len(row.figure.note) / 36))
        if lines > 1:
            sheet.row_dimensions[line].height = 16 * lines
        sheet.cell(line, 1).alignment = Alignment(horizontal="center", vertical="center")
        for column, text in ((VALUE_COLUMN, row.figure.value), (NOTE_COLUMN, row.figure.note)):
            cell = sheet.cell(line, column)
            if text:
                put(cell, text)
            cell.number_format = "@"  # what the officer types stays text: 3.050 is not 3,05
            cell.protection = Protection(locked=False)
            cell.fill = editable_fill
        for column in (4, VALUE_COLUMN):
            sheet.cell(line, column).alignment = Alignment(horizontal="right", vertical="center")
    for letter, width in zip(COLUMNS, (7, 58, 14, 16, 18, 34, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.column_dimensions["G"].hidden = True
    sheet.freeze_panes = "A4"
    if table:
        last = FIRST_ROW + len(table) - 1
        values = DataValidation(
            type="textLength",
            operator="lessThanOrEqual",
            formula1=str(MAX_VALUE_LENGTH),
            allow_blank=True,
            showErrorMessage=True,
            showInputMessage=True,
            errorTitle="Giá trị quá dài",
            error=f"Tối đa {MAX_VALUE_LENGTH} ký tự.",
            promptTitle="Nhập số kiểu Việt Nam",
            prompt="Ví dụ 3.050 hoặc 95,3; có thể ghi >95, 33-34 hoặc bằng chữ. Để trống nếu chưa có số.",
        )
        values.add(f"E{FIRST_ROW}:E{last}")
        notes = DataValidation(
            type="textLength",
            operator="lessThanOrEqual",
            formula1=str(MAX_NOTE_LENGTH),
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Ghi chú quá dài",
            error=f"Ghi chú tối đa {MAX_NOTE_LENGTH} ký tự.",
        )
        notes.add(f"F{FIRST_ROW}:F{last}")
        sheet.add_data_validation(values)
        sheet.add_data_validation(notes)
    sheet.protection.sheet = True
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = "3:3"

    record = workbook.create_sheet(RECORD_SHEET)
    meta = _meta(info)
    records = [_row_record(row) for row in table]
    put(record["A1"], FORMAT)
    put(record["B1"], VERSION)
    put(record["A2"], "fingerprint")
    put(record["B2"], fingerprint(meta, records))
    for line, key in enumerate(META_KEYS, start=3):
        put(record.cell(line, 1), key)
        put(record.cell(line, 2), meta[key])
    for column, key in enumerate(ROW_KEYS, start=1):
        put(record.cell(RECORD_ROWS_START - 1, column), key)
    for offset, values_of_row in enumerate(records):
        for column, text in enumerate(values_of_row, start=1):
            if text:
                put(record.cell(RECORD_ROWS_START + offset, column), text)
    record.sheet_state = "veryHidden"
    record.protection.sheet = True
    workbook.security = WorkbookProtection(lockStructure=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _load(data: bytes) -> Any:
    import warnings

    from openpyxl import load_workbook

    archive = open_zip(data)
    if "xl/workbook.xml" not in archive.namelist():
        raise FileRefused(f"tệp nén này không phải {WHAT} (.xlsx)")
    try:
        # Before anything is loaded or even decompressed in full: a sheet of a million rows stops here,
        # and so does anything written right of the record's last column, which no template has.
        check_sheet_sizes(archive, max_columns=len(ROW_KEYS))
    except ZIP_ERRORS as exc:
        raise FileRefused("tệp nén bị hỏng hoặc bị cắt cụt") from exc
    verify_zip(archive)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about Excel features it does not read (extensions, validations); none matter here.
            warnings.simplefilter("ignore")
            return load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise FileRefused(f"không mở được {WHAT} ({type(exc).__name__})") from exc


def _cells(sheet: Any) -> Iterator[Any]:
    """Every non-empty cell of a read-only sheet, streamed (its value, type and number format)."""
    for line in sheet.iter_rows():
        for cell in line:
            value = getattr(cell, "value", None)
            if value is None or value == "":
                continue
            yield cell


def _read_record(sheet: Any) -> tuple[dict[str, str], list[list[str]], str]:
    grid: dict[tuple[int, int], str] = {}
    for cell in _cells(sheet):
        line, column, value = cell.row, cell.column, cell.value
        if not isinstance(value, str):
            raise FileRefused(f"phần ẩn của {WHAT} đã bị sửa (ô {coordinate(line, column)})")
        grid[(line, column)] = value
    if grid.get((1, 1)) != FORMAT:
        raise FileRefused(f"không phải {WHAT} do bkdesk tạo")
    if grid.get((1, 2)) != VERSION:
        raise FileRefused(f"{WHAT} ở phiên bản {grid.get((1, 2))!r}; phiên bản này chỉ đọc được phiên bản {VERSION}")
    meta = {}
    for line, key in enumerate(META_KEYS, start=3):
        if grid.get((line, 1)) != key:
            raise FileRefused(f"phần ẩn của {WHAT} đã bị sửa (ô A{line})")
        meta[key] = grid.get((line, 2), "")
    last = max((line for line, _ in grid), default=0)
    records = [
        [grid.get((line, column), "") for column in range(1, len(ROW_KEYS) + 1)]
        for line in range(RECORD_ROWS_START, last + 1)
    ]
    return meta, records, grid.get((2, 2), "")


def _info(meta: dict[str, str]) -> TemplateInfo:
    try:
        return TemplateInfo(
            template_id=meta["template_id"],
            department=Department(meta["department_code"], meta["department_name"]),
            year=int(meta["year"]),
            kind=PeriodKind(meta["kind"]),
            created_at=datetime.fromisoformat(meta["created_at"]),
            app_version=meta["app_version"],
        )
    except ValueError as exc:
        raise FileRefused(f"phần ẩn của {WHAT} bị hỏng") from exc


def _rows(records: list[list[str]]) -> tuple[TemplateRow, ...]:
    rows = []
    for record in records:
        code, stt, name, unit, target, value, note, depth = record
        if not code or not depth.isdigit():
            raise FileRefused(f"phần ẩn của {WHAT} bị hỏng")
        rows.append(TemplateRow(code, stt, name, unit, target, Figure(value, note), int(depth)))
    return tuple(rows)


def _typed(cell: Any, row: TemplateRow, what: str) -> str:
    """What the phòng typed into an input cell; anything but a figure or words is refused naming the cell."""
    from bkdesk.exchange import cells
    from bkdesk.exchange.cells import CellError

    try:
        return cells.typed_figure(cell) if what == "value" else cells.typed_note(cell)
    except CellError as exc:
        where = coordinate(cell.row, cell.column)
        raise FileRefused(f"trang «{SHEET}», ô {where} ({row.code} {row.name}): {exc.message}") from exc


def read_template(data: bytes) -> FilledTemplate:
    """Read a filled template; a changed locked cell or record is a :class:`FileRefused` naming it."""
    workbook = _load(data)
    try:
        names = workbook.sheetnames
        if RECORD_SHEET not in names:
            raise FileRefused(f"không phải {WHAT} do bkdesk tạo (thiếu phần ẩn)")
        if SHEET not in names:
            raise FileRefused(f"{WHAT} đã bị sửa: không còn trang «{SHEET}»")
        meta, records, stored = _read_record(workbook[RECORD_SHEET])
        if fingerprint(meta, records) != stored:
            raise FileRefused(f"phần ẩn của {WHAT} đã bị sửa (dấu vân tay không khớp)")
        info = _info(meta)
        rows = _rows(records)
        expected = locked_cells(info, rows)
        editable = _editable(rows)
        entered: dict[tuple[int, int], str] = {}
        seen: set[tuple[int, int]] = set()
        for cell in _cells(workbook[SHEET]):
            place = (cell.row, cell.column)
            if place in editable:
                entered[place] = _typed(cell, rows[cell.row - FIRST_ROW], editable[place][1])
                continue
            seen.add(place)
            where = coordinate(*place)
            if expected.get(place) != cell.value or cell.data_type == "f":
                shown = "" if expected.get(place) is None else f" (lẽ ra là «{expected[place]}»)"
                raise FileRefused(f"ô khóa {where} đã bị sửa{shown}; hãy dùng lại biểu mẫu gốc")
        missing = sorted(set(expected) - seen)
        if missing:
            where = coordinate(*missing[0])
            raise FileRefused(
                f"ô khóa {where} đã bị xóa (lẽ ra là «{expected[missing[0]]}»); hãy dùng lại biểu mẫu gốc"
            )
        saved = workbook.properties.modified if workbook.properties is not None else None
    finally:
        workbook.close()
    values = tuple(
        SubmittedValue(
            code=row.code,
            value=entered.get((FIRST_ROW + offset, VALUE_COLUMN), ""),
            note=entered.get((FIRST_ROW + offset, NOTE_COLUMN), ""),
        )
        for offset, row in enumerate(rows)
    )
    for offset, value in enumerate(values):
        if len(value.value) > MAX_VALUE_LENGTH:
            row = rows[offset]
            raise FileRefused(
                f"ô {coordinate(FIRST_ROW + offset, VALUE_COLUMN)} ({row.code} {row.name}) quá dài: "
                f"{format_number(len(value.value))} ký tự; tối đa {MAX_VALUE_LENGTH} ký tự"
            )
    saved_at = saved.replace(tzinfo=UTC) if isinstance(saved, datetime) and saved.tzinfo is None else saved
    return FilledTemplate(info, rows, values, saved_at if isinstance(saved_at, datetime) else None)
