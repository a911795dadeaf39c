"""The JSON documents bkdesk writes (submissions, setups): one canonical form, read strictly.

A document is ``{"format": …, "version": 1, "payload": {…}, <seal>: …}`` written in
exactly one way: keys sorted, one-space indent, UTF-8 without escapes, a final
newline. Reading requires the file to be byte for byte that canonical form of what
it parses to, so no byte can change anywhere — spacing, key order, an escape, the
seal itself — without the file being refused; the seal (a signature or a checksum)
covers the canonical bytes of the payload.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bkdesk.exchange.files import FileRefused, decode_utf8

KNOWN_FORMATS = {
    "bkdesk-setup": "tệp thiết lập của phòng (dùng với lệnh setup trên máy của phòng)",
    "bkdesk-submission": "tệp nộp số liệu (nhập bằng lệnh import-submissions ở văn phòng tổng hợp)",
    "bkdesk-feedback": "tệp phản hồi của văn phòng tổng hợp (nhận bằng lệnh import-feedback trên máy của phòng)",
}


def canonical_bytes(value: Any) -> bytes:
    """The one way bkdesk writes ``value``: keys sorted, an object or list of plain values on one line,
    anything holding another object or list spread over lines with one space of indent per level."""
    return (_canonical(value, 0) + "\n").encode("utf-8")


def _flat(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, allow_nan=False)


def _canonical(value: Any, level: int) -> str:
    if isinstance(value, dict):
        if not any(isinstance(item, dict | list) for item in value.values()):
            return _flat(value)
        inner = " " * (level + 1)
        parts = [f"{inner}{_flat(str(key))}: {_canonical(value[key], level + 1)}" for key in sorted(value)]
        return "{\n" + ",\n".join(parts) + "\n" + " " * level + "}"
    if isinstance(value, list):
        if not any(isinstance(item, dict | list) for item in value):
            return _flat(value)
        inner = " " * (level + 1)
        return "[\n" + ",\n".join(inner + _canonical(item, level + 1) for item in value) + "\n" + " " * level + "]"
    return _flat(value)


def _no_constants(name: str) -> Any:
    raise ValueError(f"hằng số {name} không được phép")


@dataclass(frozen=True, slots=True)
class Document:
    """A canonical document as read: its payload, the payload's canonical bytes (what the seal covers), the seal."""

    payload: dict[str, Any]
    payload_bytes: bytes
    seal: Any


def _document_text(fields: dict[str, Any], payload_text: str) -> str:
    """``canonical_bytes`` of a document (as text) whose payload is already rendered at the top level.

    Rendered one level deeper, every line of the payload gains one space of indent, and
    only lines: JSON writes a newline inside a string as ``\\n``, never as a newline.
    """
    parts = []
    for key in sorted(fields):
        text = payload_text.replace("\n", "\n ") if key == "payload" else _canonical(fields[key], 1)
        parts.append(f" {_flat(key)}: {text}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def parse_document(data: bytes, expected_format: str, what: str, seal: str) -> Document:
    """The payload and seal of a canonical document, or :class:`FileRefused`."""
    text = decode_utf8(data)
    try:
        document = json.loads(text, parse_constant=_no_constants)
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string"):
            raise FileRefused(f"{what} bị cắt cụt (thiếu phần cuối)") from exc
        raise FileRefused(f"{what} bị hỏng: không đọc được JSON ở dòng {exc.lineno}, cột {exc.colno}") from exc
    except (ValueError, RecursionError) as exc:
        raise FileRefused(f"{what} bị hỏng: JSON không hợp lệ") from exc
    if not isinstance(document, dict) or document.get("format") != expected_format:
        other = KNOWN_FORMATS.get(str(document.get("format"))) if isinstance(document, dict) else None
        raise FileRefused(f"đây là {other}, không phải {what}" if other else f"không phải {what} của bkdesk")
    if set(document) != {"format", "version", "payload", seal}:
        raise FileRefused(f"{what} có cấu trúc lạ (các khóa: {', '.join(sorted(map(str, document)))})")
    version = document["version"]
    if version != 1 or isinstance(version, bool):
        raise FileRefused(f"{what} ở phiên bản {version!r}; phiên bản này của bkdesk chỉ đọc được phiên bản 1")
    payload = document["payload"]
    if not isinstance(payload, dict):
        raise FileRefused(f"{what} có cấu trúc lạ (payload không phải đối tượng)")
    payload_text = _canonical(payload, 0)
    if _document_text(document, payload_text).encode("utf-8") != data:
        raise FileRefused(f"{what} đã bị sửa: nội dung không còn đúng dạng bkdesk đã ghi")
    return Document(payload, (payload_text + "\n").encode("utf-8"), document[seal])


def seal_document(expected_format: str, payload: dict[str, Any], seal: str, seal_value: str) -> bytes:
    return canonical_bytes({"format": expected_format, "version": 1, "payload": payload, seal: seal_value})


def sign_document(expected_format: str, context: bytes, payload: dict[str, Any], private_key: str) -> bytes:
    """A document sealed with the Ed25519 signature of ``context`` followed by the payload's canonical bytes."""
    from bkdesk.exchange import signing

    signature = signing.sign(private_key, context + canonical_bytes(payload))
    return seal_document(expected_format, payload, "signature", signing.b64encode(signature))


def parse_signed_document(data: bytes, expected_format: str, what: str) -> tuple[Document, bytes]:
    """A signed document and its signature's bytes, not yet checked against a key; or :class:`FileRefused`."""
    from bkdesk.exchange import signing

    document = parse_document(data, expected_format, what, "signature")
    if not isinstance(document.seal, str):
        raise FileRefused("chữ ký không hợp lệ (không phải chuỗi base64)")
    try:
        return document, signing.b64decode(document.seal, signing.SIGNATURE_BYTES)
    except signing.KeyFormatError as exc:
        raise FileRefused(f"chữ ký không hợp lệ ({exc})") from exc


def iso(moment: datetime | None, timespec: str = "seconds") -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec=timespec)


class Fields:
    """Typed access to a parsed JSON object; a missing or mistyped field is a refusal naming it."""

    def __init__(self, data: Any, where: str) -> None:
        if not isinstance(data, dict):
            raise FileRefused(f"{where} không phải đối tượng JSON")
        self.data = data
        self.where = where

    def _get(self, key: str, kinds: tuple[type, ...], label: str) -> Any:
        if key not in self.data:
            raise FileRefused(f"thiếu trường {self.where}.{key}")
        value = self.data[key]
        if isinstance(value, bool) and bool not in kinds:
            raise FileRefused(f"trường {self.where}.{key} phải là {label}")
        if not isinstance(value, kinds):
            raise FileRefused(f"trường {self.where}.{key} phải là {label}")
        return value

    def text(self, key: str) -> str:
        value: str = self._get(key, (str,), "chuỗi")
        return value

    def optional_text(self, key: str) -> str | None:
        if self.data.get(key) is None and key in self.data:
            return None
        return self.text(key)

    def integer(self, key: str, minimum: int = 0, maximum: int = 2**53, *, name: str = "") -> int:
        """A whole number in ``[minimum, maximum]``; ``name`` says in words what it is when it is out of range."""
        value: int = self._get(key, (int,), "số nguyên")
        if not minimum <= value <= maximum:
            if name:
                # A person reads the number and the range, grouped the Vietnamese way, not a JSON path.
                low, high, found = (f"{n:,}".replace(",", ".") for n in (minimum, maximum, value))
                raise FileRefused(f"{name} ({found}) nằm ngoài khoảng cho phép (từ {low} đến {high})")
            raise FileRefused(f"trường {self.where}.{key} = {value} nằm ngoài khoảng cho phép")
        return value

    def boolean(self, key: str) -> bool:
        value: bool = self._get(key, (bool,), "true/false")
        return value

    def items(self, key: str) -> list[Any]:
        value: list[Any] = self._get(key, (list,), "danh sách")
        return value

    def child(self, key: str) -> Fields:
        return Fields(self._get(key, (dict,), "đối tượng"), f"{self.where}.{key}")

    def moment(self, key: str) -> datetime:
        value = self.optional_moment(key)
        if value is None:
            raise FileRefused(f"trường {self.where}.{key} phải là thời điểm ISO 8601")
        return value

    def optional_moment(self, key: str) -> datetime | None:
        text = self.optional_text(key)
        if text is None:
            return None
        try:
            value = datetime.fromisoformat(text)
        except ValueError as exc:
            raise FileRefused(f"trường {self.where}.{key} không phải thời điểm ISO 8601: {text!r}") from exc
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
