"""The file named is the file opened, and a file that is not bkdesk's is left exactly as it was.

Commands run in this process (``cli.parser.main``) as a user types them; each refusal is
checked for its Vietnamese message and for the folder afterwards: the same bytes in every
file, and no journal, ``-wal`` or ``-shm`` file made beside it.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from bkdesk.catalogue import PeriodKind
from cli.parser import main
from db.database import Access, check_file, default_db_path, open_sqlite
from db.errors import StoreError
from db.file_format import APPLICATION_ID, SCHEMA_VERSION
from db.first_screen import FirstScreenReader
from db.schema import open_database
from tests.fixtures.keys import passphrase_file
from tests.fixtures.workbooks import seed_workbook

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "db"
NOT_OURS = "không phải cơ sở dữ liệu bkdesk"


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def dump(path: Path) -> list[str]:
    with closing(open_sqlite(path, Access.READ_ONLY)) as connection:
        return list(connection.iterdump())


def estimate(capsys: pytest.CaptureFixture[str], db: Path, code: str) -> str:
    status, out, err = cli(capsys, "evaluate", "--year", "2020", "--json", "--db", str(db))
    assert status == 0, err
    return next(row["estimate"] for row in json.loads(out)["rows"] if row["code"] == code)


# ---- the file named is the file opened --------------------------------------------------------

NAMES = [
    "Số liệu?năm=2020.sqlite",
    "a%20b.sqlite",
    "so#1.sqlite",
    "bkdesk.sqlite ",  # a trailing space
    "file:bkdesk.sqlite",  # what SQLite would read as a URI
    "Phòng Kinh tế/Số liệu ước thực hiện năm 2020.sqlite",
]


@pytest.mark.parametrize("name", NAMES)
def test_the_file_named_is_the_file_written_and_read(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / name
    assert cli(capsys, "demo", "--db", str(path))[0] == 0
    status, out, err = cli(capsys, "set-value", "A.8", "22000", "--db", str(path))
    assert status == 0, err
    assert "A.8 năm 2020: giá trị «21.246» → «22.000»" in out
    assert estimate(capsys, path, "A.8") == "22.000"
    # Only the named file (and SQLite's own files beside it, under its name): nothing under a cut name.
    assert set(p.name for p in path.parent.iterdir()) <= {path.name, f"{path.name}-wal", f"{path.name}-shm"}
    assert path.name in {p.name for p in path.parent.iterdir()}
    assert path.read_bytes()[68:72] == b"BKDK"
    reader = FirstScreenReader.open(path)  # the app's start-up reads the same file
    assert reader is not None
    with reader:
        pig = next(row for row in reader.rows(2020, PeriodKind.ESTIMATE) if row.indicator.code == "A.8")
    assert pig.estimate == "22.000"


def test_an_upgrade_backs_up_beside_the_named_file(tmp_path: Path) -> None:
    path = tmp_path / "Số liệu?năm=2019#1 .sqlite"
    shutil.copy(FIXTURES / "schema_v1.sqlite", path)
    open_database(path).dispose()
    backups = list((tmp_path / "backups").iterdir())
    assert len(backups) == 1
    assert backups[0].name.startswith("Số liệu?năm=2019#1 -") and backups[0].suffix == ".sqlite"
    assert dump(backups[0]) == dump(FIXTURES / "schema_v1.sqlite")
    assert path.read_bytes()[68:72] == b"BKDK"


# ---- a file that is not bkdesk's is left alone -------------------------------------------------


def _foreign(path: Path, *, wal: bool = False, application_id: int = 0) -> None:
    with closing(sqlite3.connect(path)) as connection:
        if wal:
            connection.execute("PRAGMA journal_mode=WAL")
        if application_id:
            connection.execute(f"PRAGMA application_id = {application_id}")
        connection.execute("CREATE TABLE ghi_chu (noi_dung TEXT)")
        connection.execute("INSERT INTO ghi_chu VALUES ('sổ tay của tôi')")
        connection.commit()


def _newer(path: Path) -> None:
    database = open_database(path)
    with database.begin() as session:
        from db.models import Meta

        session.get(Meta, "schema_version").value = "999"  # type: ignore[union-attr]
    database.dispose()


def _no_tables(path: Path) -> None:
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA user_version = 7")  # a valid SQLite file holding nothing


def make_file(kind: str, path: Path) -> str:
    """Make a file of ``kind`` at ``path``; returns what the refusal says."""
    if kind == "foreign":
        _foreign(path)
    elif kind == "foreign-wal":
        _foreign(path, wal=True)
    elif kind == "other-application":
        _foreign(path, application_id=int.from_bytes(b"GPKG", "big"))
    elif kind == "empty":
        path.touch()
        return "trống (0 byte)"
    elif kind == "text":
        path.write_text("Đây là một tệp văn bản, không phải cơ sở dữ liệu.", encoding="utf-8")
    elif kind == "no-tables":
        _no_tables(path)
    elif kind == "newer":
        _newer(path)
        return "do phiên bản bkdesk mới hơn tạo (lược đồ 999"
    return NOT_OURS


KINDS = ["foreign", "foreign-wal", "other-application", "empty", "text", "no-tables", "newer"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_file_that_is_not_bkdesks_is_refused_and_left_byte_identical(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "thu-muc"
    folder.mkdir()
    path = folder / "so-lieu.sqlite"
    said = make_file(kind, path)
    if kind in ("foreign-wal", "newer"):
        assert path.read_bytes()[18] == 2  # a WAL file that no one has open: reading it must not make its -wal
    before = snapshot(folder)
    assert list(before) == ["so-lieu.sqlite"]
    with pytest.raises(StoreError) as refused:
        open_database(path)
    assert said in refused.value.message and str(path) in refused.value.message
    assert "bkdesk không ghi gì vào tệp này" in refused.value.message
    for command in (
        ["demo"],
        ["evaluate", "--year", "2020"],
        ["set-value", "A.8", "22.000"],
        ["status", "--year", "2020"],
        ["audit", "--year", "2020"],
        ["import-table", str(seed_workbook(tmp_path / "Phụ lục.xlsx")), "--year", "2020"],
    ):
        status, _, err = cli(capsys, *command, "--db", str(path))
        assert status == 1, command
        assert err.startswith("Lỗi: Tệp") or err.startswith("Lỗi: Cơ sở dữ liệu"), err
        assert said in err and "Traceback" not in err
    assert FirstScreenReader.open(path) is None
    assert snapshot(folder) == before


@pytest.mark.parametrize("kind", ["foreign", "empty", "newer"])
def test_the_app_refuses_it_too_and_leaves_it_alone(kind: str, tmp_path: Path) -> None:
    from ui.options import AppOptions
    from ui.session import open_store, quick_start

    folder = tmp_path / "thu-muc"
    folder.mkdir()
    path = folder / "so-lieu.sqlite"
    said = make_file(kind, path)
    before = snapshot(folder)
    options = AppOptions(db=str(path), role="KT")
    assert quick_start(options, None) is None  # steps aside for the database layer, which says why
    with pytest.raises(StoreError, match=re.escape(said)):
        open_store(options)  # a new database would get the demo here
    assert snapshot(folder) == before


def test_the_default_database_left_empty_is_made_again(tmp_path: Path) -> None:
    default = default_db_path()
    default.parent.mkdir(parents=True)
    default.touch()  # bkdesk's own file, left empty (by an older bkdesk stopped at its first start)
    assert check_file().access is Access.CREATE
    database = open_database()
    try:
        assert default.read_bytes()[68:72] == b"BKDK"
    finally:
        database.dispose()
    named = tmp_path / "trong.sqlite"
    named.touch()
    with pytest.raises(StoreError, match="trống"):
        check_file(named)  # a file the user named is not bkdesk's to fill


def test_a_new_file_is_made_whole_under_its_name_and_nothing_else_is_left(tmp_path: Path) -> None:
    path = tmp_path / "mới" / "bkdesk.sqlite"
    database = open_database(path)
    database.dispose()
    assert sorted(p.name for p in path.parent.iterdir()) == ["bkdesk.sqlite"]  # no temporary file left
    with closing(open_sqlite(path, Access.READ_ONLY)) as connection:
        assert connection.execute("PRAGMA application_id").fetchone() == (APPLICATION_ID,)
        assert connection.execute("SELECT value FROM meta").fetchone() == (str(SCHEMA_VERSION),)


def test_open_sqlite_never_creates_a_file_unless_asked(tmp_path: Path) -> None:
    missing = tmp_path / "không có?.sqlite"
    for access in (Access.READ_WRITE, Access.READ_ONLY, Access.IMMUTABLE):
        with pytest.raises(sqlite3.OperationalError):
            open_sqlite(missing, access)
    assert not list(tmp_path.iterdir())


# ---- demo and import-table on someone's figures ----------------------------------------------


@pytest.fixture
def kt_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    office, kt, setup = tmp_path / "tonghop.sqlite", tmp_path / "kt.sqlite", tmp_path / "kt.setup"
    secret = str(passphrase_file(tmp_path / "giay"))
    issue = ("issue-department", "--department", "KT", "--year", "2020", "--out", str(setup))
    for step in (
        ("demo", "--db", str(office)),
        (*issue, "--passphrase-file", secret, "--db", str(office)),
        ("setup", str(setup), "--passphrase-file", secret, "--db", str(kt)),
        ("set-value", "A.3", "480", "--db", str(kt)),
    ):
        assert cli(capsys, *step)[0] == 0, step
    return kt


def test_demo_and_import_table_are_refused_on_a_phongs_database(
    kt_database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = dump(kt_database)
    status, _, err = cli(capsys, "demo", "--db", str(kt_database))
    assert status == 1
    assert "đây là cơ sở dữ liệu của phòng KT (Phòng Kinh tế)" in err
    assert "demo --db tệp-mới.sqlite" in err
    status, _, err = cli(capsys, "demo", "--replace", "--db", str(kt_database))
    assert status == 1 and "đây là cơ sở dữ liệu của phòng KT" in err  # --replace does not override whose it is
    workbook = seed_workbook(tmp_path / "Phụ lục 2020.xlsx")
    status, _, err = cli(capsys, "import-table", str(workbook), "--year", "2020", "--db", str(kt_database))
    assert status == 1
    assert err.startswith("Lỗi: Không nhập biểu Phụ lục 2020.xlsx vào")
    assert "đây là cơ sở dữ liệu của phòng KT (Phòng Kinh tế)" in err and "export-submission" in err
    assert dump(kt_database) == before
    assert estimate(capsys, kt_database, "A.3") == "480"


def test_demo_asks_for_replace_on_a_database_with_entered_figures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "tonghop.sqlite"
    assert cli(capsys, "demo", "--db", str(path))[0] == 0
    assert cli(capsys, "demo", "--db", str(path))[0] == 0  # the demo alone: refreshed, nothing to lose
    assert cli(capsys, "set-value", "A.8", "22000", "--note", "Số liệu tháng 11", "--db", str(path))[0] == 0
    before = dump(path)
    status, _, err = cli(capsys, "demo", "--db", str(path))
    assert status == 1
    assert "A.8 năm 2020: ước thực hiện «22.000»" in err and "A.8 năm 2020: ghi chú «Số liệu tháng 11»" in err
    assert err.rstrip().endswith("hãy chạy lại lệnh với --replace.")
    assert dump(path) == before
    status, _, err = cli(capsys, "demo", "--replace", "--db", str(path))
    assert status == 0, err
    assert estimate(capsys, path, "A.8") == "21.246"  # the demo's figure again; the note, not the demo's, stays


def test_demo_asks_for_replace_on_another_citys_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.fixtures.workbooks import simple_table, write_workbook

    path = tmp_path / "thanh-pho-khac.sqlite"
    workbook = write_workbook(
        tmp_path / "Biểu.xlsx",
        simple_table([("A", "Chỉ tiêu kinh tế"), ("1", "Tổng sản phẩm trên địa bàn", "Tỷ đồng", "5.000", "5.100")]),
    )
    assert cli(capsys, "import-table", str(workbook), "--year", "2020", "--db", str(path))[0] == 0
    before = dump(path)
    status, _, err = cli(capsys, "demo", "--db", str(path))
    assert status == 1 and "--replace" in err
    assert dump(path) == before


def test_windows_paths_become_uris_sqlite_opens_as_files() -> None:
    import ntpath

    from db.database import sqlite_uri

    assert sqlite_uri(r"C:\Số liệu\so #1%20.sqlite", paths=ntpath) == (
        "file:///C:/S%E1%BB%91%20li%E1%BB%87u/so%20%231%2520.sqlite?mode=rw"
    )
    # A shared folder on the office network: SQLite refuses a URI with a host, so the host goes in the path.
    assert sqlite_uri(r"\\may-chu\chung\so lieu.sqlite", Access.READ_ONLY, paths=ntpath) == (
        "file:////may-chu/chung/so%20lieu.sqlite?mode=ro"
    )
