"""demo, evaluate and set-value: the commands every other one builds on."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from bkdesk.catalogue import PeriodKind
from cli.common import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    EXIT_REFUSED,
    add_database_options,
    add_period_option,
    fail,
    json_dump,
    open_db,
    say,
)

if TYPE_CHECKING:
    from db.database import Database


def register(subparsers: Any) -> None:
    demo = subparsers.add_parser("demo", help="tạo hoặc làm mới cơ sở dữ liệu với số liệu mẫu Bắc Kạn 2020")
    demo.add_argument(
        "--replace", action="store_true", help="nạp cả khi cơ sở dữ liệu đã có số liệu khác dữ liệu mẫu (ghi đè)"
    )
    add_database_options(demo)
    demo.set_defaults(handler=run_demo)

    evaluate = subparsers.add_parser("evaluate", help="đánh giá các chỉ tiêu của một năm")
    evaluate.add_argument("--year", type=int, required=True)
    evaluate.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    add_period_option(evaluate)
    add_database_options(evaluate)
    evaluate.set_defaults(handler=run_evaluate)

    set_value = subparsers.add_parser("set-value", help="nhập một giá trị (mã như trong evaluate --json)")
    set_value.add_argument("code", help="mã chỉ tiêu, ví dụ A.8")
    set_value.add_argument("value", help='giá trị theo kiểu Việt Nam, ví dụ "21.246" hoặc "95,3"; "" để xóa')
    set_value.add_argument("--note", help="ghi chú")
    set_value.add_argument(
        "--as-text",
        action="store_true",
        help="lưu chữ ở chỉ tiêu có nhiệm vụ là số, như một nhận xét bằng chữ (không đánh giá tự động)",
    )
    set_value.add_argument("--reason", default="", help="lý do sửa (ghi vào lịch sử)")
    set_value.add_argument(
        "--expect", metavar="CŨ", help="giá trị bạn thấy đang lưu; nếu giá trị đang lưu đã khác thì không ghi gì"
    )
    set_value.add_argument("--year", type=int, help="năm (mặc định: năm mới nhất đã có số liệu của kỳ này)")
    set_value.add_argument(
        "--last-year",
        action="store_true",
        help="giá trị là số thực hiện năm trước của chỉ tiêu (chỉ văn phòng tổng hợp); so với cùng kỳ tính từ số này",
    )
    add_period_option(set_value)
    add_database_options(set_value)
    set_value.set_defaults(handler=run_set_value)


def _set_last_year(db: Database, code: str, year: int, args: argparse.Namespace) -> int:
    """``set-value --last-year``: last year's result of ``year``'s row, as the grid's *Thực hiện năm …* column."""
    from db.entry import CellWrite, write_cells
    from db.figure_rules import LAST_YEAR
    from db.login import current_user

    if args.note is not None or args.as_text:
        return fail("--last-year chỉ ghi số thực hiện năm trước: không đi cùng --note hay --as-text", EXIT_BAD_INPUT)
    cell = CellWrite(code, LAST_YEAR, args.value, args.expect)
    changes = write_cells(db, year, PeriodKind.ESTIMATE, [cell], actor=current_user(), reason=args.reason)
    if not changes:
        say(f"{code}: không có gì thay đổi.")
    for change in changes:
        say(f"{code}: thực hiện năm {year - 1} «{change.old}» → «{change.new}»")
    return EXIT_OK


def run_demo(args: argparse.Namespace) -> int:
    from db.demo import install_demo

    db = open_db(args)
    report = install_demo(db, replace=args.replace)
    say(
        f"Đã nạp số liệu mẫu Bắc Kạn 2020 vào {db.label}: {report.added} chỉ tiêu mới, "
        f"{report.changes} giá trị thay đổi."
    )
    for change in report.overrides:
        # Said on its own line: a demo the first release left half-installed (49/59) gets its override here.
        say(f"Điều chỉnh đánh giá {change.code}: «{change.old}» → «{change.new}»")
    return EXIT_OK


def run_evaluate(args: argparse.Namespace) -> int:
    from cli.tables_text import evaluation_json, evaluation_text
    from db.tables import evaluate

    db = open_db(args)
    evaluation = evaluate(db, args.year, PeriodKind(args.period))
    if args.json:
        say(json_dump(evaluation_json(evaluation)))
    else:
        say(evaluation_text(evaluation))
    return EXIT_OK


def run_set_value(args: argparse.Namespace) -> int:
    from bkdesk.text import clean
    from db.entry import set_value
    from db.entry_review import review_value
    from db.login import current_user
    from db.tables import default_year_of

    db = open_db(args)
    code = clean(args.code)
    year = args.year if args.year is not None else default_year_of(db, code, PeriodKind(args.period))
    if year is None:
        return fail(f"chỉ tiêu {code} chưa có trong biểu năm nào", EXIT_REFUSED)
    if args.last_year:
        return _set_last_year(db, code, year, args)
    review = review_value(db, code, year, args.value)
    if review.words and not args.as_text:
        message = f"{review.words}; thêm --as-text để lưu như một nhận xét bằng chữ (không đánh giá tự động)"
        return fail(message, EXIT_BAD_INPUT)
    changes = set_value(
        db,
        code,
        year,
        args.value,
        kind=PeriodKind(args.period),
        note=args.note,
        actor=current_user(),
        reason=args.reason,
        expected=args.expect,  # a changed value refuses it (StaleValue): exit 1, nothing written
    )
    if not changes:
        say(f"{code}: không có gì thay đổi.")
    for change in changes:
        what = "giá trị" if change.field == "value" else "ghi chú"
        say(f"{code} năm {year}: {what} «{change.old}» → «{change.new}»")
    for warning in () if review.words else review.warnings:
        say(f"Cảnh báo: {warning}")
    return EXIT_OK
