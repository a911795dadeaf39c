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
    last_year: str = ""
    reported_verdict: Verdict | None = None
    reported_pct_last_year: str = ""
    override: Override | None = None
    note: str = ""
    # A target in another year's table: a row without unit or target this year is then no heading.
    target_other_year: bool = False


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


def pct_last_year(estimate: Quantity, last_year: Quantity, reported: str) -> Decimal | None:
    """% so với cùng kỳ from last year's figure, else the figure entered for it."""
    computed = _computed_pct_last_year(estimate, last_year)
    return computed if computed is not None else reported_pct(reported)


def _computed_pct_last_year(estimate: Quantity, last_year: Quantity) -> Decimal | None:
    low, previous = estimate.low, last_year.low
    if estimate.kind is Kind.REACH and last_year.kind is Kind.REACH and low is not None and previous:
        return low * HUNDRED / previous
    return None


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
    computed_same_period = _computed_pct_last_year(estimate, last_year)
    if computed_same_period is not None:
        same_period: Decimal | None = computed_same_period
    else:
        same_period = reported_pct(row.reported_pct_last_year) if row.reported_pct_last_year else None
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
    found = plausibility_warnings(row, target, estimate, last_year, children, policy, computed_same_period)
    if found:
        warnings.extend(found)
    return _new_tuple(
        EvaluatedRow,
        (row, target, estimate, computed, verdict, plan, same_period, tuple(warnings) if warnings else (), depth),
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
