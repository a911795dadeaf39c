"""One indicator across the years: target, estimate, final result, verdict and "so với cùng kỳ" per year.

The database hands over what it holds of the indicator (the years whose table has it, and
every figure stored for it); each year is then evaluated by :func:`bkdesk.evaluation.evaluate_row`
on the row ``evaluate`` would build for it, so the history says what that year's table says.
A year's verdict and percentages are those of its final result (*thực hiện*) once it is entered,
else of its estimate: the figure an office quotes for a year it has closed is the final one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from bkdesk import rules
from bkdesk.catalogue import Indicator, PeriodKind
from bkdesk.evaluation import LAST_YEAR_ESTIMATE, LAST_YEAR_RESULT, EvaluatedRow, Override, RowInput, evaluate_row
from bkdesk.quantities import BOUND_KINDS, POINT_KINDS, Quantity, QuantityError, parse_text
from bkdesk.verdicts import Verdict


@dataclass(frozen=True, slots=True)
class PeriodFigure:
    """One stored figure of the indicator: a year's estimate or final result, with what the table said beside it."""

    year: int
    kind: PeriodKind
    text: str = ""
    note: str = ""
    reported_verdict: Verdict | None = None
    reported_pct_last_year: str = ""
    override: Override | None = None
    # The estimate a printed "so với cùng kỳ" was printed for (see ``RowInput.reported_pct_estimate``).
    reported_pct_estimate: str = ""


@dataclass(frozen=True, slots=True)
class YearHistory:
    """One year of the indicator as its table shows it."""

    year: int
    target: str
    estimate: str
    result: str
    period: PeriodKind  # the figure the verdict and the percentages are of
    row: EvaluatedRow  # that figure's row as ``evaluate`` computes it

    @property
    def verdict(self) -> Verdict | None:
        return self.row.verdict

    @property
    def overridden(self) -> bool:
        return self.row.overridden

    @property
    def pct_plan(self) -> Decimal | None:
        return self.row.pct_plan

    @property
    def pct_last_year(self) -> Decimal | None:
        return self.row.pct_last_year

    @property
    def target_point(self) -> Decimal | None:
        return chart_point(self.target)

    @property
    def estimate_point(self) -> Decimal | None:
        return chart_point(self.estimate)

    @property
    def result_point(self) -> Decimal | None:
        return chart_point(self.result)


@dataclass(frozen=True, slots=True)
class IndicatorHistory:
    indicator: Indicator
    years: tuple[YearHistory, ...]


def chart_point(text: str) -> Decimal | None:
    """Where a figure stands on a chart: its number, or the bound of ``>50`` / ``không quá 14``.

    A range, words, an empty or unreadable figure have no single point: the line has a gap there.
    """
    try:
        quantity: Quantity = parse_text(text)
    except QuantityError:
        return None
    if quantity.kind in POINT_KINDS:
        return quantity.low
    if quantity.kind in BOUND_KINDS:
        return quantity.low if quantity.low is not None else quantity.high
    return None


def last_year_figure(estimate: str, result: str) -> tuple[str, str]:
    """Last year's figure as ``db.tables.load_rows`` takes it, and its source: the final result if there is one,
    else the estimate."""
    if result:
        return result, LAST_YEAR_RESULT
    if estimate:
        return estimate, LAST_YEAR_ESTIMATE
    return "", LAST_YEAR_RESULT


def indicator_history(
    indicator: Indicator,
    targets: Mapping[int, str],
    figures: Sequence[PeriodFigure],
    policy: rules.EvaluationRules = rules.DEFAULT_RULES,
) -> IndicatorHistory:
    """Every year whose table holds the indicator (``targets``: year → target text), oldest first.

    ``figures`` are all of the indicator's stored figures, of any year (last year's figure of
    the first year may come from a year without a table).
    """
    by_period = {(figure.year, figure.kind): figure for figure in figures}
    texts = {key: figure.text for key, figure in by_period.items()}
    targeted = {year for year, text in targets.items() if text}
    years: list[YearHistory] = []
    for year in sorted(targets):
        estimate = texts.get((year, PeriodKind.ESTIMATE), "")
        result = texts.get((year, PeriodKind.RESULT), "")
        kind = PeriodKind.RESULT if result else PeriodKind.ESTIMATE
        figure = by_period.get((year, kind)) or PeriodFigure(year, kind)
        previous, source = last_year_figure(
            texts.get((year - 1, PeriodKind.ESTIMATE), ""), texts.get((year - 1, PeriodKind.RESULT), "")
        )
        row = RowInput(
            indicator=indicator,
            target=targets[year],
            estimate=figure.text,
            last_year=previous,
            reported_verdict=figure.reported_verdict,
            reported_pct_last_year=figure.reported_pct_last_year,
            override=figure.override,
            note=figure.note,
            target_other_year=bool(targeted - {year}),
            last_year_source=source,
            reported_pct_estimate=figure.reported_pct_estimate,
        )
        years.append(YearHistory(year, targets[year], estimate, result, kind, evaluate_row(row, policy)))
    return IndicatorHistory(indicator, tuple(years))
