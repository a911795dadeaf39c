"""The setup file the synthesis office issues to a phòng: its identity, rows, figures and key.

Same canonical JSON form as a submission (:mod:`bkdesk.exchange.documents`), sealed
with a SHA-256 checksum of the payload rather than a signature: it detects a damaged
or edited file; the trust comes from the synthesis office handing it over in person.
It holds the phòng's private signing key, so it is a file to keep like a password.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from bkdesk.catalogue import Department, Direction, Indicator, PeriodKind
from bkdesk.exchange import signing
from bkdesk.exchange.documents import Fields, canonical_bytes, iso, parse_document, seal_document
from bkdesk.exchange.files import FileRefused
from bkdesk.exchange.merge import Figure

FORMAT = "bkdesk-setup"
WHAT = "tệp thiết lập"


@dataclass(frozen=True, slots=True)
class SetupRow:
    """A row of the phòng's table: the indicator, its target, and its figures per period."""

    indicator: Indicator
    target: str
    figures: dict[PeriodKind, Figure] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Setup:
    setup_id: str
    department: Department
    year: int
    sequence: int
    issued_at: datetime
    issued_by: str
    app_version: str
    private_key: str
    departments: tuple[Department, ...]
    rows: tuple[SetupRow, ...]

    @property
    def key_id(self) -> str:
        return signing.key_id(signing.public_key_of(self.private_key))

    def own_rows(self) -> tuple[SetupRow, ...]:
        """The rows the phòng reports (the others are there so its form reads as the table does)."""
        return tuple(row for row in self.rows if row.indicator.department == self.department.code)


def _indicator_json(indicator: Indicator) -> dict[str, object]:
    return {
        "code": indicator.code,
        "counted": indicator.counted,
        "department": indicator.department,
        "direction": indicator.direction.value,
        "group": indicator.group,
        "name": indicator.name,
        "parent": indicator.parent,
        "stt": indicator.stt,
        "sum_of_children": indicator.sum_of_children,
        "unit": indicator.unit,
    }


def payload_of(setup: Setup) -> dict[str, object]:
    return {
        "app_version": setup.app_version,
        "department": {"code": setup.department.code, "name": setup.department.name},
        "departments": [{"code": d.code, "name": d.name} for d in setup.departments],
        "issued_at": iso(setup.issued_at),
        "issued_by": setup.issued_by,
        "private_key": setup.private_key,
        "rows": [
            {
                "figures": {kind.value: {"note": f.note, "value": f.value} for kind, f in row.figures.items()},
                "indicator": _indicator_json(row.indicator),
                "target": row.target,
            }
            for row in setup.rows
        ],
        "sequence": setup.sequence,
        "setup_id": setup.setup_id,
        "year": setup.year,
    }


def _checksum(payload: dict[str, object]) -> str:
    return hashlib.sha256(canonical_bytes(payload)).hexdigest()


def write_setup(setup: Setup) -> bytes:
    payload = payload_of(setup)
    return seal_document(FORMAT, payload, "checksum", _checksum(payload))


def read_setup(data: bytes) -> Setup:
    """Parse a setup file strictly; :class:`FileRefused` says what is wrong."""
    document = parse_document(data, FORMAT, WHAT, "checksum")
    if document.seal != hashlib.sha256(document.payload_bytes).hexdigest():
        raise FileRefused(f"{WHAT} đã bị sửa hoặc hỏng (mã kiểm tra không khớp)")
    fields = Fields(document.payload, "payload")
    department = fields.child("department")
    private_key = fields.text("private_key")
    try:
        signing.b64decode(private_key, signing.KEY_BYTES)
    except signing.KeyFormatError as exc:
        raise FileRefused(f"khóa ký trong {WHAT} không hợp lệ ({exc})") from exc
    return Setup(
        setup_id=fields.text("setup_id"),
        department=Department(department.text("code"), department.text("name")),
        year=fields.integer("year", 1900, 9999),
        sequence=fields.integer("sequence"),
        issued_at=fields.moment("issued_at"),
        issued_by=fields.text("issued_by"),
        app_version=fields.text("app_version"),
        private_key=private_key,
        departments=tuple(
            Department(d.text("code"), d.text("name"))
            for d in (Fields(item, "payload.departments[]") for item in fields.items("departments"))
        ),
        rows=tuple(_row(Fields(item, f"payload.rows[{i}]")) for i, item in enumerate(fields.items("rows"))),
    )


def _row(fields: Fields) -> SetupRow:
    item = fields.child("indicator")
    try:
        direction = Direction(item.text("direction"))
    except ValueError as exc:
        raise FileRefused(f"{item.where}.direction không hợp lệ") from exc
    indicator = Indicator(
        code=item.text("code"),
        group=item.text("group"),
        stt=item.text("stt"),
        name=item.text("name"),
        unit=item.text("unit"),
        parent=item.optional_text("parent"),
        department=item.optional_text("department"),
        direction=direction,
        counted=item.boolean("counted"),
        sum_of_children=item.boolean("sum_of_children"),
    )
    figures: dict[PeriodKind, Figure] = {}
    raw = fields.child("figures")
    for key in raw.data:
        try:
            kind = PeriodKind(key)
        except ValueError as exc:
            raise FileRefused(f"{raw.where}: kỳ số liệu {key!r} không hợp lệ") from exc
        figure = raw.child(key)
        figures[kind] = Figure(figure.text("value"), figure.text("note"))
    return SetupRow(indicator, fields.text("target"), figures)
