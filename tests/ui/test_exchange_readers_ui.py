"""Broken files taken in with good ones in the window: each ends in its own line, the good ones are applied."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
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
