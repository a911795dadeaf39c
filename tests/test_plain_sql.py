"""Plain SQL (db.plain): a file through sqlite3 and a URL through SQLAlchemy Core store the same rows.

The merge of submissions writes only through db.plain. These tests hold it to what the ORM
writers store: the same times (read back through the models), the same rows whichever way
the database was named, a whole rollback on failure and the refusal on read-only media.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bkdesk.catalogue import PeriodKind
from db.audit import history
from db.audit_log import AuditBatch
from db.database import Access, Database
from db.department_setup import install_setup
from db.entry import set_value
from db.exchange_models import ImportedSubmission
from db.issue import issue_department
from db.plain import plain_link
from db.schema import open_database
from db.submission_export import export_submission
from db.submission_import import ImportStatus, import_submissions
from tests.fixtures.commands import ROOT, dump

YEAR = 2020

# Rows as a person compares them: every table, its times left out (they differ by run, not by path).
_MOMENTS = {"at", "imported_at", "created_at", "updated_at", "first_file_at", "resolved_at", "issued_at", "made_at"}


def contents(path: Path) -> dict[str, list[tuple[object, ...]]]:
    found: dict[str, list[tuple[object, ...]]] = {}
    with closing(sqlite3.connect(path)) as connection:
        tables = [name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            columns = [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]
            kept = [c for c in columns if c not in _MOMENTS]
            query = f"SELECT {', '.join(kept)} FROM {table}"
            found[table] = sorted(connection.execute(query), key=repr)
    return found


@pytest.fixture
def submitted(demo_db: Database, tmp_path: Path) -> tuple[Path, Path]:
    """The demo office's database (closed) and a file from phòng KT with two figures changed."""
    issued = issue_department(demo_db, "KT", YEAR, tmp_path / "kt.setup", actor="văn phòng")
    phong = open_database(tmp_path / "kt.sqlite")
    try:
        install_setup(phong, tmp_path / "kt.setup", actor="phòng KT", passphrase=issued.passphrase)
        set_value(phong, "A.2", YEAR, "3.100", actor="phòng KT")
        set_value(phong, "A.11", YEAR, "1.410", actor="phòng KT")
        export_submission(phong, YEAR, PeriodKind.ESTIMATE, tmp_path / "kt-1.json", actor="phòng KT")
    finally:
        phong.dispose()
    assert demo_db.path is not None
    demo_db.dispose()
    return demo_db.path, tmp_path / "kt-1.json"


def test_a_file_and_its_url_store_the_same_rows(submitted: tuple[Path, Path], tmp_path: Path) -> None:
    office, file = submitted
    by_url = tmp_path / "by-url.sqlite"
    shutil.copyfile(office, by_url)
    as_file = open_database(office)
    as_url = open_database(url=f"sqlite:///{by_url}")
    try:
        for db in (as_file, as_url):
            outcomes = import_submissions(db, [file], actor="văn phòng")
            assert [(o.status, o.values_changed) for o in outcomes] == [(ImportStatus.ACCEPTED, 2)]
    finally:
        as_file.dispose()
        as_url.dispose()
    assert contents(office) == contents(by_url)
    assert ("A.2", "3.050", "3.100") in [(r[3], r[7], r[8]) for r in contents(office)["audit_log"]]


def test_times_written_as_plain_sql_read_back_through_the_models(submitted: tuple[Path, Path]) -> None:
    office, file = submitted
    db = open_database(office)
    try:
        before = datetime.now(UTC)
        import_submissions(db, [file], actor="văn phòng")
        after = datetime.now(UTC)
        with db.read() as session:
            taken = session.scalars(select(ImportedSubmission)).one()
        assert before <= taken.imported_at <= after
        assert taken.imported_at.tzinfo is UTC
        at = datetime(2020, 12, 31, 23, 59, 58, 0, tzinfo=UTC)  # no microseconds: still written in full
        with plain_link(db) as link, link.write() as plain:
            batch = AuditBatch()
            batch.record(actor="văn phòng", action="thử ghi", new="x")
            batch.entries[0]["at"] = at
            batch.write(plain)
        assert history(db)[-1].at == at
    finally:
        db.dispose()


def test_a_failed_write_stores_nothing(submitted: tuple[Path, Path]) -> None:
    office, _ = submitted
    db = open_database(office)
    try:
        count = len(history(db))
        with pytest.raises(RuntimeError), plain_link(db) as link, link.write() as plain:
            AuditBatch().write(plain)
            plain.run("INSERT INTO settings (key, value) VALUES ('thử', 'x')")
            raise RuntimeError("hỏng giữa chừng")
        with plain_link(db) as link, link.read() as plain:
            assert plain.value("SELECT value FROM settings WHERE key = 'thử'") is None
        assert len(history(db)) == count
    finally:
        db.dispose()


def test_read_only_media_refuses_the_merge_before_it_writes(submitted: tuple[Path, Path]) -> None:
    office, file = submitted
    before = dump(office)
    db = Database("sqlite://", office, Access.READ_ONLY)  # as db.database.check_file opens a file on a CD
    outcomes = import_submissions(db, [file], actor="văn phòng")
    db.dispose()
    assert [o.status for o in outcomes] == [ImportStatus.REFUSED]
    assert "chỉ cho phép đọc" in outcomes[0].reason
    assert dump(office) == before


def test_the_import_command_loads_neither_sqlalchemy_nor_the_orm(submitted: tuple[Path, Path]) -> None:
    office, file = submitted
    probe = (
        "import sys, main\n"
        "sys.argv = ['main.py', 'import-submissions', sys.argv[1], '--db', sys.argv[2]]\n"
        "try:\n    main.main()\nexcept SystemExit:\n    pass\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'openpyxl', 'PySide6'}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(file), str(office)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        check=False,
    )
    assert "1 đã nhận" in done.stdout, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
