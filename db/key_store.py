"""Where a phòng's PC keeps its signing key: the operating system's keyring, else the user's config folder.

The keyring (``keyring``: Windows Credential Manager, macOS Keychain, Secret Service)
holds the key under service ``bkdesk`` and the installation's setup id. Where none
works (no backend, the null or fail backend, a backend that raises, or one that does
not give back what was stored), the key is sealed with a random 32-byte key kept in a
file of its own per installation in the user's config folder (``keys/SETUP_ID.key``,
folder 0700, file 0600), and the sealed key goes into the database
(``DepartmentIdentity.sealed_key``). Either way the database alone, copied or restored
onto another PC, holds nothing that signs: that PC has neither the keyring entry nor
the key file, and the phòng asks the synthesis office to re-issue its setup file.
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bkdesk.exchange.key_seal import KEY_BYTES, SealError, new_local_key, open_local, seal_local
from db.errors import StoreError

log = logging.getLogger("bkdesk.db")

SERVICE = "bkdesk"
KEYRING = "keyring"
CONFIG = "config"
_SETUP_ID = re.compile(r"[0-9A-Za-z][0-9A-Za-z-]{0,63}")


class KeyUnavailable(StoreError):
    """The key store did not answer (a locked keyring, an unreadable key file): nothing was signed."""


@dataclass(frozen=True, slots=True)
class StoredKey:
    """Where :func:`store_key` put a key: ``store`` is ``KEYRING`` or ``CONFIG``; ``sealed`` goes into the database."""

    store: str
    sealed: str = ""


def where_kept(store: str) -> str:
    """A sentence for the user: where this PC keeps the phòng's key."""
    if store == KEYRING:
        return "Khóa ký của phòng được cất trong kho khóa của hệ điều hành, không nằm trong cơ sở dữ liệu."
    return (
        "Máy này không có kho khóa dùng được: khóa ký của phòng được mã hóa trong cơ sở dữ liệu bằng một khóa "
        "cất trong thư mục cấu hình của người dùng (chỉ người dùng này đọc được)."
    )


def keys_folder() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir("bkdesk", appauthor=False)) / "keys"


def key_file(setup_id: str) -> Path:
    if not _SETUP_ID.fullmatch(setup_id):
        # read_setup accepts no other setup id: a database edited by hand does not choose a path.
        raise StoreError(f"Mã tệp thiết lập {setup_id[:80]!r} không hợp lệ; hãy cài lại tệp thiết lập")
    return keys_folder() / f"{setup_id}.key"


def store_key(setup_id: str, private_key: str) -> StoredKey:
    """Keep ``private_key`` for installation ``setup_id``: in the keyring if one works, else sealed (config folder).

    Storing the same key for the same installation again leaves a working state behind:
    the keyring entry is written again, and an existing key file is reused.
    """
    if _keyring_put(setup_id, private_key):
        return StoredKey(KEYRING)
    local = _local_key(setup_id, create=True)
    assert local is not None
    return StoredKey(CONFIG, seal_local(private_key, local, setup_id))


def load_key(store: str, sealed: str, setup_id: str) -> str | None:
    """The installation's private key, ``None`` when this PC does not have it; :class:`KeyUnavailable`
    when the store does not answer."""
    if store == KEYRING:
        return _keyring_get(setup_id)
    if store == CONFIG:
        local = _local_key(setup_id, create=False)
        if local is None:
            return None
        try:
            return open_local(sealed, local, setup_id)
        except SealError:
            # Another PC's key file under the same name, or one damaged: this PC has no usable key.
            return None
    return None


def forget_key(store: str, setup_id: str) -> None:
    """Remove an installation's key from this PC (it was replaced); a failure is only logged."""
    try:
        if store == KEYRING:
            import keyring

            keyring.delete_password(SERVICE, setup_id)
        elif store == CONFIG:
            key_file(setup_id).unlink(missing_ok=True)
    except Exception:  # a key left behind is not worth failing an installation that succeeded
        log.warning("could not remove the key of installation %s from the %s store", setup_id, store, exc_info=True)


def _usable_keyring() -> bool:
    import keyring
    from keyring.backends import fail, null

    backend = keyring.get_keyring()
    return not isinstance(backend, fail.Keyring | null.Keyring)


def _keyring_put(setup_id: str, private_key: str) -> bool:
    try:
        import keyring

        if not _usable_keyring():
            return False
        keyring.set_password(SERVICE, setup_id, private_key)
        # A backend that accepts and forgets (or mangles) is no store: read it back.
        if keyring.get_password(SERVICE, setup_id) == private_key:
            return True
        log.warning("the keyring did not give back the key it was given; using the config folder")
    except Exception:  # any backend failure (D-Bus, a locked store, a missing library) means: use the file
        log.warning("the keyring is not usable; using the config folder", exc_info=True)
    return False


def _keyring_get(setup_id: str) -> str | None:
    try:
        import keyring

        return keyring.get_password(SERVICE, setup_id)
    except Exception as exc:
        log.warning("reading the key from the keyring failed", exc_info=True)
        raise KeyUnavailable(
            "Không đọc được khóa ký từ kho khóa của hệ điều hành (kho khóa đang khóa hoặc không trả lời); "
            "hãy đăng nhập lại hoặc mở khóa kho khóa rồi làm lại. Không có tệp nào được ghi."
        ) from exc


def _local_key(setup_id: str, *, create: bool) -> bytes | None:
    path = key_file(setup_id)
    try:
        text = path.read_text(encoding="ascii").strip()
        data = base64.b64decode(text, validate=True)
        if len(data) == KEY_BYTES:
            return data
    except FileNotFoundError:
        pass
    except (OSError, UnicodeDecodeError, binascii.Error, ValueError):
        if not create:
            log.warning("the key file %s cannot be read", path, exc_info=True)
    if not create:
        return None
    key = new_local_key()
    _write_private(path, base64.b64encode(key) + b"\n")
    return key


def _write_private(path: Path, data: bytes) -> None:
    """Write a file only the user can read, in a folder only the user can open, whole or not at all."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(path.parent, 0o700)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # created 0600
    except OSError as exc:
        raise StoreError(f"Không ghi được tệp khóa {path}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise StoreError(f"Không ghi được tệp khóa {path}: {exc.strerror or exc}") from exc
