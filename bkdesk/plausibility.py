"""Plausibility warnings: figures worth a second look, which never block entry.

Like the min–max checks of DHIS2, these only warn: an officer may have a good reason
for a figure that doubled.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from bkdesk import rules
from bkdesk.numbers import format_number
from bkdesk.quantities import Kind, Quantity, QuantityError, parse_text
from bkdesk.text import fold

if TYPE_CHECKING:
    from bkdesk.evaluation import RowInput

HUNDRED = Decimal(100)
# Half a unit of the last printed place: "144,55" is right within 0,005.
_HALF_UNIT = tuple(Decimal(1).scaleb(-places) / 2 for places in range(7))
# Names that describe a change may well be negative.
_SIGNED_NAME_WORDS = ("tang", "giam", "chenh lech", "bien dong")


def _number(quantity: Quantity) -> Decimal | None:
    return quantity.low if quantity.kind is Kind.REACH else None


def plausibility_warnings(
    row: RowInput,
    target: Quantity,
    estimate: Quantity,
    last_year: Quantity,
    children: Sequence[RowInput],
    policy: rules.EvaluationRules = rules.DEFAULT_RULES,
    same_period: Decimal | None = None,
) -> list[str]:
    """``same_period`` is % so với cùng kỳ as evaluation computed it from last year's figure.

    Each check starts with its cheapest test, since most rows pass them all.
    """
    found: list[str] = []
    value = estimate.low if estimate.kind is Kind.REACH else None
    indicator = row.indicator
    if value is not None:
        previous = last_year.low if last_year.kind is Kind.REACH else None
        if previous is not None and previous > 0:
            if value > previous * policy.high_ratio:
                found.append(
                    f"Ước thực hiện {format_number(value)} cao hơn {format_number(policy.high_ratio)} lần "
                    f"số năm trước ({format_number(previous)}): kiểm tra lại"
                )
            elif value < previous * policy.low_ratio:
                found.append(
                    f"Ước thực hiện {format_number(value)} thấp hơn một nửa số năm trước "
                    f"({format_number(previous)}): kiểm tra lại"
                )
    if "%" in indicator.unit and _is_share(indicator.unit, indicator.name):
        for what, quantity in (("Nhiệm vụ", target), ("Ước thực hiện", estimate)):
            number = _number(quantity)
            if number is not None and number > HUNDRED:
                found.append(f"{what} là tỷ lệ nhưng lớn hơn 100% ({format_number(number)})")
    if value is not None and value < 0 and not any(word in fold(indicator.name) for word in _SIGNED_NAME_WORDS):
        found.append(f"Ước thực hiện là số âm ({format_number(value)}) cho một chỉ tiêu đếm được")
    # A computed % so với cùng kỳ means both figures are numbers and last year's is not zero.
    if same_period is not None and row.reported_pct_last_year:
        mismatch = _same_period_mismatch(row.reported_pct_last_year.strip(), same_period)
        if mismatch:
            found.append(mismatch)
    if indicator.sum_of_children and children:
        found.extend(_sum_mismatch(target, estimate, children))
    return found


def _is_share(unit: str, name: str) -> bool:
    # "Tỷ lệ" starts with a T however its accents are encoded, and fits in its first twelve
    # characters even decomposed: the rest of a long name need not be folded.
    return (
        unit.replace(" ", "") == "%"
        and name.lstrip()[:1] in ("T", "t")
        and fold(name.lstrip()[:12]).startswith(("ty le", "ti le"))
    )


def _same_period_mismatch(entered: str, computed: Decimal) -> str:
    try:
        reported = parse_text(entered)
    except QuantityError:
        return ""
    if reported.kind is not Kind.REACH:
        return ""
    places = len(reported.text.partition(",")[2])
    tolerance = _HALF_UNIT[places] if places < len(_HALF_UNIT) else Decimal(1).scaleb(-places) / 2
    if abs(computed - reported.low) > tolerance:  # type: ignore[operator]
        return f"So với cùng kỳ ghi {entered}% nhưng tính từ số năm trước được {format_number(computed, 2, trim=True)}%"
    return ""


def _sum_mismatch(target: Quantity, estimate: Quantity, children: Sequence[RowInput]) -> list[str]:
    found: list[str] = []
    for what, own, texts in (
        ("Nhiệm vụ", target, [c.target for c in children]),
        ("Ước thực hiện", estimate, [c.estimate for c in children]),
    ):
        own_value = _number(own)
        if own_value is None:
            continue
        parts: list[Decimal] = []
        for text in texts:
            try:
                part = parse_text(text)
            except QuantityError:
                part = None
            if part is None or part.kind is not Kind.REACH or part.low is None:
                parts = []
                break
            parts.append(part.low)
        if not parts:
            continue
        total = sum(parts, Decimal(0))
        if total != own_value:
            found.append(
                f"{what}: tổng các dòng con ({format_number(total)}) khác số của chỉ tiêu ({format_number(own_value)})"
            )
    return found
