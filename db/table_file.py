"""Importing an appendix table from a workbook: the one path of ``import-table`` and the app's *Nhập biểu…*.

:func:`open_table` reads the file and finds its table before any database is touched (a
wrong file leaves no trace) and says whether the table has group rows; without them the
user chooses the group (or none). :func:`import_table` reads every row against the
catalogue and, when nothing is wrong, stores the whole table in one transaction after the
automatic backup.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bkdesk.catalogue import PeriodKind
from db.database import Database
from db.errors import InvalidInput, StoreError

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from bkdesk.catalogue import Indicator
    from bkdesk.exchange.header import Header
    from bkdesk.exchange.table_import import ImportResult
    from bkdesk.tables import TableLine
    from db.entry import Change
    from db.table_store import TableReport

DEPARTMENT_DATABASE = (
    "biểu sẽ ghi đè số liệu của phòng và thêm chỉ tiêu của các phòng khác. Phòng gửi số liệu bằng lệnh "
    "export-submission; biểu chỉ tiêu được nhập vào cơ sở dữ liệu của văn phòng tổng hợp."
)


@dataclass(frozen=True, slots=True)
class OpenedTable:
    """A workbook whose table was found: its sheet and header."""

    path: Path
    year: int
    kind: PeriodKind
    sheet: Worksheet
    header: Header

    def has_groups(self) -> bool:
        """Whether the table has group rows (A–E); read only when asked, as the app asks it."""
        from bkdesk.exchange.table_import import has_group_rows

        return has_group_rows(self.sheet, self.header)


def open_table(path: Path, year: int, kind: PeriodKind) -> OpenedTable:
    """The table in the workbook at ``path``; ``InvalidInput``/``StoreError`` in Vietnamese when there is none."""
    from bkdesk.exchange.table_import import locate_table
    from bkdesk.exchange.workbook import MissingWorkbook, WorkbookError, open_workbook

    try:
        workbook = open_workbook(path)
    except MissingWorkbook as exc:
        raise StoreError(exc.message) from exc
    except WorkbookError as exc:
        raise InvalidInput(exc.message) from exc
    try:
        sheet, header = locate_table(workbook, year, kind)
    except WorkbookError as exc:
        raise InvalidInput(f"Tệp {path.name}: {exc.message}") from exc
    return OpenedTable(path, year, kind, sheet, header)


def import_table(
    db: Database, opened: OpenedTable, *, group: str | None, actor: str
) -> tuple[ImportResult, TableReport]:
    """Read and store the table; a table with any bad cell is refused whole, every bad cell named."""
    from bkdesk.backups import BackupReason
    from bkdesk.exchange.table_import import read_sheet
    from bkdesk.exchange.workbook import WorkbookError
    from db.backups import before
    from db.roles import require_office_database
    from db.table_store import store_table
    from db.tables import catalogue, targeted_codes

    name = opened.path.name
    require_office_database(db, f"nhập biểu {name}", DEPARTMENT_DATABASE)
    targeted = targeted_codes(db, other_than=opened.year)
    try:
        result = read_sheet(opened.sheet, opened.header, catalogue(db), opened.year, targeted=targeted, group=group)
    except WorkbookError as exc:
        raise InvalidInput(f"Tệp {name}: {exc.message}") from exc
    if result.problems:
        count = len(result.problems)
        lines = [f"Biểu {name} (trang «{result.sheet}») có {count} ô/dòng sai; chưa nhập gì vào cơ sở dữ liệu:"]
        lines.extend(str(problem) for problem in result.problems)
        raise InvalidInput("\n".join(lines))
    before(db, BackupReason.IMPORT_TABLE)
    with db.begin() as session:
        report = store_table(session, result.table, actor=actor, source=f"biểu {name}", kind=opened.kind)
    return result, report


def summary(result: ImportResult, report: TableReport, file_name: str, kind: PeriodKind) -> list[str]:
    """What the import did, in Vietnamese: counts, each new indicator, each changed figure."""
    table = result.table
    header = result.header
    by_code = {line.indicator.code: line for line in table.lines}
    added = set(report.added)
    changed = [change for change in report.changes if change.code not in added]
    where = f"trang «{result.sheet}», tiêu đề ở dòng {header.first_row}" if header else f"trang «{result.sheet}»"
    lines = [
        f"Đã nhập biểu {file_name} ({where}) vào năm {table.year}, {kind.label.lower()}: {len(table.lines)} dòng.",
        f"Thêm {len(report.added)} chỉ tiêu mới; {len(changed)} số liệu của chỉ tiêu đã có thay đổi.",
    ]
    lines.extend(f"Chú ý: {warning}." for warning in result.warnings)
    if header is not None:
        for column in header.ignored:
            lines.append(f"Bỏ qua cột {column.letter} ({column.header}): {column.reason}.")
    if report.added:
        lines.append("Chỉ tiêu mới:")
        lines.extend(f"  + {_new_line(by_code[code], kind, table.year)}" for code in report.added)
    if changed:
        lines.append("Số liệu thay đổi:")
        lines.extend(f"  {_change_line(change, by_code, kind, table.year)}" for change in changed)
    if not report.added and not changed:
        lines.append("Không có gì thay đổi: số liệu trong tệp trùng với cơ sở dữ liệu.")
    return lines


def _field_label(field: str, kind: PeriodKind, year: int) -> str:
    return {
        "target": "nhiệm vụ",
        "value": kind.label.lower(),
        "note": "ghi chú",
        "reported_verdict": "đánh giá trong biểu",
        "reported_pct_last_year": "so với cùng kỳ (%)",
        "last_year": f"thực hiện năm {year - 1}",
        "verdict": "đánh giá điều chỉnh",
    }.get(field, field)


def _describe(indicator: Indicator) -> str:
    stt = f"[{indicator.stt}] " if indicator.stt and not indicator.is_group else ""
    unit = f" ({indicator.unit})" if indicator.unit else ""
    return f"{indicator.code} {stt}{indicator.name}{unit}"


def _new_line(line: TableLine, kind: PeriodKind, year: int) -> str:
    figures = [
        ("target", line.target),
        ("value", line.estimate),
        ("reported_verdict", line.reported_verdict),
        ("reported_pct_last_year", line.reported_pct_last_year),
        ("last_year", line.last_year),
        ("note", line.note),
    ]
    shown = "; ".join(f"{_field_label(field, kind, year)} {text}" for field, text in figures if text)
    return _describe(line.indicator) + (f": {shown}" if shown else "")


def _change_line(change: Change, by_code: dict[str, TableLine], kind: PeriodKind, year: int) -> str:
    line = by_code.get(change.code)
    who = _describe(line.indicator) if line is not None else change.code
    old = change.old or "(trống)"
    return f"{who} — {_field_label(change.field, kind, year)}: {old} → {change.new}"
