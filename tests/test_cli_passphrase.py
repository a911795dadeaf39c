"""The passphrase at the command line: from a file, the environment or the terminal, and never from argv."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cli.parser import main
from tests.fixtures.commands import dump, run_main
from tests.fixtures.keys import PASSPHRASE, passphrase_file

YEAR = "2020"


def cli(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main([str(arg) for arg in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def office(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "tonghop.sqlite"
    assert cli(capsys, "demo", "--db", path)[0] == 0
    return path


@pytest.fixture
def issued(office: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Iterator[Path]:
    """KT's setup file, sealed with the office's own passphrase (in ``passphrase_file``)."""
    setup = tmp_path / "kt.setup"
    secret = passphrase_file(tmp_path / "giay")
    code, out, err = cli(
        capsys,
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
    )
    assert code == 0, err
    assert PASSPHRASE not in out and "Cụm mật khẩu của tệp thiết lập này" not in out  # the office knows its own
    yield setup


@pytest.mark.parametrize("form", [["--passphrase", "K7QM-3XHP-9TRD-W2FN"], ["--passphrase=K7QM-3XHP-9TRD-W2FN"]])
def test_a_passphrase_on_the_command_line_is_refused_saying_why_and_what_to_use(
    issued: Path, office: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], form: list[str]
) -> None:
    kt = tmp_path / "kt.sqlite"
    code, out, err = cli(capsys, "setup", issued, *form, "--db", kt)
    assert code == 2 and out == ""
    assert err.startswith("Lỗi: không nhận cụm mật khẩu trên dòng lệnh (--passphrase)")
    assert "danh sách tiến trình" in err and "--passphrase-file TỆP" in err and "BKDESK_PASSPHRASE" in err
    assert not kt.exists()
    before = dump(office)
    code, _out, err = cli(
        capsys,
        "issue-department",
        "--department",
        "YT",
        "--year",
        YEAR,
        "--out",
        tmp_path / "yt.setup",
        *form,
        "--db",
        office,
    )
    assert code == 2 and "không nhận cụm mật khẩu trên dòng lệnh" in err
    assert not (tmp_path / "yt.setup").exists() and dump(office) == before


def test_an_office_passphrase_under_16_characters_is_refused_and_nothing_issued(
    office: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = dump(office)
    short = passphrase_file(tmp_path / "giay", "Mật khẩu ngắn 15")
    assert len("Mật khẩu ngắn 15") == 16
    shorter = passphrase_file(tmp_path / "giay2", "Mật khẩu ngắn5")
    for secret, message in (
        (shorter, "cụm mật khẩu chỉ có 14 ký tự; cần ít nhất 16 ký tự"),
        (tmp_path / "khong-co.txt", f"không có tệp cụm mật khẩu {tmp_path / 'khong-co.txt'}"),
        (tmp_path, "không đọc được tệp cụm mật khẩu"),  # a folder, not a file
    ):
        code, out, err = cli(
            capsys,
            "issue-department",
            "--department",
            "KT",
            "--year",
            YEAR,
            "--out",
            tmp_path / "kt.setup",
            "--passphrase-file",
            secret,
            "--db",
            office,
        )
        assert code == 2 and message in err, err
        assert "Traceback" not in err and out == ""
        assert not (tmp_path / "kt.setup").exists() and dump(office) == before
    code, _out, err = cli(
        capsys,
        "issue-department",
        "--department",
        "KT",
        "--year",
        YEAR,
        "--out",
        tmp_path / "kt.setup",
        "--passphrase-file",
        short,
        "--db",
        office,
    )
    assert code == 0, err


def test_setup_without_a_terminal_or_a_passphrase_says_where_to_give_it(
    issued: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BKDESK_PASSPHRASE", raising=False)
    code, _out, err = cli(capsys, "setup", issued, "--db", tmp_path / "kt.sqlite")
    assert code == 2
    assert "cần cụm mật khẩu của tệp thiết lập" in err and "--passphrase-file TỆP" in err and "BKDESK_PASSPHRASE" in err
    assert not (tmp_path / "kt.sqlite").exists()


def test_a_wrong_passphrase_installs_nothing(
    issued: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BKDESK_PASSPHRASE", "Phòng Kinh tế giữ kín cụm nầy")
    code, out, err = cli(capsys, "setup", issued, "--db", tmp_path / "kt.sqlite")
    assert code == 2 and out == ""
    assert err.startswith("Lỗi: Cụm mật khẩu không đúng với tệp thiết lập kt.setup (phòng KT)")
    assert not (tmp_path / "kt.sqlite").exists()
    # The right one, typed with its letters decomposed (as some keyboards send them): NFC on both sides.
    import unicodedata

    monkeypatch.setenv("BKDESK_PASSPHRASE", unicodedata.normalize("NFD", PASSPHRASE) + "\n")
    assert cli(capsys, "setup", issued, "--db", tmp_path / "kt.sqlite")[0] == 0


def test_on_a_terminal_the_passphrase_is_asked_and_asked_again_after_a_wrong_one(
    issued: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from cli import passphrase as asking

    monkeypatch.delenv("BKDESK_PASSPHRASE", raising=False)
    monkeypatch.setattr(asking, "_interactive", lambda: True)
    typed = iter(["sai rồi", PASSPHRASE])
    prompts: list[str] = []

    def getpass(prompt: str) -> str:
        prompts.append(prompt)
        return next(typed)

    monkeypatch.setattr(asking.getpass, "getpass", getpass)
    code, out, err = cli(capsys, "setup", issued, "--db", tmp_path / "kt.sqlite")
    assert code == 0, err
    assert len(prompts) == 2 and prompts[0].startswith("Cụm mật khẩu của tệp thiết lập")
    assert "Cụm mật khẩu không đúng" in err and "Đã tạo cơ sở dữ liệu" in out
    assert "sai rồi" not in out + err and PASSPHRASE not in out + err


def test_a_file_that_is_no_setup_file_is_refused_before_a_passphrase_is_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    not_a_setup = tmp_path / "KT-1.json"
    not_a_setup.write_text('{"format": "bkdesk-submission"}', encoding="utf-8")
    monkeypatch.delenv("BKDESK_PASSPHRASE", raising=False)
    done = run_main("setup", not_a_setup, "--db", tmp_path / "kt.sqlite")
    assert done.returncode == 1 and "Tệp thiết lập KT-1.json: đây là tệp nộp số liệu" in done.stderr
    assert "cụm mật khẩu" not in done.stderr


def test_a_setup_file_carrying_another_phongs_sealed_key_is_refused_naming_both(
    issued: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """KT's sealed key (and KT's passphrase) in a file that says it is YT's, its checksum made to match."""
    from dataclasses import replace

    from bkdesk.catalogue import Department
    from bkdesk.exchange.setup_file import read_setup, write_setup

    kt_setup = read_setup(issued.read_bytes())
    forged = tmp_path / "thiet-lap-YT.setup"
    forged.write_bytes(write_setup(replace(kt_setup, department=Department("YT", "Phòng Y tế"))))
    monkeypatch.setenv("BKDESK_PASSPHRASE", PASSPHRASE)
    code, out, err = cli(capsys, "setup", forged, "--db", tmp_path / "yt.sqlite")
    assert code == 1 and out == ""
    assert err.startswith(
        "Lỗi: Tệp thiết lập thiet-lap-YT.setup: tệp thiết lập ghi phòng YT nhưng khóa ký trong tệp được mã hóa "
        "cho phòng KT"
    )
    assert not (tmp_path / "yt.sqlite").exists()
