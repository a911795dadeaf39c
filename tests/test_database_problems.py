"""A damaged, read-only, locked or full database: one Vietnamese line saying what is wrong and what to do.

The failures are real ones where the machine allows: a file with damaged pages, a second
connection holding the write lock, and, inside a user and mount namespace (``unshare``),
a read-only bind mount and a full ``tmpfs``. Without ``unshare`` those two are skipped;
the read-only one is then still checked with the writability test replaced, since the
suite runs as root and ``chmod`` does not stop root from writing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

import db.database as database
from cli.parser import main
from db.database import Access, open_sqlite
from db.entry import set_value
from db.errors import DAMAGED, FULL, LOCKED, MISSING, READ_ONLY, DatabaseProblem, database_problem
from db.file_format import SCHEMA_VERSION
from db.schema import open_database
from db.tables import evaluate

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "db" / f"schema_v{SCHEMA_VERSION}.sqlite"  # a file of this schema
# What a user must never see: SQLite's or SQLAlchemy's English, SQL, a URL.
ENGLISH = re.compile(
    r"\b(database|disk|image|malformed|locked|readonly|attempt|unable|error|sqlite3?|select|insert|update|"
    r"background|sqlalche\.me)\b|file:|://",
    re.IGNORECASE,
)


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_vietnamese_line(text: str) -> None:
    assert len(text.strip().splitlines()) == 1, text
    words = re.sub(r"\S*\.sqlite\b", "", text)  # file names are the user's own
    assert ENGLISH.search(words) is None, text
    assert "Traceback" not in text


def copy_of_fixture(folder: Path, name: str = "so-lieu.sqlite") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    shutil.copy(FIXTURE, path)
    return path


def value_of(path: Path, code: str) -> str:
    with closing(open_sqlite(path, Access.READ_ONLY)) as connection:
        found = connection.execute(
            "SELECT v.text FROM indicator_values v JOIN indicators i ON v.indicator_id = i.id "
            "JOIN periods p ON v.period_id = p.id WHERE i.code = ? AND p.year = 2020 AND p.kind = 'uoc'",
            (code,),
        ).fetchone()
    return str(found[0])


# ---- the one place where SQLite's codes become words -------------------------------------------


class _Failure(Exception):
    def __init__(self, code: int) -> None:
        super().__init__("database is locked")
        self.sqlite_errorcode = code


@pytest.mark.parametrize(
    ("code", "kind", "says"),
    [
        (5, LOCKED, "đang bị một chương trình khác giữ để ghi"),
        (517, LOCKED, "đang bị một chương trình khác giữ để ghi"),  # SQLITE_BUSY_SNAPSHOT
        (6, LOCKED, "đang bị một chương trình khác giữ để ghi"),
        (8, READ_ONLY, "chỉ cho phép đọc"),
        (11, DAMAGED, "bị hỏng"),
        (26, DAMAGED, "bị hỏng"),
        (13, FULL, "đã đầy"),
        (14, MISSING, "Không mở được tệp"),
        (10, "disk", "Lỗi đọc ghi ổ đĩa"),
        (3850, "disk", "Lỗi đọc ghi ổ đĩa"),  # SQLITE_IOERR_LOCK
    ],
)
def test_each_failure_says_what_is_wrong_and_what_to_do(code: int, kind: str, says: str) -> None:
    problem = database_problem(_Failure(code), "/dữ liệu/bkdesk.sqlite")
    assert problem is not None and problem.kind == kind
    assert says in problem.message and "/dữ liệu/bkdesk.sqlite" in problem.message
    assert_one_vietnamese_line(problem.message)
    assert "; hãy " in problem.message or "hãy " in problem.message  # what to do


def test_other_errors_are_not_taken_for_database_problems() -> None:
    assert database_problem(ValueError("x")) is None
    assert database_problem(_Failure(19)) is None  # a constraint: a bug to log, not the user's to fix


def test_real_sqlite_failures_raw_and_through_sqlalchemy(tmp_path: Path) -> None:
    from sqlalchemy.exc import OperationalError

    with pytest.raises(sqlite3.OperationalError) as missing:
        open_sqlite(tmp_path / "không có.sqlite")
    assert database_problem(missing.value).kind == MISSING  # type: ignore[union-attr]
    path = copy_of_fixture(tmp_path)
    with closing(open_sqlite(path, Access.READ_ONLY)) as connection, pytest.raises(sqlite3.OperationalError) as ro:
        connection.execute("DELETE FROM audit_log")
    assert database_problem(ro.value).kind == READ_ONLY  # type: ignore[union-attr]
    wrapped = OperationalError("DELETE FROM audit_log", {}, ro.value)
    assert database_problem(wrapped).kind == READ_ONLY  # type: ignore[union-attr]
    assert ENGLISH.search(str(wrapped))  # what the user would have seen


# ---- damaged ---------------------------------------------------------------------------------


def damaged(folder: Path) -> Path:
    path = copy_of_fixture(folder, "hong.sqlite")
    data = bytearray(path.read_bytes())
    data[len(data) // 2 :] = b"\xff" * (len(data) - len(data) // 2)  # the pages of the figures
    path.write_bytes(bytes(data))
    return path


def test_a_damaged_database_is_one_line_in_every_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = damaged(tmp_path)
    for command in (
        ["evaluate", "--year", "2020"],
        ["set-value", "A.8", "22.000"],
        ["audit", "--year", "2020"],
        ["report", "--year", "2020", "--pdf", str(tmp_path / "bieu.pdf")],
    ):
        status, _, err = cli(capsys, *command, "--db", str(path))
        assert status == 1, command
        assert err.startswith(f"Lỗi: Tệp cơ sở dữ liệu {path} bị hỏng"), err
        assert "bản sao lưu" in err
        assert_one_vietnamese_line(err)
    assert not (tmp_path / "bieu.pdf").exists()


# ---- locked ----------------------------------------------------------------------------------


@pytest.fixture
def short_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 200)  # a locked file answers in a fraction of a second


def test_a_write_lock_held_by_another_program_is_said_and_reading_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], short_wait: None
) -> None:
    path = copy_of_fixture(tmp_path)
    open_database(path).dispose()  # as bkdesk leaves it: in WAL mode
    holder = open_sqlite(path)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another program in the middle of writing
        holder.execute("UPDATE settings SET value = value")
        status, _, err = cli(capsys, "set-value", "A.8", "22.000", "--db", str(path))
        assert status == 1
        assert err.startswith(f"Lỗi: Cơ sở dữ liệu {path} đang bị một chương trình khác giữ để ghi")
        assert "hãy đợi chương trình đó xong rồi thử lại" in err
        assert_one_vietnamese_line(err)
        status, out, err = cli(capsys, "evaluate", "--year", "2020", "--json", "--db", str(path))
        assert status == 0, err  # readers never wait for a writer
        assert next(row for row in json.loads(out)["rows"] if row["code"] == "A.8")["estimate"] == "21.300"
    finally:
        holder.rollback()
        holder.close()
    assert value_of(path, "A.8") == "21.300"
    assert cli(capsys, "set-value", "A.8", "22.000", "--db", str(path))[0] == 0  # once the lock is let go


def test_the_service_raises_the_same_message(tmp_path: Path, short_wait: None) -> None:
    path = copy_of_fixture(tmp_path)
    db = open_database(path)
    holder = open_sqlite(path)
    try:
        holder.execute("BEGIN IMMEDIATE")
        holder.execute("UPDATE settings SET value = value")
        with pytest.raises(DatabaseProblem) as caught:
            set_value(db, "A.8", 2020, "22.000", actor="cán bộ KT")
        assert caught.value.kind == LOCKED
    finally:
        holder.rollback()
        holder.close()
        db.dispose()


# ---- full disk -------------------------------------------------------------------------------


def test_a_full_disk_is_said_and_nothing_is_half_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite's own limit on the file's size gives the same SQLITE_FULL as a full disk (the real one is below)."""
    pragmas = database._sqlite_pragmas

    def at_most_its_size(connection: Any, record: Any) -> None:
        pragmas(connection, record)
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        connection.execute(f"PRAGMA max_page_count = {pages}")

    path = copy_of_fixture(tmp_path)
    monkeypatch.setattr(database, "_sqlite_pragmas", at_most_its_size)
    db = open_database(path)
    try:
        with pytest.raises(DatabaseProblem) as caught:
            set_value(db, "A.8", 2020, "22.000", note="Số liệu tháng 11. " * 100, actor="cán bộ KT")
        assert caught.value.kind == FULL
        assert caught.value.message.startswith(f"Ổ đĩa chứa cơ sở dữ liệu {path} đã đầy")
        assert_one_vietnamese_line(caught.value.message)
        assert evaluate(db, 2020).row("A.8").estimate.text == "21.300"
    finally:
        db.dispose()


def _unshare_works() -> bool:
    if sys.platform != "linux" or shutil.which("unshare") is None:
        return False
    try:
        return subprocess.run(["unshare", "-rm", "true"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


needs_unshare = pytest.mark.skipif(not _unshare_works(), reason="needs unshare (user and mount namespaces)")


def in_namespace(mount: str, script: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """``python -c script`` after the shell commands ``mount``, inside a private user and mount namespace."""
    runner = tmp_path / "run.py"
    runner.write_text(textwrap.dedent(script), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BKDESK_DATA_DIR": str(tmp_path / "data")}
    return subprocess.run(
        ["unshare", "-rm", "sh", "-c", f'{mount} && "{sys.executable}" "{runner}"'],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        env=env,
        cwd=ROOT,
    )


@needs_unshare
def test_a_really_full_disk(tmp_path: Path) -> None:
    disk = tmp_path / "usb"
    disk.mkdir()
    script = f"""
        import json, shutil, sys
        from pathlib import Path
        from cli.parser import main
        from db.schema import open_database
        disk = Path({str(disk)!r})
        path = disk / "so-lieu.sqlite"
        shutil.copy({str(FIXTURE)!r}, path)
        holder = open_database(path)  # the app, open on the file: its -wal and -shm are there
        with open(disk / "day", "wb") as filler:  # then the disk fills up
            try:
                while True:
                    filler.write(b"0" * 65536)
                    filler.flush()
            except OSError:
                pass
        code = main(["set-value", "A.8", "22.000", "--note", "Số liệu tháng 11. " * 100, "--db", str(path)])
        (disk / "day").unlink()
        holder.dispose()
        print(json.dumps(code))
        main(["evaluate", "--year", "2020", "--db", str(path)])
    """
    done = in_namespace(f'mount -t tmpfs -o size=1m tmpfs "{disk}"', script, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "1"
    err = done.stderr.strip()
    assert err.startswith("Lỗi: Ổ đĩa chứa cơ sở dữ liệu") and "đã đầy" in err, err
    assert_one_vietnamese_line(err)
    assert "21.300" in done.stdout  # the figure as it was


# ---- read-only media -------------------------------------------------------------------------


@needs_unshare
def test_a_database_on_read_only_media_reads_and_refuses_writes(tmp_path: Path) -> None:
    media = tmp_path / "dia-chi-doc"
    path = copy_of_fixture(media)
    open_database(path).dispose()  # a bkdesk file in WAL mode, closed: no -wal beside it
    before = {p.name: p.read_bytes() for p in media.iterdir()}
    out = tmp_path / "ra"
    out.mkdir()
    script = f"""
        import json, subprocess, sys
        path, out = {str(path)!r}, {str(out)!r}
        results = {{}}
        for name, args in {{
            "evaluate": ["evaluate", "--year", "2020", "--json"],
            "report": ["report", "--year", "2020", "--pdf", out + "/bieu.pdf"],
            "status": ["status", "--year", "2020"],
            "audit": ["audit", "--year", "2020", "--indicator", "A.8"],
            "set-value": ["set-value", "A.8", "22.000"],
            "demo": ["demo"],
            "lock": ["lock", "--year", "2020", "--reason", "Đã trình"],
        }}.items():
            done = subprocess.run([sys.executable, "main.py", *args, "--db", path], capture_output=True, text=True)
            results[name] = [done.returncode, done.stdout, done.stderr]
        print(json.dumps(results))
    """
    mount = f'mount --bind "{media}" "{media}" && mount -o remount,bind,ro "{media}"'
    done = in_namespace(mount, script, tmp_path)
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    for name in ("evaluate", "report", "status", "audit"):
        assert results[name][0] == 0, (name, results[name][2])
    pig = next(row for row in json.loads(results["evaluate"][1])["rows"] if row["code"] == "A.8")
    assert pig["estimate"] == "21.300"
    assert "21.300" in results["audit"][1]
    assert (out / "bieu.pdf").read_bytes().startswith(b"%PDF")
    for name in ("set-value", "demo", "lock"):
        code, _, err = results[name]
        assert code == 1, (name, err)
        assert err.startswith(f"Lỗi: Không ghi được vào cơ sở dữ liệu {path}: tệp hoặc thư mục chứa nó chỉ cho")
        assert "hãy chép tệp sang một thư mục ghi được" in err
        assert_one_vietnamese_line(err)
    assert {p.name: p.read_bytes() for p in media.iterdir()} == before  # not a byte, no -wal, no -shm


def test_a_file_bkdesk_may_not_write_opens_for_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same without a namespace: the writability test answers as on read-only media."""
    path = copy_of_fixture(tmp_path / "dia")
    open_database(path).dispose()
    before = {p.name: p.read_bytes() for p in path.parent.iterdir()}
    monkeypatch.setattr(database, "is_writable", lambda _file: False)
    db = open_database(path)
    try:
        assert db.read_only and db.access is Access.IMMUTABLE  # WAL file no one has open: nothing made beside it
        assert evaluate(db, 2020).row("A.8").estimate.text == "21.300"
        with pytest.raises(DatabaseProblem) as refused:
            set_value(db, "A.8", 2020, "22.000", actor="cán bộ KT")
        assert refused.value.kind == READ_ONLY
    finally:
        db.dispose()
    status, _, err = cli(capsys, "set-value", "A.8", "22.000", "--db", str(path))
    assert status == 1 and "chỉ cho phép đọc" in err
    assert cli(capsys, "evaluate", "--year", "2020", "--db", str(path))[0] == 0
    assert {p.name: p.read_bytes() for p in path.parent.iterdir()} == before


def test_a_read_only_file_of_the_first_schema_is_refused_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Its exchange tables are read only once upgraded (db.file_format.OLDEST_READABLE_VERSION).
    path = tmp_path / "2019.sqlite"
    shutil.copy(FIXTURE.with_name("schema_v1.sqlite"), path)
    before = path.read_bytes()
    monkeypatch.setattr(database, "is_writable", lambda _file: False)
    with pytest.raises(DatabaseProblem) as refused:
        open_database(path)
    assert refused.value.kind == READ_ONLY and "cần nâng cấp (lược đồ 1)" in refused.value.message
    assert_one_vietnamese_line(refused.value.message)
    assert path.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["2019.sqlite"]
