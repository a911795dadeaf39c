"""On a phòng's PC: take the synthesis office's return file, and the choices it leaves to the officer.

The file must be signed with the office key the installed setup file named, be for this
phòng, be newer than the setup file and the last return file taken, and have been made
after the office merged this PC's last file (else it would bring back figures that file
changed). Then, per figure and field:

- the same on both sides → nothing to write; the figure's base becomes the city's;
- not edited on this PC since its base (its last file, or the setup) → the city's text is
  written and becomes the base;
- edited since, while the city still holds the base → the edit is kept as it is, to be sent;
- edited since, and different → a choice (:class:`FeedbackChoiceView`): nothing is written
  and the base stays until the officer picks the city's figure or keeps the phòng's
  (:func:`choose`); no file of that period is sent meanwhile.

Targets and verdict overrides are the office's alone: they are taken as they are. One
transaction: a refusal leaves the database as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bkdesk.catalogue import Department, PeriodKind
from bkdesk.exchange.feedback import Feedback, Resolution, SignedFeedback, read_feedback
from bkdesk.exchange.files import FileRefused, read_limited
from bkdesk.exchange.merge import FIELDS, Figure
from bkdesk.exchange.submission import BASE_FEEDBACK, BASE_SUBMISSION, BaseRef
from bkdesk.exchange.times import local_text
from bkdesk.verdicts import Verdict
from db import audit
from db.database import Database
from db.entry import TARGET, CellWrite, write_fields, write_override
from db.errors import StoreError
from db.exchange import YearRow, figure_of, figures, own_rows, require_year, year_rows
from db.exchange_models import DepartmentIdentity, FeedbackChoice, SentFigure
from db.models import IndicatorRow, OverrideRow, PeriodRow, utcnow
from db.roles import require_department
from db.sent_figures import base_of, edited_fields, fallback_cutoff, last_written, record_sent, sent_state
from db.tables import ensure_period

WHAT = "Tệp phản hồi"
FIELD_WORDS = {"value": "giá trị", "note": "ghi chú"}
_TAKEN = "nhận từ văn phòng tổng hợp"


class FeedbackStatus(StrEnum):
    ACCEPTED = "accepted"
    UNCHANGED = "unchanged"


class Keep(StrEnum):
    CITY = "city"
    OWN = "own"


@dataclass(frozen=True, slots=True)
class FeedbackChoiceView:
    """A figure both sides changed: the office's, the phòng's (as stored now) and what they both started from."""

    id: int
    code: str
    name: str
    kind: PeriodKind
    fields: tuple[str, ...]
    city: Figure
    own: Figure
    base: Figure
    feedback_id: str
    reason: str  # the office's reason, when it settled a conflict on this figure

    @property
    def what(self) -> str:
        """Which fields differ, as the officer reads it."""
        return " và ".join(FIELD_WORDS[field] for field in self.fields)


@dataclass(frozen=True, slots=True)
class FeedbackImport:
    path: Path
    status: FeedbackStatus
    department: Department
    year: int
    issued_at: datetime
    issued_by: str
    taken: int = 0  # figures (value or note) replaced by the office's
    targets: int = 0
    verdicts: int = 0
    choices: tuple[FeedbackChoiceView, ...] = ()
    resolutions: tuple[Resolution, ...] = ()
    taken_before: datetime | None = None  # UNCHANGED: when this very file was taken

    def made(self) -> str:
        return f"lập lúc {local_text(self.issued_at)}" + (f", người lập: {self.issued_by}" if self.issued_by else "")

    def headline(self) -> str:
        if self.status is FeedbackStatus.UNCHANGED:
            when = f" lúc {local_text(self.taken_before)}" if self.taken_before else ""
            return f"Tệp phản hồi {self.path.name} ({self.made()}) đã được nhận{when}; không có gì thay đổi."
        return (
            f"Đã nhận tệp phản hồi {self.path.name} năm {self.year} của phòng {self.department.code} ({self.made()}): "
            f"{self.taken} số liệu theo số của văn phòng tổng hợp; {self.targets} nhiệm vụ và {self.verdicts} đánh giá "
            "được cập nhật."
        )

    def resolution_lines(self) -> list[str]:
        """How the office settled each conflict on the phòng's figures, with its reason."""
        lines = []
        for r in self.resolutions:
            kept = "giữ số của văn phòng" if r.resolution == "local" else "lấy số của phòng"
            lines.append(
                f"Xung đột {r.code} ({r.kind.label.lower()}, {FIELD_WORDS[r.field]}): phòng gửi «{r.sent}», văn phòng "
                f"có «{r.city}» — {kept}" + (f": {r.reason}" if r.reason else "")
            )
        return lines

    def choices_line(self) -> str:
        if not self.choices:
            return ""
        return (
            f"{len(self.choices)} số liệu phòng đã sửa sau lần gửi trước mà văn phòng có số khác: chưa đổi gì; hãy "
            "chọn giữ số nào (chưa chọn thì chưa gửi được số liệu của kỳ đó)."
        )


@dataclass(frozen=True, slots=True)
class Choice:
    """What :func:`choose` did."""

    view: FeedbackChoiceView
    keep: Keep
    changed: bool


def read_feedback_file(path: Path) -> SignedFeedback:
    try:
        return read_feedback(read_limited(path).data)
    except FileRefused as exc:
        raise StoreError(f"{WHAT} {path.name}: {exc.message}. Chưa nhận gì.") from exc


def import_feedback(db: Database, path: Path, *, actor: str) -> FeedbackImport:
    signed = read_feedback_file(path)
    feedback = signed.feedback
    with db.begin() as session:
        department = require_department(session, "nhận tệp phản hồi", db.label)
        identity = session.scalar(select(DepartmentIdentity).order_by(DepartmentIdentity.id.desc()))
        if identity is None:
            raise StoreError(f"Cơ sở dữ liệu {db.label} chưa cài tệp thiết lập; hãy cài tệp thiết lập (lệnh setup)")
        _check_origin(signed, identity, department, path)
        if feedback.feedback_id == identity.feedback_id:
            return FeedbackImport(
                path,
                FeedbackStatus.UNCHANGED,
                department,
                feedback.year,
                feedback.issued_at,
                feedback.issued_by,
                taken_before=identity.feedback_issued_at,
            )
        _check_order(session, feedback, identity, path)
        try:
            require_year(session, feedback.year)
        except StoreError as exc:
            raise StoreError(f"{WHAT} {path.name} là của năm {feedback.year}: {exc}. Chưa nhận gì.") from exc
        return _take(session, feedback, identity, department, path, actor=actor)


def _refused(path: Path, why: str) -> StoreError:
    return StoreError(f"{WHAT} {path.name}: {why}. Chưa nhận gì.")


def _check_origin(signed: SignedFeedback, identity: DepartmentIdentity, department: Department, path: Path) -> None:
    feedback = signed.feedback
    if not identity.office_public_key:
        raise _refused(
            path,
            "tệp thiết lập đang dùng trên máy này được cấp trước khi văn phòng tổng hợp có khóa ký, nên không kiểm "
            "tra được tệp phản hồi; hãy đề nghị văn phòng tổng hợp cấp lại tệp thiết lập cho phòng, cài tệp đó "
            "rồi nhận tệp phản hồi mới",
        )
    if feedback.key_id != identity.office_key_id:
        if feedback.key_id == identity.key_id:
            raise _refused(path, "tệp được ký bằng khóa của phòng, không phải khóa của văn phòng tổng hợp: tệp giả")
        raise _refused(
            path,
            f"tệp được ký bằng khóa {feedback.key_id}, không phải khóa {identity.office_key_id} của văn phòng tổng "
            "hợp đã cấp tệp thiết lập cho máy này (tệp của đơn vị khác, hoặc văn phòng đã đổi khóa: khi đó hãy "
            "đề nghị cấp lại tệp thiết lập)",
        )
    if not signed.verify(identity.office_public_key):
        raise _refused(path, "chữ ký không khớp: tệp đã bị sửa sau khi văn phòng tổng hợp ký")
    if feedback.department.code != department.code:
        raise _refused(
            path,
            f"tệp dành cho phòng {feedback.department.code} ({feedback.department.name}); máy này là của phòng "
            f"{department.code} ({department.name})",
        )


def _compared(earlier: datetime, later: datetime) -> tuple[str, str]:
    """Two moments said as a person compares them: to the second when their minutes read the same."""

    def seconds(moment: datetime) -> str:
        # The database keeps UTC without its zone, as local_text reads it.
        return f"{(moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone():%S}"

    first, second = local_text(earlier), local_text(later)
    if first == second:
        first, second = f"{first}:{seconds(earlier)}", f"{second}:{seconds(later)}"
    return first, second


def _check_order(session: Session, feedback: Feedback, identity: DepartmentIdentity, path: Path) -> None:
    if identity.feedback_issued_at is not None and feedback.issued_at <= identity.feedback_issued_at:
        made, taken = _compared(feedback.issued_at, identity.feedback_issued_at)
        raise _refused(
            path,
            f"tệp lập lúc {made}, cũ hơn tệp phản hồi đã nhận (lập lúc {taken}); hãy dùng tệp phản hồi mới nhất",
        )
    if feedback.issued_at <= identity.issued_at:
        made, issued = _compared(feedback.issued_at, identity.issued_at)
        raise _refused(
            path,
            f"tệp lập lúc {made}, trước tệp thiết lập đang dùng (cấp lúc "
            f"{issued}): số liệu trong tệp cũ hơn; hãy đề nghị văn phòng tổng hợp lập "
            "tệp phản hồi mới",
        )
    received = feedback.received.get(identity.installation_id, 0)
    states = session.scalars(select(SentFigure.state).distinct())
    sent = [int(base.ref) for s in states if (base := base_of(s)) and base.kind == BASE_SUBMISSION]
    unreceived = [n for n in sent if n > received]
    if unreceived:
        raise _refused(
            path,
            f"văn phòng tổng hợp lập tệp này khi chưa nhận tệp nộp số thứ tự {max(unreceived)} của máy này "
            + (f"(mới nhận đến số thứ tự {received})" if received else "(chưa nhận tệp nào của máy này)")
            + "; nhận tệp phản hồi này sẽ đưa lại những số tệp đó đã sửa. Hãy đề nghị văn phòng nhập tệp nộp đó "
            "(hoặc gửi một tệp nộp mới) rồi lập lại tệp phản hồi",
        )


def _take(
    session: Session,
    feedback: Feedback,
    identity: DepartmentIdentity,
    department: Department,
    path: Path,
    *,
    actor: str,
) -> FeedbackImport:
    year = feedback.year
    mine = {row.indicator.code: row for row in own_rows(year_rows(session, year), department.code)}
    unknown = [row.code for row in feedback.rows if row.code not in mine]
    if unknown:
        shown = ", ".join(unknown[:8]) + (f" và {len(unknown) - 8} chỉ tiêu khác" if len(unknown) > 8 else "")
        raise _refused(
            path,
            f"tệp có {len(unknown)} chỉ tiêu không thuộc biểu của phòng trên máy này ({shown}): danh mục đã đổi; "
            "hãy đề nghị văn phòng tổng hợp cấp lại tệp thiết lập",
        )
    verdicts = _verdicts(feedback, path)
    source = f"tệp phản hồi {path.name} (lập lúc {local_text(feedback.issued_at)})"
    base = BaseRef(BASE_FEEDBACK, feedback.feedback_id)
    session.execute(delete(FeedbackChoice))
    reasons = {(r.code, r.kind, r.field): r.reason for r in feedback.resolutions}
    taken = targets = verdict_changes = 0
    target_writes = [
        CellWrite(row.code, TARGET, row.target) for row in feedback.rows if row.target != mine[row.code].target
    ]
    if target_writes:
        targets = len(write_fields(session, year, PeriodKind.ESTIMATE, target_writes, actor=actor, source=source))
    choices: list[FeedbackChoice] = []
    for kind in PeriodKind:
        period = ensure_period(session, year, kind)
        rows = [(row, row.periods[kind]) for row in feedback.rows if kind in row.periods]
        ids = [mine[row.code].indicator_id for row, _ in rows]
        stored = figures(session, period, ids)
        sent = sent_state(session, period.id)
        written = last_written(session, year, kind, [row.code for row, _ in rows])
        cutoff = fallback_cutoff(session, identity, year, kind)
        writes: list[CellWrite] = []
        agreed: dict[int, Figure] = {}
        for row, city in rows:
            indicator_id = mine[row.code].indicator_id
            own = figure_of(stored.get(indicator_id))
            held = sent.figures.get(indicator_id)
            edited = edited_fields(written, row.code, held.based_at if held is not None else cutoff)
            base_figure = Figure(held.value, held.note) if held is not None else Figure()
            differing = [f for f in FIELDS if getattr(own, f) != getattr(city.figure, f)]
            # Edited here while the city still holds what this PC last sent: the edit is simply not sent yet.
            unsent = tuple(f for f in differing if f in edited and getattr(city.figure, f) == getattr(base_figure, f))
            pending = tuple(f for f in differing if f in edited and f not in unsent)
            writes.extend(CellWrite(row.code, f, getattr(city.figure, f)) for f in differing if f not in edited)
            if pending:
                choices.append(
                    FeedbackChoice(
                        indicator_id=indicator_id,
                        period_id=period.id,
                        feedback_id=feedback.feedback_id,
                        fields=",".join(pending),
                        city_value=city.figure.value,
                        city_note=city.figure.note,
                        own_value=own.value,
                        own_note=own.note,
                        base_value=base_figure.value,
                        base_note=base_figure.note,
                        reason="; ".join(r for f in pending if (r := reasons.get((row.code, kind, f)))),
                    )
                )
            elif not unsent:  # a figure with an edit not sent yet keeps the base that marks it edited
                agreed[indicator_id] = city.figure
        if writes:
            taken += len(write_fields(session, year, kind, writes, actor=actor, source=source, action=_TAKEN))
        # After the writes: what was just taken is the base, not an edit of this PC's.
        record_sent(session, period.id, agreed, base, utcnow())
        verdict_changes += _take_verdicts(session, verdicts, kind, period, mine, actor=actor, source=source)
    session.add_all(choices)
    identity.feedback_id, identity.feedback_issued_at = feedback.feedback_id, feedback.issued_at
    audit.record(
        session,
        actor=actor,
        action="nhận tệp phản hồi",
        year=year,
        new=f"{taken} số liệu theo văn phòng tổng hợp, {len(choices)} số liệu chờ chọn, {targets} nhiệm vụ, "
        f"{verdict_changes} đánh giá",
        source=source,
    )
    session.flush()
    views = tuple(_view(session, choice) for choice in choices)
    return FeedbackImport(
        path,
        FeedbackStatus.ACCEPTED,
        department,
        year,
        feedback.issued_at,
        feedback.issued_by,
        taken,
        targets,
        verdict_changes,
        views,
        feedback.resolutions,
    )


def _verdicts(feedback: Feedback, path: Path) -> dict[tuple[str, PeriodKind], tuple[Verdict | None, str]]:
    found: dict[tuple[str, PeriodKind], tuple[Verdict | None, str]] = {}
    for row in feedback.rows:
        for kind, city in row.periods.items():
            try:
                verdict = Verdict(city.verdict) if city.verdict else None
            except ValueError as exc:
                raise _refused(path, f"chỉ tiêu {row.code}: đánh giá {city.verdict[:20]!r} không hợp lệ") from exc
            found[(row.code, kind)] = (verdict, city.verdict_reason)
    return found


def _take_verdicts(
    session: Session,
    verdicts: dict[tuple[str, PeriodKind], tuple[Verdict | None, str]],
    kind: PeriodKind,
    period: PeriodRow,
    mine: dict[str, YearRow],
    *,
    actor: str,
    source: str,
) -> int:
    """The office's verdict overrides, set or removed where this PC holds another."""
    held = {
        code: (row.verdict, row.reason)
        for row, code in session.execute(
            select(OverrideRow, IndicatorRow.code)
            .join(IndicatorRow, IndicatorRow.id == OverrideRow.indicator_id)
            .where(OverrideRow.period_id == period.id)
        )
    }
    changed = 0
    for (code, of_kind), (verdict, reason) in verdicts.items():
        if of_kind is not kind or code not in mine:
            continue
        now = held.get(code, ("", ""))
        wanted = (verdict.value if verdict else "", reason if verdict else "")
        if now == wanted or (not verdict and not now[0]):
            continue
        why = reason if verdict else "văn phòng tổng hợp bỏ điều chỉnh đánh giá"
        write_override(session, code, period.year, verdict, why, kind=kind, actor=actor, source=source)
        changed += 1
    return changed


def _view(session: Session, choice: FeedbackChoice) -> FeedbackChoiceView:
    indicator = session.get(IndicatorRow, choice.indicator_id)
    period = session.get(PeriodRow, choice.period_id)
    assert indicator is not None and period is not None
    kind = PeriodKind(period.kind)
    value = figures(session, period, [indicator.id]).get(indicator.id)
    fields = tuple(choice.fields.split(","))
    return FeedbackChoiceView(
        id=choice.id,
        code=indicator.code,
        name=indicator.name,
        kind=kind,
        fields=fields,
        city=Figure(choice.city_value, choice.city_note),
        own=figure_of(value),
        base=Figure(choice.base_value, choice.base_note),
        feedback_id=choice.feedback_id,
        reason=choice.reason,
    )


def list_choices(db: Database) -> list[FeedbackChoiceView]:
    """The figures waiting for the officer to pick a side, in table order."""
    with db.read() as session:
        require_department(session, "xem số liệu chờ chọn sau tệp phản hồi", db.label)
        rows = session.scalars(select(FeedbackChoice).order_by(FeedbackChoice.period_id, FeedbackChoice.id))
        return [_view(session, choice) for choice in rows]


def pending_codes(session: Session, period_id: int) -> list[str]:
    """Codes of the period's figures waiting for a choice (a file of the period is not sent meanwhile)."""
    query = (
        select(IndicatorRow.code)
        .join(FeedbackChoice, FeedbackChoice.indicator_id == IndicatorRow.id)
        .where(FeedbackChoice.period_id == period_id)
        .order_by(IndicatorRow.code)
    )
    return list(session.scalars(query))


def choose(db: Database, choice_id: int, keep: Keep, *, actor: str) -> Choice:
    """Take the office's figure or keep the phòng's; either way the office's becomes the base.

    Kept, the phòng's figure counts as edited since that base, so its next file sends it
    as a change: the office takes it if its own figure is still the one it sent back.
    """
    with db.begin() as session:
        require_department(session, "chọn số liệu sau tệp phản hồi", db.label)
        choice = session.get(FeedbackChoice, choice_id)
        if choice is None:
            raise StoreError(f"Không có số liệu chờ chọn số {choice_id} (đã chọn rồi, hoặc tệp phản hồi mới đã thay)")
        view = _view(session, choice)
        period = session.get(PeriodRow, choice.period_id)
        assert period is not None
        source = f"chọn số sau tệp phản hồi ({'số của văn phòng tổng hợp' if keep is Keep.CITY else 'số của phòng'})"
        city = Figure(choice.city_value, choice.city_note)
        changed = False
        if keep is Keep.CITY:
            writes = [CellWrite(view.code, f, getattr(city, f)) for f in view.fields]
            changed = bool(
                write_fields(session, period.year, view.kind, writes, actor=actor, source=source, action=_TAKEN)
            )
            record_sent(
                session, period.id, {choice.indicator_id: city}, BaseRef(BASE_FEEDBACK, choice.feedback_id), utcnow()
            )
        else:
            # The base is set just before the record that marks the phòng's figure as its own decision.
            at = utcnow() - timedelta(microseconds=1)
            record_sent(session, period.id, {choice.indicator_id: city}, BaseRef(BASE_FEEDBACK, choice.feedback_id), at)
            for field in view.fields:
                audit.record(
                    session,
                    actor=actor,
                    action="giữ số của phòng",
                    indicator_code=view.code,
                    year=period.year,
                    period=view.kind.value,
                    field=field,
                    old=getattr(city, field),
                    new=getattr(view.own, field),
                    reason="không theo số trong tệp phản hồi của văn phòng tổng hợp",
                    source=source,
                )
        session.delete(choice)
        session.flush()
        return Choice(view, keep, changed)
