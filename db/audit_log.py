"""An audit record's fields, and records written with plain SQL (:mod:`db.plain`).

:mod:`db.audit` writes the same records through the ORM session; both make them with
:func:`audit_entry`, so a change reads the same in the history whichever path stored it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from db.plain import Plain

BY_HAND = "nhập tay"
_COLUMNS = ("at", "actor", "action", "indicator_code", "year", "period", "field", "old", "new", "reason", "source")
_INSERT = f"INSERT INTO audit_log ({', '.join(_COLUMNS)}) VALUES ({', '.join(':' + c for c in _COLUMNS)})"


def audit_entry(
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
) -> dict[str, Any]:
    """One record, stamped now: a change with old → new, who, why and from where."""
    return {
        "at": datetime.now(UTC),
        "actor": actor,
        "action": action,
        "indicator_code": indicator_code,
        "year": year,
        "period": period,
        "field": field,
        "old": old,
        "new": new,
        "reason": reason,
        "source": source,
    }


class AuditBatch:
    """Records made during an operation, inserted together at its end in one statement."""

    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []

    def record(self, **fields: Any) -> None:
        self.entries.append(audit_entry(**fields))

    def write(self, plain: Plain) -> None:
        plain.run_many(_INSERT, [{**entry, "at": plain.stamp(entry["at"])} for entry in self.entries])
        self.entries.clear()
