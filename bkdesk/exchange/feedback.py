"""The return file: the synthesis office's figures and decisions for one phòng, signed with the office's key.

Same canonical JSON form as a submission (:mod:`bkdesk.exchange.documents`)::

    {
     "format": "bkdesk-feedback",
     "payload": {"app_version": …, "department": {"code", "name"}, "feedback_id": …,
                 "issued_at": …, "issued_by": …, "key_id": <the office key's id>,
                 "received": [{"installation_id", "sequence"}, …],
                 "resolutions": [{"code", "period", "field", "base", "city", "sent",
                                  "resolution", "reason", "resolved_by", "resolved_at", "arose_at"}, …],
                 "rows": [{"code", "target", "periods": {"uoc": {"note", "value", "verdict",
                           "verdict_reason"}, "thuc-hien": {…}}}, …],
                 "year": 2020},
     "signature": "<base64 Ed25519 signature>",
     "version": 1
    }

``received`` says which files of each installation the office had merged when it made
the return file: a phòng PC whose last file is not among them refuses the return file,
which would otherwise bring back figures that file changed. The public half of the
office's key reaches the phòng in its setup file; the signature covers
``SIGNING_CONTEXT`` and the canonical bytes of the payload.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from bkdesk.catalogue import Department, PeriodKind
from bkdesk.exchange import signing
from bkdesk.exchange.documents import Fields, iso, parse_signed_document, sign_document
from bkdesk.exchange.files import FileRefused
from bkdesk.exchange.merge import Figure

FORMAT = "bkdesk-feedback"
SIGNING_CONTEXT = b"bkdesk-feedback/1\n"
WHAT = "tệp phản hồi"
MAX_ROWS = 100_000
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_KEY_ID = re.compile(r"[0-9a-f]{16}")
RESOLUTIONS = ("local", "incoming")


@dataclass(frozen=True, slots=True)
class CityFigure:
    """A period's figure of one indicator as the synthesis office holds it, with its verdict override if any."""

    figure: Figure
    verdict: str = ""
    verdict_reason: str = ""


@dataclass(frozen=True, slots=True)
class FeedbackRow:
    code: str
    target: str
    periods: dict[PeriodKind, CityFigure]


@dataclass(frozen=True, slots=True)
class Resolution:
    """How the office settled a conflict on one of the phòng's values, as it arose and as decided."""

    code: str
    kind: PeriodKind
    field: str
    base: str
    city: str
    sent: str
    resolution: str  # "local": the office kept its figure; "incoming": it took the phòng's
    reason: str
    resolved_by: str
    resolved_at: datetime | None
    arose_at: datetime | None


@dataclass(frozen=True, slots=True)
class Feedback:
    feedback_id: str
    department: Department
    year: int
    issued_at: datetime
    issued_by: str
    app_version: str
    key_id: str
    received: dict[str, int]  # installation id → the last sequence the office merged from it
    rows: tuple[FeedbackRow, ...]
    resolutions: tuple[Resolution, ...]


@dataclass(frozen=True, slots=True)
class SignedFeedback:
    """A return file as read, its signature not yet checked against the office's public key."""

    feedback: Feedback
    signed_bytes: bytes
    signature: bytes

    def verify(self, public_key: str) -> bool:
        return signing.verify(public_key, self.signed_bytes, self.signature)


def payload_of(feedback: Feedback) -> dict[str, object]:
    return {
        "app_version": feedback.app_version,
        "department": {"code": feedback.department.code, "name": feedback.department.name},
        "feedback_id": feedback.feedback_id,
        # To the microsecond: a phòng takes return files in the order they were made.
        "issued_at": iso(feedback.issued_at, "microseconds"),
        "issued_by": feedback.issued_by,
        "key_id": feedback.key_id,
        "received": [{"installation_id": i, "sequence": s} for i, s in sorted(feedback.received.items())],
        "resolutions": [
            {
                "arose_at": iso(r.arose_at),
                "base": r.base,
                "city": r.city,
                "code": r.code,
                "field": r.field,
                "period": r.kind.value,
                "reason": r.reason,
                "resolution": r.resolution,
                "resolved_at": iso(r.resolved_at),
                "resolved_by": r.resolved_by,
                "sent": r.sent,
            }
            for r in feedback.resolutions
        ],
        "rows": [
            {
                "code": row.code,
                "periods": {
                    kind.value: {
                        "note": city.figure.note,
                        "value": city.figure.value,
                        "verdict": city.verdict,
                        "verdict_reason": city.verdict_reason,
                    }
                    for kind, city in row.periods.items()
                },
                "target": row.target,
            }
            for row in feedback.rows
        ],
        "year": feedback.year,
    }


def write_feedback(feedback: Feedback, private_key: str) -> bytes:
    return sign_document(FORMAT, SIGNING_CONTEXT, payload_of(feedback), private_key)


def read_feedback(data: bytes) -> SignedFeedback:
    """Parse a return file strictly; :class:`FileRefused` says what is wrong."""
    document, signature = parse_signed_document(data, FORMAT, WHAT)
    feedback = _feedback(Fields(document.payload, "payload"))
    return SignedFeedback(feedback, SIGNING_CONTEXT + document.payload_bytes, signature)


def _kind(text: str, where: str) -> PeriodKind:
    try:
        return PeriodKind(text)
    except ValueError as exc:
        raise FileRefused(f"{where}: kỳ số liệu {text!r} không hợp lệ (uoc hoặc thuc-hien)") from exc


def _feedback(fields: Fields) -> Feedback:
    feedback_id = fields.text("feedback_id")
    if not _UUID.fullmatch(feedback_id):
        raise FileRefused(f"mã tệp phản hồi (payload.feedback_id) không hợp lệ: {feedback_id[:80]!r}")
    key_id = fields.text("key_id")
    if not _KEY_ID.fullmatch(key_id):
        raise FileRefused(f"mã khóa ký (payload.key_id) không hợp lệ: {key_id[:80]!r}")
    department = fields.child("department")
    items = fields.items("rows")
    if len(items) > MAX_ROWS:
        raise FileRefused(f"tệp có quá nhiều dòng ({len(items)})")
    received: dict[str, int] = {}
    for index, item in enumerate(fields.items("received")):
        entry = Fields(item, f"payload.received[{index}]")
        installation_id = entry.text("installation_id")
        if not _UUID.fullmatch(installation_id):
            raise FileRefused(f"{entry.where}.installation_id không hợp lệ")
        received[installation_id] = entry.integer("sequence", 0, 2**31 - 1)
    return Feedback(
        feedback_id=feedback_id,
        department=Department(department.text("code"), department.text("name")),
        year=fields.integer("year", 1900, 9999),
        issued_at=fields.moment("issued_at"),
        issued_by=fields.text("issued_by"),
        app_version=fields.text("app_version"),
        key_id=key_id,
        received=received,
        rows=tuple(_row(Fields(item, f"payload.rows[{i}]")) for i, item in enumerate(items)),
        resolutions=tuple(
            _resolution(Fields(item, f"payload.resolutions[{i}]")) for i, item in enumerate(fields.items("resolutions"))
        ),
    )


def _row(fields: Fields) -> FeedbackRow:
    periods: dict[PeriodKind, CityFigure] = {}
    raw = fields.child("periods")
    for key in raw.data:
        kind = _kind(key, raw.where)
        item = raw.child(key)
        periods[kind] = CityFigure(
            Figure(item.text("value"), item.text("note")), item.text("verdict"), item.text("verdict_reason")
        )
    return FeedbackRow(fields.text("code"), fields.text("target"), periods)


def _resolution(fields: Fields) -> Resolution:
    field = fields.text("field")
    if field not in ("value", "note"):
        raise FileRefused(f"{fields.where}.field không hợp lệ: {field[:20]!r}")
    resolution = fields.text("resolution")
    if resolution not in RESOLUTIONS:
        raise FileRefused(f"{fields.where}.resolution không hợp lệ: {resolution[:20]!r}")
    return Resolution(
        code=fields.text("code"),
        kind=_kind(fields.text("period"), fields.where),
        field=field,
        base=fields.text("base"),
        city=fields.text("city"),
        sent=fields.text("sent"),
        resolution=resolution,
        reason=fields.text("reason"),
        resolved_by=fields.text("resolved_by"),
        resolved_at=fields.optional_moment("resolved_at"),
        arose_at=fields.optional_moment("arose_at"),
    )
