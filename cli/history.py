"""history: one indicator across every year the database holds."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from cli.common import EXIT_OK, add_database_options, json_dump, open_db, say

if TYPE_CHECKING:
    from bkdesk.history import IndicatorHistory, YearHistory

HEADINGS = ("Năm", "Nhiệm vụ", "Ước thực hiện", "Thực hiện", "Đánh giá", "% KH", "So với cùng kỳ (%)")
CELL_WIDTH = 28  # a target in words is cut (``--json`` has it whole)
BASIS_NOTE = "Đánh giá, % KH và so với cùng kỳ theo số thực hiện khi đã có, nếu chưa thì theo số ước thực hiện."


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "history",
        help="một chỉ tiêu qua các năm: nhiệm vụ, ước thực hiện, thực hiện, đánh giá, so với cùng kỳ",
    )
    parser.add_argument("code", metavar="MÃ", help="mã chỉ tiêu, ví dụ A.2")
    parser.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    add_database_options(parser)
    parser.set_defaults(handler=run_history)


def run_history(args: argparse.Namespace) -> int:
    from db.history import history

    found = history(open_db(args, plain=True), args.code)
    say(json_dump(history_json(found)) if args.json else history_text(found))
    return EXIT_OK


def _decimal_text(value: Any) -> str | None:
    from bkdesk.evaluation import round2

    rounded = round2(value)
    return None if rounded is None else str(rounded)


def year_json(year: YearHistory) -> dict[str, Any]:
    return {
        "year": year.year,
        "target": year.target,
        "estimate": year.estimate,
        "result": year.result,
        "period": year.period.value,
        "verdict": year.verdict.value if year.verdict is not None else "",
        "verdict_adjusted": year.overridden,
        "pct_plan": _decimal_text(year.pct_plan),
        "pct_last_year": _decimal_text(year.pct_last_year),
    }


def history_json(found: IndicatorHistory) -> list[dict[str, Any]]:
    return [year_json(year) for year in found.years]


def _verdict(year: YearHistory) -> str:
    from bkdesk.verdicts import NOT_EVALUATED

    if year.verdict is None:
        return NOT_EVALUATED if year.target else ""
    return year.verdict.value + ("*" if year.overridden else "!" if year.row.reported_disagrees else "")


def _cut(text: str) -> str:
    return text if len(text) <= CELL_WIDTH else text[: CELL_WIDTH - 1] + "…"


def history_text(found: IndicatorHistory) -> str:
    from bkdesk.numbers import format_percent

    indicator = found.indicator
    unit = f" ({indicator.unit})" if indicator.unit else ""
    cells = [
        (
            str(year.year),
            _cut(year.target),
            _cut(year.estimate),
            _cut(year.result),
            _verdict(year),
            format_percent(year.pct_plan),
            format_percent(year.pct_last_year) or year.row.input.reported_pct_last_year,
        )
        for year in found.years
    ]
    widths = [max(len(heading), *(len(row[column]) for row in cells)) for column, heading in enumerate(HEADINGS)]

    def line(row: tuple[str, ...]) -> str:
        # The year and the verdict read from the left, the figures line up on their last digit.
        parts = [
            text.ljust(width) if column in (0, 4) else text.rjust(width)
            for column, (text, width) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    header = line(HEADINGS)
    lines = [f"LỊCH SỬ CHỈ TIÊU {indicator.code}: {indicator.name}{unit}", header, "-" * len(header)]
    lines.extend(line(row) for row in cells)
    lines.append("")
    lines.append(BASIS_NOTE)
    for year in found.years:
        override = year.row.input.override
        if override is not None:
            lines.append(f"* {year.year}: đánh giá đã điều chỉnh — {override.reason}")
        elif year.row.reported_disagrees and year.row.input.reported_verdict is not None:
            printed = year.row.input.reported_verdict
            lines.append(f"! {year.year}: biểu ghi «{printed}», theo quy tắc là «{year.verdict}»")
    return "\n".join(lines)
