"""The audit log: every change with old → new, who, when, why and from where."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from db.audit_log import BY_HAND as BY_HAND
from db.audit_log import audit_entry
from db.bulk import executemany
from db.database import Database
from db.models import AuditRow

_BATCH = "audit_batch"
_INSERT = insert(AuditRow.__table__)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    actor: str
    action: str
    indicator_code: str
    year: int | None
    period: str
    field: str
    old: str
    new: str
    reason: str
    source: str


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    indicator_code: str = "",
    year: int | None = None,
    period: str = "",
    field: str = "",
    old: str = "",
    new: str = "",
    reason: str = "",
    source: str = BY_HAND,
) -> None:
    entry = audit_entry(
        actor=actor,
        action=action,
        indicator_code=indicator_code,
        year=year,
        period=period,
        field=field,
        old=old,
        new=new,
        reason=reason,
        source=source,
    )
    batch: list[dict[str, Any]] | None = session.info.get(_BATCH)
    if batch is not None:
        batch.append(entry)
    else:
        session.add(AuditRow(**entry))


@contextmanager
def batched(session: Session) -> Iterator[None]:
    """Records made inside the block are inserted together when it ends (one statement, not one object each).

    A 1,000-row table makes several thousand records; as ORM objects they cost more than
    the figures themselves. If the block fails nothing is inserted, and the caller's
    transaction rolls back anyway.
    """
    if _BATCH in session.info:
        yield
        return
    batch: list[dict[str, Any]] = []
    session.info[_BATCH] = batch
    try:
        yield
    finally:
        session.info.pop(_BATCH, None)
    executemany(session.connection(), _INSERT, batch)


def history(db: Database, year: int | None = None, indicator_code: str | None = None) -> list[AuditEntry]:
    """Changes, oldest first, for a year and/or one indicator."""
    query = select(AuditRow).order_by(AuditRow.id)
    if year is not None:
        query = query.where(AuditRow.year == year)
    if indicator_code:
        query = query.where(AuditRow.indicator_code == indicator_code)
    with db.read() as session:
        return [
            AuditEntry(
                r.at, r.actor, r.action, r.indicator_code, r.year, r.period, r.field, r.old, r.new, r.reason, r.source
            )
            for r in session.scalars(query)
        ]
