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

Everything here is plain SQL (:mod:`db.plain`): ``sqlite3`` itself on a file, so that an
import loads neither SQLAlchemy nor the ORM, whose per-statement cost was most of a
merge; SQLAlchemy Core on a database given by URL.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

from bkdesk.catalogue import PeriodKind
from bkdesk.entry import EntryError, check_note, check_value
from bkdesk.exchange.files import FileRefused, RawFile, read_limited
from bkdesk.exchange.incoming import Incoming, parse_incoming
from bkdesk.exchange.merge import FieldPlan, Figure, MergeItem, MergePlan, Outcome, merge_plan
from bkdesk.exchange.submission import BASE_FEEDBACK, BASE_SETUP, BASE_SUBMISSION, SubmittedValue
from bkdesk.exchange.times import local_date
from bkdesk.text import clean
from db.audit_log import AuditBatch
from db.database import Database
from db.errors import StoreError, database_problem
from db.figure_rules import (
    FIGURE_ACTIONS,
    NOTE,
    REPORTED_VERDICT,
    VALUE,
    VERDICT_DROPPED,
    VERDICT_DROPPED_REASON,
    refuse_heading,
    refuse_locked,
)
from db.file_format import ROLE_KEY, SYNTHESIS_ROLE
from db.import_outcomes import ImportOutcome as ImportOutcome
from db.import_outcomes import ImportStatus as ImportStatus
from db.import_outcomes import imported_on
from db.merge_states import (
    SIGNED_CHANNEL,
    AgreedFigure,
    bases,
    feedback_state,
    file_state,
    keep_only_state,
    save_bases,
    setup_state,
)
from db.plain import Plain, PlainLink, marks

Progress = Callable[[int, int], None]
log = logging.getLogger("bkdesk.exchange")
# Hashes or codes asked for in one statement: well under SQLite's limit of bound parameters.
PER_QUERY = 500


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
    with SubmissionImporter(db, actor=actor) as importer:
        return importer.take(paths, accept_unsigned=accept_unsigned, progress=progress)


class SubmissionImporter:
    """Imports on one connection to the office's database, a batch at a time (the app: a file at a time, so
    that the user can stop between two), each file in its own transaction.

    Refused on a phòng's database when entered.
    """

    def __init__(self, db: Database, *, actor: str) -> None:
        self.db = db
        self.actor = actor
        self._link: PlainLink | None = None

    def __enter__(self) -> SubmissionImporter:
        link = PlainLink(self.db)
        try:
            with link.read() as plain:
                _require_synthesis(plain, self.db)
        except BaseException:
            link.close()
            raise
        self._link = link
        return self

    def __exit__(self, *exc: object) -> None:
        if self._link is not None:
            self._link.close()
            self._link = None

    def take(
        self, paths: Sequence[Path], *, accept_unsigned: bool = False, progress: Progress | None = None
    ) -> list[ImportOutcome]:
        """Import ``paths``, oldest first within each phòng; the outcomes in the order given."""
        assert self._link is not None, "used outside its with block"
        return _import(self._link, paths, actor=self.actor, accept_unsigned=accept_unsigned, progress=progress)


def _require_synthesis(plain: Plain, db: Database) -> None:
    role = plain.value("SELECT value FROM settings WHERE key = :key", {"key": ROLE_KEY})
    if role and role != SYNTHESIS_ROLE:
        # A phòng's database: the refusal names the phòng, as every command's does.
        from db.roles import require_synthesis

        with db.read() as session:
            require_synthesis(session, "nhập tệp nộp số liệu", db.label)


def _import(
    link: PlainLink,
    paths: Sequence[Path],
    *,
    actor: str,
    accept_unsigned: bool,
    progress: Progress | None,
) -> list[ImportOutcome]:
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
    with link.read() as plain:
        known = _known(plain, {raw.sha256 for raw in raws.values()})
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
            with link.write() as plain:
                outcome = _apply(plain, incoming, actor=actor, accept_unsigned=accept_unsigned)
        except StoreError as exc:
            outcome = ImportOutcome(name, ImportStatus.REFUSED, exc.message, incoming.department.code)
        except Exception as exc:  # rolled back; the next file is still taken
            problem = database_problem(exc, link.db.label)
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


def _known(plain: Plain, hashes: set[str]) -> dict[str, str]:
    """Hashes already imported → why the file is unchanged."""
    found: dict[str, str] = {}
    pending = sorted(hashes)
    for start in range(0, len(pending), PER_QUERY):
        listed, params = marks("h", pending[start : start + PER_QUERY])
        query = f"SELECT sha256, imported_at, file_name FROM exchange_submissions WHERE sha256 IN ({listed})"
        for sha, at, name in plain.rows(query, params):
            found[sha] = imported_on(plain.time(at), name)
    return found


def source_label(incoming: Incoming) -> str:
    short = incoming.file.sha256[:12]
    code = clean(incoming.department.code)
    if incoming.is_signed:
        return f"tệp {incoming.file.name} (phòng {code}, số thứ tự {incoming.sequence}, SHA-256 {short}…)"
    return f"biểu mẫu Excel chưa ký {incoming.file.name} (phòng {code}, SHA-256 {short}…)"


class _Department(NamedTuple):
    id: int
    code: str


class _Period(NamedTuple):
    """A period as the lock check and the writes read it."""

    id: int
    year: int
    kind: str
    locked: bool
    lock_reason: str


@dataclass(slots=True)
class _Issued:
    """An issued setup (``exchange_issues``): its key, and the sequences seen from its installations."""

    id: int
    setup_id: str
    key_id: str
    public_key: str
    issued_at: datetime
    sequence_start: int
    last_sequence: int
    file_name: str
    read_sequence: int = 0  # last_sequence as stored, to write it only when the file moved it

    def __post_init__(self) -> None:
        self.read_sequence = self.last_sequence


@dataclass(slots=True)
class _Installation:
    """What becomes of the file's installation (``exchange_installations``) once the file is taken."""

    id: int | None  # None: new, inserted with the file
    installation_id: str
    department_id: int
    setup_id: str
    last_sequence: int


_ISSUES = (
    "SELECT id, setup_id, key_id, public_key, issued_at, sequence_start, last_sequence, file_name "
    "FROM exchange_issues WHERE department_id = :department_id ORDER BY id DESC"
)
_INSERT_SUBMISSION = (
    "INSERT INTO exchange_submissions (sha256, department_id, period_id, sequence, made_at, imported_at, "
    "imported_by, signed, file_name, setup_id, template_id, installation_id, values_changed, conflicts) "
    "VALUES (:sha256, :department_id, :period_id, :sequence, :made_at, :imported_at, :imported_by, :signed, "
    ":file_name, :setup_id, :template_id, :installation_id, :values_changed, :conflicts) RETURNING id"
)


def _apply(plain: Plain, incoming: Incoming, *, actor: str, accept_unsigned: bool) -> ImportOutcome:
    if not incoming.is_signed and not accept_unsigned:
        raise Refusal(
            "tệp không có chữ ký (biểu mẫu Excel); chỉ nhập sau khi đã xác nhận nơi gửi, "
            "bằng tùy chọn --accept-unsigned"
        )
    # Asked again under the write lock: another process may have taken the same file since _known.
    taken = plain.first(
        "SELECT imported_at, file_name FROM exchange_submissions WHERE sha256 = :sha256",
        {"sha256": incoming.file.sha256},
    )
    if taken is not None:
        return ImportOutcome(incoming.file.name, ImportStatus.UNCHANGED, imported_on(plain.time(taken[0]), taken[1]))
    code = clean(incoming.department.code)
    found = plain.first("SELECT id, code FROM departments WHERE code = :code", {"code": code})
    if found is None:
        raise Refusal(f"phòng {code} không có trong danh mục của văn phòng tổng hợp")
    department = _Department(*found)
    issued = _check_signature(plain, department, incoming) if incoming.is_signed else None
    period = _open_period(plain, incoming)
    notices: list[str] = []
    installation = _installation(plain, department, issued, incoming, notices) if issued is not None else None
    rows, locals_ = _indicators(plain, incoming, department, period)
    figures_in = _checked_figures(incoming, rows)
    for indicator_code, figure in figures_in.items():
        if figure.value:
            # Refused even where the merge would not take it: the file is wrong.
            refuse_heading(rows[indicator_code], partial(_has_target, plain, rows[indicator_code].id))
    base = _file_base(plain, department, period, issued, incoming, notices)
    edits = {value.code: base.edited(value) for value in incoming.values}
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
    now = datetime.now(UTC)
    if issued is not None and issued.last_sequence != issued.read_sequence:
        plain.run(
            "UPDATE exchange_issues SET last_sequence = :sequence WHERE id = :id",
            {"sequence": issued.last_sequence, "id": issued.id},
        )
    submission_id = plain.new_id(
        _INSERT_SUBMISSION,
        {
            "sha256": incoming.file.sha256,
            "department_id": department.id,
            "period_id": period.id,
            "sequence": incoming.sequence,
            "made_at": plain.stamp(incoming.made_at),
            "imported_at": plain.stamp(now),
            "imported_by": actor,
            "signed": incoming.is_signed,
            "file_name": incoming.file.name,
            "setup_id": incoming.signed.submission.setup_id if incoming.signed is not None else None,
            "template_id": incoming.template.info.template_id if incoming.template is not None else None,
            "installation_id": incoming.installation_id or None,
            "values_changed": len(plan.updates),
            "conflicts": len(plan.conflicts),
        },
    )
    if installation is not None:
        _save_installation(plain, installation, submission_id, now)
    label = source_label(incoming)
    audit = AuditBatch()
    changed = _write(plain, audit, incoming, plan, rows, locals_, period, submission_id, actor=actor, source=label)
    conflicts = _record_conflicts(
        plain, audit, plan, rows, department, period, submission_id, incoming, actor=actor, source=label
    )
    audit.record(
        actor=actor,
        action="nhận tệp nộp",
        year=incoming.year,
        period=incoming.kind.value,
        new=f"{changed} giá trị thay đổi, {conflicts} xung đột",
        source=label,
    )
    audit.write(plain)
    incoming_by_id = {row.id: figures_in[indicator_code] for indicator_code, row in rows.items()}
    if incoming.installation_id and incoming.sequence is not None:
        # This file's figures are the state its installation's next file of the period is made from.
        state = file_state(incoming.installation_id, incoming.sequence)
        save_bases(plain, {}, department.id, period.id, incoming_by_id, state)
        keep_only_state(plain, department.id, period.id, state, file_state(incoming.installation_id, 0)[:-1])
    elif incoming.is_signed:
        save_bases(plain, base.stored or {}, department.id, period.id, incoming_by_id, SIGNED_CHANNEL)
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
    plain: Plain, department: _Department, issued: _Issued, incoming: Incoming, notices: list[str]
) -> _Installation | None:
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
    found = plain.first(
        "SELECT id, installation_id, department_id, setup_id, last_sequence FROM exchange_installations "
        "WHERE installation_id = :installation_id",
        {"installation_id": installation_id},
    )
    if found is None:
        if sequence <= issued.sequence_start:
            raise Refusal(
                f"số thứ tự {sequence} không mới hơn số thứ tự {issued.sequence_start} của tệp thiết lập đã cấp "
                f"cho phòng {code} (tệp không phải của lần cấp này)"
            )
        others = plain.rows(
            "SELECT installation_id, first_file_at FROM exchange_installations WHERE setup_id = :setup_id ORDER BY id",
            {"setup_id": issued.setup_id},
        )
        if others:
            first_id, first_at = others[0]
            notices.append(
                f"Chú ý: tệp thiết lập {issued.file_name or issued.setup_id} của phòng {code} đã được cài trên "
                f"{len(others) + 1} máy: bản cài {_short(installation_id)} (tệp này, lần đầu gửi) và bản cài "
                f"{_short(first_id)} (gửi từ {local_date(plain.time(first_at))}). Mỗi bản cài được "
                "đối chiếu riêng; hãy hỏi phòng vì sao cài hai lần."
            )
        return _Installation(None, installation_id, department.id, issued.setup_id, sequence)
    installation = _Installation(*found)
    if installation.setup_id != issued.setup_id or installation.department_id != department.id:
        raise Refusal(f"mã bản cài {_short(installation_id)} đã thuộc một tệp thiết lập khác: tệp đã bị ghép hoặc sửa")
    if sequence <= installation.last_sequence:
        raise Refusal(
            f"số thứ tự {sequence} không mới hơn số thứ tự {installation.last_sequence} đã nhận từ bản cài "
            f"{_short(installation_id)} của phòng {code} (bản cũ hoặc tệp gửi lại)"
        )
    installation.last_sequence = sequence
    return installation


def _save_installation(plain: Plain, installation: _Installation, submission_id: int, now: datetime) -> None:
    """The installation as the file leaves it: its sequence, and this file as its newest."""
    if installation.id is None:
        plain.run(
            "INSERT INTO exchange_installations (installation_id, department_id, setup_id, first_file_at, "
            "last_sequence, last_submission_id) VALUES (:installation_id, :department_id, :setup_id, "
            ":first_file_at, :last_sequence, :last_submission_id)",
            {
                "installation_id": installation.installation_id,
                "department_id": installation.department_id,
                "setup_id": installation.setup_id,
                "first_file_at": plain.stamp(now),
                "last_sequence": installation.last_sequence,
                "last_submission_id": submission_id,
            },
        )
        return
    plain.run(
        "UPDATE exchange_installations SET last_sequence = :last_sequence, last_submission_id = :last_submission_id "
        "WHERE id = :id",
        {"last_sequence": installation.last_sequence, "last_submission_id": submission_id, "id": installation.id},
    )


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
    # For a state never received: when the PC made the newest file the office has from it (``figures`` are that
    # file's). A value the PC last changed before then was in that file, which the office merged already.
    since: datetime | None = None

    def edited(self, value: SubmittedValue) -> frozenset[str] | None:
        """The fields of ``value`` counted as edited since the base (``None``: the file's marks, or cannot tell)."""
        if self.known:
            return value.edited
        if self.since is None or value.updated_at is None:
            return None
        # Changed in the second the file was made, or after: perhaps not in it (conservative: a person looks).
        return frozenset() if value.updated_at < self.since else None


def _held(plain: Plain, department: _Department, period: _Period, channel: str) -> _Base:
    held = bases(plain, department.id, period.id, channel)
    return _Base({i: agreed.figure for i, agreed in held.items()}, {})


def _file_base(
    plain: Plain,
    department: _Department,
    period: _Period,
    issued: _Issued | None,
    incoming: Incoming,
    notices: list[str],
) -> _Base:
    if incoming.template is not None:
        # A template carries the figures it was exported with: each fill is merged against those alone.
        return _Base({}, incoming.template_base())
    if not incoming.installation_id:
        stored = bases(plain, department.id, period.id, SIGNED_CHANNEL)
        return _Base({i: agreed.figure for i, agreed in stored.items()}, {}, True, stored)
    assert issued is not None
    ref = incoming.base
    if ref is not None and ref.kind == BASE_SETUP and ref.ref == issued.setup_id:
        base = _held(plain, department, period, setup_state(issued.setup_id))
        if not base.figures:  # a setup issued before schema 4 kept only the per-phòng base
            base = _held(plain, department, period, SIGNED_CHANNEL)
        return base
    if ref is not None and ref.kind == BASE_FEEDBACK:
        sent = plain.first(
            "SELECT id FROM exchange_feedback WHERE feedback_id = :feedback_id AND department_id = :department_id",
            {"feedback_id": ref.ref, "department_id": department.id},
        )
        if sent is not None:
            return _held(plain, department, period, feedback_state(ref.ref))
        notices.append(
            "Tệp được lập sau một tệp phản hồi mà cơ sở dữ liệu này không có (khôi phục từ bản sao lưu cũ hơn?): "
            f"{_UNKNOWN_BASE}"
        )
        return _last_received(plain, department, period, incoming.installation_id)
    if ref is not None and ref.kind == BASE_SUBMISSION and ref.ref.isdigit():
        received = plain.first(
            "SELECT id FROM exchange_submissions WHERE installation_id = :installation_id "
            "AND sequence = :sequence AND period_id = :period_id",
            {"installation_id": incoming.installation_id, "sequence": int(ref.ref), "period_id": period.id},
        )
        if received is not None:
            return _held(plain, department, period, file_state(incoming.installation_id, int(ref.ref)))
        notices.append(
            f"Tệp được lập sau tệp số thứ tự {ref.ref} của bản cài {_short(incoming.installation_id)}, tệp mà văn "
            f"phòng tổng hợp chưa nhận: {_UNKNOWN_BASE}"
        )
    else:
        notices.append(f"Tệp không cho biết được lập từ trạng thái nào mà văn phòng tổng hợp có: {_UNKNOWN_BASE}")
    return _last_received(plain, department, period, incoming.installation_id)


_UNKNOWN_BASE = (
    "mọi giá trị khác số của văn phòng được ghi thành xung đột, trừ giá trị máy này không sửa từ sau tệp gần nhất "
    "văn phòng đã nhận của nó."
)


def _last_received(plain: Plain, department: _Department, period: _Period, installation_id: str) -> _Base:
    """The base of a file made from a state the office never received: the newest file it did receive from that
    installation for the period (its figures are kept as that file's state), or nothing."""
    newest = plain.first(
        "SELECT sequence, made_at FROM exchange_submissions WHERE installation_id = :installation_id "
        "AND period_id = :period_id ORDER BY sequence DESC LIMIT 1",
        {"installation_id": installation_id, "period_id": period.id},
    )
    if newest is None:
        return _Base({}, {}, False)
    held = bases(plain, department.id, period.id, file_state(installation_id, newest[0]))
    if not held:  # that file's state is no longer kept: nothing to go by
        return _Base({}, {}, False)
    return _Base({i: agreed.figure for i, agreed in held.items()}, {}, False, since=plain.time(newest[1]))


def _check_signature(plain: Plain, department: _Department, incoming: Incoming) -> _Issued:
    """The installation whose current key signed the file; a refusal saying which key, or that the file changed."""
    assert incoming.signed is not None
    issues = [_Issued(*row) for row in plain.rows(_ISSUES, {"department_id": department.id})]
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
        if _key_of_another_phong(plain, key_id):
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
            f"tệp được ký bằng khóa cũ của phòng {department.code} "
            f"(cấp ngày {local_date(plain.time(installation.issued_at))}); phòng đã được cấp lại ngày "
            f"{local_date(plain.time(current.issued_at))}, hãy xuất lại tệp từ máy đã cài tệp thiết lập mới"
        )
    return installation


def _key_of_another_phong(plain: Plain, key_id: str) -> bool:
    """A key id this database issued to some other phòng: the file is not this phòng's, whatever else."""
    return plain.first("SELECT id FROM exchange_issues WHERE key_id = :key_id LIMIT 1", {"key_id": key_id}) is not None


def _open_period(plain: Plain, incoming: Incoming) -> _Period:
    year = incoming.year
    if plain.first("SELECT id FROM targets WHERE year = :year LIMIT 1", {"year": year}) is None:
        raise Refusal(f"năm {year} chưa có biểu chỉ tiêu ở văn phòng tổng hợp (sai năm?)")
    period = _ensure_period(plain, year, incoming.kind)
    try:
        refuse_locked(period)
    except StoreError as exc:
        raise Refusal(exc.message) from exc
    return period


def _ensure_period(plain: Plain, year: int, kind: PeriodKind) -> _Period:
    """The period's row, added the first time a file brings figures for it (as ``db.tables.ensure_period``)."""
    where = {"year": year, "kind": kind.value}
    found = plain.first(
        "SELECT id, year, kind, locked, lock_reason FROM periods WHERE year = :year AND kind = :kind", where
    )
    if found is not None:
        return _Period(found[0], found[1], found[2], bool(found[3]), found[4] or "")
    new = plain.new_id(
        "INSERT INTO periods (year, kind, locked, lock_reason) VALUES (:year, :kind, :locked, '') RETURNING id",
        {**where, "locked": False},
    )
    return _Period(new, year, kind.value, False, "")


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


# The file's indicators with their row of the year's table and their figure for the period, by code.
_SELECT_ROWS = (
    "SELECT i.id, i.code, i.name, i.group_code, i.stt, i.unit, i.parent_id, i.department_id, "
    "t.id, v.id, v.text, v.note, v.reported_verdict FROM indicators AS i "
    "LEFT OUTER JOIN targets AS t ON t.indicator_id = i.id AND t.year = :year "
    "LEFT OUTER JOIN indicator_values AS v ON v.indicator_id = i.id AND v.period_id = :period_id "
    "WHERE i.code IN "
)


def _indicators(
    plain: Plain, incoming: Incoming, department: _Department, period: _Period
) -> tuple[dict[str, _Indicator], dict[int, _Stored]]:
    """The file's indicators (each the phòng's and in the year's table, or the file is refused) and their figures,
    read by their codes (the catalogue's index) in one query per 500."""
    codes = [value.code for value in incoming.values]
    twice = sorted(code for code, count in Counter(codes).items() if count > 1)
    if twice:
        raise Refusal(f"chỉ tiêu xuất hiện hai lần trong tệp: {_listing(twice)}")
    found: dict[str, tuple[Any, ...]] = {}
    for start in range(0, len(codes), PER_QUERY):
        listed, params = marks("c", codes[start : start + PER_QUERY])
        for row in plain.rows(f"{_SELECT_ROWS}({listed})", {"year": incoming.year, "period_id": period.id, **params}):
            found[row[1]] = row
    rows: dict[str, _Indicator] = {}
    stored: dict[int, _Stored] = {}
    in_table: set[int] = set()
    for code in codes:
        if code not in found:
            continue
        columns = found[code]
        row = rows[code] = _Indicator(*columns[:8])
        target_id, value_id, text, note, verdict = columns[8:]
        if target_id is not None:
            in_table.add(row.id)
        if value_id is not None:
            stored[row.id] = _Stored(value_id, Figure(text or "", note or ""), verdict or "")
    unknown = [code for code in codes if code not in rows]
    if unknown:
        raise Refusal(f"chỉ tiêu không có trong danh mục: {_listing(unknown)}")
    foreign = [code for code in codes if rows[code].department_id != department.id]
    if foreign:
        owners = dict(plain.rows("SELECT id, code FROM departments"))
        described = [f"{code} (của {owners.get(rows[code].department_id, 'không phòng nào')})" for code in foreign]
        raise Refusal(f"tệp có chỉ tiêu không thuộc phòng {department.code}: {_listing(described)}")
    missing = [code for code in codes if rows[code].id not in in_table]
    if missing:
        raise Refusal(f"chỉ tiêu không có trong biểu năm {incoming.year}: {_listing(missing)}")
    return rows, stored


def _has_target(plain: Plain, indicator_id: int) -> bool:
    """A target written in some year: the row takes figures even without a unit."""
    query = "SELECT id FROM targets WHERE indicator_id = :indicator_id AND text != '' LIMIT 1"
    return plain.first(query, {"indicator_id": indicator_id}) is not None


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


_UPDATE_FIGURE = (
    "UPDATE indicator_values SET text = :text, note = :note, reported_verdict = :reported_verdict, "
    "updated_by = :updated_by, updated_at = :updated_at, source = :source WHERE id = :row_id"
)
_INSERT_FIGURE = (
    "INSERT INTO indicator_values (indicator_id, period_id, text, note, reported_verdict, reported_pct_last_year, "
    "updated_by, updated_at, source) VALUES (:indicator_id, :period_id, :text, :note, :reported_verdict, '', "
    ":updated_by, :updated_at, :source)"
)
_INSERT_PROVENANCE = (
    "INSERT INTO value_provenance (indicator_id, period_id, submission_id) "
    "VALUES (:indicator_id, :period_id, :submission_id)"
)


def _write(
    plain: Plain,
    audit: AuditBatch,
    incoming: Incoming,
    plan: MergePlan,
    rows: dict[str, _Indicator],
    stored: dict[int, _Stored],
    period: _Period,
    submission_id: int,
    *,
    actor: str,
    source: str,
) -> int:
    """Apply what the phòng changed; returns how many indicators changed, each remembering this file.

    As :func:`db.entry.write_value` stores a merge's figure (every figure here passed its checks in
    ``_checked_figures``, the rows and the period were checked in ``_apply``), with the same audit records in the
    same order, but sent in one statement per kind.
    """
    year, kind = incoming.year, incoming.kind.value
    updates: list[dict[str, Any]] = []
    inserts: list[dict[str, Any]] = []
    changed_ids: list[int] = []
    now = plain.stamp(datetime.now(UTC))
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
            "updated_at": now,
            "source": source,
        }
        if before is None:
            inserts.append({"indicator_id": row.id, "period_id": period.id, **figure})
        else:
            updates.append({"row_id": before.id, **figure})
        changed_ids.append(row.id)
    plain.run_many(_UPDATE_FIGURE, updates)
    plain.run_many(_INSERT_FIGURE, inserts)
    plain.run_many(
        _INSERT_PROVENANCE,
        [{"indicator_id": i, "period_id": period.id, "submission_id": submission_id} for i in changed_ids],
    )
    return len(changed_ids)


_OPEN_CONFLICTS = (
    "SELECT c.id, c.indicator_id, c.field FROM exchange_conflicts AS c "
    "JOIN exchange_submissions AS s ON s.id = c.submission_id "
    "WHERE c.department_id = :department_id AND c.period_id = :period_id AND c.status = 'open' AND "
)
_OPEN_OF_INSTALLATION = _OPEN_CONFLICTS + "s.installation_id = :road"
_OPEN_OF_TEMPLATE = _OPEN_CONFLICTS + "s.template_id = :road"
_OPEN_OF_FIRST_FORMAT = _OPEN_CONFLICTS + "s.installation_id IS NULL AND s.template_id IS NULL"
_CLOSE_CONFLICT = (
    "UPDATE exchange_conflicts SET status = :status, reason = :reason, resolved_at = :resolved_at, "
    "resolved_by = :resolved_by WHERE id = :id"
)
_INSERT_CONFLICT = (
    "INSERT INTO exchange_conflicts (department_id, indicator_id, period_id, submission_id, field, base, local, "
    "incoming, status, created_at, resolved_at, resolved_by, resolution, reason) VALUES (:department_id, "
    ":indicator_id, :period_id, :submission_id, :field, :base, :local, :incoming, 'open', :created_at, NULL, '', "
    "'', '')"
)


def _record_conflicts(
    plain: Plain,
    audit: AuditBatch,
    plan: MergePlan,
    rows: dict[str, _Indicator],
    department: _Department,
    period: _Period,
    submission_id: int,
    incoming: Incoming,
    *,
    actor: str,
    source: str,
) -> int:
    """New conflicts replace open ones of the same installation (or template) on the same value; values both sides
    now agree on settle theirs. Another installation's open conflicts are its own."""
    where: dict[str, Any] = {"department_id": department.id, "period_id": period.id}
    if incoming.installation_id:
        query, where["road"] = _OPEN_OF_INSTALLATION, incoming.installation_id
    elif incoming.template is not None:
        query, where["road"] = _OPEN_OF_TEMPLATE, incoming.template.info.template_id
    else:
        query = _OPEN_OF_FIRST_FORMAT
    open_rows = {(indicator_id, field): conflict_id for conflict_id, indicator_id, field in plain.rows(query, where)}
    now = plain.stamp(datetime.now(UTC))
    closed: list[dict[str, Any]] = []
    for plan_field in plan.fields:
        existing = open_rows.get((rows[plan_field.code].id, plan_field.field))
        if existing is None or plan_field.outcome is Outcome.KEEP_LOCAL:
            continue
        if plan_field.outcome is Outcome.CONFLICT:
            status, reason = "superseded", f"thay bằng xung đột từ {incoming.file.name}"
        else:
            status, reason = "settled", "hai bên đã khớp nhau"
        closed.append({"id": existing, "status": status, "reason": reason, "resolved_at": now, "resolved_by": actor})
    plain.run_many(_CLOSE_CONFLICT, closed)
    plain.run_many(
        _INSERT_CONFLICT,
        [
            _conflict_row(conflict, rows[conflict.code], department, period, submission_id, now)
            for conflict in plan.conflicts
        ],
    )
    for conflict in plan.conflicts:
        audit.record(
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


def _conflict_row(
    conflict: FieldPlan,
    indicator: _Indicator,
    department: _Department,
    period: _Period,
    submission_id: int,
    now: Any,
) -> dict[str, Any]:
    return {
        "department_id": department.id,
        "indicator_id": indicator.id,
        "period_id": period.id,
        "submission_id": submission_id,
        "field": conflict.field,
        "base": conflict.base,
        "local": conflict.local,
        "incoming": conflict.incoming,
        "created_at": now,
    }
