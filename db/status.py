"""*Tình hình nộp* at the synthesis office: for each phòng, what it owes, what it has sent, who to chase.

Per phòng: the indicators assigned (:func:`bkdesk.catalogue.is_assigned`, the rule every
count uses), how many of their figures in the table are the phòng's own (the newest
change of the figure came from one of its files, directly or by a conflict decision that
took the file's figure; never a figure the office typed, imported from a table, or
handed out and got back unchanged), the figures in the table whoever wrote them, the
last file received (when it arrived, when it was made or, for an Excel template, saved,
its sequence, signed or not), open conflicts, the newest setup issued for the year,
the installations of the year's setup files that sent files (one PC each; two of one
setup file are what the office must ask the phòng about) and where it stands against
the period's *Hạn nộp* (:mod:`bkdesk.deadline`). The deadline
of each year and period is kept in the ``settings`` table, audited like the report's
settings. Everything is read with plain selects: ten thousand indicators stay well under
the tab's and the command's patience (``bench/bench_status.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from bkdesk.catalogue import Indicator, PeriodKind, is_assigned
from bkdesk.deadline import DeadlineError, Standing, is_past, parse_deadline, standing
from bkdesk.exchange.times import local_date, local_text
from bkdesk.reports.settings import format_date
from db import audit
from db.database import Database
from db.errors import InvalidInput
from db.exchange import InstallationView, installations_by_department, require_year
from db.exchange_models import ConflictRow, ImportedSubmission, IssuedSetup
from db.models import AuditRow, DepartmentRow, IndicatorRow, SettingRow, TargetRow, ValueRow, put_setting
from db.roles import require_synthesis
from db.tables import find_period, targeted_ids

DEADLINE_ACTION = "đặt hạn nộp"
# Audit records about a figure that do not change it: the conflict noted, the decision taken.
# A decision that takes the file's figure writes it in a record of its own, named below.
_NOT_A_WRITE = ("ghi nhận xung đột", "giải quyết xung đột")
# How the figure's writer is named in its audit record: a file by the start of its SHA-256
# (db.submission_import.source_label), a conflict decision by the conflict's number (db.conflicts).
_FILE_HASH = re.compile(r"SHA-256 ([0-9a-f]{12})")
_DECISION = re.compile(r"giải quyết xung đột #(\d+) ")


def deadline_key(year: int, kind: PeriodKind) -> str:
    return f"deadline.{year}.{kind.value}"


@dataclass(frozen=True, slots=True)
class LastFile:
    """The newest file accepted from a phòng for the period."""

    name: str
    received_at: datetime
    made_at: datetime  # a signed file: when the phòng made it; a template: when the workbook was last saved
    sequence: int | None
    signed: bool
    template: bool


@dataclass(frozen=True, slots=True)
class DepartmentStatus:
    code: str
    name: str
    assigned: int
    sent: int  # figures of the table that are the phòng's own (see the module's docstring)
    entered: int  # figures of the table, whoever wrote them
    open_conflicts: int
    standing: Standing
    last_file: LastFile | None = None
    first_received_at: datetime | None = None
    issued_at: datetime | None = None  # the newest setup file issued to the phòng for the year
    # Of the year's setup files, in the order their first files arrived (db.exchange.installations_by_department).
    installations: tuple[InstallationView, ...] = ()

    @property
    def live_installations(self) -> list[InstallationView]:
        """The installations whose key still signs (the setup file was not issued again since)."""
        return [i for i in self.installations if i.current]

    @property
    def doubled(self) -> list[list[InstallationView]]:
        """Each setup file installed on more than one PC (its live installations): the office asks the phòng why."""
        by_setup: dict[str, list[InstallationView]] = {}
        for installation in self.live_installations:
            by_setup.setdefault(installation.setup_id, []).append(installation)
        return [group for group in by_setup.values() if len(group) > 1]

    @property
    def complete(self) -> bool:
        return self.sent >= self.assigned

    @property
    def late(self) -> bool:
        return self.standing.late

    @property
    def last_sequence(self) -> int | None:
        return self.last_file.sequence if self.last_file is not None else None

    @property
    def signed(self) -> bool | None:
        return self.last_file.signed if self.last_file is not None else None

    @property
    def last_received_at(self) -> datetime | None:
        return self.last_file.received_at if self.last_file is not None else None


@dataclass(frozen=True, slots=True)
class StatusReport:
    year: int
    kind: PeriodKind
    deadline: date | None
    today: date
    locked: bool
    lock_reason: str
    lines: list[DepartmentStatus]

    @property
    def deadline_passed(self) -> bool:
        return is_past(self.deadline, self.today)

    @property
    def late(self) -> list[DepartmentStatus]:
        return [line for line in self.lines if line.late]

    @property
    def overdue(self) -> list[DepartmentStatus]:
        """Late with nothing received: the phòng to chase."""
        return [line for line in self.lines if line.late and line.last_file is None]

    @property
    def sent_late(self) -> list[DepartmentStatus]:
        """Late with their first file after the deadline."""
        return [line for line in self.lines if line.late and line.last_file is not None]


@dataclass(frozen=True, slots=True)
class DeadlineChange:
    year: int
    kind: PeriodKind
    old: date | None
    new: date | None

    @property
    def changed(self) -> bool:
        return self.old != self.new


def _stored_deadline(session: Session, year: int, kind: PeriodKind) -> date | None:
    row = session.get(SettingRow, deadline_key(year, kind))
    if row is None or not row.value:
        return None
    try:
        return date.fromisoformat(row.value)
    except ValueError:  # edited by hand in the file: no deadline until it is set again
        return None


def load_deadline(db: Database, year: int, kind: PeriodKind) -> date | None:
    with db.read() as session:
        return _stored_deadline(session, year, kind)


def set_deadline(db: Database, year: int, kind: PeriodKind, text: object, *, actor: str) -> DeadlineChange:
    """Keep ``text`` (dd/mm/yyyy, empty for none) as the period's *Hạn nộp*, with an audit record if it changed."""
    try:
        new = parse_deadline(text, year)
    except DeadlineError as exc:
        raise InvalidInput(exc.message) from exc
    with db.begin() as session:
        require_synthesis(session, "đặt hạn nộp số liệu cho các phòng", db.label)
        require_year(session, year)
        key = deadline_key(year, kind)
        old = _stored_deadline(session, year, kind)
        if old == new:
            return DeadlineChange(year, kind, old, new)
        put_setting(session, key, new.isoformat() if new is not None else "")
        audit.record(
            session,
            actor=actor,
            action=DEADLINE_ACTION,
            year=year,
            period=kind.value,
            field=key,
            old=format_date(old),
            new=format_date(new),
        )
        return DeadlineChange(year, kind, old, new)


def completeness(
    db: Database,
    year: int,
    kind: PeriodKind = PeriodKind.ESTIMATE,
    progress: Callable[[int, int], None] | None = None,
) -> list[DepartmentStatus]:
    """The lines of :func:`status_report`."""
    return status_report(db, year, kind, progress=progress).lines


def status_report(
    db: Database,
    year: int,
    kind: PeriodKind = PeriodKind.ESTIMATE,
    *,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> StatusReport:
    """One line per phòng that has rows assigned in the year, was issued a setup for it or sent a file."""
    now = today if today is not None else date.today()
    with db.read() as session:
        require_synthesis(session, "xem tình hình nộp số liệu của các phòng", db.label)
        require_year(session, year)
        period = find_period(session, year, kind)
        owners, texts = _assigned(session, year, period.id if period is not None else None)
        assigned: dict[str, int] = {}
        entered: dict[str, int] = {}
        for indicator_id, owner in owners.items():
            assigned[owner] = assigned.get(owner, 0) + 1
            if texts.get(indicator_id):
                entered[owner] = entered.get(owner, 0) + 1
        files: dict[int, list[ImportedSubmission]] = {}
        conflicts: dict[int, int] = {}
        sent: dict[str, int] = {}
        if period is not None:
            for submission in session.scalars(
                select(ImportedSubmission)
                .where(ImportedSubmission.period_id == period.id)
                .order_by(ImportedSubmission.id)
            ):
                files.setdefault(submission.department_id, []).append(submission)
            conflicts = dict(
                session.execute(
                    select(ConflictRow.department_id, func.count())
                    .where(ConflictRow.period_id == period.id, ConflictRow.status == "open")
                    .group_by(ConflictRow.department_id)
                ).all()
            )
            sent = _sent(session, year, kind, period.id, owners, texts, files)
        issued = dict(
            session.execute(
                select(IssuedSetup.department_id, func.max(IssuedSetup.issued_at))
                .where(IssuedSetup.year == year)
                .group_by(IssuedSetup.department_id)
            ).all()
        )
        deadline = _stored_deadline(session, year, kind)
        departments = list(session.scalars(select(DepartmentRow).order_by(DepartmentRow.id)))
        installed = installations_by_department(session, year=year)
        lines = []
        for index, department in enumerate(departments, start=1):
            received = files.get(department.id, [])
            if department.code in assigned or received or department.id in conflicts or department.id in issued:
                first = min(s.imported_at for s in received) if received else None
                lines.append(
                    DepartmentStatus(
                        code=department.code,
                        name=department.name,
                        assigned=assigned.get(department.code, 0),
                        sent=sent.get(department.code, 0),
                        entered=entered.get(department.code, 0),
                        open_conflicts=conflicts.get(department.id, 0),
                        standing=standing(
                            first_received=first,
                            issued_at=issued.get(department.id),
                            deadline=deadline,
                            today=now,
                        ),
                        last_file=_last_file(received[-1]) if received else None,
                        first_received_at=first,
                        issued_at=issued.get(department.id),
                        installations=tuple(installed.get(department.id, ())),
                    )
                )
            if progress is not None:
                progress(index, len(departments))
        return StatusReport(
            year=year,
            kind=kind,
            deadline=deadline,
            today=now,
            locked=bool(period is not None and period.locked),
            lock_reason=(period.lock_reason or "") if period is not None else "",
            lines=lines,
        )


def _assigned(session: Session, year: int, period_id: int | None) -> tuple[dict[int, str], dict[int, str]]:
    """The year's assigned indicators (id → phòng code) and the period's figures of them (id → text)."""
    parent = aliased(IndicatorRow)
    query = (
        select(
            IndicatorRow.id,
            IndicatorRow.code,
            IndicatorRow.group,
            IndicatorRow.stt,
            IndicatorRow.name,
            IndicatorRow.unit,
            parent.code,
            DepartmentRow.code,
            TargetRow.text,
        )
        .join(TargetRow, TargetRow.indicator_id == IndicatorRow.id)
        .join(DepartmentRow, IndicatorRow.department_id == DepartmentRow.id)
        .outerjoin(parent, IndicatorRow.parent_id == parent.id)
        .where(TargetRow.year == year)
    )
    elsewhere = targeted_ids(session, other_than=year)
    owners: dict[int, str] = {}
    # Plain Core rows on the session's connection: ten thousand of them through the ORM's result
    # machinery cost more than the query.
    connection = session.connection()
    for ident, code, group, stt, name, unit, parent_code, owner, target in connection.execute(query).all():
        indicator = Indicator(code, group, stt, name, unit, parent_code, owner)
        if is_assigned(indicator, owner, target or "", ident in elsewhere):
            owners[ident] = owner
    texts: dict[int, str] = {}
    if period_id is not None:
        texts = {
            ident: text or ""
            for ident, text in connection.execute(
                select(ValueRow.indicator_id, ValueRow.text).where(ValueRow.period_id == period_id)
            ).all()
            if ident in owners
        }
    return owners, texts


def _sent(
    session: Session,
    year: int,
    kind: PeriodKind,
    period_id: int,
    owners: dict[int, str],
    texts: dict[int, str],
    files: dict[int, list[ImportedSubmission]],
) -> dict[str, int]:
    """Per phòng, its assigned figures whose newest change came from one of its own files."""
    if not files:
        return {}
    codes = dict(session.execute(select(DepartmentRow.id, DepartmentRow.code)).all())
    by_hash = {s.sha256[:12]: codes.get(s.department_id) for found in files.values() for s in found}
    decisions = dict(
        session.execute(
            select(ConflictRow.id, ConflictRow.department_id).where(
                ConflictRow.period_id == period_id, ConflictRow.field == "value"
            )
        ).all()
    )
    newest = (
        select(func.max(AuditRow.id))
        .where(
            AuditRow.year == year,
            AuditRow.period == kind.value,
            AuditRow.field == "value",
            AuditRow.action.not_in(_NOT_A_WRITE),
        )
        .group_by(AuditRow.indicator_code)
    )
    query = (
        select(IndicatorRow.id, AuditRow.source)
        .join(IndicatorRow, IndicatorRow.code == AuditRow.indicator_code)
        .where(AuditRow.id.in_(newest))
    )
    writers = session.connection().execute(query).all()
    sent: dict[str, int] = {}
    for ident, source in writers:
        owner = owners.get(ident)
        if owner is not None and texts.get(ident) and _writer(source, by_hash, decisions, codes) == owner:
            sent[owner] = sent.get(owner, 0) + 1
    return sent


def _writer(
    source: str, by_hash: dict[str, str | None], decisions: dict[int, int], codes: dict[int, str]
) -> str | None:
    """The phòng whose file (or whose file's figure, taken in a conflict decision) wrote a figure, if any."""
    found = _FILE_HASH.search(source)
    if found is not None:
        return by_hash.get(found.group(1))
    decided = _DECISION.match(source)
    if decided is not None:
        department = decisions.get(int(decided.group(1)))
        return codes.get(department) if department is not None else None
    return None


def _last_file(submission: ImportedSubmission) -> LastFile:
    return LastFile(
        name=submission.file_name,
        received_at=submission.imported_at,
        made_at=submission.made_at,
        sequence=submission.sequence,
        signed=submission.signed,
        template=submission.template_id is not None,
    )


def installation_name(installation: InstallationView) -> str:
    """An installation as a person reads it: the first eight characters of its id (files of the first format name
    none)."""
    if not installation.installation_id:
        return "không mã (tệp định dạng cũ)"
    return installation.installation_id[:8]


def installations_cell(line: DepartmentStatus) -> str:
    """The *Bản cài* cell: how many PCs send with a live key, the revoked ones, and a setup file installed twice."""
    if not line.installations:
        return "—"
    live = len(line.live_installations)
    text = str(live)
    revoked = len(line.installations) - live
    if revoked:
        text += f" (+{revoked} đã thu hồi)"
    if line.doubled:
        text += " — cài trùng"
    return text


def installation_text(installation: InstallationView) -> str:
    """One installation on one line: its id, the setup file installed, its first file, its last sequence and file."""
    setup = installation.setup_file or installation.setup_id[:8]
    if installation.setup_issued_at is not None:
        setup += f" (cấp ngày {local_date(installation.setup_issued_at)})"
    last = installation.last_file_name or "—"
    if installation.last_received_at is not None:
        last += f", nhận lúc {local_text(installation.last_received_at)}"
    revoked = "" if installation.current else "; đã thu hồi (tệp thiết lập đã được cấp lại)"
    return (
        f"bản cài {installation_name(installation)}: tệp thiết lập {setup}; "
        f"tệp đầu tiên ngày {local_date(installation.first_file_at)}; số thứ tự cuối {installation.last_sequence}; "
        f"tệp cuối {last}{revoked}"
    )


def doubled_texts(line: DepartmentStatus) -> list[str]:
    """What the office must chase: each setup file of the phòng installed on more than one PC."""
    texts = []
    for group in line.doubled:
        first = group[0]
        names = ", ".join(installation_name(i) for i in group)
        texts.append(
            f"Chú ý: tệp thiết lập {first.setup_file or first.setup_id[:8]} của phòng {line.code} được cài trên "
            f"{len(group)} máy (bản cài {names}): hãy hỏi phòng vì sao cài trên nhiều máy"
        )
    return texts
