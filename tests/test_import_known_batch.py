"""A batch of files the synthesis office already took is answered from the database file alone.

``import-submissions`` reads and hashes the files and, when every one is already imported
(or cannot be read), says so without loading the database layer: the same lines as the
ordinary path, nothing written, no backup. Anything it cannot be sure of takes the
ordinary path.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cli.parser import main
from db.backups import list_backups
from db.import_outcomes import ImportOutcome, ImportStatus, known_only
from db.schema import open_database
from db.submission_import import import_submissions
from tests.fixtures.commands import dump
from tests.fixtures.keys import passphrase_file

YEAR = "2020"


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def sent(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Path]:
    """The synthesis office, Phòng Kinh tế set up from its issued file, and two files of KT already imported."""
    office, kt = tmp_path / "tonghop.sqlite", tmp_path / "kt.sqlite"
    setup, secret = tmp_path / "kt.setup", passphrase_file(tmp_path / "giay")
    first, second = tmp_path / "kt-1.json", tmp_path / "kt-2.json"
    steps: list[tuple[str | Path, ...]] = [
        ("demo", "--db", office),
        ("issue-department", "--department", "KT", "--year", YEAR, "--out", setup, "--passphrase-file", secret),
        ("setup", setup, "--passphrase-file", secret, "--db", kt),
        ("set-value", "A.2", "3.111", "--db", kt),
        ("export-submission", "--year", YEAR, "--out", first, "--db", kt),
        ("set-value", "A.2", "3.120", "--db", kt),
        ("export-submission", "--year", YEAR, "--out", second, "--db", kt),
        ("import-submissions", first, second, "--db", office),
    ]
    for step in steps:
        args = [str(part) for part in step]
        if step[0] == "issue-department":
            args += ["--db", str(office)]
        assert cli(capsys, *args)[0] == 0, step
    return {"office": office, "kt": kt, "first": first, "second": second, "folder": tmp_path}


def test_a_batch_imported_again_says_so_file_by_file_and_writes_nothing(
    sent: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    office = sent["office"]
    before, backups = dump(office), len(list_backups(office))
    copy = sent["folder"] / "ban-sao.json"
    shutil.copyfile(sent["first"], copy)
    code, out, err = cli(capsys, "import-submissions", str(sent["second"]), str(copy), "--db", str(office))
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("kt-2.json: không thay đổi — tệp này đã được nhập ngày ")
    assert lines[0].endswith("(tên lúc đó: kt-2.json)")
    assert lines[1].startswith("ban-sao.json: không thay đổi — tệp này đã được nhập ngày ")
    assert lines[1].endswith("(tên lúc đó: kt-1.json)")
    assert lines[2] == "Tổng cộng 2 tệp: 0 đã nhận, 2 không thay đổi, 0 bị từ chối."
    assert dump(office) == before
    assert len(list_backups(office)) == backups  # nothing written, nothing to back up


def test_the_file_alone_gives_the_same_lines_as_the_database_layer(sent: dict[str, Path]) -> None:
    paths = [sent["second"], sent["folder"] / "khong-co.json", sent["first"]]
    quick = known_only(sent["office"], paths)
    assert quick is not None
    db = open_database(sent["office"])
    try:
        ordinary = import_submissions(db, paths, actor="văn thư")
    finally:
        db.dispose()
    assert [o.message for o in quick] == [o.message for o in ordinary]
    assert quick[1].message == "khong-co.json: bị từ chối — không tìm thấy tệp"


def test_a_new_file_in_the_batch_takes_the_ordinary_path(
    sent: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    office, newer = sent["office"], sent["folder"] / "kt-3.json"
    assert cli(capsys, "set-value", "A.2", "3.130", "--db", str(sent["kt"]))[0] == 0
    assert cli(capsys, "export-submission", "--year", YEAR, "--out", str(newer), "--db", str(sent["kt"]))[0] == 0
    assert known_only(office, [sent["first"], newer]) is None
    backups = len(list_backups(office))
    code, out, err = cli(capsys, "import-submissions", str(sent["first"]), str(newer), "--db", str(office))
    assert code == 0, err
    assert "kt-1.json: không thay đổi" in out
    assert "kt-3.json: đã nhận (phòng KT, số thứ tự 3) — 1 giá trị thay đổi, 0 xung đột" in out
    assert len(list_backups(office)) == backups + 1


def test_a_phong_database_is_still_refused_before_any_file_is_read(
    sent: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert known_only(sent["kt"], [sent["first"]]) is None
    code, _out, err = cli(capsys, "import-submissions", str(sent["first"]), "--db", str(sent["kt"]))
    assert code == 1
    assert "Chỉ văn phòng tổng hợp mới nhập tệp nộp số liệu" in err


def test_counts_above_a_thousand_are_written_the_vietnamese_way() -> None:
    outcome = ImportOutcome("KT.json", ImportStatus.ACCEPTED, department="KT", sequence=2, values_changed=1234)
    assert outcome.message == "KT.json: đã nhận (phòng KT, số thứ tự 2) — 1.234 giá trị thay đổi, 0 xung đột"
