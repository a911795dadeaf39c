"""The setup file the synthesis office issues to a phòng: its identity, rows, figures and key.

Same canonical JSON form as a submission (:mod:`bkdesk.exchange.documents`), sealed
with a SHA-256 checksum of the payload rather than a signature: it detects a damaged
or edited file; the trust comes from the synthesis office handing it over in person.
The phòng's private signing key is in it only sealed with a passphrase the office gives
by another channel (:mod:`bkdesk.exchange.key_seal`): the file alone signs nothing. A
file of the first release, whose key was in the clear, is refused: the office re-issues.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime

from bkdesk.catalogue import Department, Direction, Indicator, PeriodKind
from bkdesk.exchange import signing
from bkdesk.exchange.documents import Fields, canonical_bytes, iso, parse_document, seal_document
from bkdesk.exchange.files import FileRefused
from bkdesk.exchange.key_seal import CIPHER, KDF, SealedKey
from bkdesk.exchange.merge import Figure

FORMAT = "bkdesk-setup"
WHAT = "tệp thiết lập"
# A setup id names the phòng PC's key file: letters, digits and dashes only (a uuid4 when bkdesk made it).
_SETUP_ID = re.compile(r"[0-9A-Za-z][0-9A-Za-z-]{0,63}")
_KEY_ID = re.compile(r"[0-9a-f]{16}")


@dataclass(frozen=True, slots=True)
class SetupRow:
    """A row of the phòng's table: the indicator, its target, and its figures per period."""

    indicator: Indicator
    target: str
    figures: dict[PeriodKind, Figure] = field(default_factory=dict)
    # Last year's result as the office looks it up, and which figure it is ("thuc-hien" or "uoc"), so that the
    # phòng's "so với cùng kỳ" is the office's; empty in a file of an earlier release.
    last_year: str = ""
    last_year_source: str = ""
    # The "so với cùng kỳ" the imported table printed, and the estimate it was printed for.
    printed_ratio: str = ""
    printed_for: str = ""


@dataclass(frozen=True, slots=True)
class Setup:
    setup_id: str
    department: Department
    year: int
    sequence: int
    issued_at: datetime
    issued_by: str
    app_version: str
    key_id: str
    sealed_key: SealedKey
    departments: tuple[Department, ...]
    rows: tuple[SetupRow, ...]
    # The public half of the synthesis office's key, which signs its return files; empty in a
    # file issued before the office had one (that phòng needs a new setup file to take them).
    office_key_id: str = ""
    office_public_key: str = ""

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


def _row_json(row: SetupRow) -> dict[str, object]:
    item: dict[str, object] = {
        "figures": {kind.value: {"note": f.note, "value": f.value} for kind, f in row.figures.items()},
        "indicator": _indicator_json(row.indicator),
        "target": row.target,
    }
    if row.last_year:
        item["last_year"] = {"source": row.last_year_source, "value": row.last_year}
    if row.printed_ratio:
        item["printed_ratio"] = {"estimate": row.printed_for, "ratio": row.printed_ratio}
    return item


def payload_of(setup: Setup) -> dict[str, object]:
    payload: dict[str, object] = {
        "app_version": setup.app_version,
        "department": {"code": setup.department.code, "name": setup.department.name},
        "departments": [{"code": d.code, "name": d.name} for d in setup.departments],
        # To the microsecond: setup files are ordered by their time of issue, and two issued
        # within one second (a re-issue from a restored copy) must still be told apart.
        "issued_at": iso(setup.issued_at, "microseconds"),
        "issued_by": setup.issued_by,
        "key_id": setup.key_id,
        "rows": [_row_json(row) for row in setup.rows],
        "sealed_key": setup.sealed_key.to_json(),
        "sequence": setup.sequence,
        "setup_id": setup.setup_id,
        "year": setup.year,
    }
    if setup.office_public_key:
        payload["office_key"] = {"key_id": setup.office_key_id, "public_key": setup.office_public_key}
    return payload


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
    if "private_key" in fields.data and "sealed_key" not in fields.data:
        raise FileRefused(
            f"{WHAT} do phiên bản đầu của bkdesk cấp, khóa ký trong tệp không được mã hóa nên không còn được "
            "nhận; hãy đề nghị văn phòng tổng hợp cấp lại tệp thiết lập (kèm cụm mật khẩu)"
        )
    named = fields.child("department")
    department = Department(named.text("code"), named.text("name"))
    setup_id = fields.text("setup_id")
    if not _SETUP_ID.fullmatch(setup_id):
        raise FileRefused(f"mã tệp thiết lập (payload.setup_id) không hợp lệ: {setup_id[:80]!r}")
    key_id = fields.text("key_id")
    if not _KEY_ID.fullmatch(key_id):
        raise FileRefused(f"mã khóa ký (payload.key_id) không hợp lệ: {key_id[:80]!r}")
    sealed = _sealed_key(fields.child("sealed_key"))
    if sealed.department != department.code:
        raise FileRefused(
            f"{WHAT} ghi phòng {department.code} nhưng khóa ký trong tệp được mã hóa cho phòng {sealed.department}: "
            "tệp đã bị ghép từ tệp của phòng khác hoặc bị sửa; hãy đề nghị văn phòng tổng hợp cấp lại"
        )
    office_key_id, office_public_key = _office_key(fields)
    return Setup(
        setup_id=setup_id,
        department=department,
        year=fields.integer("year", 1900, 9999),
        sequence=fields.integer("sequence"),
        issued_at=fields.moment("issued_at"),
        issued_by=fields.text("issued_by"),
        app_version=fields.text("app_version"),
        key_id=key_id,
        sealed_key=sealed,
        departments=tuple(
            Department(d.text("code"), d.text("name"))
            for d in (Fields(item, "payload.departments[]") for item in fields.items("departments"))
        ),
        rows=tuple(_row(Fields(item, f"payload.rows[{i}]")) for i, item in enumerate(fields.items("rows"))),
        office_key_id=office_key_id,
        office_public_key=office_public_key,
    )


def _office_key(fields: Fields) -> tuple[str, str]:
    if "office_key" not in fields.data:
        return "", ""
    office = fields.child("office_key")
    key_id, public_key = office.text("key_id"), office.text("public_key")
    if not _KEY_ID.fullmatch(key_id):
        raise FileRefused(f"mã khóa của văn phòng (payload.office_key.key_id) không hợp lệ: {key_id[:80]!r}")
    try:
        signing.b64decode(public_key, signing.KEY_BYTES)
    except signing.KeyFormatError as exc:
        raise FileRefused(f"khóa công khai của văn phòng (payload.office_key.public_key) không hợp lệ ({exc})") from exc
    return key_id, public_key


def _sealed_key(fields: Fields) -> SealedKey:
    kdf, cipher = fields.text("kdf"), fields.text("cipher")
    if (kdf, cipher) != (KDF, CIPHER):
        raise FileRefused(f"khóa ký trong {WHAT} được mã hóa theo cách bkdesk không biết ({kdf}, {cipher})")
    return SealedKey(
        department=fields.text("department"),
        salt=fields.text("salt"),
        nonce=fields.text("nonce"),
        check=fields.text("check"),
        ciphertext=fields.text("ciphertext"),
        n=fields.integer("n"),
        r=fields.integer("r"),
        p=fields.integer("p"),
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
    last_year = last_year_source = printed_ratio = printed_for = ""
    if "last_year" in fields.data:
        previous = fields.child("last_year")
        last_year, last_year_source = previous.text("value"), previous.text("source")
        if last_year_source not in LAST_YEAR_SOURCES:
            raise FileRefused(f"{previous.where}.source không hợp lệ: {last_year_source[:40]!r}")
    if "printed_ratio" in fields.data:
        printed = fields.child("printed_ratio")
        printed_ratio, printed_for = printed.text("ratio"), printed.text("estimate")
    return SetupRow(indicator, fields.text("target"), figures, last_year, last_year_source, printed_ratio, printed_for)


# What a row's last year's result is: last year's final figure, or its estimate.
LAST_YEAR_SOURCES = (PeriodKind.RESULT.value, PeriodKind.ESTIMATE.value)
