"""On a phòng's PC: make (or refresh) its database from the setup file the synthesis office issued.

The file's key opens only with the passphrase the synthesis office gave by another
channel (:func:`unlock_setup`, scrypt: done before the database is touched); the opened
key goes into this PC's key store (:mod:`db.key_store`), never into the database in the
clear. Setup files are ordered by their time of issue, which a restore of the synthesis
office's database does not turn back: a later one installs over an earlier one, never
the reverse.

Each setup file installed is a new installation (a new id its files carry). Its figures
become the bases of the phòng's next files (:mod:`db.sent_figures`). A newer setup file
replaces the phòng's figures with the office's; figures edited on this PC and not yet
sent are never replaced silently: the install is refused (:class:`UnsentFigures`) unless
the caller asked to set them aside, into a JSON file beside the database, named in the
result and in the audit log.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bkdesk.catalogue import Department, PeriodKind, is_assigned
from bkdesk.exchange import key_seal
from bkdesk.exchange.documents import iso
from bkdesk.exchange.files import FileRefused, read_limited
from bkdesk.exchange.merge import Figure
from bkdesk.exchange.setup_file import Setup, SetupRow, read_setup
from bkdesk.exchange.times import local_text
from bkdesk.tables import Table, TableLine
from db import audit, key_store
from db.database import Database
from db.entry import write_value
from db.errors import InvalidInput, StoreError
from db.exchange import figure_of, figures, write_file_atomically
from db.exchange_models import DepartmentIdentity, FeedbackChoice, IssuedSetup, SentFigure
from db.models import DepartmentRow, IndicatorRow, utcnow
from db.roles import role_in, set_department_role
from db.sent_figures import edited_fields, fallback_cutoff, last_written, record_sent, sent_state, setup_base
from db.table_store import store_table, upsert_departments
from db.tables import ensure_period, find_period


class WrongPassphrase(InvalidInput):
    """The passphrase does not open the setup file's key: nothing was installed; the user may type it again."""


@dataclass(frozen=True, slots=True)
class UnsentFigure:
    """A figure edited on this PC since it was last sent, which the setup file being installed would replace."""

    code: str
    name: str
    kind: PeriodKind
    figure: Figure
    updated_at: datetime | None
    replaced_by: Figure

    @property
    def label(self) -> str:
        shown = self.figure.value or "(trống)"
        return f"{self.code} {self.name} ({self.kind.label.lower()}): {shown}"


class UnsentFigures(StoreError):
    """The database holds figures not yet sent that the setup file would replace: nothing was installed."""

    def __init__(self, message: str, figures: tuple[UnsentFigure, ...], found: str) -> None:
        super().__init__(message)
        self.figures = figures
        self.found = found  # what was found, without the command-line advice


@dataclass(frozen=True, slots=True)
class SetupResult:
    department: Department
    year: int
    rows: int
    values_changed: int
    next_sequence: int
    already_installed: bool
    replaced: bool
    key_restored: bool = False  # the same setup again, on a PC that had lost its key: the key is back
    key_store: str = ""  # where this PC keeps the key (db.key_store.KEYRING or CONFIG)
    set_aside: Path | None = None  # the file the figures not yet sent were written to
    set_aside_count: int = 0


@dataclass(frozen=True, slots=True)
class UnlockedSetup:
    """A setup file read and its key opened with the passphrase (kept in memory only, until installed)."""

    setup: Setup
    path: Path
    private_key: str


def read_setup_file(path: Path) -> Setup:
    try:
        return read_setup(read_limited(path).data)
    except FileRefused as exc:
        raise StoreError(f"Tệp thiết lập {path.name}: {exc.message}") from exc


def unlock_setup(path: Path, passphrase: str) -> UnlockedSetup:
    """Read the setup file and open its key; :class:`WrongPassphrase` or a refusal naming the file otherwise."""
    setup = read_setup_file(path)
    code = setup.department.code
    try:
        private_key = key_seal.open_private_key(
            setup.sealed_key, passphrase, setup_id=setup.setup_id, department=code, key_id=setup.key_id
        )
    except key_seal.WrongPassphrase as exc:
        raise WrongPassphrase(
            f"Cụm mật khẩu không đúng với tệp thiết lập {path.name} (phòng {code}): hãy nhập đúng cụm mật khẩu "
            "văn phòng tổng hợp đã trao riêng cho tệp này (mỗi lần cấp có một cụm mật khẩu riêng). Chưa cài gì."
        ) from exc
    except key_seal.SealError as exc:
        raise StoreError(
            f"Tệp thiết lập {path.name}: {exc.message}. Chưa cài gì; hãy đề nghị văn phòng tổng hợp cấp lại "
            "tệp thiết lập."
        ) from exc
    return UnlockedSetup(setup, path, private_key)


def install_setup(db: Database, path: Path, *, actor: str, passphrase: str, set_aside: bool = False) -> SetupResult:
    """Make the database ready for the phòng named in the setup file, and that phòng alone."""
    return install_unlocked(db, unlock_setup(path, passphrase), actor=actor, set_aside=set_aside)


def install_unlocked(db: Database, unlocked: UnlockedSetup, *, actor: str, set_aside: bool = False) -> SetupResult:
    """Install a setup whose key is open: the key into this PC's key store, the rest into the database.

    Figures not yet sent that it would replace refuse it (:class:`UnsentFigures`) unless
    ``set_aside``: then they are written to a file beside the database first."""
    setup = unlocked.setup
    with db.read() as session:
        before = session.scalar(select(DepartmentIdentity).order_by(DepartmentIdentity.id.desc()))
        previous = (before.setup_id, before.key_store) if before is not None else None
        # Asked before the key is stored below: the same setup again on a PC that had lost its key gives it back.
        had_key = before is not None and before.setup_id == setup.setup_id and _has_key(before)
    # Before the write lock: a keyring may ask the user to unlock it.
    stored = key_store.store_key(setup.setup_id, unlocked.private_key)
    try:
        result = _install(db, unlocked, stored, had_key, actor=actor, set_aside=set_aside)
    except BaseException:
        if previous is None or previous[0] != setup.setup_id:
            key_store.forget_key(stored.store, setup.setup_id)
        raise
    if previous is not None and previous[0] != setup.setup_id and previous[1]:
        key_store.forget_key(previous[1], previous[0])
    return result


def _install(
    db: Database,
    unlocked: UnlockedSetup,
    stored: key_store.StoredKey,
    had_key: bool,
    *,
    actor: str,
    set_aside: bool,
) -> SetupResult:
    setup, path = unlocked.setup, unlocked.path
    source = f"tệp thiết lập {path.name}"
    with db.begin() as session:
        role = role_in(session)
        if role.department is not None and role.department.code != setup.department.code:
            raise StoreError(
                f"Cơ sở dữ liệu {db.label} thuộc {role.label}; tệp {path.name} dành cho phòng "
                f"{setup.department.code}. Hãy dùng một tệp cơ sở dữ liệu khác (--db)."
            )
        if role.is_synthesis and _has_data(session):
            raise StoreError(
                f"Cơ sở dữ liệu {db.label} là của văn phòng tổng hợp (đã có danh mục chỉ tiêu); "
                "tệp thiết lập chỉ cài vào cơ sở dữ liệu mới của phòng. Hãy chỉ định tệp mới bằng --db."
            )
        identity = session.scalar(select(DepartmentIdentity).order_by(DepartmentIdentity.id.desc()))
        own = setup.own_rows()
        assigned = sum(1 for row in own if is_assigned(row.indicator, setup.department.code, row.target))
        if identity is not None and identity.setup_id == setup.setup_id:
            restored = not had_key
            identity.key_store, identity.sealed_key, identity.legacy_private_key = stored.store, stored.sealed, ""
            if restored:
                audit.record(
                    session,
                    actor=actor,
                    action="cất lại khóa ký",
                    year=setup.year,
                    new=f"phòng {setup.department.code}, khóa {setup.key_id}",
                    source=source,
                )
            next_sequence = identity.last_sequence + 1
            return SetupResult(
                setup.department, setup.year, assigned, 0, next_sequence, True, False, restored, stored.store
            )
        if identity is not None and identity.issued_at > setup.issued_at:
            raise StoreError(
                f"Tệp thiết lập {path.name} cấp lúc {local_text(setup.issued_at)} cũ hơn tệp đã cài "
                f"(cấp lúc {local_text(identity.issued_at)}); hãy dùng tệp thiết lập mới nhất"
            )
        unsent = _unsent(session, identity, setup) if identity is not None else ()
        kept: Path | None = None
        if unsent:
            if not set_aside:
                raise _unsent_refusal(db, path, unsent)
            kept = _set_aside(db, setup, path, unsent)
            audit.record(
                session,
                actor=actor,
                action="để riêng số liệu chưa gửi",
                year=setup.year,
                new=f"{len(unsent)} số liệu: " + "; ".join(item.label for item in unsent),
                source=f"tệp {kept}",
            )
        owners = {d.code: d for d in (*setup.departments, setup.department)}
        upsert_departments(session, list(owners.values()))
        lines = tuple(_table_line(row) for row in setup.rows)
        report = store_table(session, Table(setup.year, lines), actor=actor, source=source)
        changed = {change.code for change in report.changes if change.field in ("value", "note")}
        for row in own:
            result = row.figures.get(PeriodKind.RESULT)
            if result is not None:
                changes = write_value(
                    session,
                    row.indicator.code,
                    setup.year,
                    PeriodKind.RESULT,
                    result.value,
                    note=result.note,
                    actor=actor,
                    source=source,
                )
                changed.update(change.code for change in changes)
        last = identity.last_sequence if identity is not None else 0
        _record_setup_bases(session, setup)
        session.execute(delete(DepartmentIdentity))
        session.add(
            DepartmentIdentity(
                department_code=setup.department.code,
                department_name=setup.department.name,
                setup_id=setup.setup_id,
                key_store=stored.store,
                sealed_key=stored.sealed,
                legacy_private_key="",
                key_id=setup.key_id,
                issued_at=setup.issued_at,
                last_sequence=max(last, setup.sequence),
                installation_id=str(uuid.uuid4()),
                office_key_id=setup.office_key_id,
                office_public_key=setup.office_public_key,
            )
        )
        set_department_role(session, setup.department.code)
        audit.record(
            session,
            actor=actor,
            action="cài tệp thiết lập",
            year=setup.year,
            new=f"phòng {setup.department.code}, khóa {setup.key_id}",
            source=source,
        )
        return SetupResult(
            setup.department,
            setup.year,
            assigned,
            len(changed),
            max(last, setup.sequence) + 1,
            already_installed=False,
            replaced=identity is not None,
            key_store=stored.store,
            set_aside=kept,
            set_aside_count=len(unsent),
        )


def _unsent(session: Session, identity: DepartmentIdentity, setup: Setup) -> tuple[UnsentFigure, ...]:
    """Figures edited since they were last sent that this setup would change, estimate first."""
    if identity.setup_id == setup.setup_id:
        return ()
    own = setup.own_rows()
    codes = [row.indicator.code for row in own]
    ids = _indicator_ids(session, codes)
    found: list[UnsentFigure] = []
    for kind in PeriodKind:
        period = find_period(session, setup.year, kind)
        if period is None:
            continue
        stored = figures(session, period, ids.values())
        sent = sent_state(session, period.id)
        written = last_written(session, setup.year, kind, codes)
        cutoff = fallback_cutoff(session, identity, setup.year, kind)
        for row in own:
            code = row.indicator.code
            indicator_id = ids.get(code)
            if indicator_id is None or kind not in row.figures:
                continue
            current = figure_of(stored.get(indicator_id))
            incoming = row.figures[kind]
            base = sent.figures.get(indicator_id)
            if current == incoming or not edited_fields(written, code, base.based_at if base else cutoff):
                continue
            value = stored.get(indicator_id)
            updated_at = value.updated_at if value is not None else None
            found.append(UnsentFigure(code, row.indicator.name, kind, current, updated_at, incoming))
    return tuple(found)


def _unsent_refusal(db: Database, path: Path, unsent: tuple[UnsentFigure, ...]) -> UnsentFigures:
    shown = "; ".join(item.label for item in unsent[:8]) + (
        f" và {len(unsent) - 8} số liệu khác" if len(unsent) > 8 else ""
    )
    found = (
        f"Cơ sở dữ liệu {db.label} có {len(unsent)} số liệu đã sửa mà chưa gửi văn phòng tổng hợp, tệp thiết lập "
        f"{path.name} sẽ thay chúng bằng số của văn phòng: {shown}. Chưa cài gì."
    )
    advice = (
        " Hãy gửi số liệu trước, hoặc cài kèm lựa chọn để riêng các số liệu này (lệnh setup: --set-aside) vào một "
        "tệp bên cạnh cơ sở dữ liệu."
    )
    return UnsentFigures(found + advice, unsent, found)


def _set_aside(db: Database, setup: Setup, path: Path, unsent: tuple[UnsentFigure, ...]) -> Path:
    """Write the figures about to be replaced to a JSON file beside the database (or the working folder)."""
    now = utcnow()
    folder = db.path.parent if db.path is not None else Path.cwd()
    stem = db.path.stem if db.path is not None else "bkdesk"
    out = folder / f"{stem}-so-lieu-chua-gui-{now.strftime('%Y%m%d-%H%M%S')}.json"
    document = {
        "noi_dung": "Số liệu đã sửa trên máy này mà chưa gửi văn phòng tổng hợp, để riêng trước khi cài tệp thiết lập",
        "phong": {"ma": setup.department.code, "ten": setup.department.name},
        "nam": setup.year,
        "tep_thiet_lap": path.name,
        "luc": iso(now),
        "so_lieu": [
            {
                "ma": item.code,
                "ten": item.name,
                "ky": item.kind.label,
                "gia_tri": item.figure.value,
                "ghi_chu": item.figure.note,
                "sua_luc": iso(item.updated_at),
                "thay_bang": {"gia_tri": item.replaced_by.value, "ghi_chu": item.replaced_by.note},
            }
            for item in unsent
        ],
    }
    text = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
    write_file_atomically(out, text.encode("utf-8"))
    return out


def _table_line(row: SetupRow) -> TableLine:
    """A row of the setup file as the table import stores it: target, the phòng's estimate, and what the
    office's "so với cùng kỳ" is worked out from (last year's figure, the printed ratio and its estimate)."""
    estimate = row.figures.get(PeriodKind.ESTIMATE)
    result_last_year = row.last_year_source == PeriodKind.RESULT.value
    return TableLine(
        indicator=row.indicator,
        target=row.target,
        estimate=estimate.value if estimate is not None else None,
        note=estimate.note if estimate is not None else None,
        last_year=row.last_year if row.last_year and result_last_year else None,
        last_year_estimate=row.last_year if row.last_year and not result_last_year else None,
        reported_pct_last_year=row.printed_ratio or None,
        reported_pct_estimate=row.printed_for if row.printed_ratio else None,
    )


def _indicator_ids(session: Session, codes: list[str]) -> dict[str, int]:
    query = select(IndicatorRow.code, IndicatorRow.id).where(IndicatorRow.code.in_(codes))
    return {code: indicator_id for code, indicator_id in session.execute(query)}


def _record_setup_bases(session: Session, setup: Setup) -> None:
    """The setup's figures are what this installation's first files are made from."""
    session.execute(delete(SentFigure))
    # Choices a return file left open were between figures this setup replaces.
    session.execute(delete(FeedbackChoice))
    own = setup.own_rows()
    codes = [row.indicator.code for row in own]
    ids = _indicator_ids(session, codes)
    now = utcnow()
    for kind in PeriodKind:
        period = ensure_period(session, setup.year, kind)
        held = {ids[row.indicator.code]: row.figures.get(kind, Figure()) for row in own if row.indicator.code in ids}
        record_sent(session, period.id, held, setup_base(setup.setup_id), now)


def _has_key(identity: DepartmentIdentity) -> bool:
    """Whether this PC holds the installation's key (a store that does not answer counts as not)."""
    if identity.legacy_private_key:
        return True
    try:
        return key_store.load_key(identity.key_store, identity.sealed_key, identity.setup_id) is not None
    except StoreError:
        return False


def _has_data(session: Session) -> bool:
    """A database with a catalogue or issued setups is in use: not for a phòng's setup."""
    for model in (IndicatorRow, DepartmentRow, IssuedSetup):
        if session.scalar(select(model.id).limit(1)) is not None:
            return True
    return False
