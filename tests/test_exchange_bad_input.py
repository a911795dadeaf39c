"""Every bad file handed to ``import-submissions``: refused in Vietnamese, naming the file and the
reason, with the database exactly as before (every table compared through ``iterdump``)."""

from __future__ import annotations

import functools
import io
import shutil
import sqlite3
import zipfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bkdesk.catalogue import Department
from bkdesk.exchange import files
from bkdesk.exchange.submission import SubmittedValue, read_submission, write_submission
from cli.parser import main
from db.department_setup import unlock_setup
from tests.fixtures.keys import PASSPHRASE, passphrase_file

YEAR = "2020"


def cli(*args: str) -> int:
    return main(list(args))


def dump(path: Path) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The synthesis office with KT and YT issued, one file from KT imported, and KT's next file ready."""
    folder = tmp_path_factory.mktemp("bad-input")
    office = folder / "tonghop.sqlite"
    kt = folder / "kt.sqlite"
    secret = str(passphrase_file(folder))
    steps = [
        ("demo", "--db", str(office)),
        (
            "issue-department",
            "--department",
            "KT",
            "--year",
            YEAR,
            "--out",
            str(folder / "kt.setup"),
            "--passphrase-file",
            secret,
            "--db",
            str(office),
        ),
        (
            "issue-department",
            "--department",
            "YT",
            "--year",
            YEAR,
            "--out",
            str(folder / "yt.setup"),
            "--passphrase-file",
            secret,
            "--db",
            str(office),
        ),
        ("setup", str(folder / "kt.setup"), "--passphrase-file", secret, "--db", str(kt)),
        ("export-submission", "--year", YEAR, "--out", str(folder / "kt-1.json"), "--db", str(kt)),
        ("import-submissions", str(folder / "kt-1.json"), "--db", str(office)),
        ("set-value", "A.2", "3.100", "--note", "ước lại", "--db", str(kt)),
        ("export-submission", "--year", YEAR, "--out", str(folder / "kt-2.json"), "--db", str(kt)),
        (
            "export-template",
            "--department",
            "KT",
            "--year",
            YEAR,
            "--out",
            str(folder / "kt.xlsx"),
            "--db",
            str(office),
        ),
    ]
    for step in steps:
        assert cli(*step) == 0, step
    # The commands ran in this process and keep their connections: fold the WAL into the file before copying it.
    connection = sqlite3.connect(office)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return {"folder": folder, "office": office, "good": folder / "kt-2.json", "template": folder / "kt.xlsx"}


@pytest.fixture
def office(world: dict[str, Path], tmp_path: Path) -> Path:
    """A fresh copy of the synthesis office's database for one test."""
    copy = tmp_path / "tonghop.sqlite"
    shutil.copy(world["office"], copy)
    return copy


@functools.cache
def private_key(path: Path) -> str:
    """A setup file's key, opened once per test run (scrypt is slow on purpose)."""
    return unlock_setup(path, PASSPHRASE).private_key


def signed_with(world: dict[str, Path], setup: str, **changes: object) -> bytes:
    """A file made by bkdesk's own writer from KT's next submission, changed, and signed with ``setup``'s key."""
    key = private_key(world["folder"] / setup)
    original = read_submission(world["good"].read_bytes()).submission
    return write_submission(replace(original, **changes), key)  # type: ignore[arg-type]


def refuse(
    office: Path, file: Path, capsys: pytest.CaptureFixture[str], *words: str, flags: tuple[str, ...] = ()
) -> str:
    before = dump(office)
    code = cli("import-submissions", str(file), *flags, "--db", str(office))
    out, err = capsys.readouterr()
    assert code == 1, out + err
    line = next(line for line in out.splitlines() if line.startswith(file.name))
    assert "bị từ chối" in line
    for word in words:
        assert word in line, line
    assert "Lỗi: 1 tệp bị từ chối" in err
    assert dump(office) == before
    return line


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def test_the_good_file_is_accepted_so_the_refusals_below_are_about_their_damage(
    world: dict[str, Path], office: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("import-submissions", str(world["good"]), "--db", str(office)) == 0
    assert "kt-2.json: đã nhận (phòng KT, số thứ tự 2) — 1 giá trị thay đổi, 0 xung đột" in capsys.readouterr().out


def test_truncated(world: dict[str, Path], office: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = world["good"].read_bytes()
    refuse(office, write(tmp_path, "cat-cut.json", data[: len(data) // 2]), capsys, "bị cắt cụt")


def test_a_byte_flipped_anywhere(world: dict[str, Path], office: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    data = world["good"].read_bytes()
    signature = data.index(b'"signature": "') + len(b'"signature": "')
    positions = {
        "đầu tệp": 0,
        "tên định dạng": data.index(b"bkdesk-submission") + 3,
        "mã phòng": data.index(b'"code": "KT"') + 10,
        "số thứ tự": data.index(b'"sequence": 2') + 12,
        "một giá trị": data.index(b'"value": "3.100"') + 11,
        "một ghi chú": data.index("ước lại".encode()) + 1,
        "chữ ký (đầu)": signature,
        "chữ ký (giữa)": signature + 40,
        "chữ ký (cuối)": signature + 85,
        "dấu xuống dòng cuối": len(data) - 1,
    }
    for place, position in positions.items():
        damaged = bytearray(data)
        damaged[position] ^= 0x01
        refuse(office, write(tmp_path, f"lat-bit-{place}.json", bytes(damaged)), capsys)


def test_re_signed_with_another_phongs_key(world: dict[str, Path], office: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    forged = write(tmp_path, "ky-lai.json", signed_with(world, "yt.setup"))
    refuse(office, forged, capsys, "chữ ký không hợp lệ", "phòng KT")


def test_a_phong_never_issued_or_unknown(world: dict[str, Path], office: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    never = signed_with(world, "kt.setup", department=Department("QS", "Ban Chỉ huy Quân sự thành phố"))
    refuse(office, write(tmp_path, "qs.json", never), capsys, "phòng QS chưa được cấp tệp thiết lập")
    unknown = signed_with(world, "kt.setup", department=Department("XYZ", "Phòng lạ"))
    refuse(office, write(tmp_path, "xyz.json", unknown), capsys, "phòng XYZ không có trong danh mục")


def test_another_phongs_indicators_in_a_rightly_signed_file(
    world: dict[str, Path], office: Path, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    original = read_submission(world["good"].read_bytes()).submission
    values = (*original.values, SubmittedValue("C.2.2", "12", "", None))
    file = write(tmp_path, "lan-sang.json", signed_with(world, "kt.setup", values=values))
    refuse(office, file, capsys, "không thuộc phòng KT", "C.2.2 (của YT)")


def test_the_wrong_year(world: dict[str, Path], office: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    file = write(tmp_path, "nam-2019.json", signed_with(world, "kt.setup", year=2019))
    refuse(office, file, capsys, "năm 2019 chưa có biểu chỉ tiêu")
    in_2021 = write(tmp_path, "nam-2021.json", signed_with(world, "kt.setup", year=2021))
    refuse(office, in_2021, capsys, "không có trong biểu năm 2021")


def test_an_older_sequence_number(world: dict[str, Path], office: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    old = signed_with(world, "kt.setup", sequence=1, created_at=datetime(2020, 12, 1, tzinfo=UTC))
    refuse(office, write(tmp_path, "cu.json", old), capsys, "số thứ tự 1 không mới hơn số thứ tự 1")


def test_a_value_that_does_not_parse(world: dict[str, Path], office: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    original = read_submission(world["good"].read_bytes()).submission
    values = tuple(replace(v, value="1.5") if v.code == "A.6" else v for v in original.values)
    file = write(tmp_path, "so-sai.json", signed_with(world, "kt.setup", values=values))
    refuse(office, file, capsys, "giá trị không hợp lệ", "A.6", "dấu chấm chỉ dùng để tách hàng nghìn")


def test_a_file_of_200_megabytes(office: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    huge = tmp_path / "khong-lo.json"
    with open(huge, "wb") as handle:
        handle.truncate(200 * 1024 * 1024)
    refuse(office, huge, capsys, "tệp quá lớn (200,0 MB; tối đa 20,0 MB)")


def _zip(member: str, content: bytes) -> bytearray:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        archive.writestr(member, content)
    return bytearray(buffer.getvalue())


def _set_size(data: bytearray, member: bytes, size: int) -> None:
    """Rewrite a member's declared uncompressed size in its local header and central directory entry."""
    for signature, offset, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            if data[start + name_at : start + name_at + len(member)] == member:
                data[start + offset : start + offset + 4] = size.to_bytes(4, "little")
            start += 4


def test_a_zip_that_expands_without_bound(office: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    boasting = _zip("xl/worksheets/sheet1.xml", b"<x/>" * 16)
    _set_size(boasting, b"xl/worksheets/sheet1.xml", 4_000_000_000)
    refuse(
        office, write(tmp_path, "bom.xlsx", bytes(boasting)), capsys, "giải nén quá lớn", flags=("--accept-unsigned",)
    )
    lying = _zip("xl/worksheets/sheet1.xml", b"\0" * (3 * 1024 * 1024))
    _set_size(lying, b"xl/worksheets/sheet1.xml", 1024)
    refuse(office, write(tmp_path, "bom-gia.xlsx", bytes(lying)), capsys, "tệp nén", flags=("--accept-unsigned",))


def test_a_zip_over_the_expansion_limit(office: Path, tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(files, "MAX_EXPANDED_BYTES", 1024 * 1024)
    honest = _zip("xl/worksheets/sheet1.xml", b"\0" * (4 * 1024 * 1024))
    refuse(office, write(tmp_path, "to.xlsx", bytes(honest)), capsys, "giải nén quá lớn", flags=("--accept-unsigned",))


def test_not_utf8(world: dict[str, Path], office: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    text = world["good"].read_text(encoding="utf-8")
    refuse(office, write(tmp_path, "utf16.json", text.encode("utf-16")), capsys, "không phải văn bản UTF-8")
    refuse(
        office,
        write(tmp_path, "cp1258.json", text.encode("utf-8").replace("ước".encode(), b"\xfb\xf4c")),
        capsys,
        "UTF-8",
    )


def test_a_template_whose_locked_cells_were_edited(
    world: dict[str, Path], office: Path, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    workbook = load_workbook(world["template"])
    sheet = workbook["Nhập số liệu"]
    sheet.protection.sheet = False
    sheet["D4"] = "9.999"
    edited = tmp_path / "kt-sua-nhiem-vu.xlsx"
    workbook.save(edited)
    refuse(office, edited, capsys, "ô khóa D4 đã bị sửa", flags=("--accept-unsigned",))


def test_a_template_without_consent(world: dict[str, Path], office: Path, capsys: pytest.CaptureFixture[str]) -> None:
    refuse(office, world["template"], capsys, "không có chữ ký", "--accept-unsigned")


def test_a_locked_period(world: dict[str, Path], office: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("lock", "--year", YEAR, "--reason", "Đã trình HĐND", "--db", str(office)) == 0
    capsys.readouterr()
    refuse(office, world["good"], capsys, "đã được chốt (Đã trình HĐND)")


def test_several_files_each_stand_alone(world: dict[str, Path], office: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    bad = write(tmp_path, "hong.json", world["good"].read_bytes()[:100])
    code = cli("import-submissions", str(bad), str(world["good"]), "--db", str(office))
    out, err = capsys.readouterr()
    assert code == 1
    assert out.splitlines()[0].startswith("hong.json: bị từ chối")
    assert out.splitlines()[1].startswith("kt-2.json: đã nhận")
    assert "1 đã nhận, 0 không thay đổi, 1 bị từ chối" in out
    assert "Lỗi: 1 tệp bị từ chối" in err


@pytest.mark.parametrize(
    ("code", "value", "note", "words"),
    [
        ("A.6", "=SUM(A1)", "", ("A.6", "bắt đầu bằng «=» như một công thức bảng tính")),
        ("A.6", "4.368", "@x", ("A.6", "ghi chú bắt đầu bằng «@»")),
        ("A.6", "4.368", "\x1b[2J\x1b]0;owned\x07", ("A.6", "ký tự điều khiển U+001B")),
        ("A.8", "21\x00246", "", ("A.8", "ký tự điều khiển U+0000")),
        ("A.8", "21\u202e246", "", ("A.8", "ký tự điều khiển hướng chữ U+202E")),
        ("A.8", "9" * 256, "", ("A.8", "số liệu dài 256 ký tự; tối đa 255 ký tự")),
        ("A.8", "21.246", "x" * 2001, ("A.8", "ghi chú dài 2.001 ký tự; tối đa 2.000 ký tự")),
        ("A.15", "5", "", ("A.15 Xây dựng NTM: dòng tiêu đề",)),
    ],
)
def test_a_rightly_signed_file_with_a_slip_that_must_never_be_stored(  # type: ignore[no-untyped-def]
    world: dict[str, Path],
    office: Path,
    tmp_path: Path,
    capsys,
    code: str,
    value: str,
    note: str,
    words: tuple[str, ...],
) -> None:
    original = read_submission(world["good"].read_bytes()).submission
    assert any(v.code == code for v in original.values), code
    values = tuple(replace(v, value=value, note=note) if v.code == code else v for v in original.values)
    file = write(tmp_path, "nham.json", signed_with(world, "kt.setup", values=values))
    line = refuse(office, file, capsys, *words)
    assert "\x1b" not in line and "\u202e" not in line and "\x00" not in line


def test_a_template_with_a_formula_or_an_escape_typed_as_text(
    world: dict[str, Path], office: Path, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    for value, note, words in (
        ("+cmd", "", ("bắt đầu bằng «+» như một công thức bảng tính",)),
        ("21.246", '=HYPERLINK("x")', ("ghi chú bắt đầu bằng «=»",)),
        ("21\u202e246", "", ("ký tự điều khiển hướng chữ U+202E",)),
        ("9" * 256, "", ("(A.8 Đàn lợn) quá dài: 256 ký tự; tối đa 255 ký tự",)),
    ):
        workbook = load_workbook(world["template"])
        sheet = workbook["Nhập số liệu"]
        row = next(r for r in range(4, sheet.max_row + 1) if sheet.cell(r, 7).value == "A.8")
        sheet.cell(row, 5).value = value
        sheet.cell(row, 5).data_type = "s"  # typed as text, as Excel keeps "+cmd" after an apostrophe
        sheet.cell(row, 6).value = note or None
        if note:
            sheet.cell(row, 6).data_type = "s"
        filled = tmp_path / "kt-mau.xlsx"
        workbook.save(filled)
        refuse(office, filled, capsys, *words, flags=("--accept-unsigned",))
