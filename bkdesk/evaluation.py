"""Evaluate a year's table: verdicts, % KH, % so với cùng kỳ, warnings and the summary.

Plain objects in (:class:`RowInput`), plain objects out (:class:`Evaluation`); the
database and the window only hand rows over and show what comes back.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from bkdesk import rules
from bkdesk.catalogue import Indicator, PeriodKind, children_of
from bkdesk.plausibility import plausibility_warnings
from bkdesk.quantities import EMPTY, POINT_KINDS, Kind, Quantity, QuantityError, parse_text
from bkdesk.summary import Summary, summarise
from bkdesk.verdicts import Verdict, judge

HUNDRED = Decimal(100)
# Where "so với cùng kỳ" came from (``evaluate --json``'s ``last_year_source``): last year's
# final result, last year's estimate, or the ratio a table printed (recomputed after the
# estimate changes from the implied base, which is never shown).
LAST_YEAR_RESULT = "thuc-hien"
LAST_YEAR_ESTIMATE = "uoc"
PRINTED_RATIO = "ty-le-in"
LAST_YEAR_ZERO = "năm trước bằng 0, không tính được tỷ lệ"
LAST_YEAR_NOT_A_NUMBER = "số năm trước không phải là một số, không tính được tỷ lệ"
PRINTED_RATIO_STALE = "tỷ lệ in trong biểu gốc không tính lại được với ước thực hiện hiện nay"
WORDS_FOR_A_NUMBER = (
    "Ước thực hiện ghi bằng chữ trong khi nhiệm vụ là số: lưu như một nhận xét, không đánh giá tự động; "
    "cần điều chỉnh đánh giá bằng tay"
)


@dataclass(frozen=True, slots=True)
class Override:
    """A verdict set by the synthesis office instead of the computed one."""

    verdict: Verdict
    reason: str
    by: str = ""
    at: datetime | None = None


@dataclass(frozen=True, slots=True)
class RowInput:
    """What the evaluation needs to know of one row of a year's table."""

    indicator: Indicator
    target: str = ""
    estimate: str = ""
    # Last year's result as looked up: its final figure, else its estimate (``last_year_source`` says which).
    last_year: str = ""
    reported_verdict: Verdict | None = None
    # The "so với cùng kỳ" a table printed, and the estimate it was printed for.
    reported_pct_last_year: str = ""
    override: Override | None = None
    note: str = ""
    # A target in another year's table: a row without unit or target this year is then no heading.
    target_other_year: bool = False
    last_year_source: str = LAST_YEAR_RESULT
    reported_pct_estimate: str = ""


class EvaluatedRow(NamedTuple):
    """A row with everything computed for it (a named tuple: immutable and cheap to build)."""

    input: RowInput
    target: Quantity
    estimate: Quantity
    computed_verdict: Verdict | None
    verdict: Verdict | None
    pct_plan: Decimal | None
    pct_last_year: Decimal | None
    warnings: tuple[str, ...] = ()
    depth: int = 0
    # What "so với cùng kỳ" was worked out from (``LAST_YEAR_RESULT``, ``LAST_YEAR_ESTIMATE``,
    # ``PRINTED_RATIO``, or "" for nothing), the text to show instead of the formatted
    # percentage (the printed ratio as written while the estimate is the one it was printed
    # for, or its words), and why no ratio could be worked out.
    last_year_source: str = ""
    same_period_text: str = ""
    same_period_note: str = ""

    @property
    def indicator(self) -> Indicator:
        return self.input.indicator

    @property
    def code(self) -> str:
        return self.input.indicator.code

    @property
    def overridden(self) -> bool:
        return self.input.override is not None

    @property
    def reported_disagrees(self) -> bool:
        reported = self.input.reported_verdict
        return reported is not None and self.computed_verdict is not None and reported != self.computed_verdict

    @property
    def entered(self) -> bool:
        return not self.estimate.is_empty


@dataclass(frozen=True, slots=True)
class Evaluation:
    year: int
    period: PeriodKind
    rows: tuple[EvaluatedRow, ...]
    summary: Summary = field(default_factory=Summary)
    policy: rules.EvaluationRules = rules.DEFAULT_RULES

    def row(self, code: str) -> EvaluatedRow:
        for row in self.rows:
            if row.code == code:
                return row
        raise KeyError(code)


def ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """``numerator / denominator × 100``, or ``None`` when the denominator is zero."""
    if denominator == 0:
        return None
    return numerator * HUNDRED / denominator


def round2(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def pct_plan(target: Quantity, estimate: Quantity) -> Decimal | None:
    """% KH: estimate ÷ target × 100, only for a number against a reach/about target."""
    low, reference = estimate.low, target.low
    if target.kind not in POINT_KINDS or estimate.kind is not Kind.REACH or low is None or reference is None:
        return None
    return ratio(low, reference)


class SamePeriod(NamedTuple):
    """% so với cùng kỳ of one row and where it came from (see :class:`EvaluatedRow`)."""

    value: Decimal | None
    source: str = ""
    text: str = ""
    note: str = ""
    # Computed from last year's figure while a ratio printed for this very estimate is also stored.
    check_printed: bool = False


_NO_SAME_PERIOD = SamePeriod(None)


def pct_last_year(estimate: Quantity, last_year: Quantity, reported: str) -> Decimal | None:
    """% so với cùng kỳ from last year's figure, else the printed ratio as written."""
    computed = _computed_pct_last_year(estimate, last_year)
    return computed if computed is not None else reported_pct(reported)


def _computed_pct_last_year(estimate: Quantity, last_year: Quantity) -> Decimal | None:
    low, previous = estimate.low, last_year.low
    if estimate.kind is Kind.REACH and last_year.kind is Kind.REACH and low is not None and previous:
        return low * HUNDRED / previous
    return None


def same_period(row: RowInput, estimate: Quantity, last_year: Quantity) -> SamePeriod:
    """% so với cùng kỳ, looked up in order: last year's figure (its final result, else its
    estimate), else the ratio the table printed.

    A printed ratio R is shown as written while the estimate is the one it was printed for
    (E); once the estimate is E', it is E' × R ÷ E (E' over the implied base E × 100 ÷ R,
    which is never shown). Words (``Duy trì``) and ratios that cannot be worked out again
    keep their text.
    """
    if row.last_year:
        source = row.last_year_source or LAST_YEAR_RESULT
        previous = last_year.low
        if last_year.kind is not Kind.REACH or previous is None:
            return SamePeriod(None, source, note=LAST_YEAR_NOT_A_NUMBER)
        if previous == 0:
            return SamePeriod(None, source, note=LAST_YEAR_ZERO)
        low = estimate.low
        if estimate.kind is not Kind.REACH or low is None:
            return SamePeriod(None, source)
        return SamePeriod(low * HUNDRED / previous, source, check_printed=_printed_for(row, estimate))
    printed = row.reported_pct_last_year
    if not printed:
        return _NO_SAME_PERIOD
    text = printed.strip()
    ratio_value = reported_pct(printed)
    if ratio_value is None or _printed_for(row, estimate):
        # Words, or the estimate the ratio was printed for: shown exactly as written.
        return SamePeriod(ratio_value, PRINTED_RATIO, text)
    low = estimate.low
    if estimate.kind is not Kind.REACH or low is None:
        return SamePeriod(None, PRINTED_RATIO) if estimate.is_empty else SamePeriod(None, PRINTED_RATIO, text)
    try:
        base = parse_text(row.reported_pct_estimate)
    except QuantityError:
        base = EMPTY
    printed_for = base.low
    if base.kind is not Kind.REACH or printed_for is None:
        return SamePeriod(None, PRINTED_RATIO, text)  # printed for words or a bound: its text stays
    if printed_for == 0 or ratio_value == 0:
        return SamePeriod(None, PRINTED_RATIO, note=PRINTED_RATIO_STALE)
    return SamePeriod(low * ratio_value / printed_for, PRINTED_RATIO)


def _printed_for(row: RowInput, estimate: Quantity) -> bool:
    """Whether the stored printed ratio was printed for this estimate (or for one nobody recorded)."""
    if not row.reported_pct_last_year:
        return False
    printed_for = row.reported_pct_estimate
    if not printed_for or printed_for == row.estimate:
        return True
    try:
        then = parse_text(printed_for)
    except QuantityError:
        return False
    return then.kind is Kind.REACH and estimate.kind is Kind.REACH and then.low == estimate.low


def reported_pct(text: str) -> Decimal | None:
    """The entered "so với cùng kỳ" as a number, or ``None`` when it is words or empty."""
    try:
        quantity = parse_text(text)
    except QuantityError:
        return None
    return quantity.low if quantity.kind is Kind.REACH else None


def _quantity(text: str, what: str, warnings: list[str]) -> Quantity:
    try:
        return parse_text(text)
    except QuantityError as exc:
        warnings.append(f"{what} không hợp lệ: {exc}")
        return EMPTY


# Building the tuple directly skips the keyword handling of the named tuple's __new__:
# it is the last step of every row of a 10,000-row table.
_new_tuple = tuple.__new__


def evaluate_row(
    row: RowInput,
    policy: rules.EvaluationRules = rules.DEFAULT_RULES,
    children: Sequence[RowInput] = (),
    depth: int = 0,
) -> EvaluatedRow:
    warnings: list[str] = []
    try:
        target, estimate, last_year = parse_text(row.target), parse_text(row.estimate), parse_text(row.last_year)
    except QuantityError:
        # The rare bad text: each figure again, so that every bad one gets its warning.
        target = _quantity(row.target, "Nhiệm vụ", warnings)
        estimate = _quantity(row.estimate, "Ước thực hiện", warnings)
        last_year = _quantity(row.last_year, "Số năm trước", warnings)
    computed = judge(target, estimate, row.indicator.direction, policy)
    override = row.override
    verdict = computed if override is None else override.verdict
    plan = pct_plan(target, estimate)
    if row.last_year or row.reported_pct_last_year:
        found_same_period = same_period(row, estimate, last_year)
    else:
        found_same_period = _NO_SAME_PERIOD
    reported = row.reported_verdict
    if reported is not None and computed is not None and reported is not computed:
        warnings.append(f"Đánh giá trong biểu ({reported}) khác đánh giá theo quy tắc ({computed})")
    if (
        computed is None
        and override is None
        and Kind.QUALITATIVE in (target.kind, estimate.kind)
        and not estimate.is_empty
        and not target.is_empty
    ):
        if estimate.kind is Kind.QUALITATIVE and target.is_numeric:
            warnings.append(WORDS_FOR_A_NUMBER)
        else:
            warnings.append("Chỉ tiêu ghi bằng chữ: cần điều chỉnh đánh giá bằng tay")
    if found_same_period.note == LAST_YEAR_ZERO:
        warnings.append(f"So với cùng kỳ: {LAST_YEAR_ZERO}")
    # A printed ratio is checked against the one computed from last year's figure only while
    # the estimate is the one it was printed for.
    checked = found_same_period.value if found_same_period.check_printed else None
    found = plausibility_warnings(row, target, estimate, last_year, children, policy, checked)
    if found:
        warnings.extend(found)
    return _new_tuple(
        EvaluatedRow,
        (
            row,
            target,
            estimate,
            computed,
            verdict,
            plan,
            found_same_period.value,
            tuple(warnings) if warnings else (),
            depth,
            found_same_period.source,
            found_same_period.text,
            found_same_period.note,
        ),
    )


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector while a table is evaluated.

    A 10,000-row table makes some 50,000 tuples and lists, none of them in a cycle; left on,
    the collector scans them again and again for nothing (about a tenth of the time). Only
    the caller that paused it resumes it, so nested or concurrent evaluations are safe.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def evaluate_table(
    year: int,
    rows: Sequence[RowInput],
    period: PeriodKind = PeriodKind.ESTIMATE,
    policy: rules.EvaluationRules = rules.DEFAULT_RULES,
    previous: Evaluation | None = None,
) -> Evaluation:
    """Evaluate every row of a year's table, in order, and count the summary.

    With ``previous`` (the evaluation of the same table before an edit), a row whose
    input is the very same object as before is taken over as it was: after an edit only
    the edited row, and the sums above it, are worked out again.
    """
    with _no_cycle_collection():
        return _evaluate_table(year, rows, period, policy, previous)


def _evaluate_table(
    year: int,
    rows: Sequence[RowInput],
    period: PeriodKind,
    policy: rules.EvaluationRules,
    previous: Evaluation | None,
) -> Evaluation:
    indicators = [row.indicator for row in rows]
    children = children_of(indicators)
    by_code = {row.indicator.code: row for row in rows}
    before = {id(old.input): old for old in previous.rows} if previous is not None and previous.policy == policy else {}
    depths: dict[str, int] = {}
    evaluated: list[EvaluatedRow] = []
    for row in rows:
        indicator = row.indicator
        parent = indicator.parent
        depth = depths[parent] + 1 if parent in depths else 0
        depths[indicator.code] = depth
        if before:
            old = before.get(id(row))
            if old is not None and old.input is row and old.depth == depth and not indicator.sum_of_children:
                evaluated.append(old)
                continue
        kids = tuple(by_code[c.code] for c in children.get(indicator.code, ())) if indicator.sum_of_children else ()
        evaluated.append(evaluate_row(row, policy, kids, depth))
    return Evaluation(year, period, tuple(evaluated), summarise(evaluated), policy)
