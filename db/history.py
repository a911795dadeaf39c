"""An indicator's history across the years, read in a few plain statements (:mod:`db.plain`).

Only the indicator's own rows are read: its catalogue entry, its place in each year's table,
its figures and overrides. Nothing goes through the ORM, so a history is as quick on a ten-year
database as on a one-year one; the years are evaluated by :func:`bkdesk.history.indicator_history`.
"""

from __future__ import annotations

from bkdesk.catalogue import PeriodKind
from bkdesk.evaluation import Override
from bkdesk.history import IndicatorHistory, PeriodFigure, indicator_history
from bkdesk.text import clean
from bkdesk.verdicts import Verdict
from db.database import Database
from db.errors import InvalidInput, StoreError
from db.first_screen import INDICATOR_COLUMNS, INDICATOR_JOINS, indicator_of
from db.plain import Plain, plain_link

_INDICATOR = f"SELECT i.id, {INDICATOR_COLUMNS} FROM indicators AS i {INDICATOR_JOINS} WHERE i.code = :code"
_TARGETS = "SELECT year, text FROM targets WHERE indicator_id = :id"
_FIGURES = """
    SELECT p.year, p.kind, v.text, v.note, v.reported_verdict, v.reported_pct_last_year, v.reported_pct_estimate
    FROM indicator_values AS v JOIN periods AS p ON v.period_id = p.id
    WHERE v.indicator_id = :id
"""
_OVERRIDES = """
    SELECT p.year, p.kind, o.verdict, o.reason, o.set_by, o.set_at
    FROM verdict_overrides AS o JOIN periods AS p ON o.period_id = p.id
    WHERE o.indicator_id = :id
"""


def history(db: Database, code: str) -> IndicatorHistory:
    """The history of the indicator ``code``; an unknown code, or one in no year's table, is refused."""
    code = clean(code)
    with plain_link(db) as link, link.read() as plain:
        found = read_history(plain, code)
    if found is None:
        raise InvalidInput(f"Không có chỉ tiêu mã {code} trong danh mục")
    if not found.years:
        raise StoreError(f"Chỉ tiêu {code} chưa có trong biểu năm nào")
    return found


def read_history(plain: Plain, code: str) -> IndicatorHistory | None:
    """As :func:`history`, inside the caller's read; ``None`` when no indicator has that code."""
    row = plain.first(_INDICATOR, {"code": code})
    if row is None:
        return None
    indicator_id, *columns = row
    indicator = indicator_of(columns)
    key = {"id": indicator_id}
    targets = {int(year): text for year, text in plain.rows(_TARGETS, key)}
    overrides = {
        (int(year), kind): Override(Verdict(verdict), reason, set_by, plain.time(set_at) if set_at else None)
        for year, kind, verdict, reason, set_by, set_at in plain.rows(_OVERRIDES, key)
    }
    figures: list[PeriodFigure] = []
    seen: set[tuple[int, str]] = set()
    for year, kind, text, note, reported_verdict, reported_pct, printed_for in plain.rows(_FIGURES, key):
        seen.add((int(year), kind))
        figures.append(
            PeriodFigure(
                year=int(year),
                kind=PeriodKind(kind),
                text=text,
                note=note,
                reported_verdict=Verdict(reported_verdict) if reported_verdict else None,
                reported_pct_last_year=reported_pct,
                reported_pct_estimate=printed_for or "",
                override=overrides.get((int(year), kind)),
            )
        )
    # An override stands even where no figure is stored (a target in words judged by hand).
    for (year, kind), override in overrides.items():
        if (year, kind) not in seen:
            figures.append(PeriodFigure(year=year, kind=PeriodKind(kind), override=override))
    return indicator_history(indicator, targets, figures)
