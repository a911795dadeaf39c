"""Files as spreadsheet programs save them, files that only look like workbooks, and files too big to read.

``import-submissions`` and ``import-table`` as a user runs them: a percent typed into the
template is the percent; an ``.xls``, ``.ods`` or PDF is named for what it is; one broken
file in a batch is that file's refusal and every other file is still taken; a sheet of a
million rows or one that inflates to hundreds of megabytes is refused before it is loaded,
without being read to the end. The database is compared through ``iterdump`` whenever
nothing may change.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import sqlite3
import zipfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from bkdesk.exchange.files import FileRefused
from bkdesk.exchange.submission import read_submission, write_submission
from bkdesk.exchange.workbook import WorkbookError, check_sheet_sizes, open_workbook
from bkdesk.logfile import LOG_NAME, log_dir
from cli.parser import main
from db.department_setup import unlock_setup
from db.schema import open_database
from db.submission_import import ImportStatus, import_submissions
from tests.fixtures.commands import dump, run_main
from tests.fixtures.foreign_files import (
    PLAIN_ROW,
    SHEET_END,
    SHEET_START,
    counted_rows,
    dense_rows,
    ods_file,
    pdf_file,
    repeated_rows,
    replace_parts,
    streamed_sheet,
    xls_file,
)
from tests.fixtures.keys import PASSPHRASE, passphrase_file
from tests.fixtures.workbooks import seed_workbook, write_workbook

YEAR = "2020"
SHEET_PART = "xl/worksheets/sheet1.xml"
SAVE_AS = "hãy lưu lại thành .xlsx (Excel Workbook) rồi gửi lại"


def cli(*args: str | Path) -> int:
    return main([str(arg) for arg in args])


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The office with KT and YT set up, one signed file from each ready, and KT's Excel template."""
    folder = tmp_path_factory.mktemp("readers")
    office, kt, yt = folder / "tonghop.sqlite", folder / "kt.sqlite", folder / "yt.sqlite"
    secret = ("--passphrase-file", passphrase_file(folder / "giay"))
    steps: list[tuple[str | Path, ...]] = [
        ("demo", "--db", office),
        (
            "issue-department",
            "--department",
            "KT",
            "--year",
            YEAR,
            "--out",
            folder / "kt.setup",
            *secret,
            "--db",
            office,
        ),
        (
            "issue-department",
            "--department",
            "YT",
            "--year",
            YEAR,
            "--out",
            folder / "yt.setup",
            *secret,
            "--db",
            office,
        ),
        ("setup", folder / "kt.setup", *secret, "--db", kt),
        ("setup", folder / "yt.setup", *secret, "--db", yt),
        ("set-value", "A.2", "3.100", "--db", kt),
        ("export-submission", "--year", YEAR, "--out", folder / "kt-1.json", "--db", kt),
        ("set-value", "C.2.1", "13,5", "--db", yt),
        ("export-submission", "--year", YEAR, "--out", folder / "yt-1.json", "--db", yt),
        ("export-template", "--department", "KT", "--year", YEAR, "--out", folder / "kt.xlsx", "--db", office),
    ]
    for step in steps:
        assert cli(*step) == 0, step
    connection = sqlite3.connect(office)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return {"folder": folder, "office": office}


@pytest.fixture
def office(world: dict[str, Path], tmp_path: Path) -> Path:
    copy = tmp_path / "tonghop.sqlite"
    shutil.copy(world["office"], copy)
    return copy


def file_of(world: dict[str, Path], name: str, tmp_path: Path, as_name: str | None = None) -> Path:
    """A fresh copy of one of the world's files (tests change them)."""
    copy = tmp_path / (as_name or name)
    shutil.copy(world["folder"] / name, copy)
    return copy


def template_row(sheet: Any, code: str) -> int:
    return next(row for row in range(4, sheet.max_row + 1) if sheet.cell(row, 7).value == code)


def estimates(office: Path, *codes: str) -> dict[str, str]:
    connection = sqlite3.connect(office)
    try:
        query = (
            "SELECT i.code, v.text FROM indicator_values v JOIN indicators i ON i.id = v.indicator_id "
            "JOIN periods p ON p.id = v.period_id WHERE p.year = 2020 AND p.kind = 'uoc'"
        )
        found = dict(connection.execute(query).fetchall())
    finally:
        connection.close()
    return {code: found.get(code, "") for code in codes}


def lines_of(output: str, *files: Path) -> list[str]:
    """The result line of each file, in the order given."""
    lines = output.splitlines()
    return [next(line for line in lines if line.startswith(f"{file.name}:")) for file in files]


# --- Point 4: numbers as spreadsheet programs store them ----------------------------------------


def test_a_percent_typed_into_the_template_is_taken_as_the_percent(
    world: dict[str, Path], office: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = file_of(world, "kt.xlsx", tmp_path, "kt-da-dien.xlsx")
    workbook = load_workbook(template)
    sheet = workbook["Nhập số liệu"]
    # "95,3%" and "66,2%" typed in LibreOffice: stored as 0.953 and 0.662 in percent-formatted cells.
    for code, value, number_format in (("B.1", 0.953, "0.0%"), ("B.8", 0.662, "0.00%"), ("A.2", 3120, "General")):
        cell = sheet.cell(template_row(sheet, code), 5)
        cell.value, cell.number_format = value, number_format
    workbook.save(template)

    assert cli("import-submissions", template, "--accept-unsigned", "--db", office) == 0
    out = capsys.readouterr().out
    assert "kt-da-dien.xlsx: đã nhận (phòng KT, biểu mẫu Excel chưa ký) — 3 giá trị thay đổi, 0 xung đột" in out
    assert estimates(office, "B.1", "B.8", "A.2") == {"B.1": "95,3", "B.8": "66,2", "A.2": "3.120"}
    assert cli("evaluate", "--year", YEAR, "--json", "--db", office) == 0
    rows = {row["code"]: row for row in json.loads(capsys.readouterr().out)["rows"]}
    assert (rows["B.8"]["target"], rows["B.8"]["verdict"]) == ("65", "Vượt")  # 0,662 against 65 was "Không đạt"


def test_an_excel_error_in_the_template_is_refused_naming_the_cell_and_nothing_changes(
    world: dict[str, Path], office: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = file_of(world, "kt.xlsx", tmp_path, "kt-loi.xlsx")
    workbook = load_workbook(template)
    sheet = workbook["Nhập số liệu"]
    row = template_row(sheet, "A.8")
    sheet.cell(template_row(sheet, "A.2"), 5).value = 3120
    sheet.cell(row, 5).value = "#DIV/0!"  # what a formula dividing by an empty cell leaves after Paste Values
    workbook.save(template)
    before = dump(office)

    assert cli("import-submissions", template, "--accept-unsigned", "--db", office) == 1
    (line,) = lines_of(capsys.readouterr().out, template)
    assert line == (
        f"kt-loi.xlsx: bị từ chối — trang «Nhập số liệu», ô E{row} (A.8 Đàn lợn): ô báo lỗi Excel #DIV/0!; "
        "hãy sửa hoặc xóa ô này"
    )
    assert dump(office) == before


def test_xls_ods_and_pdf_are_named_for_what_they_are_whatever_their_names(
    office: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = [
        xls_file(tmp_path / "KT-2020.xls"),
        xls_file(tmp_path / "KT-doi-ten.xlsx"),
        ods_file(tmp_path / "KT-2020.ods"),
        ods_file(tmp_path / "KT-libre.xlsx"),
        pdf_file(tmp_path / "KT-ban-in.xlsx"),
        pdf_file(tmp_path / "KT-ban-in.json"),
    ]
    before = dump(office)
    assert cli("import-submissions", *files, "--accept-unsigned", "--db", office) == 1
    lines = lines_of(capsys.readouterr().out, *files)
    xls, ods = "định dạng Excel 97–2003 (.xls)", "định dạng OpenDocument (.ods)"
    assert lines[:4] == [
        f"KT-2020.xls: bị từ chối — Tệp KT-2020.xls là {xls}: {SAVE_AS}",
        f"KT-doi-ten.xlsx: bị từ chối — Tệp KT-doi-ten.xlsx là {xls}: {SAVE_AS}",
        f"KT-2020.ods: bị từ chối — Tệp KT-2020.ods là {ods}: {SAVE_AS}",
        f"KT-libre.xlsx: bị từ chối — Tệp KT-libre.xlsx là {ods}: {SAVE_AS}",
    ]
    for line, name in zip(lines[4:], ("KT-ban-in.xlsx", "KT-ban-in.json"), strict=True):
        assert line.startswith(f"{name}: bị từ chối — Tệp {name} là tệp PDF (bản in của biểu), không phải bảng tính")
    assert not any("UTF-8" in line for line in lines)  # what an .xls got before
    assert dump(office) == before


def test_import_table_names_xls_ods_and_pdf_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "bk.sqlite"
    expected = {
        xls_file(tmp_path / "phu-luc.xlsx"): f"Tệp phu-luc.xlsx là định dạng Excel 97–2003 (.xls): {SAVE_AS}",
        ods_file(tmp_path / "phu-luc.ods"): f"Tệp phu-luc.ods là định dạng OpenDocument (.ods): {SAVE_AS}",
        pdf_file(tmp_path / "phu-luc-in.xlsx"): (
            "Tệp phu-luc-in.xlsx là tệp PDF (bản in của biểu), không phải bảng tính: bkdesk không đọc được số liệu "
            "từ PDF; hãy gửi tệp Excel (.xlsx) gốc"
        ),
    }
    for file, message in expected.items():
        assert cli("import-table", file, "--year", YEAR, "--db", db) == 2
        assert capsys.readouterr().err.strip() == f"Lỗi: {message}"
    assert not db.exists()


# --- Point 5: one bad file never stops a batch ---------------------------------------------------


def filled(world: dict[str, Path], folder: Path, name: str) -> Path:
    """KT's template as a spreadsheet program saves it after A.2 was typed (shared strings, no inline text)."""
    template = file_of(world, "kt.xlsx", folder, name)
    workbook = load_workbook(template)
    sheet = workbook["Nhập số liệu"]
    sheet.cell(template_row(sheet, "A.2"), 5).value = 3120
    workbook.save(template)
    return template


def broken_files(world: dict[str, Path], folder: Path) -> dict[str, Path]:
    """KT's filled template broken three ways a disk, a mailer or another program breaks files."""
    malformed = filled(world, folder, "kt-xml-hong.xlsx")
    with zipfile.ZipFile(malformed) as archive:
        sheet = archive.read(SHEET_PART)
    replace_parts(malformed, {SHEET_PART: sheet.replace(b"</row>", b"</rw>", 1)})
    # Valid XML whose number another program wrote the Vietnamese way: only the library notices, mid-read.
    unreadable = filled(world, folder, "kt-so-hong.xlsx")
    assert b"<v>3120</v>" in sheet
    replace_parts(unreadable, {SHEET_PART: sheet.replace(b"<v>3120</v>", b"<v>3.120,5</v>")})
    cut = filled(world, folder, "kt-cat-cut.xlsx")
    cut.write_bytes(cut.read_bytes()[:3000])
    return {"malformed": malformed, "unreadable": unreadable, "cut": cut}


def test_a_batch_with_broken_files_takes_every_good_one_as_a_user_runs_it(
    world: dict[str, Path], office: Path, tmp_path: Path
) -> None:
    broken = broken_files(world, tmp_path)
    kt, yt = file_of(world, "kt-1.json", tmp_path), file_of(world, "yt-1.json", tmp_path)
    batch = [broken["malformed"], kt, broken["unreadable"], broken["cut"], yt]

    result = run_main("import-submissions", *batch, "--accept-unsigned", "--db", office)

    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    malformed, kt_line, unreadable, cut, yt_line = lines_of(result.stdout, *batch)
    assert malformed == (
        "kt-xml-hong.xlsx: bị từ chối — trang «Nhập số liệu» bị hỏng (XML sai ở dòng 1 của xl/worksheets/sheet1.xml); "
        "hãy mở bằng Excel, lưu lại rồi gửi lại"
    )
    assert kt_line == "kt-1.json: đã nhận (phòng KT, số thứ tự 1) — 1 giá trị thay đổi, 0 xung đột"
    assert unreadable == (
        "kt-so-hong.xlsx: bị từ chối — không đọc được tệp (lỗi ValueError khi đọc; chi tiết đã ghi vào tệp "
        "nhật ký): tệp có thể bị hỏng, hãy xuất hoặc lưu lại tệp rồi gửi lại"
    )
    assert cut == "kt-cat-cut.xlsx: bị từ chối — tệp nén bị hỏng hoặc bị cắt cụt"
    assert yt_line == "yt-1.json: đã nhận (phòng YT, số thứ tự 1) — 1 giá trị thay đổi, 0 xung đột"
    assert "Tổng cộng 5 tệp: 2 đã nhận, 0 không thay đổi, 3 bị từ chối." in result.stdout
    assert result.stderr.strip() == "Lỗi: 3 tệp bị từ chối; số liệu từ các tệp đó không được ghi"
    assert estimates(office, "A.2", "C.2.1") == {"A.2": "3.100", "C.2.1": "13,5"}
    log = _log_text()  # the command's log file: the traceback is kept for whoever maintains bkdesk
    assert "reading kt-so-hong.xlsx failed" in log and "ValueError" in log and "Traceback" in log


def _log_text() -> str:
    path = log_dir() / LOG_NAME
    return path.read_text(encoding="utf-8") if path.exists() else ""


def test_a_batch_with_broken_files_in_process(world: dict[str, Path], office: Path, tmp_path: Path) -> None:
    broken = broken_files(world, tmp_path)
    kt, yt = file_of(world, "kt-1.json", tmp_path), file_of(world, "yt-1.json", tmp_path)
    batch = [kt, broken["unreadable"], broken["malformed"], yt, broken["cut"]]
    db = open_database(office)
    try:
        outcomes = import_submissions(db, batch, actor="văn phòng", accept_unsigned=True)
    finally:
        db.dispose()
    assert [(o.file, o.status) for o in outcomes] == [
        ("kt-1.json", ImportStatus.ACCEPTED),
        ("kt-so-hong.xlsx", ImportStatus.REFUSED),
        ("kt-xml-hong.xlsx", ImportStatus.REFUSED),
        ("yt-1.json", ImportStatus.ACCEPTED),
        ("kt-cat-cut.xlsx", ImportStatus.REFUSED),
    ]
    assert estimates(office, "A.2", "C.2.1") == {"A.2": "3.100", "C.2.1": "13,5"}


def test_a_failure_while_merging_one_file_refuses_that_file_only(
    world: dict[str, Path], office: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import db.submission_import as service

    real = service._apply

    def failing(session: Any, incoming: Any, **kwargs: Any) -> Any:
        if incoming.department.code == "KT":
            raise KeyError("một lỗi không ai lường trước")
        return real(session, incoming, **kwargs)

    monkeypatch.setattr(service, "_apply", failing)
    kt, yt = file_of(world, "kt-1.json", tmp_path), file_of(world, "yt-1.json", tmp_path)
    db = open_database(office)
    try:
        outcomes = import_submissions(db, [kt, yt], actor="văn phòng")
    finally:
        db.dispose()
    assert [o.status for o in outcomes] == [ImportStatus.REFUSED, ImportStatus.ACCEPTED]
    assert outcomes[0].message == (
        "kt-1.json: bị từ chối — lỗi không mong đợi khi nhập tệp (KeyError; chi tiết đã ghi vào tệp nhật ký); "
        "số liệu của tệp này không được ghi, các tệp khác vẫn được nhập"
    )
    assert estimates(office, "A.2", "C.2.1") == {"A.2": "3.050", "C.2.1": "13,5"}


# --- Point 6: bounded reading --------------------------------------------------------------------


def test_a_template_reaching_row_1048576_is_refused_by_its_size_declared_or_not(
    world: dict[str, Path], office: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reaching = file_of(world, "kt.xlsx", tmp_path, "kt-1048576.xlsx")
    workbook = load_workbook(reaching)
    workbook["Nhập số liệu"].cell(1_048_576, 5).value = "1"
    workbook.save(reaching)
    with zipfile.ZipFile(reaching) as archive:
        sheet = archive.read(SHEET_PART)
    assert re.search(rb'<dimension ref="A1:G1048576" ?/>', sheet) and b'<row r="1048576"' in sheet
    # The same sheet without its dimension: the row is found while streaming.
    undeclared = file_of(world, "kt.xlsx", tmp_path, "kt-khong-khai.xlsx")
    replace_parts(undeclared, {SHEET_PART: re.sub(rb"<dimension [^>]*/>", b"", sheet)})
    # A dimension claiming 1,048,576 rows over the template's 32 is believed: it is refused unread.
    declared = file_of(world, "kt.xlsx", tmp_path, "kt-khai-1048576.xlsx")
    with zipfile.ZipFile(declared) as archive:
        own = archive.read(SHEET_PART)
    claimed = re.sub(rb'<dimension ref="A1:G32" ?/>', b'<dimension ref="A1:G1048576"/>', own)
    assert claimed != own
    replace_parts(declared, {SHEET_PART: claimed})
    files = [reaching, undeclared, declared]
    before = dump(office)

    assert cli("import-submissions", *files, "--accept-unsigned", "--db", office) == 1
    lines = lines_of(capsys.readouterr().out, *files)
    reason = (
        "dài đến dòng {}, quá giới hạn 20.000 dòng của một biểu; hãy xóa các dòng thừa ở cuối trang, lưu lại rồi "
        "gửi lại"
    )
    assert lines == [
        f"kt-1048576.xlsx: bị từ chối — trang «Nhập số liệu» {reason.format('1.048.576')}",
        f"kt-khong-khai.xlsx: bị từ chối — trang «Nhập số liệu» {reason.format('1.048.576')}",
        f"kt-khai-1048576.xlsx: bị từ chối — trang «Nhập số liệu» {reason.format('1.048.576')}",
    ]
    assert dump(office) == before


def test_a_sheet_of_1048576_unnumbered_rows_is_refused_at_row_20001(tmp_path: Path) -> None:
    workbook = seed_workbook(tmp_path / "phu-luc.xlsx")
    replace_parts(workbook, {"xl/worksheets/sheet2.xml": streamed_sheet(counted_rows(1_048_576))})
    with zipfile.ZipFile(workbook) as archive:
        assert archive.getinfo("xl/worksheets/sheet2.xml").file_size > 1_048_576 * len(PLAIN_ROW)
    with pytest.raises(WorkbookError) as caught:
        open_workbook(workbook)
    assert caught.value.message == (
        "Tệp phu-luc.xlsx: trang «sheet2.xml» dài đến dòng 20.001, quá giới hạn 20.000 dòng của một biểu; "
        "hãy xóa các dòng thừa ở cuối trang, lưu lại rồi gửi lại"
    )


def _zip_with_sheet(rows: bytes, dimension: bytes = b"") -> zipfile.ZipFile:
    buffer = io.BytesIO()
    start = SHEET_START.replace(b"<sheetData>", dimension + b"<sheetData>")
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        archive.writestr(SHEET_PART, start + rows + SHEET_END)
    return zipfile.ZipFile(io.BytesIO(buffer.getvalue()))


def test_columns_count_where_something_is_written() -> None:
    # LibreOffice writes empty formatted cells out to its 1,024th column (AMJ) when a whole row is formatted.
    formatted_row = b'<row r="1"><c r="A1" t="n"><v>1</v></c><c r="AMJ1" s="3"/></row>'
    check_sheet_sizes(_zip_with_sheet(formatted_row, b'<dimension ref="A1:AMJ1"/>'))
    written = b'<row r="1"><c r="A1" t="n"><v>1</v></c><c r="GS1" t="n"><v>2</v></c></row>'
    with pytest.raises(FileRefused) as caught:
        check_sheet_sizes(_zip_with_sheet(written))
    assert caught.value.message == (
        "trang «sheet1.xml» có dữ liệu ở cột GS (cột thứ 201), quá giới hạn 200 cột của một biểu; "
        "hãy xóa các cột thừa, lưu lại rồi gửi lại"
    )
    unnumbered = b"<row>" + b'<c t="n"><v>1</v></c>' * 201 + b"</row>"
    with pytest.raises(FileRefused, match="cột thứ 201"):
        check_sheet_sizes(_zip_with_sheet(unnumbered))
    # Rows numbered falsely (all "1") still count one by one.
    with pytest.raises(FileRefused, match=r"dài đến dòng 20\.001"):
        check_sheet_sizes(_zip_with_sheet(b'<row r="1"><c t="n"><v>1</v></c></row>' * 20_001))
    check_sheet_sizes(_zip_with_sheet(PLAIN_ROW * 20_000, b'<dimension ref="A1:A20000"/>'))


@pytest.fixture(scope="module")
def inflating_appendix(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed appendix with two draft sheets of 150 MB each: 300 MB of XML in a few megabytes."""
    folder = tmp_path_factory.mktemp("inflating")
    path = write_workbook(
        folder / "phu-luc-300MB.xlsx", [("x",)], sheet_title="Nháp 1", extra_sheets=[("Nháp 2", [("y",)])]
    )
    seed = seed_workbook(folder / "seed.xlsx")
    with zipfile.ZipFile(seed) as archive:
        table = archive.read(SHEET_PART)
    replace_parts(
        path,
        {
            SHEET_PART: streamed_sheet(repeated_rows(150)),
            "xl/worksheets/sheet2.xml": streamed_sheet(repeated_rows(150)),
            "xl/worksheets/sheet3.xml": table,
        },
    )
    return path


def test_a_workbook_inflating_to_300_megabytes_is_refused_without_reading_it_all(
    inflating_appendix: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with zipfile.ZipFile(inflating_appendix) as archive:
        expanded = sum(info.file_size for info in archive.infolist())
    assert expanded > 300 * 1024 * 1024 and inflating_appendix.stat().st_size < 5 * 1024 * 1024
    read: list[int] = []
    original = zipfile.ZipExtFile.read

    def counting(self: zipfile.ZipExtFile, n: int = -1) -> bytes:
        data = original(self, n)
        read.append(len(data))
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting)
    with pytest.raises(WorkbookError) as caught:
        open_workbook(inflating_appendix)
    assert caught.value.message == (
        "Tệp phu-luc-300MB.xlsx: trang «Nháp 1» dài đến dòng 20.001, quá giới hạn 20.000 dòng của một biểu; "
        "hãy xóa các dòng thừa ở cuối trang, lưu lại rồi gửi lại"
    )
    assert sum(read) < 2 * 1024 * 1024  # the first 20,001 rows, not the 300 MB behind them


def test_import_table_refuses_the_300_megabyte_workbook_and_creates_nothing(
    inflating_appendix: Path, tmp_path: Path
) -> None:
    db = tmp_path / "bk.sqlite"
    result = run_main("import-table", inflating_appendix, "--year", YEAR, "--db", db)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "Lỗi: Tệp phu-luc-300MB.xlsx: trang «Nháp 1» dài đến dòng 20.001, quá giới hạn 20.000 dòng của một biểu; "
        "hãy xóa các dòng thừa ở cuối trang, lưu lại rồi gửi lại"
    )
    assert not db.exists()


def test_a_template_inflating_to_300_megabytes_is_refused_before_anything_is_decompressed(
    world: dict[str, Path], office: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = file_of(world, "kt.xlsx", tmp_path, "kt-300MB.xlsx")
    with zipfile.ZipFile(template) as archive:
        sheet = archive.read(SHEET_PART)
    replace_parts(template, {SHEET_PART: streamed_sheet(repeated_rows(300, b"<row/>"))})
    assert template.stat().st_size < 5 * 1024 * 1024
    before = dump(office)
    assert cli("import-submissions", template, "--accept-unsigned", "--db", office) == 1
    (line,) = lines_of(capsys.readouterr().out, template)
    assert line.startswith("kt-300MB.xlsx: bị từ chối — tệp nén khi giải nén quá lớn (300,")
    assert line.endswith("; tối đa 30,0 MB)")
    assert dump(office) == before
    assert sheet  # the real sheet was replaced, not added to


def test_a_33_megabyte_workbook_of_300_megabytes_of_xml_is_refused_by_both_commands_unread(
    world: dict[str, Path], office: Path, tmp_path: Path
) -> None:
    workbook = file_of(world, "kt.xlsx", tmp_path, "kt-33MB.xlsx")
    replace_parts(workbook, {SHEET_PART: streamed_sheet(dense_rows(300))})
    with zipfile.ZipFile(workbook) as archive:
        assert archive.getinfo(SHEET_PART).file_size > 300 * 1024 * 1024
    assert 32 * 1024 * 1024 < workbook.stat().st_size < 35 * 1024 * 1024
    good = file_of(world, "yt-1.json", tmp_path)
    before = dump(office)

    taken = run_main("import-submissions", workbook, "--accept-unsigned", "--db", office)
    assert taken.returncode == 1 and "Traceback" not in taken.stdout + taken.stderr
    (line,) = lines_of(taken.stdout, workbook)
    assert re.fullmatch(r"kt-33MB\.xlsx: bị từ chối — tệp quá lớn \(3[2-4],\d MB; tối đa 20,0 MB\)", line), line
    assert dump(office) == before
    # In a batch the good file is still taken.
    batch = run_main("import-submissions", workbook, good, "--accept-unsigned", "--db", office)
    assert lines_of(batch.stdout, good) == [
        "yt-1.json: đã nhận (phòng YT, số thứ tự 1) — 1 giá trị thay đổi, 0 xung đột"
    ]

    table = tmp_path / "bk.sqlite"
    refused = run_main("import-table", workbook, "--year", YEAR, "--db", table)
    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        "Lỗi: Tệp kt-33MB.xlsx quá lớn khi giải nén (xl/worksheets/sheet1.xml: 300 MB): một biểu chỉ tiêu không "
        "thể lớn như vậy, tệp có thể bị hỏng hoặc độc hại; không nhập"
    )
    assert not table.exists()


def test_a_sequence_number_beyond_a_32_bit_column_is_refused(
    world: dict[str, Path], office: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = unlock_setup(world["folder"] / "kt.setup", PASSPHRASE).private_key
    original = read_submission((world["folder"] / "kt-1.json").read_bytes()).submission
    later = datetime(2020, 12, 20, tzinfo=UTC)
    assert read_submission(write_submission(replace(original, sequence=2**31 - 1), key)).submission.sequence
    files = []
    for sequence in (2**53, 2**31):
        file = tmp_path / f"kt-so-{sequence}.json"
        file.write_bytes(write_submission(replace(original, sequence=sequence, created_at=later), key))
        files.append(file)
    before = dump(office)
    assert cli("import-submissions", *files, "--db", office) == 1
    assert lines_of(capsys.readouterr().out, *files) == [
        f"{file.name}: bị từ chối — số thứ tự của tệp ({shown}) nằm ngoài khoảng cho phép (từ 1 đến 2.147.483.647)"
        for file, shown in zip(files, ("9.007.199.254.740.992", "2.147.483.648"), strict=True)
    ]
    assert dump(office) == before
