"""At the synthesis office: take in submission files and filled templates, each in one transaction.

For each file: a file already imported (same SHA-256) is unchanged; otherwise the
signature is checked against the key issued to the phòng it names (a template,
unsigned, only with the user's consent), the period must exist and be open, every
indicator must be the phòng's, every figure must pass the same checks as an entry
by hand, and a signed file must be newer than the last one taken from its installation
(the setup, and key, it was signed with). The key is found by the id the file carries: a
key this database never issued (a database restored from a backup older than the phòng's
latest setup) is said to be so, never taken for a forged file.
Anything wrong refuses the whole file and leaves the database as it was. What is
accepted is merged (:mod:`bkdesk.exchange.merge`) against the state the file was made
from, which the office holds because it issued or accepted it: the setup or the
installation's previous file for a file that names its installation, what the template
was exported with for a template, and the per-phòng base for a file of the first
format. Sequence numbers, the replay check and conflicts are kept per installation. Values pass the
checks of an entry by hand (:mod:`bkdesk.entry`) and are written with the audit records
:func:`db.entry.write_value` makes, in one statement per kind for the whole file, and
each keeps the file it came from; where both sides changed a value differently, a
conflict is recorded for a person to resolve and the local value stays.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from bkdesk.entry import EntryError, check_note, check_value
from bkdesk.exchange.files import FileRefused, RawFile, read_limited
from bkdesk.exchange.incoming import Incoming, parse_incoming
from bkdesk.exchange.merge import FieldPlan, Figure, MergeItem, MergePlan, Outcome, merge_plan
from bkdesk.exchange.submission import BASE_FEEDBACK, BASE_SETUP, BASE_SUBMISSION
from bkdesk.exchange.times import local_date
from bkdesk.text import clean
from db import audit
from db.bulk import executemany
from db.database import Database
from db.entry import (
    FIGURE_ACTIONS,
    NOTE,
    REPORTED_VERDICT,
    VALUE,
    VERDICT_DROPPED,
    VERDICT_DROPPED_REASON,
    refuse_figure_on_heading,
    refuse_locked,
)
from db.errors import StoreError, database_problem
from db.exchange import (
    SIGNED_CHANNEL,
    AgreedFigure,
    bases,
    feedback_state,
    file_state,
    issues_of,
    keep_only_state,
    save_bases,
    setup_state,
)
from db.exchange_models import (
    ConflictRow,
    ImportedSubmission,
    Installation,
    IssuedFeedback,
    IssuedSetup,
    ValueProvenance,
)
from db.import_outcomes import ImportOutcome as ImportOutcome
from db.import_outcomes import ImportStatus as ImportStatus
from db.import_outcomes import imported_on
from db.models import DepartmentRow, IndicatorRow, PeriodRow, TargetRow, ValueRow, utcnow
from db.roles import require_synthesis
from db.tables import ensure_period

Progress = Callable[[int, int], None]
log = logging.getLogger("bkdesk.exchange")
_FIGURE_COLUMNS = ("text", "note", "reported_verdict", "updated_by", "updated_at", "source")
_UPDATE_FIGURES = (
    update(ValueRow.__table__)
    .where(ValueRow.__table__.c.id == bindparam("row_id"))
    .values({column: bindparam(f"new_{column}") for column in _FIGURE_COLUMNS})
)
_INSERT_FIGURES = insert(ValueRow.__table__)
_INSERT_PROVENANCE = insert(ValueProvenance.__table__)
# Statements built once: made per file (a hundred codes each made an expression), they cost more than their queries.
_TAKEN = select(ImportedSubmission.imported_at, ImportedSubmission.file_name).where(
    ImportedSubmission.sha256 == bindparam("sha256")
)
_DEPARTMENT = select(DepartmentRow).where(DepartmentRow.code == bindparam("code"))
_INSTALLATION = select(Installation).where(Installation.installation_id == bindparam("installation_id"))
_YEAR_HAS_TABLE = select(TargetRow.id).where(TargetRow.year == bindparam("year")).limit(1)


class Refusal(StoreError):
    """A file refused for a reason stated in Vietnamese; the transaction is rolled back."""


def import_submissions(
    db: Database,
    paths: Sequence[Path],
    *,
    actor: str,
    accept_unsigned: bool = False,
    progress: Progress | None = None,
) -> list[ImportOutcome]:
    """Import files, oldest first within each phòng; the outcomes come back in the order given."""
    with db.read() as session:
        require_synthesis(session, "nhập tệp nộp số liệu", db.label)
    total = len(paths)
    outcomes: list[ImportOutcome | None] = [None] * total
    done = 0

    def settle(index: int, outcome: ImportOutcome) -> None:
        nonlocal done
        outcomes[index] = outcome
        done += 1
        if progress is not None:
            progress(done, total)

    raws: dict[int, RawFile] = {}
    for index, path in enumerate(paths):
        try:
            raws[index] = read_limited(path)
        except FileRefused as exc:
            settle(index, ImportOutcome(path.name, ImportStatus.REFUSED, exc.message))
        except Exception as exc:  # one file's surprise never stops the batch
            settle(index, ImportOutcome(path.name, ImportStatus.REFUSED, _unexpected(path.name, exc)))
    known = _known(db, {raw.sha256 for raw in raws.values()})
    parsed: list[tuple[int, Incoming]] = []
    for index, raw in raws.items():
        if raw.sha256 in known:
            settle(index, ImportOutcome(raw.name, ImportStatus.UNCHANGED, known[raw.sha256]))
            continue
        try:
            parsed.append((index, parse_incoming(raw)))
        except FileRefused as exc:
            settle(index, ImportOutcome(raw.name, ImportStatus.REFUSED, exc.message))
    # Oldest first: a phòng's files by sequence number; unsigned templates after, in the order given.
    parsed.sort(key=lambda item: (item[1].sequence is None, item[1].sequence or 0, item[0]))
    taken: dict[str, str] = {}
    for index, incoming in parsed:
        name = incoming.file.name
        if incoming.file.sha256 in taken:
            same = f"trùng nội dung với {taken[incoming.file.sha256]}"
            settle(index, ImportOutcome(name, ImportStatus.UNCHANGED, same))
            continue
        try:
            with db.begin() as session:
                outcome = _apply(session, incoming, actor=actor, accept_unsigned=accept_unsigned)
        except StoreError as exc:
            outcome = ImportOutcome(name, ImportStatus.REFUSED, exc.message, incoming.department.code)
        except Exception as exc:  # rolled back; the next file is still taken
            problem = database_problem(exc, db.label)
            reason = problem.message if problem is not None else _unexpected(name, exc)
            outcome = ImportOutcome(name, ImportStatus.REFUSED, reason, incoming.department.code)
        else:
            taken[incoming.file.sha256] = name
        settle(index, outcome)
    return [outcome for outcome in outcomes if outcome is not None]


def _unexpected(name: str, exc: Exception) -> str:
    """A failure nobody foresaw, for the user; the traceback goes to the log file."""
    log.error("importing %s failed", name, exc_info=exc)
    return (
        f"lỗi không mong đợi khi nhập tệp ({type(exc).__name__}; chi tiết đã ghi vào tệp nhật ký); "
        "số liệu của tệp này không được ghi, các tệp khác vẫn được nhập"
    )


def _known(db: Database, hashes: set[str]) -> dict[str, str]:
    """Hashes already imported → why the file is unchanged."""
    found: dict[str, str] = {}
    pending = sorted(hashes)
    with db.read() as session:
        for start in range(0, len(pending), 500):
            chunk = pending[start : start + 500]
            query = select(ImportedSubmission.sha256, ImportedSubmission.imported_at, ImportedSubmission.file_name)
            for sha, at, name in session.execute(query.where(ImportedSubmission.sha256.in_(chunk))):
                found[sha] = imported_on(at, name)
    return found


def source_label(incoming: Incoming) -> str:
    short = incoming.file.sha256[:12]
    code = clean(incoming.department.code)
    if incoming.is_signed:
        return f"tệp {incoming.file.name} (phòng {code}, số thứ tự {incoming.sequence}, SHA-256 {short}…)"
    return f"biểu mẫu Excel chưa ký {incoming.file.name} (phòng {code}, SHA-256 {short}…)"


def _apply(session: Session, incoming: Incoming, *, actor: str, accept_unsigned: bool) -> ImportOutcome:
    if not incoming.is_signed and not accept_unsigned:
        raise Refusal(
            "tệp không có chữ ký (biểu mẫu Excel); chỉ nhập sau khi đã xác nhận nơi gửi, "
            "bằng tùy chọn --accept-unsigned"
        )
    # Asked again under the write lock: another process may have taken the same file since _known.
    taken = session.execute(_TAKEN, {"sha256": incoming.file.sha256}).first()
    if taken is not None:
        return ImportOutcome(incoming.file.name, ImportStatus.UNCHANGED, imported_on(*taken))
    code = clean(incoming.department.code)
    department = session.scalar(_DEPARTMENT, {"code": code})
    if department is None:
        raise Refusal(f"phòng {code} không có trong danh mục của văn phòng tổng hợp")
    issued = _check_signature(session, department, incoming) if incoming.is_signed else None
    period = _open_period(session, incoming)
    notices: list[str] = []
    installation = _installation(session, department, issued, incoming, notices) if issued is not None else None
    rows, locals_ = _indicators(session, incoming, department, period)
    figures_in = _checked_figures(incoming, rows)
    for indicator_code, figure in figures_in.items():
        row = rows[indicator_code]
        # Refused even where the merge would not take it: the file is wrong. The rule is db.entry's; a row with a
        # unit that is no group passes it without a query there, so only the others are loaded to be judged.
        if figure.value and ((row.parent_id is None and row.stt == row.group) or not row.unit.strip()):
            refuse_figure_on_heading(session, session.get_one(IndicatorRow, row.id))
    with session.no_autoflush:  # the installation's changes go with the submission's row, in one flush
        base = _file_base(session, department, period, issued, incoming, notices)
    edits = {value.code: value.edited for value in incoming.values}
    plan = merge_plan(
        MergeItem(
            indicator_code,
            base.figures.get(row.id, base.written.get(indicator_code)),
            locals_[row.id].figure if row.id in locals_ else Figure(),
            figures_in[indicator_code],
            edits.get(indicator_code),
            base.known,
        )
        for indicator_code, row in rows.items()
    )
    submission = ImportedSubmission(
        sha256=incoming.file.sha256,
        department_id=department.id,
        period_id=period.id,
        sequence=incoming.sequence,
        made_at=incoming.made_at,
        imported_at=utcnow(),
        imported_by=actor,
        signed=incoming.is_signed,
        file_name=incoming.file.name,
        values_changed=len(plan.updates),
        conflicts=len(plan.conflicts),
        setup_id=incoming.signed.submission.setup_id if incoming.signed is not None else None,
        template_id=incoming.template.info.template_id if incoming.template is not None else None,
        installation_id=incoming.installation_id or None,
    )
    session.add(submission)
    session.flush()
    if installation is not None:
        installation.last_submission_id = submission.id
    label = source_label(incoming)
    with audit.batched(session):
        changed = _write(session, incoming, plan, rows, locals_, period, submission, actor=actor, source=label)
        conflicts = _record_conflicts(
            session, plan, rows, department, period, submission, incoming, actor=actor, source=label
        )
        audit.record(
            session,
            actor=actor,
            action="nhận tệp nộp",
            year=incoming.year,
            period=incoming.kind.value,
            new=f"{changed} giá trị thay đổi, {conflicts} xung đột",
            source=label,
        )
    incoming_by_id = {row.id: figures_in[indicator_code] for indicator_code, row in rows.items()}
    if incoming.installation_id and incoming.sequence is not None:
        # This file's figures are the state its installation's next file of the period is made from.
        state = file_state(incoming.installation_id, incoming.sequence)
        save_bases(session, {}, department.id, period.id, incoming_by_id, state)
        keep_only_state(session, department.id, period.id, state, file_state(incoming.installation_id, 0)[:-1])
    elif incoming.is_signed:
        save_bases(session, base.stored or {}, department.id, period.id, incoming_by_id, SIGNED_CHANNEL)
    session.flush()
    return ImportOutcome(
        incoming.file.name,
        ImportStatus.ACCEPTED,
        department=code,
        sequence=incoming.sequence,
        signed=incoming.is_signed,
        values_changed=changed,
        conflicts=conflicts,
        notices=tuple(notices),
    )


def _installation(
    session: Session, department: DepartmentRow, issued: IssuedSetup, incoming: Incoming, notices: list[str]
) -> Installation | None:
    """Check the file's sequence against its installation's and move it on; the installation (none for a file of
    the first format, whose setup counts its sequence). A second installation of one setup file is said so."""
    sequence = incoming.sequence
    assert sequence is not None
    code = department.code
    installation_id = incoming.installation_id
    if not installation_id:
        if sequence <= issued.last_sequence:
            raise Refusal(
                f"số thứ tự {sequence} không mới hơn số thứ tự {issued.last_sequence} đã nhận từ phòng {code} "
                "(bản cũ hoặc tệp gửi lại)"
            )
        issued.last_sequence = sequence
        return None
    # The setup keeps the highest sequence any of its installations sent: a re-issue starts above it.
    issued.last_sequence = max(issued.last_sequence, sequence)
    installation = session.scalar(_INSTALLATION, {"installation_id": installation_id})
    if installation is None:
        if sequence <= issued.sequence_start:
            raise Refusal(
                f"số thứ tự {sequence} không mới hơn số thứ tự {issued.sequence_start} của tệp thiết lập đã cấp "
                f"cho phòng {code} (tệp không phải của lần cấp này)"
            )
        others = session.scalars(
            select(Installation).where(Installation.setup_id == issued.setup_id).order_by(Installation.id)
        ).all()
        installation = Installation(
            installation_id=installation_id,
            department_id=department.id,
            setup_id=issued.setup_id,
            first_file_at=utcnow(),
            last_sequence=sequence,
        )
        session.add(installation)
        if others:
            first = others[0]
            notices.append(
                f"Chú ý: tệp thiết lập {issued.file_name or issued.setup_id} của phòng {code} đã được cài trên "
                f"{len(others) + 1} máy: bản cài {_short(installation_id)} (tệp này, lần đầu gửi) và bản cài "
                f"{_short(first.installation_id)} (gửi từ {local_date(first.first_file_at)}). Mỗi bản cài được "
                "đối chiếu riêng; hãy hỏi phòng vì sao cài hai lần."
            )
        return installation
    if installation.setup_id != issued.setup_id or installation.department_id != department.id:
        raise Refusal(f"mã bản cài {_short(installation_id)} đã thuộc một tệp thiết lập khác: tệp đã bị ghép hoặc sửa")
    if sequence <= installation.last_sequence:
        raise Refusal(
            f"số thứ tự {sequence} không mới hơn số thứ tự {installation.last_sequence} đã nhận từ bản cài "
            f"{_short(installation_id)} của phòng {code} (bản cũ hoặc tệp gửi lại)"
        )
    installation.last_sequence = sequence
    return installation


def _short(installation_id: str) -> str:
    """An installation as a person reads it: its id's first eight characters."""
    return installation_id[:8]


@dataclass(frozen=True, slots=True)
class _Base:
    """What a file is merged against: the state's figures by indicator id (``written`` by code, a template's own),
    whether the office holds that state, and the first format's stored bases (moved after the file)."""

    figures: dict[int, Figure]
    written: dict[str, Figure]
    known: bool = True
    stored: dict[int, AgreedFigure] | None = None


def _file_base(
    session: Session,
    department: DepartmentRow,
    period: PeriodRow,
    issued: IssuedSetup | None,
    incoming: Incoming,
    notices: list[str],
) -> _Base:
    if incoming.template is not None:
        # A template carries the figures it was exported with: each fill is merged against those alone.
        return _Base({}, incoming.template_base())
    if not incoming.installation_id:
        stored = bases(session, department.id, period.id, SIGNED_CHANNEL)
        return _Base({i: agreed.figure for i, agreed in stored.items()}, {}, True, stored)
    assert issued is not None
    ref = incoming.base
    if ref is not None and ref.kind == BASE_SETUP and ref.ref == issued.setup_id:
        held = bases(session, department.id, period.id, setup_state(issued.setup_id))
        if not held:  # a setup issued before schema 4 kept only the per-phòng base
            held = bases(session, department.id, period.id, SIGNED_CHANNEL)
        return _Base({i: agreed.figure for i, agreed in held.items()}, {})
    if ref is not None and ref.kind == BASE_FEEDBACK:
        sent = session.scalar(
            select(IssuedFeedback.id).where(
                IssuedFeedback.feedback_id == ref.ref, IssuedFeedback.department_id == department.id
            )
        )
        if sent is not None:
            held = bases(session, department.id, period.id, feedback_state(ref.ref))
            return _Base({i: agreed.figure for i, agreed in held.items()}, {})
        notices.append(
            "Tệp được lập sau một tệp phản hồi mà cơ sở dữ liệu này không có (khôi phục từ bản sao lưu cũ hơn?): "
            "mọi giá trị khác số của văn phòng được ghi thành xung đột."
        )
        return _Base({}, {}, False)
    if ref is not None and ref.kind == BASE_SUBMISSION and ref.ref.isdigit():
        received = session.scalar(
            select(ImportedSubmission.id).where(
                ImportedSubmission.installation_id == incoming.installation_id,
                ImportedSubmission.sequence == int(ref.ref),
                ImportedSubmission.period_id == period.id,
            )
        )
        if received is not None:
            held = bases(session, department.id, period.id, file_state(incoming.installation_id, int(ref.ref)))
            return _Base({i: agreed.figure for i, agreed in held.items()}, {})
        notices.append(
            f"Tệp được lập sau tệp số thứ tự {ref.ref} của bản cài {_short(incoming.installation_id)}, tệp mà văn "
            "phòng tổng hợp chưa nhận: mọi giá trị khác số của văn phòng được ghi thành xung đột."
        )
    else:
        notices.append(
            "Tệp không cho biết được lập từ trạng thái nào mà văn phòng tổng hợp có: mọi giá trị khác số của văn "
            "phòng được ghi thành xung đột."
        )
    return _Base({}, {}, False)


def _check_signature(session: Session, department: DepartmentRow, incoming: Incoming) -> IssuedSetup:
    """The installation whose current key signed the file; a refusal saying which key, or that the file changed."""
    assert incoming.signed is not None
    issues = issues_of(session, department.id)
    if not issues:
        raise Refusal(
            f"phòng {department.code} chưa được cấp tệp thiết lập, nên không có khóa để kiểm tra chữ ký "
            "(hãy cấp bằng lệnh issue-department)"
        )
    tampered = Refusal(
        f"chữ ký không hợp lệ: tệp đã bị sửa sau khi ký, hoặc không được ký bằng khóa đã cấp cho phòng "
        f"{department.code}"
    )
    # As db.exchange.installation_of: the newest of the phòng's setups with that key id.
    key_id = incoming.signed.submission.key_id
    installation = next((issued for issued in issues if issued.key_id == key_id), None)
    if installation is None:
        if _key_of_another_phong(session, key_id):
            raise tampered
        raise Refusal(
            f"khóa ký của phòng {department.code} mới hơn bản sao lưu này: hãy khôi phục bản sao lưu mới hơn "
            "hoặc cấp lại tệp thiết lập"
        )
    if not incoming.signed.verify(installation.public_key):
        raise tampered
    current = issues[0]
    if installation.id != current.id:
        raise Refusal(
            f"tệp được ký bằng khóa cũ của phòng {department.code} (cấp ngày {local_date(installation.issued_at)}); "
            f"phòng đã được cấp lại ngày {local_date(current.issued_at)}, hãy xuất lại tệp từ máy đã cài "
            "tệp thiết lập mới"
        )
    return installation


def _key_of_another_phong(session: Session, key_id: str) -> bool:
    """A key id this database issued to some other phòng: the file is not this phòng's, whatever else."""
    return session.scalar(select(IssuedSetup.id).where(IssuedSetup.key_id == key_id).limit(1)) is not None


def _open_period(session: Session, incoming: Incoming) -> PeriodRow:
    year = incoming.year
    if session.scalar(_YEAR_HAS_TABLE, {"year": year}) is None:
        raise Refusal(f"năm {year} chưa có biểu chỉ tiêu ở văn phòng tổng hợp (sai năm?)")
    period = ensure_period(session, year, incoming.kind)
    try:
        refuse_locked(period)
    except StoreError as exc:
        raise Refusal(exc.message) from exc
    return period


def _listing(codes: Sequence[str], limit: int = 8) -> str:
    shown = ", ".join(codes[:limit])
    return shown + (f" và {len(codes) - limit} chỉ tiêu khác" if len(codes) > limit else "")


class _Indicator(NamedTuple):
    """The catalogue row of an indicator of the file, as the merge reads it."""

    id: int
    code: str
    name: str
    group: str
    stt: str
    unit: str
    parent_id: int | None
    department_id: int | None


class _Stored(NamedTuple):
    """An indicator's stored figure row for the period, as the merge reads and overwrites it."""

    id: int
    figure: Figure
    reported_verdict: str


# The file's indicators with their row of the year's table and their figure, by code.
_FILE_ROWS = (
    select(
        IndicatorRow.id,
        IndicatorRow.code,
        IndicatorRow.name,
        IndicatorRow.group,
        IndicatorRow.stt,
        IndicatorRow.unit,
        IndicatorRow.parent_id,
        IndicatorRow.department_id,
        TargetRow.id,
        ValueRow.id,
        ValueRow.text,
        ValueRow.note,
        ValueRow.reported_verdict,
    )
    .outerjoin(TargetRow, (TargetRow.indicator_id == IndicatorRow.id) & (TargetRow.year == bindparam("year")))
    .outerjoin(ValueRow, (ValueRow.indicator_id == IndicatorRow.id) & (ValueRow.period_id == bindparam("period_id")))
    .where(IndicatorRow.code.in_(bindparam("codes", expanding=True)))
)


def _indicators(
    session: Session, incoming: Incoming, department: DepartmentRow, period: PeriodRow
) -> tuple[dict[str, _Indicator], dict[int, _Stored]]:
    """The file's indicators (each the phòng's and in the year's table, or the file is refused) and their figures.

    Read as plain rows in one query per 500 codes: a hundred files hold ten thousand of each, which as ORM
    objects cost more than the whole merge.
    """
    codes = [value.code for value in incoming.values]
    twice = sorted(code for code, count in Counter(codes).items() if count > 1)
    if twice:
        raise Refusal(f"chỉ tiêu xuất hiện hai lần trong tệp: {_listing(twice)}")
    rows: dict[str, _Indicator] = {}
    stored: dict[int, _Stored] = {}
    in_table: set[int] = set()
    for start in range(0, len(codes), 500):
        chunk = {"codes": codes[start : start + 500], "year": incoming.year, "period_id": period.id}
        for found in session.connection().execute(_FILE_ROWS, chunk):
            row = _Indicator(*found[:8])
            rows[row.code] = row
            target_id, value_id, text, note, verdict = found[8:]
            if target_id is not None:
                in_table.add(row.id)
            if value_id is not None:
                stored[row.id] = _Stored(value_id, Figure(text or "", note or ""), verdict or "")
    unknown = [code for code in codes if code not in rows]
    if unknown:
        raise Refusal(f"chỉ tiêu không có trong danh mục: {_listing(unknown)}")
    foreign = [code for code in codes if rows[code].department_id != department.id]
    if foreign:
        owners = {row.id: row.code for row in session.execute(select(DepartmentRow.id, DepartmentRow.code))}
        described = [f"{code} (của {owners.get(rows[code].department_id, 'không phòng nào')})" for code in foreign]
        raise Refusal(f"tệp có chỉ tiêu không thuộc phòng {department.code}: {_listing(described)}")
    missing = [code for code in codes if rows[code].id not in in_table]
    if missing:
        raise Refusal(f"chỉ tiêu không có trong biểu năm {incoming.year}: {_listing(missing)}")
    return rows, stored


def _checked_figures(incoming: Incoming, rows: dict[str, _Indicator]) -> dict[str, Figure]:
    """Every figure through the checks of an entry by hand, canonical as it would be stored."""
    checked: dict[str, Figure] = {}
    for value in incoming.values:
        row = rows[value.code]
        try:
            place = f"{row.code} {row.name}"
            checked[value.code] = Figure(check_value(value.value, place), check_note(value.note, place))
        except EntryError as exc:
            raise Refusal(f"giá trị không hợp lệ — {exc.message}") from exc
    return checked


def _write(
    session: Session,
    incoming: Incoming,
    plan: MergePlan,
    rows: dict[str, _Indicator],
    stored: dict[int, _Stored],
    period: PeriodRow,
    submission: ImportedSubmission,
    *,
    actor: str,
    source: str,
) -> int:
    """Apply what the phòng changed; returns how many indicators changed, each remembering this file.

    As :func:`db.entry.write_value` stores a merge's figure (every figure here passed its checks in
    ``_checked_figures``, the rows and the period were checked in ``_apply``), with the same audit records in the
    same order, but sent in one statement per kind: the unit of work's one UPDATE per row, for a hundred files,
    was most of the import.
    """
    year, kind = incoming.year, incoming.kind.value
    updates: list[dict[str, object]] = []
    inserts: list[dict[str, object]] = []
    changed_ids: list[int] = []
    for change in plan.updates:
        row = rows[change.code]
        before = stored.get(row.id)
        old = before.figure if before is not None else Figure()
        value, note = old.value, old.note
        for field, new, was in ((VALUE, change.value, old.value), (NOTE, change.note, old.note)):
            if new is None or new == was:
                continue
            if field == VALUE:
                value = new
            else:
                note = new
            audit.record(
                session,
                actor=actor,
                action=FIGURE_ACTIONS[field],
                indicator_code=change.code,
                year=year,
                period=kind,
                field=field,
                old=was,
                new=new,
                source=source,
            )
        if (value, note) == (old.value, old.note):
            continue
        verdict = before.reported_verdict if before is not None else ""
        if verdict and value != old.value:
            # The verdict an imported table printed was for the old figure (as db.entry.write_fields).
            audit.record(
                session,
                actor=actor,
                action=VERDICT_DROPPED,
                indicator_code=change.code,
                year=year,
                period=kind,
                field=REPORTED_VERDICT,
                old=verdict,
                new="",
                reason=VERDICT_DROPPED_REASON,
                source=source,
            )
            verdict = ""
        figure = {
            "text": value,
            "note": note,
            "reported_verdict": verdict,
            "updated_by": actor,
            "updated_at": utcnow(),
            "source": source,
        }
        if before is None:
            inserts.append({"indicator_id": row.id, "period_id": period.id, "reported_pct_last_year": "", **figure})
        else:
            updates.append({"row_id": before.id, **{f"new_{column}": figure[column] for column in _FIGURE_COLUMNS}})
        changed_ids.append(row.id)
    connection = session.connection()
    executemany(connection, _UPDATE_FIGURES, updates)
    executemany(connection, _INSERT_FIGURES, inserts)
    if changed_ids:
        _remember_origin(session, period.id, changed_ids, submission.id)
    return len(changed_ids)


def _remember_origin(session: Session, period_id: int, indicator_ids: list[int], submission_id: int) -> None:
    """Record that this file set these values, in one statement."""
    rows = [{"indicator_id": i, "period_id": period_id, "submission_id": submission_id} for i in indicator_ids]
    executemany(session.connection(), _INSERT_PROVENANCE, rows)


_OPEN_CONFLICTS = (
    select(ConflictRow)
    .join(ImportedSubmission, ImportedSubmission.id == ConflictRow.submission_id)
    .where(
        ConflictRow.department_id == bindparam("department_id"),
        ConflictRow.period_id == bindparam("period_id"),
        ConflictRow.status == "open",
    )
)
_OPEN_OF_INSTALLATION = _OPEN_CONFLICTS.where(ImportedSubmission.installation_id == bindparam("road"))
_OPEN_OF_TEMPLATE = _OPEN_CONFLICTS.where(ImportedSubmission.template_id == bindparam("road"))
_OPEN_OF_FIRST_FORMAT = _OPEN_CONFLICTS.where(
    ImportedSubmission.installation_id.is_(None) & ImportedSubmission.template_id.is_(None)
)


def _record_conflicts(
    session: Session,
    plan: MergePlan,
    rows: dict[str, _Indicator],
    department: DepartmentRow,
    period: PeriodRow,
    submission: ImportedSubmission,
    incoming: Incoming,
    *,
    actor: str,
    source: str,
) -> int:
    """New conflicts replace open ones of the same installation (or template) on the same value; values both sides
    now agree on settle theirs. Another installation's open conflicts are its own."""
    where: dict[str, object] = {"department_id": department.id, "period_id": period.id}
    if incoming.installation_id:
        query, where["road"] = _OPEN_OF_INSTALLATION, incoming.installation_id
    elif incoming.template is not None:
        query, where["road"] = _OPEN_OF_TEMPLATE, incoming.template.info.template_id
    else:
        query = _OPEN_OF_FIRST_FORMAT
    open_rows = {(c.indicator_id, c.field): c for c in session.scalars(query, where)}
    now = utcnow()
    for plan_field in plan.fields:
        existing = open_rows.get((rows[plan_field.code].id, plan_field.field))
        if existing is None or plan_field.outcome is Outcome.KEEP_LOCAL:
            continue
        existing.resolved_at, existing.resolved_by = now, actor
        if plan_field.outcome is Outcome.CONFLICT:
            existing.status, existing.reason = "superseded", f"thay bằng xung đột từ {submission.file_name}"
        else:
            existing.status, existing.reason = "settled", "hai bên đã khớp nhau"
    for conflict in plan.conflicts:
        _add_conflict(session, conflict, rows[conflict.code], department, period, submission, now)
        audit.record(
            session,
            actor=actor,
            action="ghi nhận xung đột",
            indicator_code=conflict.code,
            year=period.year,
            period=period.kind,
            field=conflict.field,
            old=conflict.local,
            new=conflict.incoming,
            reason=f"cả hai bên cùng sửa từ «{conflict.base}»; giữ giá trị hiện có đến khi có người quyết định",
            source=source,
        )
    return len(plan.conflicts)


def _add_conflict(
    session: Session,
    conflict: FieldPlan,
    indicator: _Indicator,
    department: DepartmentRow,
    period: PeriodRow,
    submission: ImportedSubmission,
    now: datetime,
) -> None:
    session.add(
        ConflictRow(
            department_id=department.id,
            indicator_id=indicator.id,
            period_id=period.id,
            submission_id=submission.id,
            field=conflict.field,
            base=conflict.base,
            local=conflict.local,
            incoming=conflict.incoming,
            status="open",
            created_at=now,
        )
    )
