"""The phòng's private key never travels or rests in the clear: passphrases and sealed keys.

In the setup file the key is sealed with a passphrase the synthesis office hands over
by another channel than the file: scrypt (n = 2^15, r = 8, p = 1, a random salt) turns
the passphrase into an AES-256-GCM key, and the associated data binds the sealed key to
its file (format, setup id, phòng code, key id), so a key moved into another phòng's
file, or a file edited around it, opens nowhere. scrypt gives 64 bytes: the first half
is the AES key, the second a check stored beside it, so a wrong passphrase is told
apart from a key that does not belong to its file (both would only fail the GCM tag).

On the phòng's PC, where no keyring works, the key is sealed again with a random key
kept in the user's config folder (:func:`seal_local`; the files are :mod:`db.key_store`'s).

A generated passphrase is 16 symbols of an alphabet without 0/O and 1/I, in groups of
four (``K7QM-3XHP-9TRD-W2FN``): 80 bits, read out over the telephone without a doubt
about a letter. :func:`normalise_passphrase` is applied identically when sealing and
opening, so such a code is accepted typed in lower case, without dashes or with spaces.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re
import secrets
import unicodedata
from dataclasses import dataclass

from bkdesk.exchange.documents import canonical_bytes

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # 32 symbols: 5 bits each
GROUPS = 4
GROUP_LENGTH = 4
MIN_OWN_PASSPHRASE = 16
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
KDF = "scrypt"
CIPHER = "aes-256-gcm"
SALT_BYTES = 16
NONCE_BYTES = 12
KEY_BYTES = 32
PRIVATE_KEY_BYTES = 32
SEAL_FORMAT = "bkdesk-setup-key/1"
LOCAL_FORMAT = b"bkdesk-local-key/1\n"

_SEPARATORS = re.compile(r"[\s\-‐‑‒–—]+")  # dashes a word processor or a phone may put in


class SealError(ValueError):
    """A sealed key that cannot be opened; ``message`` says why in Vietnamese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class WrongPassphrase(SealError):
    """The passphrase is not the one the key was sealed with."""


class NotThisFile(SealError):
    """The passphrase is right, but the sealed key was made for another setup file (moved, or edited around)."""


class PassphraseRefused(ValueError):
    """A passphrase the synthesis office chose that is too weak to seal a key with."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def new_passphrase() -> str:
    """A fresh 80-bit passphrase from :mod:`secrets`, e.g. ``K7QM-3XHP-9TRD-W2FN``."""
    symbols = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_LENGTH))
    return _grouped(symbols)


def _grouped(symbols: str) -> str:
    return "-".join(symbols[i : i + GROUP_LENGTH] for i in range(0, len(symbols), GROUP_LENGTH))


def normalise_passphrase(text: str) -> str:
    """The form a passphrase is sealed and opened with: NFC, trimmed; a generated code in its printed form."""
    text = unicodedata.normalize("NFC", text).strip()
    compact = _SEPARATORS.sub("", text).upper()
    if len(compact) == GROUPS * GROUP_LENGTH and all(symbol in ALPHABET for symbol in compact):
        return _grouped(compact)
    return text


def office_passphrase(text: str) -> str:
    """The synthesis office's own passphrase, normalised; refused when shorter than 16 characters."""
    normal = normalise_passphrase(text)
    if not normal:
        raise PassphraseRefused("cụm mật khẩu trống")
    if len(normal) < MIN_OWN_PASSPHRASE:
        raise PassphraseRefused(
            f"cụm mật khẩu chỉ có {len(normal)} ký tự; cần ít nhất {MIN_OWN_PASSPHRASE} ký tự "
            "(hoặc bỏ --passphrase-file để bkdesk tạo một cụm mật khẩu ngẫu nhiên)"
        )
    return normal


@dataclass(frozen=True, slots=True)
class SealedKey:
    """A private key sealed with a passphrase, as the setup file carries it (all binary fields base64)."""

    department: str  # the phòng it was sealed for, in clear: a key moved from another phòng's file is named
    salt: str
    nonce: str
    check: str
    ciphertext: str
    n: int = SCRYPT_N
    r: int = SCRYPT_R
    p: int = SCRYPT_P

    def to_json(self) -> dict[str, object]:
        return {
            "check": self.check,
            "cipher": CIPHER,
            "ciphertext": self.ciphertext,
            "department": self.department,
            "kdf": KDF,
            "n": self.n,
            "nonce": self.nonce,
            "p": self.p,
            "r": self.r,
            "salt": self.salt,
        }


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str, length: int | None, what: str) -> bytes:
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
        raise SealError(f"khóa ký đã mã hóa bị hỏng ({what} không phải base64 hợp lệ)") from exc
    if length is not None and len(data) != length:
        raise SealError(f"khóa ký đã mã hóa bị hỏng ({what} dài {len(data)} byte, cần {length})")
    return data


def associated_data(*, setup_id: str, department: str, key_id: str) -> bytes:
    """What a sealed key is bound to: opened with anything else, its GCM tag fails."""
    return canonical_bytes({"department": department, "format": SEAL_FORMAT, "key_id": key_id, "setup_id": setup_id})


def _derive(passphrase: str, salt: bytes) -> tuple[bytes, bytes]:
    # cryptography is imported where it is used: reading a setup file's summary never derives a key.
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    derived = Scrypt(salt=salt, length=2 * KEY_BYTES, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P).derive(
        normalise_passphrase(passphrase).encode("utf-8")
    )
    return derived[:KEY_BYTES], derived[KEY_BYTES:]


def seal_private_key(private_key: str, passphrase: str, *, setup_id: str, department: str, key_id: str) -> SealedKey:
    """Seal ``private_key`` (base64 of its 32 raw bytes) for one setup file."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    raw = _unb64(private_key, PRIVATE_KEY_BYTES, "khóa ký")
    salt, nonce = secrets.token_bytes(SALT_BYTES), secrets.token_bytes(NONCE_BYTES)
    key, check = _derive(passphrase, salt)
    aad = associated_data(setup_id=setup_id, department=department, key_id=key_id)
    ciphertext = AESGCM(key).encrypt(nonce, raw, aad)
    return SealedKey(department, _b64(salt), _b64(nonce), _b64(check), _b64(ciphertext))


def open_private_key(sealed: SealedKey, passphrase: str, *, setup_id: str, department: str, key_id: str) -> str:
    """The private key (base64), or :class:`WrongPassphrase` / :class:`NotThisFile` / :class:`SealError`."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if sealed.department != department:
        raise NotThisFile(f"khóa ký trong tệp được mã hóa cho phòng {sealed.department}, không phải phòng {department}")
    if (sealed.n, sealed.r, sealed.p) != (SCRYPT_N, SCRYPT_R, SCRYPT_P):
        raise SealError("khóa ký được mã hóa với tham số scrypt mà phiên bản này không nhận")
    salt = _unb64(sealed.salt, SALT_BYTES, "salt")
    nonce = _unb64(sealed.nonce, NONCE_BYTES, "nonce")
    check = _unb64(sealed.check, KEY_BYTES, "check")
    ciphertext = _unb64(sealed.ciphertext, PRIVATE_KEY_BYTES + 16, "ciphertext")
    key, expected = _derive(passphrase, salt)
    if not hmac.compare_digest(check, expected):
        raise WrongPassphrase("cụm mật khẩu không đúng")
    try:
        raw = AESGCM(key).decrypt(
            nonce, ciphertext, associated_data(setup_id=setup_id, department=department, key_id=key_id)
        )
    except InvalidTag as exc:
        raise NotThisFile(
            "khóa ký trong tệp không thuộc tệp thiết lập này (được ghép từ tệp thiết lập khác, hoặc tệp đã bị sửa)"
        ) from exc
    return _b64(raw)


def new_local_key() -> bytes:
    """The random key a PC without a working keyring keeps in its user's config folder."""
    return secrets.token_bytes(KEY_BYTES)


def seal_local(private_key: str, key: bytes, setup_id: str) -> str:
    """``private_key`` sealed with this PC's ``key`` for one installation: base64 of nonce and ciphertext."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    raw = _unb64(private_key, PRIVATE_KEY_BYTES, "khóa ký")
    nonce = secrets.token_bytes(NONCE_BYTES)
    return _b64(nonce + AESGCM(key).encrypt(nonce, raw, LOCAL_FORMAT + setup_id.encode("utf-8")))


def open_local(sealed: str, key: bytes, setup_id: str) -> str:
    """The private key sealed by :func:`seal_local`; :class:`SealError` when this key does not open it."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    data = _unb64(sealed, NONCE_BYTES + PRIVATE_KEY_BYTES + 16, "khóa cất trên máy")
    if len(key) != KEY_BYTES:
        raise SealError("tệp khóa trên máy này bị hỏng")
    try:
        raw = AESGCM(key).decrypt(data[:NONCE_BYTES], data[NONCE_BYTES:], LOCAL_FORMAT + setup_id.encode("utf-8"))
    except InvalidTag as exc:
        raise SealError("tệp khóa trên máy này không mở được khóa ký đã cất") from exc
    return _b64(raw)
