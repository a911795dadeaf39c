"""Schema version and migrations: every release can open every older database.

The version lives in ``meta.schema_version``. Before a migration the SQLite file is
copied into its backups folder, so a failed upgrade never costs the user their figures.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Connection, inspect, select

from bkdesk.backups import BackupReason
from db.backups import create_backup
from db.database import Database, connect
from db.errors import StoreError
from db.file_format import SCHEMA_VERSION
from db.models import Base, Meta

# version N → the step that brings a database from N to N + 1.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {}


def schema_version(db: Database) -> int | None:
    """The stored version, or ``None`` for an empty database."""
    with db.engine.connect() as connection:
        if not inspect(connection).has_table("meta"):
            return None
        value = connection.execute(select(Meta.value).where(Meta.key == "schema_version")).scalar()
    return int(value) if value is not None else None


def backup_file(path: Path, version: int) -> Path:
    """A checked copy in the backups folder beside the file before it is migrated (:mod:`db.backups`)."""
    return create_backup(path, BackupReason.UPGRADE).path


def _register_all_tables() -> None:
    # The exchange tables are declared in their own module, which the app's first screen
    # does not need (its import costs a tenth of the start-up); creating or migrating a
    # schema does, so it is imported here.
    from db import exchange_models  # noqa: F401


def upgrade(db: Database) -> None:
    """Create a new schema, or migrate an older one step by step in one transaction."""
    version = schema_version(db)
    if version != SCHEMA_VERSION:
        _register_all_tables()
    if version is None:
        with db.engine.begin() as connection:
            Base.metadata.create_all(connection)
            connection.execute(Meta.__table__.insert().values(key="schema_version", value=str(SCHEMA_VERSION)))
        return
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"Cơ sở dữ liệu {db.label} do phiên bản bkdesk mới hơn tạo (lược đồ {version}, "
            f"phiên bản này đọc được đến {SCHEMA_VERSION}); hãy cập nhật bkdesk"
        )
    if version == SCHEMA_VERSION:
        return
    if db.path is not None and db.path.exists():
        backup_file(db.path, version)
    with db.engine.begin() as connection:
        for step in range(version, SCHEMA_VERSION):
            MIGRATIONS[step](connection)
        Base.metadata.create_all(connection)
        connection.execute(
            Meta.__table__.update().where(Meta.key == "schema_version").values(value=str(SCHEMA_VERSION))
        )


def open_database(path: str | Path | None = None, url: str | None = None) -> Database:
    """Open a database ready for use: connected, schema created or upgraded."""
    db = connect(path, url)
    try:
        upgrade(db)
    except StoreError:
        db.dispose()
        raise
    except Exception as exc:
        db.dispose()
        raise StoreError(f"Không mở được cơ sở dữ liệu {db.label}: {exc}") from exc
    return db
