"""Opening the database: one SQLite file in the user's data folder, or any SQLAlchemy URL.

SQLAlchemy is imported when an engine is first needed, not with this module: the app
names its database before the first paint and reads its first screen without it
(:mod:`db.first_screen`).

A file is opened by its path, never through a URL that SQLite or SQLAlchemy would parse
(``?``, ``#``, ``%20`` are letters of a file name): every connection to it, SQLAlchemy's
and ``sqlite3``'s alike, comes from :func:`open_sqlite`, which hands SQLite a ``file:``
URI with the whole path percent-encoded. Before anything opens a file to write,
:func:`check_file` reads it without writing a byte (no journal or WAL file either) and
refuses a file that is not bkdesk's, is empty, or comes from a newer bkdesk.
"""

from __future__ import annotations

import enum
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from db.errors import READ_ONLY, DatabaseProblem, StoreError, database_problem, problem_message
from db.file_format import APPLICATION_ID, OLDEST_READABLE_VERSION, SCHEMA_VERSION
from db.transactions import WRITE, install_transaction_control, trace_write, tracing_writes

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

APP_NAME = "bkdesk"
DB_FILE_NAME = "bkdesk.sqlite"
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000  # how long a write waits for another process's write lock before saying so


class Access(enum.Enum):
    """How :func:`open_sqlite` opens a file (SQLite's URI parameters)."""

    CREATE = "mode=rwc"  # read and write, creating the file if missing
    READ_WRITE = "mode=rw"  # read and write an existing file; never creates one
    READ_ONLY = "mode=ro"  # read with the usual locks (a WAL file gets its -wal and -shm beside it)
    IMMUTABLE = "mode=ro&immutable=1"  # read a file no one can change: no lock, nothing created beside it

    @property
    def writes(self) -> bool:
        return self in (Access.CREATE, Access.READ_WRITE)


class _Connection(sqlite3.Connection):
    """A ``sqlite3`` connection that knows whether it may write (the pragmas run on connect ask)."""

    read_only = False


def sqlite_uri(file: os.PathLike[str] | str, access: Access = Access.READ_WRITE, *, paths: Any = os.path) -> str:
    """``file`` as a SQLite URI: every character of the path is taken as it is.

    Everything but the separators and the drive colon is percent-encoded (UTF-8 for
    Vietnamese), so "?", "#", "%" and spaces stay part of the name; SQLite decodes it back.
    The authority is always empty, as SQLite requires: on Windows ``C:\\x`` becomes
    ``file:///C:/x`` and a network path ``\\\\server\\share\\x`` becomes ``file:////server/share/x``
    (``paths``: ``os.path``, or ``ntpath`` to see what Windows gets).
    """
    path = paths.abspath(file)
    if paths.sep == "\\":
        path = path.replace("\\", "/")
        if not path.startswith("/"):
            path = "/" + path
    return f"file://{quote(path, safe='/:')}?{access.value}"


def open_sqlite(
    file: Path,
    access: Access = Access.READ_WRITE,
    *,
    timeout: float | None = None,
    check_same_thread: bool = True,
) -> sqlite3.Connection:
    """The one way bkdesk opens a SQLite file by its path (the engine, the first screen, backups, checks)."""
    connection = sqlite3.connect(
        sqlite_uri(file, access),
        uri=True,
        timeout=BUSY_TIMEOUT_MS / 1000 if timeout is None else timeout,
        check_same_thread=check_same_thread,
        factory=_Connection,
    )
    connection.read_only = not access.writes
    return connection


def is_writable(file: Path) -> bool:
    """Whether bkdesk may write ``file`` (and its journal beside it): the file and its folder allow it.

    Read-only media (a CD, a write-protected USB stick or share) and files without write
    permission answer ``False``; the database then opens for reading only.
    """
    return os.access(file.parent, os.W_OK) and (not file.exists() or os.access(file, os.W_OK))


def untouched_access(file: Path, header: bytes) -> Access:
    """How to read ``file`` leaving nothing beside it: a WAL file no one has open is read as immutable.

    Opening a WAL file read-only still creates its ``-wal`` and ``-shm``; with no ``-wal``
    beside it no process has it open, so reading it without locks is exact. A file
    someone has open (its ``-wal`` is there) is read with the usual locks, which create
    nothing new.
    """
    in_wal_mode = len(header) > 19 and header[18] == 2
    if in_wal_mode and not file.with_name(file.name + "-wal").exists():
        return Access.IMMUTABLE
    return Access.READ_ONLY


@dataclass(frozen=True, slots=True)
class DatabaseFile:
    """A SQLite file :func:`check_file` found fit to open, and how."""

    path: Path
    access: Access  # READ_WRITE; READ_ONLY or IMMUTABLE on read-only media; CREATE for a file still to create
    version: int | None = None  # the stored schema version; None: new, or no schema yet

    @property
    def read_only(self) -> bool:
        return not self.access.writes

    @property
    def read_access(self) -> Access:
        """How a reader that never writes (the first screen) opens it."""
        return Access.READ_ONLY if self.access.writes else self.access


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
    if getattr(dbapi_connection, "read_only", False):
        cursor.execute("PRAGMA query_only=ON")  # a file on read-only media: its journal mode stays as it is
    else:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


class Database:
    """An engine and its session factory. Each unit of work is ``with db.begin() as s:``.

    The engine is made on first use, once, whichever thread gets there first: the app
    opens its first screen with a database whose engine a background task makes later.
    """

    def __init__(self, url: str, path: Path | None = None, access: Access = Access.READ_WRITE) -> None:
        self.url = url
        self.path = path
        self.access = access
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

                    engine = make_engine(self.url, self.path, self.access)
                    label = str(self.path) if self.path is not None else engine.url.render_as_string(hide_password=True)
                    _translate_errors(engine, label)
                    self._sessions = sessionmaker(engine, expire_on_commit=False)
                    self._engine = engine
        return self._engine

    @property
    def sessions(self) -> sessionmaker[Session]:
        self.engine  # noqa: B018 -- made together with the engine
        assert self._sessions is not None
        return self._sessions

    @property
    def read_only(self) -> bool:
        """A file on read-only media: opened for reading, every write refused with the reason."""
        return not self.access.writes

    def refuse_writes(self) -> None:
        if self.read_only:
            raise DatabaseProblem(problem_message(READ_ONLY, self.label), READ_ONLY)

    @contextmanager
    def begin(self) -> Iterator[Session]:
        """One write transaction: committed when the block ends, rolled back on any error.

        It holds the write lock from its start (SQLite: ``BEGIN IMMEDIATE``), so every value it
        reads is still the stored one when it writes (:mod:`db.transactions`). A database on
        read-only media refuses it before anything is opened.
        """
        self.refuse_writes()
        if self.before_write is not None:
            self.before_write()
        with self.sessions.begin() as session:
            session.connection(execution_options=WRITE)
            yield session
        if tracing_writes():
            trace_write("committed")

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read: a consistent snapshot that never waits for a writer."""
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


def make_engine(url: str, file: Path | None = None, access: Access = Access.READ_WRITE) -> Engine:
    """The engine of ``url``, or of the SQLite ``file`` opened by its path (``url`` is then ``sqlite://``)."""
    from sqlalchemy import create_engine, event

    engine = create_engine(url, **_file_engine_options(file, access))
    install_transaction_control(engine)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def upgrade_engine(file: Path) -> Engine:
    """An engine on ``file`` for its schema upgrade alone: one connection, and none of the pragmas above.

    An older file keeps its journal mode (no switch to WAL) and its header until the
    upgrade has committed (:func:`db.schema.upgrade`); a failed upgrade leaves it as it was.
    """
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    def creator() -> sqlite3.Connection:
        return open_sqlite(file, Access.READ_WRITE, check_same_thread=False)

    engine = create_engine("sqlite://", creator=creator, poolclass=NullPool)
    install_transaction_control(engine)
    _translate_errors(engine, str(file))
    return engine


def _file_engine_options(file: Path | None, access: Access) -> dict[str, Any]:
    if file is None:
        return {}
    from sqlalchemy.pool import QueuePool

    # As SQLAlchemy's pysqlite dialect sets up a file URL: a pool of connections any thread may use.
    def creator() -> sqlite3.Connection:
        return open_sqlite(file, access, check_same_thread=False)

    return {"creator": creator, "poolclass": QueuePool}


def _translate_errors(engine: Engine, label: str) -> None:
    """Every SQLite failure on this engine reaches its caller as a :class:`DatabaseProblem` in Vietnamese."""
    from sqlalchemy import event
    from sqlalchemy.engine import ExceptionContext

    def translate(context: ExceptionContext) -> None:
        problem = database_problem(context.original_exception, label)
        if problem is not None:
            raise problem from context.original_exception

    event.listen(engine, "handle_error", translate)


def _not_ours(file: Path, what: str) -> StoreError:
    return StoreError(
        f"Tệp {file} không phải cơ sở dữ liệu bkdesk ({what}); bkdesk không ghi gì vào tệp này. "
        "Hãy chọn đúng tệp cơ sở dữ liệu của bkdesk, hoặc một tên tệp mới để tạo cơ sở dữ liệu mới."
    )


def newer_schema_message(label: str | Path, version: int) -> str:
    return (
        f"Cơ sở dữ liệu {label} do phiên bản bkdesk mới hơn tạo (lược đồ {version}, "
        f"phiên bản này đọc được đến {SCHEMA_VERSION}); bkdesk không ghi gì vào tệp này: hãy cập nhật bkdesk"
    )


def _stored_version(file: Path, access: Access) -> tuple[bool, int | None]:
    """(whether it has any table, the schema version in ``meta``), read without writing anything."""
    try:
        with closing(open_sqlite(file, access, timeout=BUSY_TIMEOUT_MS / 1000)) as connection:
            tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            found = None
            if "meta" in tables:
                found = connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except sqlite3.Error as exc:
        problem = database_problem(exc, str(file))
        if problem is not None:
            raise problem from exc
        raise StoreError(f"Không đọc được tệp {file} như một cơ sở dữ liệu SQLite: tệp có thể đã hỏng") from exc
    if found is None:
        return bool(tables), None
    try:
        return True, int(found[0])
    except (TypeError, ValueError):
        raise _not_ours(file, "số phiên bản lược đồ không đọc được") from None


def check_file(path: str | os.PathLike[str] | None = None) -> DatabaseFile:
    """The SQLite file to open (the default one without ``path``), checked without writing a byte.

    A missing file, or the default database left empty, is new: :func:`connect` creates it.
    An existing file must carry bkdesk's marker (``PRAGMA application_id``), or be a
    database of the first schema (before the marker) with its ``meta`` table; an empty
    file, any other file and a file from a newer bkdesk are refused, and no journal or
    WAL file is left beside them.
    """
    file = Path(path) if path is not None else default_db_path()
    file = file.expanduser()
    if file.is_dir():
        raise StoreError(f"{file} là một thư mục, không phải tệp cơ sở dữ liệu")
    if not file.exists():
        return DatabaseFile(file, Access.CREATE)
    try:
        with open(file, "rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        from bkdesk.file_errors import file_error_reason

        raise StoreError(f"Không đọc được tệp {file}: {file_error_reason(exc)}") from exc
    if not header:
        if path is None:  # bkdesk's own default database, left empty: it is created again
            return DatabaseFile(file, Access.CREATE)
        raise StoreError(
            f"Tệp {file} trống (0 byte), không phải cơ sở dữ liệu bkdesk; bkdesk không ghi gì vào tệp này. "
            "Hãy xóa tệp đó, hoặc chọn một tên tệp mới để tạo cơ sở dữ liệu mới."
        )
    if header[:16] != SQLITE_HEADER or len(header) < 100:
        raise _not_ours(file, "không phải tệp SQLite, hoặc tệp đã hỏng")
    application_id = int.from_bytes(header[68:72], "big")
    if application_id not in (0, APPLICATION_ID):
        raise _not_ours(file, "tệp SQLite của một chương trình khác")
    has_tables, version = _stored_version(file, untouched_access(file, header))
    if version is None and application_id == 0:
        if has_tables or path is not None:
            raise _not_ours(file, "tệp SQLite không có dữ liệu của bkdesk")
        return DatabaseFile(file, Access.CREATE)  # the default database, left without any table
    if version is not None and version > SCHEMA_VERSION:
        raise StoreError(newer_schema_message(file, version))
    if is_writable(file):
        return DatabaseFile(file, Access.READ_WRITE, version)
    if version is None or version < OLDEST_READABLE_VERSION:
        state = "chưa có dữ liệu" if version is None else f"cần nâng cấp (lược đồ {version})"
        raise DatabaseProblem(
            f"Cơ sở dữ liệu {file} {state} nhưng tệp chỉ cho phép đọc (ổ đĩa chỉ đọc hoặc không có quyền ghi); "
            "hãy chép tệp sang một thư mục ghi được rồi mở bản chép đó.",
            READ_ONLY,
        )
    return DatabaseFile(file, untouched_access(file, header), version)


def create_file(file: Path) -> None:
    """Make a new, empty bkdesk file at ``file``, marked as bkdesk's, in one step.

    It is made under a temporary name beside it and linked into place, so a process killed
    meanwhile never leaves a half-made file under the user's name (a file not yet marked
    would be refused as not bkdesk's); a file made meanwhile by another process is kept.
    """
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"Không tạo được thư mục {file.parent}: {exc.strerror}") from exc
    temporary = file.with_name(f".{file.name}.{os.getpid()}-{threading.get_ident()}.tao-moi")
    try:
        with closing(open_sqlite(temporary, Access.CREATE)) as connection:
            connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            connection.execute("PRAGMA journal_mode = WAL")
        if file.exists() and file.stat().st_size == 0:
            os.replace(temporary, file)  # the default database left empty (check_file let only that through)
        else:
            try:
                os.link(temporary, file)
            except FileExistsError:
                pass  # another bkdesk made it first: theirs is kept and checked again
            except OSError:  # a file system without hard links (FAT on a USB stick)
                if not file.exists():
                    os.replace(temporary, file)
    except sqlite3.Error as exc:
        problem = database_problem(exc, str(file))
        raise problem or StoreError(f"Không tạo được tệp {file}") from exc
    except OSError as exc:
        from bkdesk.file_errors import file_error_reason

        raise StoreError(f"Không tạo được tệp {file}: {file_error_reason(exc)}") from exc
    finally:
        for leftover in (temporary, *(temporary.with_name(temporary.name + s) for s in ("-wal", "-shm", "-journal"))):
            leftover.unlink(missing_ok=True)


def file_database(file: DatabaseFile) -> Database:
    """A database on a checked SQLite file, its engine made on first use."""
    return Database("sqlite://", file.path, file.access)


def connect(path: str | os.PathLike[str] | None = None, url: str | None = None) -> Database:
    """Open (creating the folder and file if needed) the database, without touching its schema."""
    if url:
        db = Database(url)
        try:
            db.engine  # noqa: B018 -- a bad URL or a missing driver is reported here, not at first use
        except Exception as exc:  # any driver or URL error becomes a message for the user
            raise StoreError(f"Không mở được cơ sở dữ liệu theo địa chỉ {url}: {exc}") from exc
        return db
    file = check_file(path)
    if file.access is Access.CREATE:
        create_file(file.path)
        file = check_file(file.path)  # made now, by this process or another
    return file_database(file)
