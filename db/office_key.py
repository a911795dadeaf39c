"""The synthesis office's own signing key, for the return files it sends to each phòng.

Made once, with the first setup file issued that carries it (:func:`ensure_office_key`);
the private half goes into this PC's key store (:mod:`db.key_store`, under the name
``office-<key id>``), never into the database in the clear, so a copy of the database on
another PC signs nothing. The public half travels in every setup file issued from then on.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bkdesk.exchange import signing
from bkdesk.exchange.times import local_date
from db import audit, key_store
from db.database import Database
from db.errors import StoreError
from db.exchange_models import OfficeKey


@dataclass(frozen=True, slots=True)
class OfficePublicKey:
    key_id: str
    public_key: str


def store_name(key_id: str) -> str:
    """The office key's name in the key store (a setup id's alphabet, so the config folder can hold it)."""
    return f"office-{key_id}"


def office_key(session: Session) -> OfficeKey | None:
    return session.scalars(select(OfficeKey).order_by(OfficeKey.id.desc()).limit(1)).first()


def ensure_office_key(db: Database, *, actor: str) -> OfficePublicKey:
    """The office's key, made and stored on first use; its own transaction (a keyring may ask the user first)."""
    with db.read() as session:
        existing = office_key(session)
        if existing is not None:
            return OfficePublicKey(existing.key_id, existing.public_key)
    pair = signing.new_key_pair()
    key_id = signing.new_key_id()
    stored = key_store.store_key(store_name(key_id), pair.private_key)
    try:
        with db.begin() as session:
            existing = office_key(session)
            if existing is not None:  # another process made one meanwhile: theirs is the office's
                key_store.forget_key(stored.store, store_name(key_id))
                return OfficePublicKey(existing.key_id, existing.public_key)
            session.add(
                OfficeKey(
                    key_id=key_id,
                    public_key=pair.public_key,
                    key_store=stored.store,
                    sealed_key=stored.sealed,
                    created_by=actor,
                )
            )
            audit.record(
                session,
                actor=actor,
                action="tạo khóa ký của văn phòng",
                new=f"khóa {key_id}",
                source="khóa ký các tệp phản hồi gửi phòng",
            )
    except BaseException:
        key_store.forget_key(stored.store, store_name(key_id))
        raise
    return OfficePublicKey(key_id, pair.public_key)


def office_private_key(key: OfficeKey) -> str:
    """The private half from this PC's key store; a refusal saying what to do when this PC does not hold it."""
    private = key_store.load_key(key.key_store, key.sealed_key, store_name(key.key_id))
    if private is None or signing.public_key_of(private) != key.public_key:
        raise StoreError(
            f"Máy này không có khóa ký của văn phòng tổng hợp (khóa {key.key_id}, tạo lúc "
            f"{local_date(key.created_at)}): tệp phản hồi chỉ lập được trên máy đã tạo khóa, với người dùng đã tạo "
            "khóa (khóa nằm trong kho khóa của hệ điều hành hoặc thư mục cấu hình của người dùng đó). Chưa ghi gì."
        )
    return private
