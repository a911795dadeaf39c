"""Plausibility warnings: figures worth a second look, which never block entry.

Like the min–max checks of DHIS2, these only warn: an officer may have a good reason
for a figure that doubled.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

from bkdesk import rules
from bkdesk.catalogue import Indicator
from bkdesk.numbers import format_number, number_words
from bkdesk.quantities import Kind, Quantity, QuantityError, parse_text
from bkdesk.text import clean, fold, words

if TYPE_CHECKING:
    from bkdesk.evaluation import RowInput

HUNDRED = Decimal(100)
# Half a unit of the last printed place: "144,55" is right within 0,005.
_HALF_UNIT = tuple(Decimal(1).scaleb(-places) / 2 for places in range(7))
# A comma followed by exactly three digits: "4,450" is 4,45 here, but 4.450 in English
# ("0,953" is no English number: it has one reading only).
_COMMA_THOUSANDS = re.compile(r"-?[1-9]\d{0,2},\d{3}")
_UPPER_BOUNDS = frozenset({Kind.BELOW, Kind.AT_MOST})
_LOWER_BOUNDS = frozenset({Kind.ABOVE, Kind.AT_LEAST})


@lru_cache(maxsize=4096)
def _unit_key(unit: str) -> str:
    return clean(unit).partition("/")[0].strip().casefold()


def counts_whole_things(unit: str) -> bool:
    """A unit of whole things (con, người, hộ, HTX, …: ``rules.WHOLE_UNITS``), by its part before "/"."""
    return _unit_key(unit) in rules.WHOLE_UNITS


def never_negative(unit: str) -> bool:
    """A unit whose figures are never negative: whole things, ha, tấn."""
    key = _unit_key(unit)
    return key in rules.WHOLE_UNITS or key in rules.NON_NEGATIVE_UNITS


@lru_cache(maxsize=4096)
def names_a_change(name: str) -> bool:
    """The indicator's name says its figure is a change (tăng, giảm, thêm, …), which may be negative."""
    said = f" {' '.join(words(name))} "
    return any(f" {word} " in said for word in rules.CHANGE_NAME_WORDS)


def two_readings(text: str) -> str:
    """For ``4,450``: how bkdesk reads it and how to write the English reading; else ``""``."""
    if _COMMA_THOUSANDS.fullmatch(text) is None:
        return ""
    read = number_words(Decimal(text.replace(",", ".")))
    meant = Decimal(text.replace(",", ""))
    return f"{text} được đọc là {read}; nếu là {number_words(meant)}, hãy viết {format_number(meant)}"


_REACH, _ABOUT, _ABOVE, _AT_LEAST = Kind.REACH, Kind.ABOUT, Kind.ABOVE, Kind.AT_LEAST
_ZERO = Decimal(0)
_TEN = Decimal(10)
_DEFAULT_FACTOR = rules.DEFAULT_RULES.target_factor


def _reference(target: Quantity, value: Decimal) -> Decimal | None:
    """The number of the target a figure is compared with: a point or bound's, a range's nearer end."""
    # Identity tests, not set membership: an enum member hashes in Python, and this runs for every row.
    kind = target.kind
    if kind is _REACH or kind is _ABOUT or kind is _ABOVE or kind is _AT_LEAST:
        return target.low
    if kind is Kind.BELOW or kind is Kind.AT_MOST:
        return target.high
    if kind is Kind.RANGE:
        low, high = target.low, target.high
        if low is not None and value < low:
            return low
        if high is not None and value > high:
            return high
    return None


@lru_cache(maxsize=16)
def _times(factor: Decimal) -> str:
    return format_number(factor)


def figure_slips(
    indicator: Indicator,
    what: str,
    figure: Quantity,
    target: Quantity | None = None,
    policy: rules.EvaluationRules = rules.DEFAULT_RULES,
) -> list[str]:
    """Slips of the keyboard a figure may hide; the grid asks before saving one, elsewhere it is a warning.

    ``what`` names the figure ("Ước thực hiện", "Nhiệm vụ"); ``target`` is given for an
    estimate: a figure more than ``policy.target_factor`` times its target, or less than
    that part of it (only when both are non-zero; an upper bound has no floor). Then
    decimals in a unit of whole things, and a negative figure where none can be, unless
    the name says it is a change. Each check starts with its cheapest test: this runs
    for every row of a table.
    """
    kind = figure.kind
    if kind is not _REACH and kind is not _ABOUT:
        return []
    value = figure.low
    if value is None:
        return []
    text = figure.text
    found: list[str] = []
    if target is not None and value:
        reference = target.low if target.kind is _REACH else _reference(target, value)
        factor = policy.target_factor
        # Numbers of the same order of magnitude are within ten times of each other: no slip,
        # and no arithmetic for the common row.
        if reference and (
            value.adjusted() != reference.adjusted() or (factor is not _DEFAULT_FACTOR and factor < _TEN)
        ):
            size = value if value > _ZERO else -value
            wanted = reference if reference > _ZERO else -reference
            if size > wanted * factor:
                found.append(f"{what} {text} lớn hơn {_times(factor)} lần nhiệm vụ ({target.text})")
            elif size * factor < wanted and target.kind not in _UPPER_BOUNDS:
                found.append(f"{what} {text} nhỏ hơn 1/{_times(factor)} nhiệm vụ ({target.text})")
    unit = indicator.unit
    if unit and ("," in text or "-" in text):
        if "," in text and value != value.to_integral_value() and counts_whole_things(unit):
            found.append(
                f"{what} {text} có phần thập phân nhưng đơn vị «{clean(unit)}» đếm số nguyên (con, người, hộ…)"
            )
        if value < 0 and never_negative(unit) and not names_a_change(indicator.name):
            found.append(f"{what} là số âm ({text}) với đơn vị «{clean(unit)}»")
    if found:
        readings = two_readings(text)
        found[0] += f": {readings}" if readings else ": kiểm tra lại"
        found[1:] = [f"{slip}: kiểm tra lại" for slip in found[1:]]
    return found


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
    if (target.kind is _REACH or target.kind is _ABOUT) and ("," in target.text or "-" in target.text):
        found.extend(figure_slips(indicator, "Nhiệm vụ", target, None, policy))
    if value is not None or estimate.kind is _ABOUT:
        found.extend(figure_slips(indicator, "Ước thực hiện", estimate, target, policy))
        if (
            value is not None
            and value < 0
            and not never_negative(indicator.unit)
            and not names_a_change(indicator.name)
        ):
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
    if reported.kind is not Kind.REACH or reported.low is None:
        return ""
    places = len(reported.text.partition(",")[2])
    tolerance = _HALF_UNIT[places] if places < len(_HALF_UNIT) else Decimal(1).scaleb(-places) / 2
    if abs(computed - reported.low) > tolerance:
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
