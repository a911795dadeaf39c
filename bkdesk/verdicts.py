"""Verdicts (Vượt / Đạt / Không đạt) and the rule that computes one."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from bkdesk import rules
from bkdesk.catalogue import Direction
from bkdesk.quantities import POINT_KINDS, Kind, Quantity
from bkdesk.text import clean


class Verdict(StrEnum):
    EXCEEDED = "Vượt"
    ACHIEVED = "Đạt"
    NOT_ACHIEVED = "Không đạt"

    @property
    def achieved(self) -> bool:
        return self is not Verdict.NOT_ACHIEVED


NOT_EVALUATED = "Chưa đánh giá"
_NOT_NUMERIC = frozenset({Kind.EMPTY, Kind.QUALITATIVE})


class VerdictError(ValueError):
    def __init__(self, text: str) -> None:
        message = "đánh giá phải là Vượt, Đạt hoặc Không đạt (Chưa đạt)"
        super().__init__(f'"{text}": {message}')
        self.text = text
        self.message = message


def parse_verdict(text: object) -> Verdict | None:
    """Read a verdict as offices write it; empty gives ``None``, other text an error."""
    cleaned = clean(text)
    if not cleaned:
        return None
    canonical = rules.VERDICT_SYNONYMS.get(cleaned.casefold())
    if canonical is None:
        raise VerdictError(cleaned)
    return Verdict(canonical)


def judge(
    target: Quantity,
    estimate: Quantity,
    direction: Direction = Direction.HIGHER,
    policy: rules.EvaluationRules = rules.DEFAULT_RULES,
) -> Verdict | None:
    """The computed verdict of ``estimate`` against ``target``, or ``None``.

    ``None`` when either side is empty or in words, and for a point target of an
    indicator that has no better direction. An estimate that is itself a bound or a
    range counts by its weaker end (DESIGN §3).
    """
    target_kind = target.kind
    if target_kind in _NOT_NUMERIC or estimate.kind in _NOT_NUMERIC:
        return None
    if target_kind in POINT_KINDS:
        point = target.low
        return None if point is None else _judge_point(point, estimate, direction, policy)
    if target_kind is Kind.RANGE:
        return _judge_range(target, estimate, direction, policy)
    return Verdict.ACHIEVED if _inside(estimate, target) else Verdict.NOT_ACHIEVED


def _weaker_end(estimate: Quantity, direction: Direction) -> tuple[Decimal | None, bool]:
    """The end that counts: the low end when higher is better, the high end when lower."""
    if direction is Direction.LOWER:
        return estimate.high, estimate.high_open
    return estimate.low, estimate.low_open


def _judge_point(
    target: Decimal, estimate: Quantity, direction: Direction, policy: rules.EvaluationRules
) -> Verdict | None:
    if direction is Direction.NONE:
        return None
    if estimate.kind is Kind.REACH:
        value: Decimal | None = estimate.low
        strict = False  # a plain number: both ends are the number itself
    else:
        value, strict = _weaker_end(estimate, direction)
    if value is None:
        return Verdict.NOT_ACHIEVED
    better = value > target if direction is Direction.HIGHER else value < target
    if value == target:
        # ">N" against "N" lies beyond N on the good side; "<N" likewise when lower is better.
        better = strict
    if better:
        return Verdict.EXCEEDED if policy.exceed_above_point else Verdict.ACHIEVED
    if value == target:
        return Verdict.ACHIEVED
    return Verdict.NOT_ACHIEVED


def _judge_range(target: Quantity, estimate: Quantity, direction: Direction, policy: rules.EvaluationRules) -> Verdict:
    if direction is Direction.NONE:
        return Verdict.ACHIEVED if _inside(estimate, target) else Verdict.NOT_ACHIEVED
    value, strict = _weaker_end(estimate, direction)
    if value is None:
        return Verdict.NOT_ACHIEVED
    low, high = target.low, target.high
    assert low is not None and high is not None
    if direction is Direction.HIGHER:
        beyond = value > high or (value == high and strict)
        short = value < low
    else:
        beyond = value < low or (value == low and strict)
        short = value > high
    if beyond:
        return Verdict.EXCEEDED if policy.exceed_beyond_range else Verdict.ACHIEVED
    return Verdict.NOT_ACHIEVED if short else Verdict.ACHIEVED


def _inside(estimate: Quantity, target: Quantity) -> bool:
    """Whether every value ``estimate`` admits also satisfies ``target``."""
    if target.low is not None:
        if estimate.low is None:
            return False
        if estimate.low < target.low:
            return False
        if estimate.low == target.low and target.low_open and not estimate.low_open:
            return False
    if target.high is not None:
        if estimate.high is None:
            return False
        if estimate.high > target.high:
            return False
        if estimate.high == target.high and target.high_open and not estimate.high_open:
            return False
    return True
