"""export-feedback, import-feedback and feedback-choices as a user runs and reads them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cli.parser import main
from tests.fixtures.commands import dump, run_main
from tests.fixtures.keys import passphrase_file

YEAR = "2020"


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def offices(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    """The synthesis office (demo data), Phòng Kinh tế set up from its issued file, and its first file merged."""
    office, kt = str(tmp_path / "tonghop.sqlite"), str(tmp_path / "kt.sqlite")
    setup, secret = str(tmp_path / "kt.setup"), str(passphrase_file(tmp_path / "giay"))
    sent = str(tmp_path / "KT-1.json")
    for step in (
        ("demo", "--db", office),
        (
            "issue-department",
            "--department",
            "KT",
            "--year",
            YEAR,
            "--out",
            setup,
            "--passphrase-file",
            secret,
            "--db",
            office,
        ),
        ("setup", setup, "--passphrase-file", secret, "--db", kt),
        ("set-value", "A.11", "1.400", "--db", kt),
        ("export-submission", "--year", YEAR, "--out", sent, "--db", kt),
        ("import-submissions", sent, "--db", office),
    ):
        assert cli(capsys, *step)[0] == 0, step
    return {"office": office, "kt": kt, "folder": str(tmp_path)}


def test_a_return_file_round_trip_with_a_choice(
    offices: dict[str, str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    office, kt = offices["office"], offices["kt"]
    back = str(tmp_path / "KT-phanhoi.json")
    assert cli(capsys, "set-value", "A.11", "1.405", "--db", office)[0] == 0
    assert cli(capsys, "set-value", "A.2", "3.100", "--db", office)[0] == 0
    assert cli(capsys, "set-value", "A.11", "1.410", "--db", kt)[0] == 0

    code, out, _err = cli(
        capsys, "export-feedback", "--department", "KT", "--year", YEAR, "--out", back, "--db", office
    )
    assert code == 0
    assert f"Đã ghi tệp phản hồi năm 2020 cho phòng KT: {back}" in out
    assert "28 chỉ tiêu của phòng" in out and "0 xung đột đã giải quyết" in out

    code, out, _err = cli(capsys, "import-feedback", back, "--db", kt)
    assert code == 0
    assert "Đã nhận tệp phản hồi KT-phanhoi.json năm 2020 của phòng KT" in out
    assert "1 số liệu theo số của văn phòng tổng hợp" in out  # A.2
    assert "#1  A.11 Tổng đàn dê (ước thực hiện, giá trị)" in out
    assert "văn phòng tổng hợp «1.405» · phòng «1.410» · gốc «1.400»" in out

    code, _out, err = cli(capsys, "export-submission", "--year", YEAR, "--out", str(tmp_path / "KT-2.json"), "--db", kt)
    assert code != 0 and "chờ chọn" in err and "(A.11)" in err
    assert not (tmp_path / "KT-2.json").exists()

    code, out, _err = cli(capsys, "feedback-choices", "choose", "1", "--keep", "own", "--db", kt)
    assert code == 0 and "A.11 (ước thực hiện): giữ số của phòng «1.410»" in out
    assert cli(capsys, "feedback-choices", "--db", kt)[1].strip() == "Không có số liệu nào chờ chọn sau tệp phản hồi."
    sent = str(tmp_path / "KT-2.json")
    assert cli(capsys, "export-submission", "--year", YEAR, "--out", sent, "--db", kt)[0] == 0
    code, out, _err = cli(capsys, "import-submissions", sent, "--db", office)
    assert "1 giá trị thay đổi, 0 xung đột" in out
    code, out, _err = cli(capsys, "evaluate", "--year", YEAR, "--json", "--db", office)
    assert '"1.410"' in out


def test_import_feedback_as_a_separate_program_and_refusals_leave_the_database_as_it_was(
    offices: dict[str, str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    office, kt = offices["office"], offices["kt"]
    back = tmp_path / "KT-phanhoi.json"
    for name in ("cu.json", back.name):  # an older one first
        command = ("export-feedback", "--department", "KT", "--year", YEAR, "--out", str(tmp_path / name))
        assert cli(capsys, *command, "--db", office)[0] == 0

    done = run_main("import-feedback", back, "--db", kt)
    assert done.returncode == 0, done.stderr
    assert "Đã nhận tệp phản hồi KT-phanhoi.json" in done.stdout
    again = run_main("import-feedback", back, "--db", kt)
    assert again.returncode == 0 and "đã được nhận lúc" in again.stdout and "không có gì thay đổi" in again.stdout

    before = dump(Path(kt))
    older = run_main("import-feedback", tmp_path / "cu.json", "--db", kt)
    assert older.returncode != 0
    moment = r"(\d\d/\d\d/\d{4} \d\d:\d\d(?::\d\d)?)"
    said = re.search(
        rf"Tệp phản hồi cu\.json: tệp lập lúc {moment}, cũ hơn tệp phản hồi đã nhận \(lập lúc {moment}\)", older.stderr
    )
    assert said, older.stderr
    made, taken = said.groups()
    # Two files made a second apart must not read as made at the same moment.
    assert made[:16] != taken[:16] or len(made) == len(taken) == 19, (made, taken)
    assert "Traceback" not in older.stderr
    submission = run_main("import-feedback", tmp_path / "KT-1.json", "--db", kt)
    assert submission.returncode != 0
    assert "đây là tệp nộp số liệu (nhập bằng lệnh import-submissions ở văn phòng tổng hợp)" in submission.stderr
    on_office = run_main("import-feedback", back, "--db", office)
    assert (
        on_office.returncode != 0 and "cơ sở dữ liệu" in on_office.stderr and "văn phòng tổng hợp" in on_office.stderr
    )
    assert dump(Path(kt)) == before


def test_the_office_is_told_why_no_return_file_is_made(
    offices: dict[str, str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    office = offices["office"]
    out = str(tmp_path / "YT.json")
    code, _out, err = cli(capsys, "export-feedback", "--department", "YT", "--year", YEAR, "--out", out, "--db", office)
    assert code != 0
    assert "Phòng YT chưa có tệp thiết lập mang khóa của văn phòng tổng hợp" in err
    code, _out, err = cli(
        capsys, "export-feedback", "--department", "KT", "--year", YEAR, "--out", out, "--db", offices["kt"]
    )
    assert code != 0 and "Chỉ văn phòng tổng hợp mới gửi tệp phản hồi cho phòng" in err
    assert not Path(out).exists()


def test_return_files_not_from_this_phongs_office_are_refused_by_the_command_and_change_nothing(
    offices: dict[str, str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import dataclasses
    import uuid

    from bkdesk.exchange.feedback import read_feedback, write_feedback
    from db.department_setup import unlock_setup
    from tests.fixtures.keys import PASSPHRASE

    office, kt, folder = offices["office"], offices["kt"], Path(offices["folder"])
    secret = str(passphrase_file(tmp_path / "giay-2"))
    elsewhere = str(tmp_path / "thanh-pho-khac.sqlite")
    out = {name: str(tmp_path / name) for name in ("YT-phanhoi.json", "KT-phanhoi.json", "KT-thanh-pho-khac.json")}
    for step in (
        ("issue-department", "--department", "YT", "--year", YEAR, "--out", str(tmp_path / "yt.setup"), "--db", office),
        ("export-feedback", "--department", "YT", "--year", YEAR, "--out", out["YT-phanhoi.json"], "--db", office),
        ("export-feedback", "--department", "KT", "--year", YEAR, "--out", out["KT-phanhoi.json"], "--db", office),
        # Another city's synthesis office, with its own key, sending its KT a return file.
        ("demo", "--db", elsewhere),
        (
            "issue-department",
            "--department",
            "KT",
            "--year",
            YEAR,
            "--out",
            str(tmp_path / "khac.setup"),
            "--passphrase-file",
            secret,
            "--db",
            elsewhere,
        ),
        (
            "export-feedback",
            "--department",
            "KT",
            "--year",
            YEAR,
            "--out",
            out["KT-thanh-pho-khac.json"],
            "--db",
            elsewhere,
        ),
    ):
        assert cli(capsys, *step)[0] == 0, step
    # The phòng's own key (in the setup file it was handed) signing a return file made to look like the office's.
    unlocked = unlock_setup(folder / "kt.setup", PASSPHRASE)
    genuine = read_feedback((tmp_path / "KT-phanhoi.json").read_bytes()).feedback
    forged = dataclasses.replace(genuine, key_id=unlocked.setup.key_id, feedback_id=str(uuid.uuid4()))
    (tmp_path / "KT-phanhoi-gia.json").write_bytes(write_feedback(forged, unlocked.private_key))

    before = dump(Path(kt))
    expected = {
        "YT-phanhoi.json": "tệp dành cho phòng YT (Phòng Y tế); máy này là của phòng KT (Phòng Kinh tế)",
        "KT-thanh-pho-khac.json": "của văn phòng tổng hợp đã cấp tệp thiết lập cho máy này (tệp của đơn vị khác",
        "KT-phanhoi-gia.json": "tệp được ký bằng khóa của phòng, không phải khóa của văn phòng tổng hợp: tệp giả",
    }
    for name, reason in expected.items():
        refused = run_main("import-feedback", tmp_path / name, "--db", kt)
        assert refused.returncode == 1, refused.stdout
        assert refused.stdout == "" and "Traceback" not in refused.stderr
        assert refused.stderr.startswith(f"Lỗi: Tệp phản hồi {name}: ") and reason in refused.stderr, refused.stderr
        assert refused.stderr.rstrip().endswith("Chưa nhận gì.")
    assert dump(Path(kt)) == before
