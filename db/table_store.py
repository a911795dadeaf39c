"""Storing a whole year's table (demo data, an imported workbook) in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from bkdesk.catalogue import Department, Indicator, PeriodKind
from bkdesk.tables import Table, TableLine
from db import audit
from db.entry import (
    PRINTED_RATIO,
    REPORTED_VERDICT,
    CellWrite,
    Change,
    Prepared,
    refuse_locked,
    write_fields,
    write_override,
    write_value,
)
from db.errors import StoreError
from db.models import DepartmentRow, IndicatorRow, PeriodRow, TargetRow, ValueRow
from db.tables import ensure_period


@dataclass
class TableReport:
    """What storing a table did, for the user to read."""

    added: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)


def upsert_departments(session: Session, departments: list[Department]) -> None:
    existing = {row.code: row for row in session.scalars(select(DepartmentRow))}
    for department in departments:
        row = existing.get(department.code)
        if row is None:
            session.add(DepartmentRow(code=department.code, name=department.name))
        else:
            row.name = department.name
    session.flush()


def upsert_indicator(
    session: Session,
    indicator: Indicator,
    cache: dict[str, IndicatorRow],
    departments: dict[str, int],
    report: TableReport,
    actor: str,
    source: str,
    *,
    flush: bool = True,
    record_addition: bool = True,
) -> IndicatorRow:
    row = cache.get(indicator.code)
    parent_id = None
    if indicator.parent is not None:
        parent = cache.get(indicator.parent)
        if parent is None:
            raise StoreError(f"Chỉ tiêu {indicator.code}: không có chỉ tiêu cha {indicator.parent}")
        parent_id = parent.id  # None for a parent added in the same batch: set after its flush
    department_id = departments.get(indicator.department) if indicator.department else None
    if row is None:
        row = IndicatorRow(code=indicator.code)
        session.add(row)
        report.added.append(indicator.code)
        if record_addition:
            _record_addition(session, indicator, actor, source)
    row.group = indicator.group
    row.stt = indicator.stt
    row.name = indicator.name
    row.unit = indicator.unit
    row.parent_id = parent_id
    if department_id is not None or row.department_id is None:
        row.department_id = department_id
    row.direction = indicator.direction.value
    row.counted = indicator.counted
    row.sum_of_children = indicator.sum_of_children
    if flush:
        session.flush()
    cache[indicator.code] = row
    return row


def _record_addition(session: Session, indicator: Indicator, actor: str, source: str) -> None:
    audit.record(
        session, actor=actor, action="thêm chỉ tiêu", indicator_code=indicator.code, new=indicator.name, source=source
    )


class _Figures:
    """The periods, value rows and table memberships of one store, each looked up once.

    A 1,000-row table would otherwise cost several queries and a flush per row; here
    the rows are loaded once and the writes go to the database in one flush at the end.
    """

    def __init__(self, session: Session, cache: dict[str, IndicatorRow]) -> None:
        self.session = session
        self.cache = cache
        self.prepared: dict[tuple[int, PeriodKind], Prepared] = {}
        self.targets: dict[int, dict[int, TargetRow]] = {}

    def targets_of(self, year: int) -> dict[int, TargetRow]:
        if year not in self.targets:
            query = select(TargetRow).where(TargetRow.year == year)
            self.targets[year] = {t.indicator_id: t for t in self.session.scalars(query)}
        return self.targets[year]

    def of(self, year: int, kind: PeriodKind) -> Prepared:
        key = (year, kind)
        if key not in self.prepared:
            period = ensure_period(self.session, year, kind)
            values = {
                v.indicator_id: v for v in self.session.scalars(select(ValueRow).where(ValueRow.period_id == period.id))
            }
            self.prepared[key] = Prepared(
                indicators=self.cache, in_table=set(self.targets_of(year)), period=period, values=values
            )
        return self.prepared[key]

    def add_target(self, target: TargetRow) -> None:
        self.session.add(target)
        self.targets_of(target.year)[target.indicator_id] = target
        for (year, _kind), prepared in self.prepared.items():
            if year == target.year:
                prepared.in_table.add(target.indicator_id)


def store_table(
    session: Session,
    table: Table,
    *,
    actor: str,
    source: str,
    kind: PeriodKind = PeriodKind.ESTIMATE,
) -> TableReport:
    """Add or update the catalogue, the year's targets and figures; nothing is deleted.

    A year whose figures are locked refuses the whole table, targets included, as
    ``set_target`` does for one target.
    """
    for period in session.scalars(select(PeriodRow).where(PeriodRow.year == table.year, PeriodRow.locked)):
        refuse_locked(period)
    with audit.batched(session):
        return _store(session, table, actor=actor, source=source, kind=kind)


def _store(session: Session, table: Table, *, actor: str, source: str, kind: PeriodKind) -> TableReport:
    report = TableReport()
    cache = {row.code: row for row in session.scalars(select(IndicatorRow))}
    departments = {d.code: d.id for d in session.scalars(select(DepartmentRow))}
    figures = _Figures(session, cache)
    targets = figures.targets_of(table.year)
    # The year's order: rows already in the table keep their places; a new row goes
    # right after the row that precedes it in the file (a partial file reorders nothing).
    order = [t.indicator_id for t in sorted(targets.values(), key=lambda t: t.position)]
    # The catalogue first, in one flush: the figures below need the new rows' ids. A new
    # row's parent is linked after that flush, so the rows go in as one batch and their
    # ids follow the file's order, as the catalogue's order does.
    rows = [
        upsert_indicator(
            session, line.indicator, cache, departments, report, actor, source, flush=False, record_addition=False
        )
        for line in table.lines
    ]
    session.flush()
    for line, row in zip(table.lines, rows, strict=True):
        if line.indicator.parent is not None and row.parent_id is None:
            row.parent_id = cache[line.indicator.parent].id
    added = set(report.added)
    anchor: int | None = None
    for line, row in zip(table.lines, rows, strict=True):
        if row.code in added:
            # Recorded here, so the log reads row by row: the addition, then its figures.
            _record_addition(session, line.indicator, actor, source)
        target = targets.get(row.id)
        if target is None:
            target = TargetRow(indicator_id=row.id, year=table.year, position=len(order), text="")
            figures.add_target(target)
            order.insert(order.index(anchor) + 1 if anchor is not None else len(order), row.id)
        anchor = row.id
        if line.target is not None and line.target != target.text:
            report.changes.append(Change(row.code, "target", target.text, line.target))
            audit.record(
                session,
                actor=actor,
                action="sửa nhiệm vụ",
                indicator_code=row.code,
                year=table.year,
                field="target",
                old=target.text,
                new=line.target,
                source=source,
            )
            target.text = line.target
        if line.estimate is not None or line.note is not None:
            prepared = figures.of(table.year, kind)
            report.changes.extend(
                write_value(
                    session,
                    row.code,
                    table.year,
                    kind,
                    line.estimate,
                    note=line.note,
                    actor=actor,
                    source=source,
                    prepared=prepared,
                )
            )
        if line.last_year is not None:
            report.changes.extend(_store_last_year(figures, row, table.year, line.last_year, actor, source))
        if line.last_year_estimate is not None:
            report.changes.extend(
                _store_last_year(figures, row, table.year, line.last_year_estimate, actor, source, PeriodKind.ESTIMATE)
            )
        if line.reported_verdict is not None or line.reported_pct_last_year is not None:
            report.changes.extend(_store_reported(session, figures.of(table.year, kind), row, line, actor, source))
    for position, indicator_id in enumerate(order):
        targets[indicator_id].position = position
    session.flush()
    for line in table.lines:
        if line.override is not None:
            # After the figures: an override is checked against the row being in the year's table.
            verdict, reason = line.override
            change = write_override(
                session, line.indicator.code, table.year, verdict, reason, kind=kind, actor=actor, source=source
            )
            if change.changed:
                report.changes.append(change)
    return report


def _store_last_year(
    figures: _Figures,
    row: IndicatorRow,
    year: int,
    text: str,
    actor: str,
    source: str,
    kind: PeriodKind = PeriodKind.RESULT,
) -> list[Change]:
    # Last year's figure (its final result, or its estimate) needs the indicator in last year's table to be
    # stored as a value.
    previous = year - 1
    if row.id not in figures.targets_of(previous):
        position = figures.targets_of(year)[row.id].position
        figures.add_target(TargetRow(indicator_id=row.id, year=previous, position=position or 0, text=""))
    prepared = figures.of(previous, kind)
    changes = write_value(
        figures.session,
        row.code,
        previous,
        kind,
        text,
        note=None,
        actor=actor,
        source=source,
        prepared=prepared,
    )
    # Told apart from this year's "value" so that a report can say which year changed.
    return [replace(change, field="last_year") for change in changes]


def _store_reported(
    session: Session, prepared: Prepared, row: IndicatorRow, line: TableLine, actor: str, source: str
) -> list[Change]:
    writes = [
        CellWrite(row.code, field_name, new)
        for field_name, new in (
            (REPORTED_VERDICT, line.reported_verdict),
            (PRINTED_RATIO, line.reported_pct_last_year),
        )
        if new is not None
    ]
    period = prepared.period
    changes = write_fields(
        session,
        period.year,
        PeriodKind(period.kind),
        writes,
        actor=actor,
        source=source,
        prepared=prepared,
        action="nhập từ biểu",
    )
    value = prepared.values.get(row.id)
    if line.reported_pct_last_year is not None and value is not None:
        # The ratio was printed for the figure the table brings (or, without one, the stored
        # figure), unless the line says which (a setup file: the office's figure may have moved
        # since): once that changes, the ratio is worked out again from the two.
        printed_for = line.reported_pct_estimate
        value.reported_pct_estimate = printed_for if printed_for is not None else value.text
    return changes
