"""Storing a whole year's table (demo data, an imported workbook) in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from bkdesk.catalogue import Department, Indicator, PeriodKind
from bkdesk.tables import Table
from db import audit
from db.entry import Change, write_value
from db.errors import StoreError
from db.models import DepartmentRow, IndicatorRow, TargetRow, ValueRow
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
) -> IndicatorRow:
    row = cache.get(indicator.code)
    parent_id = None
    if indicator.parent is not None:
        parent = cache.get(indicator.parent)
        if parent is None:
            raise StoreError(f"Chỉ tiêu {indicator.code}: không có chỉ tiêu cha {indicator.parent}")
        parent_id = parent.id
    department_id = departments.get(indicator.department) if indicator.department else None
    if row is None:
        row = IndicatorRow(code=indicator.code)
        session.add(row)
        report.added.append(indicator.code)
        audit.record(
            session,
            actor=actor,
            action="thêm chỉ tiêu",
            indicator_code=indicator.code,
            new=indicator.name,
            source=source,
        )
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
    session.flush()
    cache[indicator.code] = row
    return row


def store_table(
    session: Session,
    table: Table,
    *,
    actor: str,
    source: str,
    kind: PeriodKind = PeriodKind.ESTIMATE,
) -> TableReport:
    """Add or update the catalogue, the year's targets and figures; nothing is deleted."""
    report = TableReport()
    cache = {row.code: row for row in session.scalars(select(IndicatorRow))}
    departments = {d.code: d.id for d in session.scalars(select(DepartmentRow))}
    targets = {t.indicator_id: t for t in session.scalars(select(TargetRow).where(TargetRow.year == table.year))}
    # The year's order: rows already in the table keep their places; a new row goes
    # right after the row that precedes it in the file (a partial file reorders nothing).
    order = [t.indicator_id for t in sorted(targets.values(), key=lambda t: t.position)]
    anchor: int | None = None
    for line in table.lines:
        row = upsert_indicator(session, line.indicator, cache, departments, report, actor, source)
        target = targets.get(row.id)
        if target is None:
            target = TargetRow(indicator_id=row.id, year=table.year, position=len(order), text="")
            session.add(target)
            targets[row.id] = target
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
        session.flush()
        if line.estimate is not None or line.note is not None:
            report.changes.extend(
                write_value(
                    session,
                    row.code,
                    table.year,
                    kind,
                    line.estimate if line.estimate is not None else _current(session, row.id, table.year, kind),
                    note=line.note,
                    actor=actor,
                    source=source,
                )
            )
        if line.last_year is not None:
            report.changes.extend(
                _store_last_year(session, row, table.year - 1, line.last_year, actor, source, targets_year=table.year)
            )
        if line.reported_verdict is not None or line.reported_pct_last_year is not None:
            report.changes.extend(_store_reported(session, row, table.year, kind, line, actor, source))
    for position, indicator_id in enumerate(order):
        targets[indicator_id].position = position
    session.flush()
    return report


def _current(session: Session, indicator_id: int, year: int, kind: PeriodKind) -> str:
    period = ensure_period(session, year, kind)
    value = session.scalar(
        select(ValueRow).where(ValueRow.indicator_id == indicator_id, ValueRow.period_id == period.id)
    )
    return value.text if value else ""


def _store_last_year(
    session: Session, row: IndicatorRow, year: int, text: str, actor: str, source: str, *, targets_year: int
) -> list[Change]:
    # Last year's result needs the indicator in last year's table to be stored as a value.
    last_target = session.scalar(select(TargetRow).where(TargetRow.indicator_id == row.id, TargetRow.year == year))
    if last_target is None:
        position = session.scalar(
            select(TargetRow.position).where(TargetRow.indicator_id == row.id, TargetRow.year == targets_year)
        )
        session.add(TargetRow(indicator_id=row.id, year=year, position=position or 0, text=""))
        session.flush()
    return write_value(session, row.code, year, PeriodKind.RESULT, text, note=None, actor=actor, source=source)


def _store_reported(
    session: Session,
    row: IndicatorRow,
    year: int,
    kind: PeriodKind,
    line,
    actor: str,
    source: str,  # type: ignore[no-untyped-def]
) -> list[Change]:
    period = ensure_period(session, year, kind)
    value = session.scalar(select(ValueRow).where(ValueRow.indicator_id == row.id, ValueRow.period_id == period.id))
    if value is None:
        value = ValueRow(indicator_id=row.id, period_id=period.id, text="", note="", updated_by=actor, source=source)
        session.add(value)
    changes: list[Change] = []
    for field_name, attr, new in (
        ("reported_verdict", "reported_verdict", line.reported_verdict),
        ("reported_pct_last_year", "reported_pct_last_year", line.reported_pct_last_year),
    ):
        if new is None or getattr(value, attr) == new:
            continue
        changes.append(Change(row.code, field_name, getattr(value, attr), new))
        audit.record(
            session,
            actor=actor,
            action="nhập từ biểu",
            indicator_code=row.code,
            year=year,
            period=kind.value,
            field=field_name,
            old=getattr(value, attr),
            new=new,
            source=source,
        )
        setattr(value, attr, new)
    session.flush()
    return changes
