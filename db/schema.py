"""Schema version and migrations: every release can open every older database.

The version lives in ``meta.schema_version``. Before a migration the SQLite file is
copied into its backups folder, so a failed upgrade never costs the user their figures.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Connection, inspect, select

from bkdesk.backups import BackupReason
from db.backups import create_backup
from db.database import Database, connect, newer_schema_message
from db.errors import StoreError, database_problem
from db.file_format import APPLICATION_ID, OLDEST_READABLE_VERSION, SCHEMA_VERSION
from db.models import Base, Meta

log = logging.getLogger("bkdesk.db")


def _mark_as_bkdesk(connection: Connection) -> None:
    """Version 1 → 2: the file marker (``db.file_format.APPLICATION_ID``) in the SQLite header."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")


def _key_store_and_installation_sequence(connection: Connection) -> None:
    """Version 2 → 3: the phòng's key leaves the database; each issued setup counts its own sequence."""
    connection.exec_driver_sql("ALTER TABLE exchange_identity RENAME COLUMN private_key TO legacy_private_key")
    connection.exec_driver_sql("ALTER TABLE exchange_identity ADD COLUMN key_store VARCHAR(16) NOT NULL DEFAULT ''")
    connection.exec_driver_sql("ALTER TABLE exchange_identity ADD COLUMN sealed_key TEXT NOT NULL DEFAULT ''")
    connection.exec_driver_sql("ALTER TABLE exchange_issues ADD COLUMN last_sequence INTEGER NOT NULL DEFAULT 0")
    connection.exec_driver_sql(
        "UPDATE exchange_issues SET last_sequence = max(sequence_start, coalesce("
        "(SELECT max(s.sequence) FROM exchange_submissions s WHERE s.setup_id = exchange_issues.setup_id), 0))"
    )


# version N → the step that brings a database from N to N + 1.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {1: _mark_as_bkdesk, 2: _key_store_and_installation_sequence}


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
    if version is not None and version > SCHEMA_VERSION:
        raise StoreError(newer_schema_message(db.label, version))
    if db.read_only:
        # Read-only media: nothing can be created or migrated (db.database.check_file
        # let through only a schema this release reads as it is).
        if version is None or version < OLDEST_READABLE_VERSION:
            db.refuse_writes()
        return
    if version != SCHEMA_VERSION:
        _register_all_tables()
    if version is None:
        with db.engine.begin() as connection:
            if inspect(connection).get_table_names():
                # A database reached by URL that holds another program's tables: not bkdesk's to fill.
                raise StoreError(
                    f"Cơ sở dữ liệu {db.label} không phải cơ sở dữ liệu bkdesk (đã có bảng của chương trình khác); "
                    "bkdesk không ghi gì vào đó. Hãy chọn một cơ sở dữ liệu mới hoặc của bkdesk."
                )
            Base.metadata.create_all(connection)
            connection.execute(Meta.__table__.insert().values(key="schema_version", value=str(SCHEMA_VERSION)))
            _mark_as_bkdesk(connection)
        return
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
    if db.path is not None:
        # The marker written by the upgrade sits in the WAL until a checkpoint; readers of
        # the header alone (db.first_screen) find it in the file once it is copied there.
        # PASSIVE: never waits for another process reading the file.
        with db.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")


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
        problem = database_problem(exc, db.label)
        if problem is not None:  # raised outside the engine (the backup copy made with sqlite3)
            raise problem from exc
        log.exception("opening %s failed", db.label)
        raise StoreError(
            f"Không mở được cơ sở dữ liệu {db.label}: chuẩn bị hoặc nâng cấp tệp không thành công, tệp vẫn như trước. "
            "Chi tiết đã được ghi vào tệp nhật ký; hãy báo người quản trị."
        ) from exc
    return db
