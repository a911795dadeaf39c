"""The audit log: every change with old → new, who, when, why and from where."""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.database import Database
from db.models import AuditRow, utcnow

BY_HAND = "nhập tay"


def current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (a service account, a container): still record something
        return "không rõ"


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
    session.add(
        AuditRow(
            at=utcnow(),
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
    )


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
