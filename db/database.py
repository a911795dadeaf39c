"""Opening the database: one SQLite file in the user's data folder, or any SQLAlchemy URL.

SQLAlchemy is imported when an engine is first needed, not with this module: the app
names its database before the first paint and reads its first screen without it
(:mod:`db.first_screen`).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from db.errors import StoreError

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

APP_NAME = "bkdesk"
DB_FILE_NAME = "bkdesk.sqlite"
SQLITE_HEADER = b"SQLite format 3\x00"


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


class Database:
    """An engine and its session factory. Each unit of work is ``with db.begin() as s:``.

    The engine is made on first use, once, whichever thread gets there first: the app
    opens its first screen with a database whose engine a background task makes later.
    """

    def __init__(self, url: str, path: Path | None = None) -> None:
        self.url = url
        self.path = path
        self._engine: Engine | None = None
        self._sessions: sessionmaker[Session] | None = None
        self._lock = threading.Lock()
        # Called before every write transaction: the app's start-up check of the file makes
        # writes wait for it, and refuses them on a damaged file (ui.file_check).
        self.before_write: Callable[[], None] | None = None

    def __repr__(self) -> str:
        return f"Database({self.label!r})"

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    from sqlalchemy.orm import sessionmaker

                    engine = make_engine(self.url)
                    self._sessions = sessionmaker(engine, expire_on_commit=False)
                    self._engine = engine
        return self._engine

    @property
    def sessions(self) -> sessionmaker[Session]:
        self.engine  # noqa: B018 -- made together with the engine
        assert self._sessions is not None
        return self._sessions

    @contextmanager
    def begin(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any error."""
        if self.before_write is not None:
            self.before_write()
        with self.sessions.begin() as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self.sessions() as session:
            yield session

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()

    @property
    def label(self) -> str:
        if self.path is not None:
            return str(self.path)
        return self.engine.url.render_as_string(hide_password=True)


def make_engine(url: str) -> Engine:
    from sqlalchemy import create_engine, event

    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def sqlite_file(path: str | os.PathLike[str] | None = None) -> Path:
    """The SQLite file to open (the default one without ``path``), checked before any engine is made."""
    file = Path(path) if path is not None else default_db_path()
    file = file.expanduser()
    if file.exists() and file.is_dir():
        raise StoreError(f"{file} là một thư mục, không phải tệp cơ sở dữ liệu")
    if file.exists() and file.stat().st_size > 0:
        with open(file, "rb") as handle:
            if handle.read(16) != SQLITE_HEADER:
                raise StoreError(f"Tệp {file} không phải là cơ sở dữ liệu bkdesk (SQLite)")
    return file


def file_database(file: Path) -> Database:
    """A database on an existing SQLite file, its engine made on first use."""
    return Database(f"sqlite:///{file}", file)


def connect(path: str | os.PathLike[str] | None = None, url: str | None = None) -> Database:
    """Open (creating the folder if needed) the database, without touching its schema."""
    if url:
        db = Database(url)
        try:
            db.engine  # noqa: B018 -- a bad URL or a missing driver is reported here, not at first use
        except Exception as exc:  # any driver or URL error becomes a message for the user
            raise StoreError(f"Không mở được cơ sở dữ liệu theo địa chỉ {url}: {exc}") from exc
        return db
    file = sqlite_file(path)
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"Không tạo được thư mục {file.parent}: {exc.strerror}") from exc
    return file_database(file)
