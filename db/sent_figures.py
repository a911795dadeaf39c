"""On a phòng's PC: what each value was when this installation last sent or received it, and what changed since.

A value's base is the figure of the state the synthesis office holds (the setup file
installed, then each file exported): :class:`~db.exchange_models.SentFigure`. A field is
*edited* since its base when the audit log holds a write of that field after the base
was recorded: a figure changed and set back to what it was is still a change, and a
note changed alone does not mark the figure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from bkdesk.catalogue import PeriodKind
from bkdesk.exchange.merge import FIELDS, Figure
from bkdesk.exchange.submission import BASE_SETUP, BASE_SUBMISSION, BaseRef
from db.exchange_models import DepartmentIdentity, SentFigure
from db.models import AuditRow, PeriodRow

# A written figure's audit row names its field so (db.entry's VALUE and NOTE are the merge's FIELDS).
_FIELDS = tuple(FIELDS)
_EXPORTED = "xuất tệp nộp"


def setup_base(setup_id: str) -> BaseRef:
    return BaseRef(BASE_SETUP, setup_id)


def submission_base(sequence: int) -> BaseRef:
    return BaseRef(BASE_SUBMISSION, str(sequence))


def state_of(base: BaseRef) -> str:
    return f"{base.kind}:{base.ref}"


def base_of(state: str) -> BaseRef | None:
    kind, _, ref = state.partition(":")
    return BaseRef(kind, ref) if kind and ref else None


@dataclass(frozen=True, slots=True)
class SentState:
    """A period's bases as this PC holds them: by indicator id, with the state they are."""

    figures: dict[int, SentFigure]
    base: BaseRef | None


def sent_state(session: Session, period_id: int) -> SentState:
    query = select(SentFigure).where(SentFigure.period_id == period_id)
    rows = {row.indicator_id: row for row in session.scalars(query)}
    newest = max(rows.values(), key=lambda row: row.based_at, default=None)
    return SentState(rows, base_of(newest.state) if newest is not None else None)


def record_sent(session: Session, period_id: int, figures: Mapping[int, Figure], base: BaseRef, at: datetime) -> None:
    """Make ``figures`` (by indicator id) the period's bases, as of ``at``, in two statements."""
    if not figures:
        return
    table = SentFigure.__table__
    connection = session.connection()
    connection.execute(delete(table).where(table.c.period_id == period_id, table.c.indicator_id.in_(list(figures))))
    connection.execute(
        insert(table),
        [
            {
                "indicator_id": indicator_id,
                "period_id": period_id,
                "value": figure.value,
                "note": figure.note,
                "based_at": at,
                "state": state_of(base),
            }
            for indicator_id, figure in figures.items()
        ],
    )


def last_written(
    session: Session, year: int, kind: PeriodKind, codes: Iterable[str]
) -> dict[tuple[str, str], datetime]:
    """When each field of these indicators was last written in the period, from the audit log."""
    wanted = list(codes)
    found: dict[tuple[str, str], datetime] = {}
    for start in range(0, len(wanted), 500):
        query = (
            select(AuditRow.indicator_code, AuditRow.field, func.max(AuditRow.at))
            .where(
                AuditRow.year == year,
                AuditRow.period == kind.value,
                AuditRow.field.in_(_FIELDS),
                AuditRow.indicator_code.in_(wanted[start : start + 500]),
            )
            .group_by(AuditRow.indicator_code, AuditRow.field)
        )
        for code, field, at in session.execute(query):
            found[(code, field)] = at
    return found


def fallback_cutoff(session: Session, identity: DepartmentIdentity, year: int, kind: PeriodKind) -> datetime:
    """Where a value has no recorded base (a database set up before schema 4): its installation, or the last file
    exported for the period if later."""
    of_period = (AuditRow.action == _EXPORTED) & (AuditRow.year == year) & (AuditRow.period == kind.value)
    exported = session.scalar(select(func.max(AuditRow.at)).where(of_period))
    return max(identity.installed_at, exported) if exported is not None else identity.installed_at


def edited_fields(written: Mapping[tuple[str, str], datetime], code: str, based_at: datetime) -> frozenset[str]:
    return frozenset(field for field in _FIELDS if (at := written.get((code, field))) is not None and at > based_at)


def find_period_id(session: Session, year: int, kind: PeriodKind) -> int | None:
    return session.scalar(select(PeriodRow.id).where(PeriodRow.year == year, PeriodRow.kind == kind.value))
