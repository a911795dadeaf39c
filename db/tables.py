"""Reading the catalogue and a year's table, handed out as plain ``bkdesk`` objects."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from bkdesk.catalogue import Department, Direction, Indicator, PeriodKind
from bkdesk.evaluation import LAST_YEAR_ESTIMATE, LAST_YEAR_RESULT, Evaluation, Override, RowInput, evaluate_table
from bkdesk.verdicts import Verdict
from db.database import Database
from db.errors import StoreError
from db.file_format import LockState
from db.models import (
    DepartmentRow,
    IndicatorRow,
    OverrideRow,
    PeriodRow,
    TargetRow,
    ValueRow,
)


def to_indicator(row: IndicatorRow, parent_code: str | None, department_code: str | None) -> Indicator:
    return Indicator(
        code=row.code,
        group=row.group,
        stt=row.stt,
        name=row.name,
        unit=row.unit,
        parent=parent_code,
        department=department_code,
        direction=Direction(row.direction),
        counted=row.counted,
        sum_of_children=row.sum_of_children,
    )


def indicator_query() -> Select[IndicatorRow, str, str]:
    """Indicators with their parent's and their phòng's codes (``to_indicator``'s inputs).

    Either code is ``None`` where its outer join finds no row; a select's type cannot say so.
    """
    parent = aliased(IndicatorRow)
    return (
        select(IndicatorRow, parent.code, DepartmentRow.code)
        .outerjoin(parent, IndicatorRow.parent_id == parent.id)
        .outerjoin(DepartmentRow, IndicatorRow.department_id == DepartmentRow.id)
    )


def departments(db: Database) -> list[Department]:
    with db.read() as session:
        rows = session.scalars(select(DepartmentRow).order_by(DepartmentRow.id))
        return [Department(row.code, row.name) for row in rows]


def catalogue(db: Database) -> list[Indicator]:
    """Every indicator, in the order they were added to the catalogue."""
    with db.read() as session:
        result = session.execute(indicator_query().order_by(IndicatorRow.id))
        return [to_indicator(row, parent, dept) for row, parent, dept in result]


def years(db: Database) -> list[int]:
    """Years that have a table (targets), newest last."""
    with db.read() as session:
        return list(session.scalars(select(TargetRow.year).distinct().order_by(TargetRow.year)))


def find_period(session: Session, year: int, kind: PeriodKind) -> PeriodRow | None:
    return session.scalar(select(PeriodRow).where(PeriodRow.year == year, PeriodRow.kind == kind.value))


def ensure_period(session: Session, year: int, kind: PeriodKind) -> PeriodRow:
    period = find_period(session, year, kind)
    if period is None:
        period = PeriodRow(year=year, kind=kind.value, locked=False, lock_reason="")
        session.add(period)
        session.flush()
    return period


def find_indicator(session: Session, code: str) -> IndicatorRow:
    row = session.scalar(select(IndicatorRow).where(IndicatorRow.code == code))
    if row is None:
        raise StoreError(f"Không có chỉ tiêu mã {code} trong danh mục")
    return row


def _values(session: Session, year: int, kind: PeriodKind) -> dict[int, ValueRow]:
    period = find_period(session, year, kind)
    if period is None:
        return {}
    return {v.indicator_id: v for v in session.scalars(select(ValueRow).where(ValueRow.period_id == period.id))}


def last_year_texts(session: Session, year: int) -> dict[int, tuple[str, str]]:
    """Last year's result per indicator and where it comes from: the final (thực hiện) figure where there
    is one, else the estimate.

    A "Thực hiện năm Y-1" column of an imported table and last year's result entered by the
    synthesis office are both stored as that final figure (:mod:`db.table_store`, :mod:`db.entry`).
    """
    texts: dict[int, tuple[str, str]] = {}
    for kind, source in ((PeriodKind.ESTIMATE, LAST_YEAR_ESTIMATE), (PeriodKind.RESULT, LAST_YEAR_RESULT)):
        for indicator_id, value in _values(session, year - 1, kind).items():
            if value.text:
                texts[indicator_id] = (value.text, source)
    return texts


def load_rows(db: Database, year: int, kind: PeriodKind = PeriodKind.ESTIMATE) -> list[RowInput]:
    """The rows of ``year``'s table in printed order, with this period's figures."""
    with db.read() as session:
        query = indicator_query().add_columns(TargetRow.text).join(TargetRow, TargetRow.indicator_id == IndicatorRow.id)
        result = session.execute(query.where(TargetRow.year == year).order_by(TargetRow.position, IndicatorRow.id))
        values = _values(session, year, kind)
        last_year = last_year_texts(session, year)
        period = find_period(session, year, kind)
        overrides: dict[int, OverrideRow] = {}
        if period is not None:
            overrides = {
                o.indicator_id: o
                for o in session.scalars(select(OverrideRow).where(OverrideRow.period_id == period.id))
            }
        elsewhere = targeted_ids(session, other_than=year)
        rows: list[RowInput] = []
        for indicator_row, parent, dept, target_text in result:
            value = values.get(indicator_row.id)
            override = overrides.get(indicator_row.id)
            previous, source = last_year.get(indicator_row.id, ("", LAST_YEAR_RESULT))
            rows.append(
                RowInput(
                    indicator=to_indicator(indicator_row, parent, dept),
                    target=target_text,
                    estimate=value.text if value else "",
                    last_year=previous,
                    reported_verdict=Verdict(value.reported_verdict) if value and value.reported_verdict else None,
                    reported_pct_last_year=value.reported_pct_last_year if value else "",
                    override=(
                        Override(Verdict(override.verdict), override.reason, override.set_by, override.set_at)
                        if override
                        else None
                    ),
                    note=value.note if value else "",
                    target_other_year=indicator_row.id in elsewhere,
                    last_year_source=source,
                    reported_pct_estimate=value.reported_pct_estimate if value else "",
                )
            )
        return rows


def targeted_ids(session: Session, *, other_than: int) -> set[int]:
    """Indicators with a target in a year's table other than ``other_than``: none of them is a heading."""
    query = select(TargetRow.indicator_id).where(TargetRow.year != other_than, TargetRow.text != "").distinct()
    return set(session.scalars(query))


def targeted_codes(db: Database, *, other_than: int) -> set[str]:
    """As :func:`targeted_ids`, by code (what a table read from a file is matched by)."""
    query = (
        select(IndicatorRow.code)
        .join(TargetRow, TargetRow.indicator_id == IndicatorRow.id)
        .where(TargetRow.year != other_than, TargetRow.text != "")
        .distinct()
    )
    with db.read() as session:
        return set(session.scalars(query))


def evaluate(db: Database, year: int, kind: PeriodKind = PeriodKind.ESTIMATE) -> Evaluation:
    """Load and evaluate ``year``'s table; a year without a table is an error."""
    rows = load_rows(db, year, kind)
    if not rows:
        known = years(db)
        hint = f" (có biểu các năm: {', '.join(map(str, known))})" if known else " (cơ sở dữ liệu chưa có biểu nào)"
        raise StoreError(f"Chưa có biểu chỉ tiêu năm {year}{hint}")
    return evaluate_table(year, rows, kind)


def default_year_of(db: Database, code: str, kind: PeriodKind = PeriodKind.ESTIMATE) -> int | None:
    """The year a figure of ``code`` is entered for when none is named.

    The newest year whose table holds the indicator and already has figures for the period
    (in December the year being estimated; next year's table has only targets), else the
    newest year whose table holds it.
    """
    with db.read() as session:
        indicator = find_indicator(session, code)
        holding = list(
            session.scalars(
                select(TargetRow.year).where(TargetRow.indicator_id == indicator.id).order_by(TargetRow.year.desc())
            )
        )
        with_figures = set(
            session.scalars(
                select(PeriodRow.year)
                .join(ValueRow, ValueRow.period_id == PeriodRow.id)
                .where(PeriodRow.kind == kind.value, ValueRow.text != "")
                .distinct()
            )
        )
    return next((year for year in holding if year in with_figures), holding[0] if holding else None)


def lock_state(db: Database, year: int, kind: PeriodKind) -> LockState:
    """The lock of one period (a period never written to is open)."""
    with db.read() as session:
        period = find_period(session, year, kind)
        if period is None or not period.locked:
            return LockState(False)
        return LockState(True, period.lock_reason or "")
