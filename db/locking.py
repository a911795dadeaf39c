"""Chốt số liệu: locking a period's figures against edits and imports, and unlocking, with a reason."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bkdesk.catalogue import PeriodKind
from bkdesk.entry import EntryError, check_reason
from db import audit
from db.database import Database
from db.errors import InvalidInput
from db.exchange import require_year
from db.roles import require_synthesis
from db.tables import ensure_period


@dataclass(frozen=True, slots=True)
class LockChange:
    year: int
    kind: PeriodKind
    locked: bool
    changed: bool
    reason: str


def _set_locked(
    db: Database, year: int, kinds: Sequence[PeriodKind] | None, reason: str, actor: str, locked: bool
) -> list[LockChange]:
    verb = "chốt số liệu" if locked else "mở khóa số liệu"
    try:
        why = check_reason(reason)
    except EntryError as exc:
        raise InvalidInput(f"Cần ghi lý do khi {verb} (--reason)") from exc
    changes = []
    with db.begin() as session:
        require_synthesis(session, verb, db.label)
        require_year(session, year)
        for kind in kinds or tuple(PeriodKind):
            period = ensure_period(session, year, kind)
            changed = period.locked != locked
            if changed:
                audit.record(
                    session,
                    actor=actor,
                    action=verb,
                    year=year,
                    period=kind.value,
                    field="locked",
                    old="đã chốt" if period.locked else "đang mở",
                    new="đã chốt" if locked else "đang mở",
                    reason=why,
                )
                period.locked = locked
                period.lock_reason = why if locked else ""
            changes.append(LockChange(year, kind, locked, changed, period.lock_reason or why))
    return changes


def lock_period(
    db: Database, year: int, kinds: Sequence[PeriodKind] | None, reason: str, *, actor: str
) -> list[LockChange]:
    """Lock the year's periods (both when ``kinds`` is ``None``); already locked ones stay as they were."""
    return _set_locked(db, year, kinds, reason, actor, True)


def unlock_period(
    db: Database, year: int, kinds: Sequence[PeriodKind] | None, reason: str, *, actor: str
) -> list[LockChange]:
    return _set_locked(db, year, kinds, reason, actor, False)
