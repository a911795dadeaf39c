"""Schema version and upgrades: every release can open every older database.

The version lives in ``meta.schema_version``; the steps between versions are Alembic
revisions (:mod:`db.migrations`, loaded only when a file is created or upgraded). Before
an upgrade the SQLite file is copied into its backups folder, then every step runs in one
write transaction on a connection of its own: the file keeps its journal mode, header and
pragmas until the upgrade commits, and a step that fails leaves it byte for byte as it was.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

from bkdesk.backups import BackupReason
from db.backups import create_backup
from db.database import Database, connect, newer_schema_message, open_sqlite, upgrade_engine
from db.errors import StoreError, database_problem
from db.file_format import APPLICATION_ID, OLDEST_READABLE_VERSION, SCHEMA_VERSION
from db.transactions import WRITE, trace_write, tracing_writes

if TYPE_CHECKING:
    from sqlalchemy import Connection

log = logging.getLogger("bkdesk.db")


def schema_version(db: Database) -> int | None:
    """The stored version, or ``None`` for an empty database."""
    from sqlalchemy import inspect, select

    from db.models import Meta

    with db.engine.connect() as connection:
        if not inspect(connection).has_table("meta"):
            return None
        value = connection.execute(select(Meta.value).where(Meta.key == "schema_version")).scalar()
    return int(value) if value is not None else None


def _file_version(db: Database) -> int | None:
    """As :func:`schema_version`, read with ``sqlite3`` alone: the engine's pragmas (WAL) are not applied yet."""
    assert db.path is not None
    with closing(open_sqlite(db.path, db.access)) as connection:
        if connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone() is None:
            return None
        found = connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(found[0]) if found is not None else None


def backup_file(path: Path, version: int) -> Path:
    """A checked copy in the backups folder beside the file before it is migrated (:mod:`db.backups`)."""
    return create_backup(path, BackupReason.UPGRADE).path


def _register_all_tables() -> None:
    # The exchange tables are declared in their own module, which the app's first screen
    # does not need (its import costs a tenth of the start-up); creating a schema does.
    from db import exchange_models  # noqa: F401


def upgrade(db: Database, *, plain: bool = False) -> None:
    """Create a new schema, or bring an older one to this release's in one transaction.

    ``plain``: the caller reads and writes a file of this release's schema through :mod:`db.plain`, whose
    connection applies the engine's pragmas itself; the engine (and SQLAlchemy) is then not loaded for it.
    """
    version = _file_version(db) if db.path is not None else schema_version(db)
    if version is not None and version > SCHEMA_VERSION:
        raise StoreError(newer_schema_message(db.label, version))
    if db.read_only:
        # Read-only media: nothing can be created or migrated (db.database.check_file
        # let through only a schema this release reads as it is).
        if version is None or version < OLDEST_READABLE_VERSION:
            db.refuse_writes()
        return
    if version == SCHEMA_VERSION:
        if db.path is not None and not plain:
            schema_version(db)  # read once through the engine: its pragmas (WAL first of all) reach the file now
        return
    if version is None:
        _create(db)
        return
    if db.path is not None and db.path.exists():
        backup_file(db.path, version)
    started = time.perf_counter()
    if _migrate(db, version):
        took = time.perf_counter() - started
        log.info("%s: schema %d upgraded to %d in %.2f s", db.label, version, SCHEMA_VERSION, took)
    if db.path is not None:
        # Now, and only now, the engine's pragmas reach the file (WAL first of all). A
        # commit that sits in the WAL is copied into the file, so that readers of the header
        # alone (db.first_screen) see the marker. PASSIVE: never waits for another process.
        with db.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")


def _create(db: Database) -> None:
    from sqlalchemy import inspect

    from db import migrations
    from db.models import Base, Meta

    _register_all_tables()
    with db.engine.connect() as connection:
        connection.execution_options(**WRITE)
        with connection.begin():
            if inspect(connection).get_table_names():
                # A database reached by URL that holds another program's tables: not bkdesk's to fill.
                raise StoreError(
                    f"Cơ sở dữ liệu {db.label} không phải cơ sở dữ liệu bkdesk (đã có bảng của chương trình khác); "
                    "bkdesk không ghi gì vào đó. Hãy chọn một cơ sở dữ liệu mới hoặc của bkdesk."
                )
            Base.metadata.create_all(connection)
            connection.execute(Meta.__table__.insert().values(key="schema_version", value=str(SCHEMA_VERSION)))
            migrations.stamp(connection, SCHEMA_VERSION)
            if connection.dialect.name == "sqlite":
                connection.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
    _say_committed()


def _say_committed() -> None:
    # Database.begin says it for every other write; a killed process has then said what it committed.
    if tracing_writes():
        trace_write("committed")


def _migrate(db: Database, version: int) -> bool:
    """Every revision after ``version`` in one ``BEGIN IMMEDIATE`` transaction, with foreign keys off.

    SQLite ignores ``PRAGMA foreign_keys`` inside a transaction, so it is switched off
    before ``BEGIN`` (a batch operation drops and renames tables that others refer to)
    and back on after; ``PRAGMA foreign_key_check`` before the commit makes sure the
    steps broke no reference that held before them. ``False``: another bkdesk upgraded it first.
    """
    from db import migrations

    engine = upgrade_engine(db.path) if db.path is not None else db.engine
    try:
        with engine.connect() as connection:
            connection.execution_options(**WRITE)
            sqlite = connection.dialect.name == "sqlite"
            driver = connection.connection.driver_connection
            if sqlite:
                _pragma(driver, "foreign_keys = OFF")
            try:
                with connection.begin():
                    # Read again under the write lock: another bkdesk may have upgraded the file meanwhile.
                    found = connection.exec_driver_sql("SELECT value FROM meta WHERE key = 'schema_version'").scalar()
                    version = int(found) if found is not None else version
                    if version > SCHEMA_VERSION:
                        raise StoreError(newer_schema_message(db.label, version))
                    if version == SCHEMA_VERSION:
                        return False
                    broken_before = _broken_references(connection) if sqlite else set()
                    migrations.upgrade(connection, version, SCHEMA_VERSION)
                    if sqlite:
                        broken = _broken_references(connection) - broken_before
                        if broken:
                            raise RuntimeError(f"the upgrade broke foreign keys: {sorted(broken)[:10]}")
                _say_committed()
            finally:
                if sqlite:
                    _pragma(driver, "foreign_keys = ON")
    finally:
        if engine is not db.engine:
            engine.dispose()
    return True


def _pragma(driver_connection: object, setting: str) -> None:
    # On the driver's connection, outside any transaction (the engine would begin one first).
    assert isinstance(driver_connection, sqlite3.Connection)
    driver_connection.execute(f"PRAGMA {setting}")


def _broken_references(connection: Connection) -> set[tuple[str, int, str]]:
    found = connection.exec_driver_sql("PRAGMA foreign_key_check")
    return {(table, rowid, parent) for table, rowid, parent, _ in found}


def open_database(path: str | Path | None = None, url: str | None = None, *, plain: bool = False) -> Database:
    """Open a database ready for use: connected, schema created or upgraded (``plain``: see :func:`upgrade`)."""
    db = connect(path, url)
    try:
        upgrade(db, plain=plain)
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
