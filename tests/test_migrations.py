"""Every release opens the databases of every earlier schema version, losing nothing.

``tests/fixtures/db/schema_vN.sqlite`` is a database as version N of the schema left
it (made once by ``make_schema_fixture.py``, never regenerated). The steps between
versions are the Alembic revisions in ``db/migrations/versions``; these tests prove
that each fixture, filled, reaches the schema a new file gets with every value it
held, and that a step failing half-way leaves the file exactly as it was.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import closing
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import db.database as database
from bkdesk.verdicts import Verdict
from db import migrations
from db.database import Access, check_file, open_sqlite
from db.errors import READ_ONLY, DatabaseProblem, StoreError
from db.file_format import APPLICATION_ID, SCHEMA_VERSION
from db.schema import open_database, schema_version
from db.settings import load_report_settings
from db.tables import evaluate

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "db"
VERSIONS = sorted(int(p.stem.removeprefix("schema_v")) for p in FIXTURES.glob("schema_v*.sqlite"))
# Every fixture: the synthesis office's (schema_vN) and, from schema 3 on, a phòng's (phong_vN).
FILES = sorted(p.name for p in FIXTURES.glob("*_v*.sqlite"))
EXCHANGE_TABLES = (
    "exchange_identity",
    "exchange_issues",
    "exchange_submissions",
    "exchange_bases",
    "value_provenance",
    "exchange_conflicts",
)


def test_there_is_a_fixture_for_the_current_schema() -> None:
    assert SCHEMA_VERSION in VERSIONS


def test_there_is_one_revision_per_schema_version_in_order() -> None:
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(migrations.config())
    assert migrations.head() == migrations.revision_of(SCHEMA_VERSION)
    chain = [(script.revision, script.down_revision) for script in reversed(list(scripts.walk_revisions()))]
    assert chain == [
        (migrations.revision_of(version), migrations.revision_of(version - 1) if version > 1 else None)
        for version in range(1, SCHEMA_VERSION + 1)
    ]
    assert set(VERSIONS) <= {version for version in range(1, SCHEMA_VERSION + 1)}


def copy_of(version: int, folder: Path, name: str = "bkdesk.sqlite") -> Path:
    copy = folder / name
    shutil.copy(FIXTURES / f"schema_v{version}.sqlite", copy)
    return copy


@pytest.mark.parametrize("version", VERSIONS)
def test_an_older_database_opens_and_keeps_its_figures(version: int, tmp_path: Path) -> None:
    copy = copy_of(version, tmp_path)
    db = open_database(copy)
    try:
        assert schema_version(db) == SCHEMA_VERSION
        evaluation = evaluate(db, 2020)
        pig = evaluation.row("A.8")
        assert (pig.estimate.text, pig.input.note) == ("21.300", "Số liệu tháng 11")
        assert evaluation.row("D.5").verdict is Verdict.ACHIEVED  # the override survived
        assert evaluation.summary.counted == 59
        settings = load_report_settings(db)
        assert (settings.number, settings.date) == ("245", date(2020, 12, 10))
    finally:
        db.dispose()
    if version < SCHEMA_VERSION:
        assert list(tmp_path.glob("backups/bkdesk-*-nang-cap.sqlite")), "no backup before migrating"


def test_a_schema_5_file_remembers_the_estimate_each_printed_ratio_was_printed_for(tmp_path: Path) -> None:
    # The v5 fixture: the demo (A.2 3.050 printed "100", A.8 21.246 printed "144,55"), then A.8
    # typed as 21.300 and A.2 taken as 3.100 from KT's file and set to 3.120 by the office.
    db = open_database(copy_of(5, tmp_path))
    try:
        with db.read() as session:
            from sqlalchemy import select

            from db.models import IndicatorRow, ValueRow

            printed_for = dict(
                session.execute(
                    select(IndicatorRow.code, ValueRow.reported_pct_estimate)
                    .join(ValueRow, ValueRow.indicator_id == IndicatorRow.id)
                    .where(ValueRow.reported_pct_last_year != "")
                ).all()
            )
        assert (printed_for["A.2"], printed_for["A.8"], printed_for["B.6"]) == ("3.050", "21.246", "97")
        evaluation = evaluate(db, 2020)
        shop, pig, roads = evaluation.row("A.2"), evaluation.row("A.8"), evaluation.row("B.6")
        assert shop.estimate.text == "3.120" and round(shop.pct_last_year or 0, 2) == Decimal("102.30")
        assert pig.estimate.text == "21.300" and round(pig.pct_last_year or 0, 2) == Decimal("144.92")
        assert (roads.pct_last_year, roads.same_period_text) == (None, "Duy trì")
        assert {shop.last_year_source, pig.last_year_source} == {"ty-le-in"}
    finally:
        db.dispose()


def test_the_fixture_itself_is_never_written(tmp_path: Path) -> None:
    before = {p.name: p.read_bytes() for p in FIXTURES.glob("*.sqlite")}
    for name in FILES:
        shutil.copy(FIXTURES / name, tmp_path / name)
        open_database(tmp_path / name).dispose()
    assert {p.name: p.read_bytes() for p in FIXTURES.glob("*.sqlite")} == before


# ---- every value, filled exchange tables included -----------------------------------------------

ISSUES = [
    # id, setup_id, phòng, sequence_start; the last sequence the upgrade must find for it
    (1, "setup-kt-1", "KT", 0),
    (2, "setup-kt-2", "KT", 5),  # re-issued after sequence 5
    (3, "setup-tckh-1", "TCKH", 3),  # nothing received yet
    (4, "setup-yt-1", "YT", 10),  # only a file numbered below its start (from before a re-issue)
]
EXPECTED_LAST_SEQUENCE = {"setup-kt-1": 5, "setup-kt-2": 7, "setup-tckh-1": 3, "setup-yt-1": 10}
SUBMISSIONS = [
    # id, phòng, sequence, setup_id, signed
    (1, "KT", 1, "setup-kt-1", 1),
    (2, "KT", 2, "setup-kt-1", 1),
    (3, "KT", 5, "setup-kt-1", 1),
    (4, "KT", 7, "setup-kt-2", 1),
    (5, "KT", None, None, 0),  # a filled Excel template: no sequence, no setup
    (6, "YT", 4, "setup-yt-1", 1),
    (7, "TCKH", 9, None, 0),  # another phòng's template file numbered 9: not the TCKH setup's
]


def fill_exchange_tables(path: Path) -> None:
    """What the exchange leaves in a database, written as the release that made ``path`` stored it."""
    with closing(sqlite3.connect(path)) as connection, connection:
        department = dict(connection.execute("SELECT code, id FROM departments"))
        (period,) = connection.execute("SELECT id FROM periods WHERE year = 2020 AND kind = 'uoc'").fetchone()
        indicator = dict(connection.execute("SELECT code, id FROM indicators"))
        connection.execute(
            "INSERT INTO exchange_identity VALUES (1, 'KT', 'Phòng Kinh tế', 'setup-kt-2', "
            "'a2V5IG9mIHRoZSBwaMOybmcgS1QsIDMyIGJ5dGVzIGxvbmc=', 'kt-khoa-02', "
            "'2020-11-02 08:00:00.000000', '2020-11-02 09:15:30.123456', 7)"
        )
        connection.executemany(
            "INSERT INTO exchange_issues VALUES (?, ?, ?, 2020, ?, ?, ?, ?, 'văn phòng tổng hợp', ?)",
            [
                (
                    id_,
                    setup,
                    department[code],
                    f"public-{setup}",
                    f"key-{setup}",
                    start,
                    f"2020-1{id_}-01 07:00:00",
                    f"{setup}.bkdesk-setup",
                )
                for id_, setup, code, start in ISSUES
            ],
        )
        connection.executemany(
            "INSERT INTO exchange_submissions VALUES (?, ?, ?, ?, ?, '2020-11-20 10:00:00.000000', "
            "'2020-11-21 14:30:00.000000', 'cán bộ tổng hợp', ?, ?, ?, ?, 2, ?)",
            [
                (
                    id_,
                    hashlib.sha256(bytes([id_])).hexdigest(),
                    department[code],
                    period,
                    sequence,
                    signed,
                    f"Số liệu {code} số {sequence}.xlsx",
                    setup,
                    None if setup else f"mau-{code}",
                    int(id_ == 3),
                )
                for id_, code, sequence, setup, signed in SUBMISSIONS
            ],
        )
        connection.executemany(
            "INSERT INTO exchange_bases VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (1, department["KT"], indicator["A.8"], period, "", "21.300", "Số liệu tháng 11"),
                (2, department["KT"], indicator["A.8"], period, "mau-KT", "21.000", ""),
                (3, department["YT"], indicator["A.2"], period, "", ">95", "ước"),
            ],
        )
        connection.executemany(
            "INSERT INTO value_provenance VALUES (?, ?, ?, ?)",
            [(1, indicator["A.8"], period, 3), (2, indicator["A.8"], period, 4), (3, indicator["A.2"], period, 6)],
        )
        connection.executemany(
            "INSERT INTO exchange_conflicts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '2020-11-21 14:30:00.000000', "
            "?, ?, ?, ?)",
            [
                (
                    1,
                    department["KT"],
                    indicator["A.8"],
                    period,
                    3,
                    "value",
                    "21.000",
                    "21.300",
                    "22.000",
                    "open",
                    None,
                    "",
                    "",
                    "",
                ),
                (
                    2,
                    department["KT"],
                    indicator["A.8"],
                    period,
                    4,
                    "note",
                    "",
                    "Số liệu tháng 11",
                    "Tháng 12",
                    "resolved",
                    "2020-11-22 08:00:00.000000",
                    "trưởng phòng",
                    "incoming",
                    "Phòng gửi bản mới",
                ),
            ],
        )


def table_rows(path: Path) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, as SQLite stores it (no type conversion on the way)."""
    with closing(sqlite3.connect(path)) as connection:
        connection.row_factory = sqlite3.Row
        tables = [name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {
            table: [dict(row) for row in connection.execute(f'SELECT * FROM "{table}" ORDER BY rowid')]
            for table in tables
        }


def version_of(name: str) -> int:
    return int(Path(name).stem.rpartition("_v")[2])


@pytest.mark.parametrize("name", FILES)
def test_every_value_of_a_filled_database_is_found_after_the_upgrade(name: str, tmp_path: Path) -> None:
    version = version_of(name)
    copy = tmp_path / "bkdesk.sqlite"
    shutil.copy(FIXTURES / name, copy)
    with closing(sqlite3.connect(copy)) as connection:
        filled = [t for t in EXCHANGE_TABLES if connection.execute(f"SELECT count(*) FROM {t}").fetchone()[0]]
    if not filled:  # made before the fixtures held any exchange: filled here as that release stored it
        assert version < 3
        fill_exchange_tables(copy)
    before = table_rows(copy)
    assert all(before[table] for table in (filled or EXCHANGE_TABLES))
    open_database(copy).dispose()
    after = table_rows(copy)
    renamed = {("exchange_identity", "private_key"): "legacy_private_key"} if version < 3 else {}
    for table, rows in before.items():
        if table == "alembic_version":  # the revision a file records moves on: checked below
            continue
        assert len(after[table]) == len(rows), table
        for old, new in zip(rows, after[table], strict=True):
            for column, value in old.items():
                if (table, column) == ("meta", "value") and old["key"] == "schema_version":
                    assert new[column] == str(SCHEMA_VERSION)
                    continue
                assert new[renamed.get((table, column), column)] == value, (table, column, old)
    if not filled:
        assert [(row["setup_id"], row["last_sequence"]) for row in after["exchange_issues"]] == list(
            EXPECTED_LAST_SEQUENCE.items()
        )
        identity = after["exchange_identity"][0]
        assert (identity["key_store"], identity["sealed_key"]) == ("", "")
        assert identity["legacy_private_key"] == "a2V5IG9mIHRoZSBwaMOybmcgS1QsIDMyIGJ5dGVzIGxvbmc="
        assert "private_key" not in identity
    if version < 4:  # files and identities from before installations: the first format, one per phòng
        assert all(row["installation_id"] == "" for row in after["exchange_identity"])
        assert all(row["installation_id"] is None for row in after["exchange_submissions"])
        assert after["exchange_installations"] == [] and after["exchange_sent"] == []
    assert after["alembic_version"] == [{"version_num": migrations.revision_of(SCHEMA_VERSION)}]


# ---- the schema an upgrade reaches is the one a new file gets -----------------------------------


def schema_differences(path: Path) -> list[Any]:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine

    from db import exchange_models  # noqa: F401 -- every table in the metadata
    from db.models import Base

    engine = create_engine("sqlite://", creator=lambda: open_sqlite(path, Access.READ_ONLY))
    try:
        with engine.connect() as connection:
            return compare_metadata(MigrationContext.configure(connection), Base.metadata)
    finally:
        engine.dispose()


@pytest.mark.parametrize("name", FILES)
def test_an_upgraded_schema_equals_a_new_one(name: str, tmp_path: Path) -> None:
    copy = tmp_path / name
    shutil.copy(FIXTURES / name, copy)
    open_database(copy).dispose()
    assert schema_differences(copy) == []


def test_a_new_database_and_one_built_from_the_first_revision_have_the_same_schema(tmp_path: Path) -> None:
    new = tmp_path / "mới.sqlite"
    open_database(new).dispose()
    assert schema_differences(new) == []
    built = tmp_path / "từng-bước.sqlite"
    built.touch()  # an empty file is an empty SQLite database
    engine = database.upgrade_engine(built)
    try:
        with engine.begin() as connection:
            from alembic import command

            command.upgrade(migrations.config(connection), migrations.revision_of(SCHEMA_VERSION))
    finally:
        engine.dispose()
    assert schema_differences(built) == []
    rows = table_rows(built)
    assert rows["meta"] == [{"key": "schema_version", "value": str(SCHEMA_VERSION)}]
    assert table_rows(new)["alembic_version"] == rows["alembic_version"]


# ---- how the upgrade runs: one write transaction, foreign keys off, nothing changed before it commits --


@pytest.fixture
def traced(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every statement SQLite runs on the upgrade's own connection, in order."""
    from sqlalchemy import event

    import db.schema as schema

    statements: list[str] = []
    made = database.upgrade_engine

    def tracing_engine(file: Path) -> Any:
        engine = made(file)
        event.listen(engine, "connect", lambda connection, _record: connection.set_trace_callback(statements.append))
        return engine

    monkeypatch.setattr(schema, "upgrade_engine", tracing_engine)
    yield statements


def test_the_upgrade_is_one_immediate_transaction_with_foreign_keys_off(tmp_path: Path, traced: list[str]) -> None:
    copy = copy_of(1, tmp_path)
    open_database(copy).dispose()
    said = [statement.strip() for statement in traced]
    begin = said.index("BEGIN IMMEDIATE")
    commit = said.index("COMMIT")
    assert said.count("BEGIN IMMEDIATE") == 1 and said.count("COMMIT") == 1, said
    assert said.index("PRAGMA foreign_keys = OFF") < begin < commit < said.index("PRAGMA foreign_keys = ON")
    assert begin < said.index("PRAGMA foreign_key_check") and said[commit - 1] == "PRAGMA foreign_key_check"
    assert any(s.startswith("ALTER TABLE") for s in said[begin:commit])
    assert any(s.startswith("PRAGMA application_id") for s in said[begin:commit])  # the marker, inside it
    assert not [s for s in said if "journal_mode" in s or "synchronous" in s]  # WAL comes after, from the app's engine
    with closing(sqlite3.connect(copy)) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def add_revision(folder: Path, version: int, body: str) -> None:
    (folder / "versions" / f"{migrations.revision_of(version)}_test.py").write_text(
        textwrap.dedent(
            f"""
            import sqlalchemy as sa
            from alembic import op

            revision = "{migrations.revision_of(version)}"
            down_revision = "{migrations.revision_of(version - 1)}"


            def upgrade() -> None:
            """
        )
        + textwrap.indent(textwrap.dedent(body).strip(), "    ")
        + "\n",
        encoding="utf-8",
    )


@pytest.fixture
def revisions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of bkdesk's revisions the test may change, used by every upgrade in the test."""
    folder = tmp_path / "migrations"
    shutil.copytree(migrations.FOLDER, folder, ignore=shutil.ignore_patterns("__pycache__", "__init__.py"))
    monkeypatch.setattr(migrations, "FOLDER", folder)
    return folder


def test_a_new_revision_runs_after_the_backup(tmp_path: Path, revisions: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import db.schema as schema

    add_revision(
        revisions,
        SCHEMA_VERSION + 1,
        """
        with op.batch_alter_table("indicator_values") as values:
            values.add_column(sa.Column("checked_by", sa.String(64), nullable=False, server_default=""))
        """,
    )
    monkeypatch.setattr(schema, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    copy = copy_of(1, tmp_path)
    db = schema.open_database(copy)
    try:
        assert schema.schema_version(db) == SCHEMA_VERSION + 1
        with db.engine.connect() as connection:
            columns = {row[1] for row in connection.exec_driver_sql("PRAGMA table_info(indicator_values)")}
            assert connection.exec_driver_sql("PRAGMA application_id").scalar() == APPLICATION_ID  # 1 → 2 ran
            recorded = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        assert "checked_by" in columns and recorded == migrations.revision_of(SCHEMA_VERSION + 1)
    finally:
        db.dispose()
    backups = list(tmp_path.glob("backups/bkdesk-*-nang-cap.sqlite"))
    assert len(backups) == 1 and table_rows(backups[0]) == table_rows(FIXTURES / "schema_v1.sqlite")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def as_the_app_left_it(version: int, folder: Path) -> Path:
    """A copy of the fixture in WAL mode, as bkdesk leaves every file it has written (no -wal once closed)."""
    copy = copy_of(version, folder)
    with closing(sqlite3.connect(copy)) as connection:
        connection.execute("PRAGMA journal_mode = WAL")
    return copy


FAILING_STEPS = {
    "a column added": """
        op.add_column("exchange_issues", sa.Column("last_sequence", sa.Integer(), nullable=False, server_default="0"))
        raise RuntimeError("bước nâng cấp hỏng sau ALTER TABLE đầu tiên")
    """,
    "a table rebuilt": """
        with op.batch_alter_table("exchange_identity") as identity:
            identity.alter_column("private_key", new_column_name="legacy_private_key", type_=sa.Text())
        op.execute("UPDATE indicator_values SET text = 'hỏng'")
        raise RuntimeError("bước nâng cấp hỏng sau ALTER TABLE đầu tiên")
    """,
}


@pytest.mark.parametrize("step", FAILING_STEPS)
@pytest.mark.parametrize(("version", "journal"), [(1, "delete"), (2, "wal")])
def test_a_step_that_raises_after_its_first_alter_table_leaves_the_file_byte_identical(
    version: int, journal: str, step: str, tmp_path: Path, revisions: Path
) -> None:
    (revisions / "versions" / "0003_key_store_and_installation_sequence.py").unlink()
    add_revision(revisions, 3, FAILING_STEPS[step])
    copy = copy_of(version, tmp_path) if journal == "delete" else as_the_app_left_it(version, tmp_path)
    before = sha256(copy)
    with pytest.raises(StoreError) as refused:
        open_database(copy)
    message = refused.value.message
    assert message.startswith(f"Không mở được cơ sở dữ liệu {copy}: chuẩn bị hoặc nâng cấp tệp không thành công")
    assert "tệp vẫn như trước" in message and "RuntimeError" not in message and "ALTER" not in message
    assert sha256(copy) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["bkdesk.sqlite"]  # no -wal, -shm, -journal
    assert len(list(tmp_path.glob("backups/*-nang-cap.sqlite"))) == 1  # the copy made before it stays
    # Still the file the older release had: its checks pass, its version and figures are there.
    assert check_file(copy).version == version
    with closing(open_sqlite(copy, Access.READ_ONLY)) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == (journal,)
        assert connection.execute("SELECT count(*) FROM indicator_values WHERE text = 'hỏng'").fetchone() == (0,)


def test_after_a_failed_upgrade_the_real_one_still_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "migrations"
    shutil.copytree(migrations.FOLDER, broken, ignore=shutil.ignore_patterns("__pycache__", "__init__.py"))
    (broken / "versions" / "0003_key_store_and_installation_sequence.py").unlink()
    add_revision(broken, 3, FAILING_STEPS["a table rebuilt"])
    copy = as_the_app_left_it(1, tmp_path)
    with monkeypatch.context() as patched:
        patched.setattr(migrations, "FOLDER", broken)
        with pytest.raises(StoreError):
            open_database(copy)
    db = open_database(copy)
    try:
        assert schema_version(db) == SCHEMA_VERSION
        assert evaluate(db, 2020).row("A.8").estimate.text == "21.300"
    finally:
        db.dispose()
    assert schema_differences(copy) == []


def test_a_step_that_breaks_a_reference_is_rolled_back(
    tmp_path: Path, revisions: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import db.schema as schema

    # With foreign keys off SQLite lets the step delete rows others refer to; the check before the commit does not.
    add_revision(revisions, SCHEMA_VERSION + 1, 'op.execute("DELETE FROM periods")')
    monkeypatch.setattr(schema, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    copy = as_the_app_left_it(2, tmp_path)
    before = sha256(copy)
    with pytest.raises(StoreError, match="tệp vẫn như trước"):
        schema.open_database(copy)
    assert sha256(copy) == before


def test_two_bkdesk_upgrading_one_file_at_once_upgrade_it_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import db.schema as schema

    copy = as_the_app_left_it(1, tmp_path)
    backed_up = schema.backup_file

    def another_bkdesk_first(path: Path, version: int) -> Path:
        # This one has read version 1 and made its copy; the other one upgrades the file meanwhile.
        made = backed_up(path, version)
        script = f"from db.schema import open_database; open_database({str(path)!r}).dispose()"
        subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, capture_output=True)
        return made

    monkeypatch.setattr(schema, "backup_file", another_bkdesk_first)
    db = open_database(copy)
    try:
        assert schema_version(db) == SCHEMA_VERSION
        assert evaluate(db, 2020).row("A.8").estimate.text == "21.300"
    finally:
        db.dispose()
    assert table_rows(copy)["alembic_version"] == [{"version_num": migrations.revision_of(SCHEMA_VERSION)}]
    assert schema_differences(copy) == []


# ---- read-only media, and what start-up loads ------------------------------------------------------


def test_an_older_file_on_read_only_media_is_refused_and_a_current_one_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    older = copy_of(2, tmp_path, "2019.sqlite")
    current = copy_of(SCHEMA_VERSION, tmp_path, "2020.sqlite")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    monkeypatch.setattr(database, "is_writable", lambda _file: False)
    with pytest.raises(DatabaseProblem) as refused:
        open_database(older)
    assert refused.value.kind == READ_ONLY
    assert f"Cơ sở dữ liệu {older} cần nâng cấp (lược đồ 2) nhưng tệp chỉ cho phép đọc" in refused.value.message
    db = open_database(current)
    try:
        assert db.read_only and schema_version(db) == SCHEMA_VERSION
        assert evaluate(db, 2020).row("A.8").estimate.text == "21.300"
    finally:
        db.dispose()
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_opening_a_current_database_never_loads_alembic(tmp_path: Path) -> None:
    copy = copy_of(SCHEMA_VERSION, tmp_path)
    script = f"""
        import sys
        from pathlib import Path
        from db.first_screen import FirstScreenReader
        with FirstScreenReader.open(Path({str(copy)!r})) as reader:
            reader.years()
        print("first screen:", sorted(m for m in ("alembic", "sqlalchemy") if m in sys.modules))
        from db.schema import open_database
        from db.tables import years
        db = open_database({str(copy)!r})
        years(db)
        db.dispose()
        print("opened:", "alembic" in sys.modules)
    """
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["first screen: []", "opened: False"]


def test_a_new_database_is_marked_from_its_first_byte(tmp_path: Path) -> None:
    new = tmp_path / "mới.sqlite"
    db = open_database(new)
    try:
        assert new.read_bytes()[68:72] == b"BKDK"  # before the first write is even checkpointed
        assert schema_version(db) == SCHEMA_VERSION
    finally:
        db.dispose()


def test_version_1_files_get_the_bkdesk_marker_in_their_header(tmp_path: Path) -> None:
    copy = copy_of(1, tmp_path)
    assert copy.read_bytes()[68:72] == bytes(4)  # made before the marker existed
    open_database(copy).dispose()
    assert copy.read_bytes()[68:72] == b"BKDK"
    assert int.from_bytes(b"BKDK", "big") == APPLICATION_ID
