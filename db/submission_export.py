"""On a phòng's PC: write its whole state for a period into one signed submission file.

The key comes from this PC's key store (:mod:`db.key_store`); a database copied or
restored onto a PC that does not hold it signs nothing. A key a database set up before
schema version 3 still holds in the clear moves into the store at its first signing,
in the same transaction, and leaves the database.

A database whose setup file was installed by this release (it has an installation id)
writes the installation, the state the file is made from and, per value, the fields
edited since that state (:mod:`db.sent_figures`); the file's figures then become the
period's new bases. One set up earlier writes the first format until a setup file is
installed again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from bkdesk import __version__
from bkdesk.catalogue import Department, PeriodKind
from bkdesk.exchange.merge import Figure
from bkdesk.exchange.submission import Submission, SubmittedValue, write_submission
from db import audit, key_store
from db.database import Database
from db.errors import StoreError
from db.exchange import figures, own_rows, require_year, write_file_atomically, year_rows
from db.exchange_models import DepartmentIdentity
from db.feedback_import import pending_codes
from db.models import utcnow
from db.roles import require_department
from db.sent_figures import (
    edited_fields,
    fallback_cutoff,
    last_written,
    record_sent,
    sent_state,
    setup_base,
    submission_base,
)
from db.tables import ensure_period


@dataclass(frozen=True, slots=True)
class ExportResult:
    department: Department
    year: int
    kind: PeriodKind
    path: Path
    sequence: int
    values: int
    entered: int


def next_sequence(db: Database) -> int:
    """The sequence number the next submission file of this phòng's database will carry."""
    with db.read() as session:
        identity = session.scalar(select(DepartmentIdentity).order_by(DepartmentIdentity.id.desc()))
        return (identity.last_sequence if identity is not None else 0) + 1


def installation_of_this_pc(db: Database) -> str:
    """The installation this database sends as ("" before a setup file of this release was installed)."""
    with db.read() as session:
        identity = session.scalar(select(DepartmentIdentity).order_by(DepartmentIdentity.id.desc()))
        return identity.installation_id if identity is not None else ""


def export_submission(db: Database, year: int, kind: PeriodKind, out: Path, *, actor: str) -> ExportResult:
    """Sign and write every value of the phòng (empty ones too, so a cleared value travels)."""
    with db.begin() as session:
        department = require_department(session, "xuất tệp nộp số liệu", db.label)
        identity = session.scalar(select(DepartmentIdentity).order_by(DepartmentIdentity.id.desc()))
        if identity is None:
            raise StoreError(f"Cơ sở dữ liệu {db.label} chưa có khóa ký; hãy cài lại tệp thiết lập (lệnh setup)")
        require_year(session, year)
        mine = own_rows(year_rows(session, year), department.code)
        if not mine:
            raise StoreError(f"Phòng {department.code} không có chỉ tiêu nào trong biểu năm {year}")
        period = ensure_period(session, year, kind)
        waiting = pending_codes(session, period.id)
        if waiting:
            shown = ", ".join(waiting[:8]) + (f" và {len(waiting) - 8} chỉ tiêu khác" if len(waiting) > 8 else "")
            raise StoreError(
                f"Còn {len(waiting)} số liệu {kind.label.lower()} chờ chọn giữa số của văn phòng tổng hợp và số của "
                f"phòng sau tệp phản hồi ({shown}): hãy chọn trước khi gửi (Trao đổi → Chọn số sau phản hồi…; lệnh "
                "feedback-choices). Không có tệp nào được ghi."
            )
        stored = figures(session, period, (row.indicator_id for row in mine))
        marked = bool(identity.installation_id)
        sent = sent_state(session, period.id) if marked else None
        written = last_written(session, year, kind, (row.indicator.code for row in mine)) if marked else {}
        cutoff = fallback_cutoff(session, identity, year, kind) if marked else None
        values = []
        for row in mine:
            value = stored.get(row.indicator_id)
            edited = None
            if sent is not None and cutoff is not None:
                base = sent.figures.get(row.indicator_id)
                edited = edited_fields(written, row.indicator.code, base.based_at if base is not None else cutoff)
            values.append(
                SubmittedValue(
                    code=row.indicator.code,
                    value=value.text if value is not None else "",
                    note=value.note if value is not None else "",
                    updated_at=value.updated_at if value is not None else None,
                    edited=edited,
                )
            )
        private_key = _signing_key(identity, department)
        identity.last_sequence += 1
        submission = Submission(
            department=department,
            year=year,
            kind=kind,
            sequence=identity.last_sequence,
            created_at=utcnow(),
            app_version=__version__,
            setup_id=identity.setup_id,
            key_id=identity.key_id,
            values=tuple(values),
            installation_id=identity.installation_id,
            base=(sent.base or setup_base(identity.setup_id)) if sent is not None else None,
        )
        if marked:
            by_id = {row.indicator.code: row.indicator_id for row in mine}
            sent_figures = {by_id[v.code]: Figure(v.value, v.note) for v in values}
            record_sent(session, period.id, sent_figures, submission_base(submission.sequence), utcnow())
        audit.record(
            session,
            actor=actor,
            action="xuất tệp nộp",
            year=year,
            period=kind.value,
            new=f"số thứ tự {submission.sequence}, {len(values)} chỉ tiêu",
            source=f"tệp {out.name}",
        )
        session.flush()
        write_file_atomically(out, write_submission(submission, private_key))
        return ExportResult(
            department,
            year,
            kind,
            out,
            submission.sequence,
            sum(1 for row in mine if row.assigned),
            sum(1 for row, v in zip(mine, values, strict=True) if row.assigned and v.value),
        )


def _signing_key(identity: DepartmentIdentity, department: Department) -> str:
    """The installation's private key from this PC's store (a legacy plain key is moved there first)."""
    if identity.legacy_private_key:
        stored = key_store.store_key(identity.setup_id, identity.legacy_private_key)
        private_key = identity.legacy_private_key
        identity.key_store, identity.sealed_key, identity.legacy_private_key = stored.store, stored.sealed, ""
        return private_key
    loaded = key_store.load_key(identity.key_store, identity.sealed_key, identity.setup_id)
    if loaded is None:
        raise StoreError(
            f"Máy này không có khóa ký của phòng {department.code} (cơ sở dữ liệu được chép hoặc khôi phục từ "
            "máy khác, hoặc khóa đã bị xóa khỏi máy): hãy đề nghị văn phòng tổng hợp cấp lại tệp thiết lập "
            "cho phòng rồi cài trên máy này. Không có tệp nào được ghi."
        )
    return loaded
