"""import-table: an appendix table from an Excel workbook, stored in one transaction."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bkdesk.catalogue import PeriodKind
from cli.common import EXIT_OK, add_database_options, add_period_option, open_db, say

if TYPE_CHECKING:
    from bkdesk.catalogue import Indicator
    from bkdesk.exchange.table_import import ImportResult
    from bkdesk.tables import TableLine
    from db.entry import Change
    from db.table_store import TableReport


_DEPARTMENT_DATABASE = (
    "biểu sẽ ghi đè số liệu của phòng và thêm chỉ tiêu của các phòng khác. Phòng gửi số liệu bằng lệnh "
    "export-submission; biểu chỉ tiêu được nhập vào cơ sở dữ liệu của văn phòng tổng hợp."
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "import-table",
        help="nhập biểu chỉ tiêu từ tệp Excel (.xlsx) như các phòng gửi",
        description=(
            "Đọc biểu chỉ tiêu trong tệp .xlsx (dòng tiêu đề trong 30 dòng đầu), kiểm tra mọi ô và lưu cả biểu "
            "trong một lần; có ô sai thì không lưu gì và liệt kê mọi ô sai. Nhập lại chỉ cập nhật, không xóa."
        ),
    )
    parser.add_argument("file", metavar="TỆP.xlsx", help="tệp Excel chứa biểu")
    parser.add_argument("--year", type=int, required=True, help="năm của biểu, ví dụ 2020")
    parser.add_argument(
        "--group",
        metavar="NHÓM",
        help="nhóm (A–E) của các chỉ tiêu khi biểu không có dòng nhóm; không ghi thì để «Chưa phân nhóm»",
    )
    add_period_option(parser)
    add_database_options(parser)
    parser.set_defaults(handler=run_import_table)


def run_import_table(args: argparse.Namespace) -> int:
    from bkdesk.backups import BackupReason
    from bkdesk.exchange.rows import SttError, read_group
    from bkdesk.exchange.table_import import locate_table, read_sheet
    from bkdesk.exchange.workbook import MissingWorkbook, WorkbookError, open_workbook
    from db.backups import before
    from db.errors import InvalidInput, StoreError
    from db.login import current_user
    from db.roles import require_office_database
    from db.table_store import store_table
    from db.tables import catalogue, targeted_codes

    path = Path(args.file)
    kind = PeriodKind(args.period)
    try:
        group = read_group(args.group) if args.group is not None else None
    except SttError as exc:
        raise InvalidInput(f"--group: {exc.message}") from exc
    # The file and its header are checked before the database is opened: a wrong file leaves no trace.
    try:
        workbook = open_workbook(path)
    except MissingWorkbook as exc:
        raise StoreError(exc.message) from exc
    except WorkbookError as exc:
        raise InvalidInput(exc.message) from exc
    try:
        sheet, header = locate_table(workbook, args.year, kind)
        db = open_db(args)
        require_office_database(db, f"nhập biểu {path.name}", _DEPARTMENT_DATABASE)
        targeted = targeted_codes(db, other_than=args.year)
        result = read_sheet(sheet, header, catalogue(db), args.year, targeted=targeted, group=group)
    except WorkbookError as exc:
        raise InvalidInput(f"Tệp {path.name}: {exc.message}") from exc
    if result.problems:
        count = len(result.problems)
        lines = [f"Biểu {path.name} (trang «{result.sheet}») có {count} ô/dòng sai; chưa nhập gì vào cơ sở dữ liệu:"]
        lines.extend(str(problem) for problem in result.problems)
        raise InvalidInput("\n".join(lines))
    before(db, BackupReason.IMPORT_TABLE)
    with db.begin() as session:
        report = store_table(session, result.table, actor=current_user(), source=f"biểu {path.name}", kind=kind)
    for line in summary(result, report, path.name, kind):
        say(line)
    return EXIT_OK


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
