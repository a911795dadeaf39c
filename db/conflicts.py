"""Conflicts between a phòng's file and the synthesis office: listing them, and a person's decision."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Select, select

from bkdesk.catalogue import PeriodKind
from bkdesk.entry import EntryError, check_reason
from bkdesk.exchange.times import local_text
from db import audit
from db.database import Database
from db.entry import refuse_locked, write_value
from db.errors import InvalidInput, StoreError
from db.exchange_models import ConflictRow, ImportedSubmission
from db.models import DepartmentRow, IndicatorRow, PeriodRow, ValueRow, utcnow
from db.roles import require_synthesis

STATUS_LABELS = {
    "open": "chưa giải quyết",
    "resolved": "đã giải quyết",
    "superseded": "thay bằng xung đột mới hơn",
    "settled": "hai bên đã khớp",
}
FIELD_LABELS = {"value": "giá trị", "note": "ghi chú"}
# A person's decision, as the history shows it (a superseded or settled conflict was closed by an import, not decided).
DECISION_LABELS = {"local": "giữ số của văn phòng", "incoming": "lấy số của phòng"}


class Keep(StrEnum):
    LOCAL = "local"
    INCOMING = "incoming"


@dataclass(frozen=True, slots=True)
class ConflictView:
    """A conflict as a person needs to see it to decide, and afterwards its history.

    ``base``, ``local`` (the synthesis office's figure) and ``incoming`` (the phòng's) are
    as they were when the file arrived; ``current`` is the table's figure now. A closed
    conflict keeps who closed it, when and why.
    """

    id: int
    department_code: str
    department_name: str
    indicator_code: str
    indicator_name: str
    year: int
    kind: PeriodKind
    field: str
    base: str
    local: str
    incoming: str
    current: str
    status: str
    created_at: datetime
    file_name: str
    sequence: int | None
    signed: bool
    resolved_at: datetime | None = None
    resolved_by: str = ""
    resolution: str = ""
    reason: str = ""

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def field_label(self) -> str:
        return FIELD_LABELS.get(self.field, self.field)

    @property
    def decision_label(self) -> str:
        """What a person decided ("" while open, or when an import closed it)."""
        return DECISION_LABELS.get(self.resolution, "") if self.status == "resolved" else ""

    @property
    def resolved_text(self) -> str:
        """When it was closed, dd/mm/yyyy HH:MM on this computer's clock ("" while open)."""
        return local_text(self.resolved_at) if self.resolved_at is not None else ""

    @property
    def history(self) -> list[str]:
        """The conflict's story in words, as ``conflicts --all`` and the dialog show it: the figures as they were when
        the file arrived (and the table's figure now, where it has moved since), then how it was closed."""
        origin = f"số thứ tự {self.sequence}" if self.sequence is not None else "biểu mẫu Excel chưa ký"
        now = f" (nay «{self.current}»)" if self.current != self.local else ""
        lines = [
            f"gốc «{self.base}» · văn phòng tổng hợp «{self.local}»{now} · trong tệp «{self.incoming}» "
            f"({self.file_name}, {origin}, nhận {local_text(self.created_at)})"
        ]
        if self.decision_label:
            lines.append(
                f"quyết định: {self.decision_label} · người quyết định: {self.resolved_by or 'không rõ'} · "
                f"lúc {self.resolved_text or 'không rõ'} · lý do: {self.reason}"
            )
        elif not self.is_open:  # closed by a later file of the phòng, not by a person
            lines.append(
                f"đóng lúc {self.resolved_text or 'không rõ'} khi nhập tệp "
                f"(người nhập: {self.resolved_by or 'không rõ'}) · lý do: {self.reason}"
            )
        return lines


@dataclass(frozen=True, slots=True)
class Resolution:
    conflict: ConflictView
    keep: Keep
    kept: str
    changed: bool


def _query() -> Select[ConflictRow, DepartmentRow, IndicatorRow, PeriodRow, ImportedSubmission, ValueRow]:
    return (
        select(ConflictRow, DepartmentRow, IndicatorRow, PeriodRow, ImportedSubmission, ValueRow)
        .join(DepartmentRow, ConflictRow.department_id == DepartmentRow.id)
        .join(IndicatorRow, ConflictRow.indicator_id == IndicatorRow.id)
        .join(PeriodRow, ConflictRow.period_id == PeriodRow.id)
        .join(ImportedSubmission, ConflictRow.submission_id == ImportedSubmission.id)
        .outerjoin(
            ValueRow,
            (ValueRow.indicator_id == ConflictRow.indicator_id) & (ValueRow.period_id == ConflictRow.period_id),
        )
        .order_by(ConflictRow.id)
    )


def _view(
    row: ConflictRow,
    department: DepartmentRow,
    indicator: IndicatorRow,
    period: PeriodRow,
    submission: ImportedSubmission,
    value: ValueRow | None,
) -> ConflictView:
    current = ""
    if value is not None:
        current = value.text if row.field == "value" else value.note
    return ConflictView(
        id=row.id,
        department_code=department.code,
        department_name=department.name,
        indicator_code=indicator.code,
        indicator_name=indicator.name,
        year=period.year,
        kind=PeriodKind(period.kind),
        field=row.field,
        base=row.base,
        local=row.local,
        incoming=row.incoming,
        current=current or "",
        status=row.status,
        created_at=row.created_at,
        file_name=submission.file_name,
        sequence=submission.sequence,
        signed=submission.signed,
        resolved_at=row.resolved_at,
        resolved_by=row.resolved_by,
        resolution=row.resolution,
        reason=row.reason,
    )


def list_conflicts(
    db: Database, year: int, kind: PeriodKind | None = None, *, include_closed: bool = False
) -> list[ConflictView]:
    """Conflicts of a year (open ones only unless ``include_closed``), oldest first."""
    query = _query().where(PeriodRow.year == year)
    if kind is not None:
        query = query.where(PeriodRow.kind == kind.value)
    if not include_closed:
        query = query.where(ConflictRow.status == "open")
    with db.read() as session:
        require_synthesis(session, "xem và giải quyết xung đột", db.label)
        return [_view(*row) for row in session.execute(query)]


def resolve_conflict(db: Database, conflict_id: int, keep: Keep, reason: str, *, actor: str) -> Resolution:
    """Keep the local or the incoming text; audited with the reason, which is required."""
    try:
        why = check_reason(reason)
    except EntryError as exc:
        raise InvalidInput(f"Giải quyết xung đột #{conflict_id}: {exc.message}") from exc
    with db.begin() as session:
        require_synthesis(session, "giải quyết xung đột", db.label)
        found = session.execute(_query().where(ConflictRow.id == conflict_id)).first()
        if found is None:
            raise StoreError(f"Không có xung đột số {conflict_id}")
        view = _view(*found)
        row, _department, indicator, period, submission, value = found
        if row.status != "open":
            when = f" ngày {local_text(row.resolved_at)}" if row.resolved_at else ""
            raise StoreError(f"Xung đột #{conflict_id} đã đóng{when} ({view.status_label}); không còn gì để giải quyết")
        refuse_locked(period)
        source = f"giải quyết xung đột #{conflict_id} (tệp {submission.file_name})"
        changed = False
        kept = view.current if keep is Keep.LOCAL else row.incoming
        if keep is Keep.INCOMING:
            text, note = (row.incoming, None) if row.field == "value" else (None, row.incoming)
            changes = write_value(
                session,
                indicator.code,
                period.year,
                PeriodKind(period.kind),
                text,
                note=note,
                actor=actor,
                reason=why,
                source=source,
            )
            changed = bool(changes)
        audit.record(
            session,
            actor=actor,
            action="giải quyết xung đột",
            indicator_code=indicator.code,
            year=period.year,
            period=period.kind,
            field=row.field,
            old=view.current,
            new=kept,
            reason=f"giữ {'giá trị của văn phòng tổng hợp' if keep is Keep.LOCAL else 'giá trị trong tệp'}: {why}",
            source=source,
        )
        row.status, row.resolution, row.reason = "resolved", keep.value, why
        row.resolved_at, row.resolved_by = utcnow(), actor
        session.flush()
        return Resolution(_view(row, _department, indicator, period, submission, value), keep, kept, changed)
