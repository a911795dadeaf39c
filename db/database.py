"""Opening the database: one SQLite file in the user's data folder, or any SQLAlchemy URL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from db.errors import StoreError

APP_NAME = "bkdesk"
DB_FILE_NAME = "bkdesk.sqlite"


def default_db_path() -> Path:
    """``bkdesk.sqlite`` in the user's data folder (``BKDESK_DATA_DIR`` overrides it)."""
    override = os.environ.get("BKDESK_DATA_DIR")
    if override:
        return Path(override) / DB_FILE_NAME
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / DB_FILE_NAME


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Foreign keys are off by default in SQLite; WAL keeps the file whole if the
    # process is killed mid-write and lets the app read while the CLI writes.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


@dataclass
class Database:
    """An engine and its session factory. Each unit of work is ``with db.begin() as s:``."""

    engine: Engine
    url: str
    path: Path | None = None

    def __post_init__(self) -> None:
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def begin(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any error."""
        with self.sessions.begin() as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self.sessions() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()

    @property
    def label(self) -> str:
        return str(self.path) if self.path is not None else self.engine.url.render_as_string(hide_password=True)


def make_engine(url: str) -> Engine:
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def connect(path: str | os.PathLike[str] | None = None, url: str | None = None) -> Database:
    """Open (creating the folder if needed) the database, without touching its schema."""
    if url:
        try:
            engine = make_engine(url)
        except Exception as exc:  # any driver or URL error becomes a message for the user
            raise StoreError(f"Không mở được cơ sở dữ liệu theo địa chỉ {url}: {exc}") from exc
        return Database(engine, url)
    file = Path(path) if path is not None else default_db_path()
    file = file.expanduser()
    if file.exists() and file.is_dir():
        raise StoreError(f"{file} là một thư mục, không phải tệp cơ sở dữ liệu")
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"Không tạo được thư mục {file.parent}: {exc.strerror}") from exc
    if file.exists() and file.stat().st_size > 0:
        with open(file, "rb") as handle:
            if handle.read(16) != b"SQLite format 3\x00":
                raise StoreError(f"Tệp {file} không phải là cơ sở dữ liệu bkdesk (SQLite)")
    engine = make_engine(f"sqlite:///{file}")
    return Database(engine, f"sqlite:///{file}", file)
