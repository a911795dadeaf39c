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

A file made by an installation of this release also names the installation
(``installation_id``), the state it was made from (``base``: ``{"kind": "setup", "ref":
setup_id}`` or ``{"kind": "submission", "ref": "3"}``, the installation's previous file
of the period) and, per value, whether the figure and the note were edited since that
base (``edited``, ``note_edited``: true or false). A file without them is of the first
format and is merged as before.

The signature covers ``SIGNING_CONTEXT`` followed by the canonical bytes of the
payload, and the reader accepts only a file that is byte for byte the canonical form
of what it parses to: a byte changed anywhere is detected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from bkdesk.catalogue import Department, PeriodKind
from bkdesk.exchange import signing
from bkdesk.exchange.documents import Fields, iso, parse_signed_document, sign_document
from bkdesk.exchange.files import FileRefused

FORMAT = "bkdesk-submission"
SIGNING_CONTEXT = b"bkdesk-submission/1\n"
WHAT = "tệp nộp số liệu"
MAX_VALUES = 100_000
# The states a file can be made from; read as text so a later kind (a return file) is named, not refused.
BASE_SETUP = "setup"
BASE_SUBMISSION = "submission"
BASE_FEEDBACK = "feedback"


@dataclass(frozen=True, slots=True)
class BaseRef:
    """The state a file was made from: what its installation received or sent last for the period."""

    kind: str
    ref: str


@dataclass(frozen=True, slots=True)
class SubmittedValue:
    """An indicator's figure as the phòng holds it: empty text means "no figure"."""

    code: str
    value: str
    note: str
    updated_at: datetime | None = None
    edited: frozenset[str] | None = None  # fields changed since the file's base; None in a first-format file


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
    installation_id: str = ""  # empty in a first-format file
    base: BaseRef | None = None


@dataclass(frozen=True, slots=True)
class SignedSubmission:
    """A submission as read from a file, its signature not yet checked against a key."""

    submission: Submission
    signed_bytes: bytes
    signature: bytes

    def verify(self, public_key: str) -> bool:
        return signing.verify(public_key, self.signed_bytes, self.signature)


def _value_json(value: SubmittedValue, marked: bool) -> dict[str, object]:
    item: dict[str, object] = {"code": value.code, "note": value.note, "updated_at": iso(value.updated_at)}
    if marked:
        edited = value.edited or frozenset()
        item["edited"] = "value" in edited
        item["note_edited"] = "note" in edited
    item["value"] = value.value
    return item


def payload_of(submission: Submission) -> dict[str, object]:
    marked = bool(submission.installation_id)
    payload: dict[str, object] = {
        "app_version": submission.app_version,
        "created_at": iso(submission.created_at),
        "department": {"code": submission.department.code, "name": submission.department.name},
        "key_id": submission.key_id,
        "period": {"kind": submission.kind.value, "year": submission.year},
        "sequence": submission.sequence,
        "setup_id": submission.setup_id,
        "values": [_value_json(v, marked) for v in submission.values],
    }
    if marked:
        base = submission.base
        payload["installation_id"] = submission.installation_id
        payload["base"] = {"kind": base.kind, "ref": base.ref} if base is not None else None
    return payload


def write_submission(submission: Submission, private_key: str) -> bytes:
    """The signed file's bytes."""
    return sign_document(FORMAT, SIGNING_CONTEXT, payload_of(submission), private_key)


def read_submission(data: bytes) -> SignedSubmission:
    """Parse a submission file strictly; :class:`FileRefused` says what is wrong."""
    document, signature = parse_signed_document(data, FORMAT, WHAT)
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
    installation_id = fields.text("installation_id") if "installation_id" in fields.data else ""
    if installation_id and not _INSTALLATION_ID.fullmatch(installation_id):
        raise FileRefused(f"mã bản cài (payload.installation_id) không hợp lệ: {installation_id[:80]!r}")
    values = []
    for index, item in enumerate(items):
        entry = Fields(item, f"payload.values[{index}]")
        values.append(
            SubmittedValue(
                code=entry.text("code"),
                value=entry.text("value"),
                note=entry.text("note"),
                updated_at=entry.optional_moment("updated_at"),
                edited=_edited(entry) if installation_id else None,
            )
        )
    return Submission(
        department=Department(department.text("code"), department.text("name")),
        year=period.integer("year", 1900, 9999),
        kind=kind,
        sequence=fields.integer("sequence", 1, 2**31 - 1, name="số thứ tự của tệp"),  # a 32-bit column at the office
        created_at=fields.moment("created_at"),
        app_version=fields.text("app_version"),
        setup_id=fields.text("setup_id"),
        key_id=fields.text("key_id"),
        values=tuple(values),
        installation_id=installation_id,
        base=_base(fields) if installation_id else None,
    )


_INSTALLATION_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _edited(entry: Fields) -> frozenset[str]:
    marks = {"value": entry.boolean("edited"), "note": entry.boolean("note_edited")}
    return frozenset(field for field, edited in marks.items() if edited)


def _base(fields: Fields) -> BaseRef | None:
    if fields.data.get("base", 0) is None:
        return None
    base = fields.child("base")
    kind, ref = base.text("kind"), base.text("ref")
    if not 0 < len(kind) <= 32 or not 0 < len(ref) <= 64:
        raise FileRefused("trường payload.base không hợp lệ")
    return BaseRef(kind, ref)
