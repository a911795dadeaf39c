"""Every release opens the databases of every earlier schema version, losing nothing.

``tests/fixtures/db/schema_vN.sqlite`` is a database as version N of the schema left
it (made once by ``make_schema_fixture.py``, never regenerated).
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from bkdesk.verdicts import Verdict
from db.file_format import APPLICATION_ID, SCHEMA_VERSION
from db.schema import open_database, schema_version
from db.settings import load_report_settings
from db.tables import evaluate

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "db"
VERSIONS = sorted(int(p.stem.removeprefix("schema_v")) for p in FIXTURES.glob("schema_v*.sqlite"))


def test_there_is_a_fixture_for_the_current_schema() -> None:
    assert SCHEMA_VERSION in VERSIONS


@pytest.mark.parametrize("version", VERSIONS)
def test_an_older_database_opens_and_keeps_its_figures(version: int, tmp_path: Path) -> None:
    copy = tmp_path / "bkdesk.sqlite"
    shutil.copy(FIXTURES / f"schema_v{version}.sqlite", copy)
    database = open_database(copy)
    try:
        assert schema_version(database) == SCHEMA_VERSION
        evaluation = evaluate(database, 2020)
        pig = evaluation.row("A.8")
        assert (pig.estimate.text, pig.input.note) == ("21.300", "Số liệu tháng 11")
        assert evaluation.row("D.5").verdict is Verdict.ACHIEVED  # the override survived
        assert evaluation.summary.counted == 59
        settings = load_report_settings(database)
        assert (settings.number, settings.date) == ("245", date(2020, 12, 10))
    finally:
        database.dispose()
    if version < SCHEMA_VERSION:
        assert list(tmp_path.glob("backups/bkdesk-*-nang-cap.sqlite")), "no backup before migrating"


def test_the_fixture_itself_is_never_written(tmp_path: Path) -> None:
    before = {p.name: p.read_bytes() for p in FIXTURES.glob("schema_v*.sqlite")}
    for version in VERSIONS:
        copy = tmp_path / f"v{version}.sqlite"
        shutil.copy(FIXTURES / f"schema_v{version}.sqlite", copy)
        open_database(copy).dispose()
    assert {p.name: p.read_bytes() for p in FIXTURES.glob("schema_v*.sqlite")} == before


def dump(path: Path) -> list[str]:
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(path)) as connection:
        return list(connection.iterdump())


def _v1_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "bkdesk.sqlite"
    shutil.copy(FIXTURES / "schema_v1.sqlite", copy)
    return copy


def test_a_migration_backs_up_the_file_then_runs_its_steps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy import Connection, text

    import db.schema as schema

    def add_column(connection: Connection) -> None:
        connection.execute(text("ALTER TABLE indicator_values ADD COLUMN checked_by VARCHAR(64) DEFAULT ''"))

    monkeypatch.setattr(schema, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setattr(schema, "MIGRATIONS", {**schema.MIGRATIONS, SCHEMA_VERSION: add_column})
    copy = _v1_copy(tmp_path)
    database = schema.open_database(copy)
    try:
        assert schema.schema_version(database) == SCHEMA_VERSION + 1
        with database.engine.connect() as connection:
            columns = {row[1] for row in connection.execute(text("PRAGMA table_info(indicator_values)"))}
            assert connection.execute(text("PRAGMA application_id")).scalar() == APPLICATION_ID  # step 1 → 2 ran
        assert "checked_by" in columns
    finally:
        database.dispose()
    backups = list(tmp_path.glob("backups/bkdesk-*-nang-cap.sqlite"))
    assert len(backups) == 1 and dump(backups[0]) == dump(FIXTURES / "schema_v1.sqlite")


def test_a_failed_migration_leaves_the_database_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy import Connection, text

    import db.schema as schema
    from db.errors import StoreError

    def broken(connection: Connection) -> None:
        connection.execute(text("UPDATE indicator_values SET text = 'hỏng'"))
        raise RuntimeError("bước nâng cấp lỗi")

    monkeypatch.setattr(schema, "MIGRATIONS", {**schema.MIGRATIONS, 1: broken})
    copy = _v1_copy(tmp_path)
    with pytest.raises(StoreError, match="Không mở được cơ sở dữ liệu") as caught:
        schema.open_database(copy)
    assert "RuntimeError" not in caught.value.message and "tệp vẫn như trước" in caught.value.message
    assert dump(copy) == dump(FIXTURES / "schema_v1.sqlite")
    monkeypatch.undo()
    database = schema.open_database(copy)
    try:
        assert evaluate(database, 2020).row("A.8").estimate.text == "21.300"
    finally:
        database.dispose()


def test_version_1_files_get_the_bkdesk_marker_in_their_header(tmp_path: Path) -> None:
    copy = _v1_copy(tmp_path)
    assert copy.read_bytes()[68:72] == bytes(4)  # made before the marker existed
    open_database(copy).dispose()
    assert copy.read_bytes()[68:72] == b"BKDK"
    assert int.from_bytes(b"BKDK", "big") == APPLICATION_ID


def test_a_new_database_is_marked_from_its_first_byte(tmp_path: Path) -> None:
    new = tmp_path / "mới.sqlite"
    database = open_database(new)
    try:
        assert new.read_bytes()[68:72] == b"BKDK"  # before the first write is even checkpointed
        assert schema_version(database) == SCHEMA_VERSION
    finally:
        database.dispose()
