"""The merge states the synthesis office holds: the figures a phòng's next file may be made from.

A state is named by its channel (see ``db.exchange_models.MergeBase``): "setup:<setup id>"
for what an issued setup held, "file:<installation id>:<sequence>" for an accepted file's,
"feedback:<feedback id>" for a return file's, and the empty channel for the one per-phòng
base of files of the first format. Read and written with plain SQL (:mod:`db.plain`), in
the caller's transaction: an import reads one state and writes one per file.
"""

from __future__ import annotations

from dataclasses import dataclass

from bkdesk.exchange.merge import Figure
from db.plain import Plain

SIGNED_CHANNEL = ""


def setup_state(setup_id: str) -> str:
    """The merge state of the figures an issued setup held."""
    return f"setup:{setup_id}"


def file_state(installation_id: str, sequence: int) -> str:
    """The merge state of the figures an accepted file of an installation held."""
    return f"file:{installation_id}:{sequence}"


def feedback_state(feedback_id: str) -> str:
    """The merge state of the figures a return file carried."""
    return f"feedback:{feedback_id}"


@dataclass(frozen=True, slots=True)
class AgreedFigure:
    """A merge base as read: its row id (to update it in bulk) and the figure."""

    base_id: int
    figure: Figure


_BASES = (
    "SELECT indicator_id, id, value, note FROM exchange_bases "
    "WHERE department_id = :department_id AND period_id = :period_id AND channel = :channel"
)
_UPDATE_BASE = "UPDATE exchange_bases SET value = :value, note = :note WHERE id = :base_id"
_INSERT_BASE = (
    "INSERT INTO exchange_bases (department_id, indicator_id, period_id, channel, value, note) "
    "VALUES (:department_id, :indicator_id, :period_id, :channel, :value, :note)"
)


def bases(plain: Plain, department_id: int, period_id: int, channel: str = SIGNED_CHANNEL) -> dict[int, AgreedFigure]:
    """Merge bases of a phòng's values for a period, by indicator id, on one channel."""
    where = {"department_id": department_id, "period_id": period_id, "channel": channel}
    return {
        indicator_id: AgreedFigure(base_id, Figure(value or "", note or ""))
        for indicator_id, base_id, value, note in plain.rows(_BASES, where)
    }


def save_bases(
    plain: Plain,
    existing: dict[int, AgreedFigure],
    department_id: int,
    period_id: int,
    agreed: dict[int, Figure],
    channel: str = SIGNED_CHANNEL,
) -> None:
    """Make ``agreed`` (by indicator id) the new merge bases, in two statements whatever their number."""
    updates = [
        {"base_id": existing[i].base_id, "value": f.value, "note": f.note} for i, f in agreed.items() if i in existing
    ]
    inserts = [
        {
            "department_id": department_id,
            "indicator_id": i,
            "period_id": period_id,
            "channel": channel,
            "value": f.value,
            "note": f.note,
        }
        for i, f in agreed.items()
        if i not in existing
    ]
    plain.run_many(_UPDATE_BASE, updates)
    plain.run_many(_INSERT_BASE, inserts)


def keep_only_state(plain: Plain, department_id: int, period_id: int, channel: str, prefix: str) -> None:
    """Forget the states under ``prefix`` but ``channel``: an installation's files arrive in order, so only its
    newest file of a period can be the base of the next."""
    plain.run(
        "DELETE FROM exchange_bases WHERE department_id = :department_id AND period_id = :period_id "
        "AND substr(channel, 1, :length) = :prefix AND channel != :channel",
        {
            "department_id": department_id,
            "period_id": period_id,
            "length": len(prefix),
            "prefix": prefix,
            "channel": channel,
        },
    )
