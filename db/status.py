"""Completeness at the synthesis office: for each phòng, what it owes, what is in, what it last sent."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from bkdesk.catalogue import PeriodKind
from db.database import Database
from db.exchange import figures, require_year, year_rows
from db.exchange_models import ConflictRow, ImportedSubmission
from db.models import DepartmentRow
from db.roles import require_synthesis
from db.tables import find_period


@dataclass(frozen=True, slots=True)
class DepartmentStatus:
    code: str
    name: str
    assigned: int
    entered: int
    last_sequence: int | None
    last_submitted_at: datetime | None
    signed: bool | None
    open_conflicts: int

    @property
    def complete(self) -> bool:
        return self.entered >= self.assigned


def completeness(
    db: Database,
    year: int,
    kind: PeriodKind = PeriodKind.ESTIMATE,
    progress: Callable[[int, int], None] | None = None,
) -> list[DepartmentStatus]:
    """One line per phòng that has rows assigned in the year or has sent a file for the period."""
    with db.read() as session:
        require_synthesis(session, "xem tình hình nộp số liệu của các phòng", db.label)
        require_year(session, year)
        rows = [row for row in year_rows(session, year) if row.assigned]
        period = find_period(session, year, kind)
        stored = figures(session, period, (row.indicator_id for row in rows))
        assigned: dict[str, int] = {}
        entered: dict[str, int] = {}
        for row in rows:
            owner = row.indicator.department or ""
            assigned[owner] = assigned.get(owner, 0) + 1
            value = stored.get(row.indicator_id)
            if value is not None and value.text:
                entered[owner] = entered.get(owner, 0) + 1
        last: dict[int, ImportedSubmission] = {}
        conflicts: dict[int, int] = {}
        if period is not None:
            for submission in session.scalars(
                select(ImportedSubmission)
                .where(ImportedSubmission.period_id == period.id)
                .order_by(ImportedSubmission.id)
            ):
                last[submission.department_id] = submission
            conflicts = dict(
                session.execute(
                    select(ConflictRow.department_id, func.count())
                    .where(ConflictRow.period_id == period.id, ConflictRow.status == "open")
                    .group_by(ConflictRow.department_id)
                ).all()
            )
        departments = list(session.scalars(select(DepartmentRow).order_by(DepartmentRow.id)))
        result = []
        for index, department in enumerate(departments, start=1):
            latest = last.get(department.id)
            if department.code in assigned or latest is not None or department.id in conflicts:
                result.append(
                    DepartmentStatus(
                        code=department.code,
                        name=department.name,
                        assigned=assigned.get(department.code, 0),
                        entered=entered.get(department.code, 0),
                        last_sequence=latest.sequence if latest is not None else None,
                        last_submitted_at=latest.made_at if latest is not None else None,
                        signed=latest.signed if latest is not None else None,
                        open_conflicts=conflicts.get(department.id, 0),
                    )
                )
            if progress is not None:
                progress(index, len(departments))
        return result
