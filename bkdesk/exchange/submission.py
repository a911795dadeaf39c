"""The submission file: one phòng's whole state for one period, signed with its issued key.

The file is a canonical JSON document (see :mod:`bkdesk.exchange.documents`) that an
auditor can read in any text editor::

    {
     "format": "bkdesk-submission",
     "payload": {"app_version": …, "created_at": …, "department": {"code", "name"},
                 "key_id": …, "period": {"kind", "year"}, "sequence": 3, "setup_id": …,
                 "values": [{"code", "note", "updated_at", "value"}, …]},
     "signature": "<base64 Ed25519 signature>",
     "version": 1
    }

The signature covers ``SIGNING_CONTEXT`` followed by the canonical bytes of the
payload, and the reader accepts only a file that is byte for byte the canonical form
of what it parses to: a byte changed anywhere is detected.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bkdesk.catalogue import Department, PeriodKind
from bkdesk.exchange import signing
from bkdesk.exchange.documents import Fields, canonical_bytes, iso, parse_document, seal_document
from bkdesk.exchange.files import FileRefused

FORMAT = "bkdesk-submission"
SIGNING_CONTEXT = b"bkdesk-submission/1\n"
WHAT = "tệp nộp số liệu"
MAX_VALUES = 100_000


@dataclass(frozen=True, slots=True)
class SubmittedValue:
    """An indicator's figure as the phòng holds it: empty text means "no figure"."""

    code: str
    value: str
    note: str
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Submission:
    department: Department
    year: int
    kind: PeriodKind
    sequence: int
    created_at: datetime
    app_version: str
    setup_id: str
    key_id: str
    values: tuple[SubmittedValue, ...]


@dataclass(frozen=True, slots=True)
class SignedSubmission:
    """A submission as read from a file, its signature not yet checked against a key."""

    submission: Submission
    signed_bytes: bytes
    signature: bytes

    def verify(self, public_key: str) -> bool:
        return signing.verify(public_key, self.signed_bytes, self.signature)


def payload_of(submission: Submission) -> dict[str, object]:
    return {
        "app_version": submission.app_version,
        "created_at": iso(submission.created_at),
        "department": {"code": submission.department.code, "name": submission.department.name},
        "key_id": submission.key_id,
        "period": {"kind": submission.kind.value, "year": submission.year},
        "sequence": submission.sequence,
        "setup_id": submission.setup_id,
        "values": [
            {"code": v.code, "note": v.note, "updated_at": iso(v.updated_at), "value": v.value}
            for v in submission.values
        ],
    }


def write_submission(submission: Submission, private_key: str) -> bytes:
    """The signed file's bytes."""
    payload = payload_of(submission)
    signature = signing.sign(private_key, SIGNING_CONTEXT + canonical_bytes(payload))
    return seal_document(FORMAT, payload, "signature", signing.b64encode(signature))


def read_submission(data: bytes) -> SignedSubmission:
    """Parse a submission file strictly; :class:`FileRefused` says what is wrong."""
    document = parse_document(data, FORMAT, WHAT, "signature")
    if not isinstance(document.seal, str):
        raise FileRefused("chữ ký không hợp lệ (không phải chuỗi base64)")
    try:
        signature = signing.b64decode(document.seal, signing.SIGNATURE_BYTES)
    except signing.KeyFormatError as exc:
        raise FileRefused(f"chữ ký không hợp lệ ({exc})") from exc
    submission = _submission(Fields(document.payload, "payload"))
    return SignedSubmission(submission, SIGNING_CONTEXT + document.payload_bytes, signature)


def _submission(fields: Fields) -> Submission:
    department = fields.child("department")
    period = fields.child("period")
    kind_text = period.text("kind")
    try:
        kind = PeriodKind(kind_text)
    except ValueError as exc:
        raise FileRefused(f"kỳ số liệu {kind_text!r} không hợp lệ (uoc hoặc thuc-hien)") from exc
    items = fields.items("values")
    if len(items) > MAX_VALUES:
        raise FileRefused(f"tệp có quá nhiều giá trị ({len(items)})")
    values = []
    for index, item in enumerate(items):
        entry = Fields(item, f"payload.values[{index}]")
        values.append(
            SubmittedValue(
                code=entry.text("code"),
                value=entry.text("value"),
                note=entry.text("note"),
                updated_at=entry.optional_moment("updated_at"),
            )
        )
    return Submission(
        department=Department(department.text("code"), department.text("name")),
        year=period.integer("year", 1900, 9999),
        kind=kind,
        sequence=fields.integer("sequence", 1, 2**31 - 1),  # the office keeps it in a 32-bit column
        created_at=fields.moment("created_at"),
        app_version=fields.text("app_version"),
        setup_id=fields.text("setup_id"),
        key_id=fields.text("key_id"),
        values=tuple(values),
    )
