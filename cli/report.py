"""report and settings: print the appendix to PDF/Excel, and set the report it is attached to."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from bkdesk.catalogue import PeriodKind
from cli.common import EXIT_OK, add_database_options, add_period_option, open_db, say

NOT_SET = "(chưa đặt)"


def register(subparsers: Any) -> None:
    report = subparsers.add_parser(
        "report",
        help="in biểu kết quả thực hiện các chỉ tiêu và phần tổng hợp ra PDF và/hoặc Excel",
        description=(
            "In biểu phụ lục theo thể thức Nghị định 30/2020/NĐ-CP. Không có --pdf và --xlsx: "
            "ghi bieu-NĂM.pdf vào thư mục hiện tại."
        ),
    )
    report.add_argument("--year", type=int, required=True, help="năm của biểu, ví dụ 2020")
    add_period_option(report)
    report.add_argument("--pdf", metavar="FILE", help="tệp PDF cần ghi")
    report.add_argument("--xlsx", metavar="FILE", help="tệp Excel (.xlsx) cần ghi")
    report.add_argument("--landscape", action="store_true", help="khổ A4 nằm ngang (PDF); mặc định khổ dọc")
    add_database_options(report)
    report.set_defaults(handler=run_report)

    settings = subparsers.add_parser(
        "settings",
        help="xem hoặc sửa thiết lập báo cáo (cơ quan ban hành, số, ngày) in dưới tiêu đề biểu",
        description='Không có tùy chọn: in thiết lập hiện tại. Giá trị rỗng ("") để xóa một mục.',
    )
    settings.add_argument("--issuer", help='cơ quan ban hành báo cáo, ví dụ "UBND thành phố"')
    settings.add_argument("--number", help="số báo cáo, ví dụ 245 (in thành 245/BC-UBND)")
    settings.add_argument("--date", help="ngày báo cáo dạng ngày/tháng/năm, ví dụ 10/12/2020")
    add_database_options(settings)
    settings.set_defaults(handler=run_settings)


def _checked_output(text: str) -> Path:
    from db.errors import StoreError

    path = Path(text).expanduser()
    if path.is_dir():
        raise StoreError(f"{path} là một thư mục; hãy cho tên tệp cần ghi")
    folder = path.parent
    if not folder.is_dir():
        raise StoreError(f"Không có thư mục {folder} để ghi {path.name}")
    return path


def run_report(args: argparse.Namespace) -> int:
    from bkdesk.reports import ReportLayoutError
    from bkdesk.reports.fonts import FontMissing
    from db.errors import StoreError
    from db.settings import load_report_settings
    from db.tables import evaluate

    pdf_path = args.pdf
    if not args.pdf and not args.xlsx:
        pdf_path = f"bieu-{args.year}.pdf"
    targets = [(kind, _checked_output(path)) for kind, path in (("pdf", pdf_path), ("xlsx", args.xlsx)) if path]
    db = open_db(args)
    period = PeriodKind(args.period)
    evaluation = evaluate(db, args.year, period)
    settings = load_report_settings(db)
    for kind, path in targets:
        if kind == "pdf":
            from bkdesk.reports.pdf import write_pdf

            try:
                write_pdf(evaluation, settings, path, landscape=args.landscape)
            except (FontMissing, ReportLayoutError) as exc:
                raise StoreError(exc.message) from exc
            orientation = "A4 ngang" if args.landscape else "A4 dọc"
            say(f"Đã ghi biểu năm {args.year} ({period.label.lower()}) ra tệp PDF {path} ({orientation}).")
        else:
            from bkdesk.reports.xlsx import write_xlsx

            write_xlsx(evaluation, settings, path)
            say(f"Đã ghi biểu năm {args.year} ({period.label.lower()}) ra tệp Excel {path}.")
    say(evaluation.summary.phrase() + ".")
    return EXIT_OK


def settings_text(settings: Any) -> str:
    from bkdesk.reports.layout import reference_line
    from bkdesk.reports.settings import format_date

    return "\n".join(
        [
            f"Cơ quan ban hành: {settings.issuer or NOT_SET}",
            f"Số báo cáo: {settings.number or NOT_SET}",
            f"Ngày báo cáo: {format_date(settings.date) or NOT_SET}",
            f"Dòng in dưới tiêu đề biểu: {reference_line(settings)}",
        ]
    )


def run_settings(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from bkdesk.reports.settings import DateTextError, parse_date
    from bkdesk.text import clean
    from db.errors import InvalidInput
    from db.login import current_user
    from db.settings import load_report_settings, save_report_settings

    db = open_db(args)
    current = load_report_settings(db)
    if args.issuer is None and args.number is None and args.date is None:
        say(settings_text(current))
        return EXIT_OK
    changed = current
    if args.issuer is not None:
        changed = replace(changed, issuer=clean(args.issuer))
    if args.number is not None:
        changed = replace(changed, number=clean(args.number))
    if args.date is not None:
        try:
            changed = replace(changed, date=parse_date(args.date))
        except DateTextError as exc:
            raise InvalidInput(f"Ngày báo cáo «{exc.text}» không hợp lệ: {exc.message}") from exc
    save_report_settings(db, changed, actor=current_user())
    say("Đã lưu thiết lập báo cáo." if changed != current else "Thiết lập báo cáo không có gì thay đổi.")
    say(settings_text(changed))
    return EXIT_OK
