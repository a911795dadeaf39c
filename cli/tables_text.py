"""The evaluation as ``evaluate`` prints it: a readable table, or the JSON of the spec."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bkdesk.evaluation import EvaluatedRow, Evaluation, round2
from bkdesk.numbers import format_percent
from bkdesk.text import clean

NAME_WIDTH = 46


def _number(value: Decimal | None) -> float | None:
    rounded = round2(value)
    return None if rounded is None else float(rounded)


def row_json(row: EvaluatedRow) -> dict[str, Any]:
    indicator = row.indicator
    return {
        "code": indicator.code,
        "stt": indicator.stt,
        "name": indicator.name,
        "unit": indicator.unit,
        "group": indicator.group,
        "target": row.target.text if not row.target.is_empty else clean(row.input.target),
        "estimate": row.estimate.text if not row.estimate.is_empty else clean(row.input.estimate),
        "computed_verdict": row.computed_verdict.value if row.computed_verdict else "",
        "verdict": row.verdict.value if row.verdict else "",
        "reported_verdict": row.input.reported_verdict.value if row.input.reported_verdict else "",
        "pct_plan": _number(row.pct_plan),
        "pct_last_year": _number(row.pct_last_year),
        "reported_pct_last_year": row.input.reported_pct_last_year,
        # Last year's result and where it came from (thuc-hien, uoc, ty-le-in, or ""); a base
        # implied by a printed ratio is never given out.
        "last_year": row.input.last_year,
        "last_year_source": row.last_year_source,
        "last_year_note": row.same_period_note,
        "warnings": list(row.warnings),
    }


def evaluation_json(evaluation: Evaluation) -> dict[str, Any]:
    return {
        "year": evaluation.year,
        "period": evaluation.period.value,
        "rows": [row_json(row) for row in evaluation.rows],
        "summary": evaluation.summary.as_dict(),
    }


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def evaluation_text(evaluation: Evaluation) -> str:
    header = (
        f"{'STT':<6} {'Chỉ tiêu':<{NAME_WIDTH}} {'ĐVT':<14} {'Nhiệm vụ':>12} {'Ước TH':>12} "
        f"{'Đánh giá':<11} {'% KH':>8} {'So CK %':>8}"
    )
    lines = [
        f"BIỂU KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU NĂM {evaluation.year} ({evaluation.period.label.lower()})",
        header,
        "-" * len(header),
    ]
    notes: list[str] = []
    for row in evaluation.rows:
        indicator = row.indicator
        mark = indicator.stt if indicator.stt in ("+", "-") else ""
        stt = "" if mark else indicator.stt
        name = ("  " * max(row.depth - 1, 0)) + (f"{mark} " if mark else "") + indicator.name
        verdict = row.verdict.value if row.verdict else ""
        override = row.input.override
        if override is not None:
            verdict += "*"
            notes.append(f"* {indicator.code}: đánh giá đã điều chỉnh — {override.reason}")
        elif row.reported_disagrees:
            verdict += "!"
        same_period = row.same_period_text or format_percent(row.pct_last_year)
        lines.append(
            f"{_cut(stt, 6):<6} {_cut(name, NAME_WIDTH):<{NAME_WIDTH}} {_cut(indicator.unit, 14):<14} "
            f"{_cut(row.target.text, 12):>12} {_cut(row.estimate.text, 12):>12} {verdict:<11} "
            f"{format_percent(row.pct_plan):>8} {_cut(same_period, 8):>8}"
        )
        for warning in row.warnings:
            notes.append(f"! {indicator.code}: {warning}")
    lines.append("")
    lines.append(evaluation.summary.phrase() + ".")
    if notes:
        lines.append("")
        lines.append("Ghi chú (* đánh giá đã điều chỉnh; ! khác với đánh giá trong biểu hoặc cần xem lại):")
        lines.extend(notes)
    return "\n".join(lines)
