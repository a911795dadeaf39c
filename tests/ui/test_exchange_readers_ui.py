"""Broken files taken in with good ones in the window: each ends in its own line, the good ones are applied."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from bkdesk.catalogue import PeriodKind
from bkdesk.evaluation import RowInput
from db.database import Database
from db.tables import departments, load_rows
from db.template_export import export_template
from tests.fixtures.exchange import YEAR, Dialogs, Phong, issue_phong
from tests.fixtures.foreign_files import ods_file, replace_parts, xls_file
from ui.context import AppContext
from ui.import_result_dialog import ImportResultDialog
from ui.main_window import MainWindow

SHEET_PART = "xl/worksheets/sheet1.xml"


@pytest.fixture
def phong(demo_db: Database, tmp_path: Path) -> Iterator[dict[str, Phong]]:
    made = {code: issue_phong(demo_db, code, tmp_path / "phong") for code in ("KT", "YT")}
    yield made
    for item in made.values():
        item.db.dispose()


@pytest.fixture
def window(
    qtbot: QtBot,
    synthesis_context: AppContext,
    table_rows: Callable[[AppContext], list[RowInput]],
) -> tuple[MainWindow, Dialogs]:
    dialogs = Dialogs()
    window = MainWindow()
    qtbot.addWidget(window)
    window.run_dialog = dialogs
    window.set_session(synthesis_context, table_rows(synthesis_context), departments(synthesis_context.db))
    window.show()
    qtbot.waitExposed(window)
    return window, dialogs


def broken_template(db: Database, folder: Path, name: str, old: bytes, new: bytes) -> Path:
    """KT's template filled in a spreadsheet program, then one byte string of its sheet changed."""
    path = folder / name
    export_template(db, "KT", YEAR, PeriodKind.ESTIMATE, path)
    workbook = load_workbook(path)
    sheet = workbook["Nhập số liệu"]
    row = next(r for r in range(4, sheet.max_row + 1) if sheet.cell(r, 7).value == "A.2")
    sheet.cell(row, 5).value = 3120
    workbook.save(path)
    with zipfile.ZipFile(path) as archive:
        content = archive.read(SHEET_PART)
    assert old in content
    return replace_parts(path, {SHEET_PART: content.replace(old, new, 1)})


def test_broken_files_in_a_dropped_batch_are_refused_one_by_one_and_the_rest_is_taken(
    qtbot: QtBot, window: tuple[MainWindow, Dialogs], phong: dict[str, Phong], demo_db: Database, tmp_path: Path
) -> None:
    main, dialogs = window
    folder = tmp_path / "nhan"
    folder.mkdir()
    phong["KT"].enter("A.2", "3.100")
    phong["YT"].enter("C.2.1", "13,5")
    files = [
        broken_template(demo_db, folder, "kt-so-hong.xlsx", b"<v>3120</v>", b"<v>3.120,5</v>"),
        phong["KT"].submit(folder),
        broken_template(demo_db, folder, "kt-xml-hong.xlsx", b"</row>", b"</rw>"),
        xls_file(folder / "yt-cu.xls"),
        ods_file(folder / "yt-libre.ods"),
        phong["YT"].submit(folder),
    ]
    main.exchange.import_files(files)  # what *Nhận số liệu các phòng…* and a drop on the window both call
    qtbot.waitUntil(lambda: bool(dialogs.of(ImportResultDialog)) and not main.exchange.runner.busy, timeout=60000)

    result = dialogs.of(ImportResultDialog)[-1]
    assert isinstance(result, ImportResultDialog)
    lines = result.line_texts()
    assert [line.split(":")[0] for line in lines] == [file.name for file in files]
    assert lines[0].startswith("kt-so-hong.xlsx: bị từ chối — không đọc được tệp (lỗi ValueError khi đọc;")
    assert lines[1] == "KT-2020-uoc-so1.json: đã nhận (phòng KT, số thứ tự 1) — 1 giá trị thay đổi, 0 xung đột"
    assert lines[2].startswith("kt-xml-hong.xlsx: bị từ chối — trang «Nhập số liệu» bị hỏng (XML sai ở dòng 1")
    assert lines[3] == (
        "yt-cu.xls: bị từ chối — Tệp yt-cu.xls là định dạng Excel 97–2003 (.xls): hãy lưu lại thành .xlsx "
        "(Excel Workbook) rồi gửi lại"
    )
    assert lines[4] == (
        "yt-libre.ods: bị từ chối — Tệp yt-libre.ods là định dạng OpenDocument (.ods): hãy lưu lại thành .xlsx "
        "(Excel Workbook) rồi gửi lại"
    )
    assert lines[5] == "YT-2020-uoc-so1.json: đã nhận (phòng YT, số thứ tự 1) — 1 giá trị thay đổi, 0 xung đột"
    assert result.summary.text() == "Đã xử lý 6 tệp: 2 đã nhận, 4 bị từ chối."
    stored = {row.indicator.code: row.estimate for row in load_rows(demo_db, 2020)}
    assert (stored["A.2"], stored["C.2.1"]) == ("3.100", "13,5")


def test_a_percent_a_renamed_pdf_and_files_too_big_or_misnumbered_each_end_in_their_line_in_the_window(
    qtbot: QtBot, window: tuple[MainWindow, Dialogs], phong: dict[str, Phong], demo_db: Database, tmp_path: Path
) -> None:
    from dataclasses import replace

    from bkdesk.exchange.submission import read_submission, write_submission
    from db.department_setup import unlock_setup
    from tests.fixtures.foreign_files import dense_rows, pdf_file, streamed_sheet

    main, dialogs = window
    dialogs.on(QMessageBox, lambda box: int(QMessageBox.StandardButton.Yes))  # yes, take the templates in
    folder = tmp_path / "nhan"
    folder.mkdir()
    percent = folder / "kt-phan-tram.xlsx"
    export_template(demo_db, "KT", YEAR, PeriodKind.ESTIMATE, percent)
    workbook = load_workbook(percent)
    sheet = workbook["Nhập số liệu"]
    cell = sheet.cell(next(r for r in range(4, sheet.max_row + 1) if sheet.cell(r, 7).value == "B.8"), 5)
    cell.value, cell.number_format = 0.662, "0.0%"  # "66,2%" typed in a spreadsheet program
    workbook.save(percent)
    tall = folder / "kt-1048576.xlsx"
    export_template(demo_db, "KT", YEAR, PeriodKind.ESTIMATE, tall)
    workbook = load_workbook(tall)
    workbook["Nhập số liệu"].cell(1_048_576, 5).value = "1"
    workbook.save(tall)
    big = folder / "kt-33MB.xlsx"
    export_template(demo_db, "KT", YEAR, PeriodKind.ESTIMATE, big)
    replace_parts(big, {SHEET_PART: streamed_sheet(dense_rows(300))})
    yt = phong["YT"]
    yt.enter("C.2.1", "13,5")
    good = yt.submit(folder)
    # The same file signed with YT's key under a number no bkdesk writes.
    misnumbered = folder / "yt-so-2-mu-53.json"
    far = replace(read_submission(good.read_bytes()).submission, sequence=2**53)
    misnumbered.write_bytes(write_submission(far, unlock_setup(yt.setup, yt.passphrase).private_key))
    files = [percent, pdf_file(folder / "kt-ban-in.xlsx"), tall, big, misnumbered, good]

    main.exchange.import_files(files)
    qtbot.waitUntil(lambda: bool(dialogs.of(ImportResultDialog)) and not main.exchange.runner.busy, timeout=60000)

    result = dialogs.of(ImportResultDialog)[-1]
    assert isinstance(result, ImportResultDialog)
    lines = result.line_texts()
    assert lines[0] == "kt-phan-tram.xlsx: đã nhận (phòng KT, biểu mẫu Excel chưa ký) — 1 giá trị thay đổi, 0 xung đột"
    assert lines[1].startswith(
        "kt-ban-in.xlsx: bị từ chối — Tệp kt-ban-in.xlsx là tệp PDF (bản in của biểu), không phải bảng tính"
    )
    assert lines[2] == (
        "kt-1048576.xlsx: bị từ chối — trang «Nhập số liệu» dài đến dòng 1.048.576, quá giới hạn 20.000 dòng của "
        "một biểu; hãy xóa các dòng thừa ở cuối trang, lưu lại rồi gửi lại"
    )
    assert lines[3].startswith("kt-33MB.xlsx: bị từ chối — tệp quá lớn (3") and lines[3].endswith("; tối đa 20,0 MB)")
    assert lines[4] == (
        "yt-so-2-mu-53.json: bị từ chối — số thứ tự của tệp (9.007.199.254.740.992) nằm ngoài khoảng cho phép "
        "(từ 1 đến 2.147.483.647)"
    )
    assert lines[5] == "YT-2020-uoc-so1.json: đã nhận (phòng YT, số thứ tự 1) — 1 giá trị thay đổi, 0 xung đột"
    stored = {row.indicator.code: row.estimate for row in load_rows(demo_db, 2020)}
    assert (stored["B.8"], stored["C.2.1"]) == ("66,2", "13,5")
