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
    """Records made during one operation (one transaction), inserted together at its end in one statement.

    They carry the operation's time: a merge of ten thousand figures is one act, and stamping each record on
    its own was a tenth of the merge.
    """

    def __init__(self) -> None:
        self.at = datetime.now(UTC)
        self.entries: list[dict[str, Any]] = []

    def record(self, **fields: Any) -> None:
        entry = audit_entry(**fields)
        entry["at"] = self.at
        self.entries.append(entry)

    def write(self, plain: Plain) -> None:
        stamps: dict[datetime, Any] = {}
        rows = []
        for entry in self.entries:
            at = entry["at"]
            if at not in stamps:
                stamps[at] = plain.stamp(at)
            rows.append({**entry, "at": stamps[at]})
        plain.run_many(_INSERT, rows)
        self.entries.clear()
