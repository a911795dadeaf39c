"""``python main.py backups list|create|restore`` as a user runs them, and the copies the other commands make first."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

import db.backups as backups
from bkdesk.catalogue import PeriodKind
from cli.parser import main
from db.schema import open_database
from db.tables import evaluate, lock_state
from tests.fixtures.commands import run_main as run
from tests.fixtures.damaged import damage_database, from_newer_version, plain_sqlite
from tests.fixtures.exchange import issue_phong
from tests.fixtures.workbooks import seed_workbook


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def a8(path: Path) -> str:
    db = open_database(path)
    try:
        return evaluate(db, 2020).row("A.8").estimate.text
    finally:
        db.dispose()


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_create_list_and_restore_end_to_end(tmp_path: Path) -> None:
    database = tmp_path / "bkdesk.sqlite"
    assert run("demo", "--db", str(database)).returncode == 0
    listed = run("backups", "list", "--db", str(database))
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.strip() == f"Chưa có bản sao lưu nào của {database} (thư mục {tmp_path / 'backups'})."

    created = run("backups", "create", "--db", str(database))
    assert created.returncode == 0, created.stderr
    [made] = names(tmp_path / "backups")
    assert made.startswith("bkdesk-") and made.endswith("-thu-cong.sqlite")
    assert f"vào {tmp_path / 'backups' / made}" in created.stdout
    assert "bản sao đã qua bước kiểm tra toàn vẹn" in created.stdout

    assert run("set-value", "A.8", "30.000", "--db", str(database)).returncode == 0
    assert a8(database) == "30.000"
    listed = run("backups", "--db", str(database))  # "list" is the default
    lines = listed.stdout.splitlines()
    assert lines[0] == f"Các bản sao lưu của {database}, mới nhất trước (thư mục {tmp_path / 'backups'}):"
    day, time_of_day = lines[1].split()[:2]
    assert len(day.split("/")) == 3 and len(day) == 10 and len(time_of_day) == 5  # dd/mm/yyyy HH:MM
    assert "sao lưu theo yêu cầu" in lines[1] and made in lines[1] and "kB" in lines[1]
    assert lines[2].startswith("1 bản. bkdesk giữ 20 bản mới nhất")

    restored = run("backups", "restore", made, "--db", str(database))
    assert restored.returncode == 0, restored.stderr
    assert restored.stdout.startswith(f"Đã khôi phục {database} từ {tmp_path / 'backups' / made} (bản sao lưu lúc ")
    assert "Cơ sở dữ liệu trước khi khôi phục được sao lưu vào" in restored.stdout
    assert a8(database) == "21.246"
    saved = [name for name in names(tmp_path / "backups") if name.endswith("-khoi-phuc.sqlite")]
    assert len(saved) == 1
    listed = run("backups", "list", "--db", str(database))
    assert "trước khi khôi phục bản sao lưu" in listed.stdout.splitlines()[1]
    # The copy made before the restore has the figure the restore replaced: undoing the restore is one command.
    assert run("backups", "restore", str(tmp_path / "backups" / saved[0]), "--db", str(database)).returncode == 0
    assert a8(database) == "30.000"


@pytest.mark.parametrize("kind", ["not sqlite", "not bkdesk", "damaged", "newer", "unknown name"])
def test_restore_refusals_are_one_vietnamese_line_and_change_nothing(tmp_path: Path, kind: str) -> None:
    database = tmp_path / "bkdesk.sqlite"
    assert run("demo", "--db", str(database)).returncode == 0
    source = tmp_path / "nguon.sqlite"
    if kind == "not sqlite":
        source.write_text("không phải cơ sở dữ liệu", encoding="utf-8")
        expected = "không phải là cơ sở dữ liệu bkdesk (không phải tệp SQLite)"
    elif kind == "not bkdesk":
        plain_sqlite(source)
        expected = "không phải là cơ sở dữ liệu bkdesk (không có phiên bản lược đồ trong bảng meta)"
    elif kind == "damaged":
        backups.create_backup(database)
        [copy] = (tmp_path / "backups").iterdir()
        source = copy
        damage_database(source)
        expected = "bị hỏng (không qua được bước kiểm tra toàn vẹn)"
    elif kind == "newer":
        from_newer_version(database, source, 99)
        expected = "do phiên bản bkdesk mới hơn tạo (lược đồ 99"
    else:
        source = Path("bkdesk-20200101-000000.sqlite")
        expected = "Không tìm thấy bản sao lưu «bkdesk-20200101-000000.sqlite»"
    files = {p.name: p.read_bytes() for p in tmp_path.glob("bkdesk.sqlite*")}
    before = names(tmp_path / "backups")
    result = run("backups", "restore", str(source), "--db", str(database))
    assert result.returncode == 1
    assert result.stderr.startswith("Lỗi: ") and expected in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert {p.name: p.read_bytes() for p in tmp_path.glob("bkdesk.sqlite*")} == files
    assert names(tmp_path / "backups") == before


def test_a_database_given_by_url_has_no_backups_here(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = cli(capsys, "backups", "create", "--db-url", f"sqlite:///{tmp_path / 'x.sqlite'}")
    assert (code, out) == (1, "")
    assert "Chỉ sao lưu và khôi phục được cơ sở dữ liệu là tệp SQLite (--db)" in err


def test_every_command_that_changes_many_figures_backs_up_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    office = tmp_path / "tonghop.sqlite"
    folder = tmp_path / "backups"
    assert cli(capsys, "demo", "--db", str(office))[0] == 0
    assert names(folder) == []  # a new database has nothing to lose

    db = open_database(office)
    phong = issue_phong(db, "KT", tmp_path / "phong")
    db.dispose()
    phong.enter("A.8", "21.500")
    submission = phong.submit(tmp_path)
    phong.db.dispose()
    assert cli(capsys, "set-value", "A.8", "22.000", "--db", str(office))[0] == 0  # the office changed it too
    steps = [
        (("import-submissions", str(submission)), "nhan-so-lieu"),
        (("conflicts", "resolve", "1", "--keep", "incoming", "--reason", "theo công văn của phòng"), "xung-dot"),
        (("import-table", str(seed_workbook(tmp_path / "bieu.xlsx")), "--year", "2020"), "nhap-bieu"),
        (("lock", "--year", "2020", "--reason", "đã đủ số liệu"), "chot-so-lieu"),
        (("unlock", "--year", "2020", "--reason", "phòng KT sửa số liệu"), "mo-khoa"),
    ]
    for args, reason in steps:
        code, _out, err = cli(capsys, *args, "--db", str(office))
        assert code == 0, err
        made = [name for name in names(folder) if name.startswith("tonghop-") and name.endswith(f"-{reason}.sqlite")]
        assert len(made) == 1, (args, names(folder))


def test_a_full_disk_stops_the_command_before_it_writes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    office = tmp_path / "tonghop.sqlite"
    assert cli(capsys, "demo", "--db", str(office))[0] == 0

    def full(source: Path, target: Path, *, standalone: bool = False) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(target))

    monkeypatch.setattr(backups, "_copy", full)
    code, out, err = cli(capsys, "lock", "--year", "2020", "--reason", "đã đủ số liệu", "--db", str(office))
    assert (code, out) == (1, "")
    assert err.startswith("Lỗi: Chưa chốt số liệu: không tạo được bản sao lưu trong thư mục")
    assert "ổ đĩa đã đầy. Dữ liệu vẫn giữ nguyên; hãy giải phóng bớt dung lượng ổ đĩa rồi làm lại." in err
    db = open_database(office)
    try:
        assert lock_state(db, 2020, PeriodKind.ESTIMATE).locked is False
    finally:
        db.dispose()
    code, _out, err = cli(capsys, "set-value", "A.8", "30.000", "--db", str(office))
    assert code == 0, err  # a single edit is not an operation that needs a copy first
