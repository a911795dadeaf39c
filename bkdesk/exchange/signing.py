"""Ed25519 keys of the phòng: made by the synthesis office, kept by the phòng.

Keys travel as base64 of their 32 raw bytes. A key id lets a file say which issued key
signed it without carrying the key. It is random (:func:`new_key_id`), so a key that a
database restored from an older backup never saw is told apart from a forged file;
the first release derived it from the public key (:func:`legacy_key_id`), and the ids
stored then stay valid.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

KEY_BYTES = 32
SIGNATURE_BYTES = 64


class KeyFormatError(ValueError):
    """A key or signature that is not well formed base64 of the right length."""


@dataclass(frozen=True, slots=True)
class KeyPair:
    private_key: str
    public_key: str


def b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64decode(text: str, length: int | None = None) -> bytes:
    """Strict base64: the text must be exactly the encoding of what it decodes to."""
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
        raise KeyFormatError("không phải base64 hợp lệ") from exc
    if b64encode(data) != text:
        raise KeyFormatError("base64 không ở dạng chuẩn")
    if length is not None and len(data) != length:
        raise KeyFormatError(f"độ dài {len(data)} byte, cần {length} byte")
    return data


def _raw(key: Any) -> bytes:
    # cryptography is imported where it is used: a command that only finds files unchanged never needs it.
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return bytes(key.public_bytes(Encoding.Raw, PublicFormat.Raw))


def new_key_pair() -> KeyPair:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    private = Ed25519PrivateKey.generate()
    raw_private = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return KeyPair(b64encode(raw_private), b64encode(_raw(private.public_key())))


def public_key_of(private_key: str) -> str:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.from_private_bytes(b64decode(private_key, KEY_BYTES))
    return b64encode(_raw(private.public_key()))


def new_key_id() -> str:
    return secrets.token_hex(8)


def legacy_key_id(public_key: str) -> str:
    """The key id of a key issued by the first release: the start of its public key's SHA-256."""
    return hashlib.sha256(public_key.encode("ascii")).hexdigest()[:16]


def sign(private_key: str, data: bytes) -> bytes:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.from_private_bytes(b64decode(private_key, KEY_BYTES))
    return private.sign(data)


def verify(public_key: str, data: bytes, signature: bytes) -> bool:
    """True only when ``signature`` is the key holder's signature of exactly ``data``."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(b64decode(public_key, KEY_BYTES)).verify(signature, data)
    except (InvalidSignature, KeyFormatError, ValueError):
        return False
    return True
