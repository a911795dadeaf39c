"""The synthesis office's side of the exchange in the window: drop files, read the result, resolve, lock."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from bkdesk.evaluation import RowInput
from db.audit import history
from db.conflicts import list_conflicts
from db.database import Database
from db.entry import set_value
from db.tables import departments, load_rows
from tests.fixtures.exchange import OFFICE, YEAR, Dialogs, Phong, filled_template, issue_phong, tampered
from tests.ui.pictures import cell_region, ink, pixels_of, region_of, screenshot
from ui.conflicts_dialog import INDICATOR, ConflictsDialog
from ui.context import AppContext
from ui.entry_model import ESTIMATE
from ui.history_dialog import HistoryDialog
from ui.import_result_dialog import ImportResultDialog
from ui.lock_dialog import LockDialog
from ui.main_window import MainWindow
from ui.status_page import (
    CODE,
    CONFLICT_COLOUR,
    CONFLICTS,
    INCOMPLETE_COLOUR,
    LAST,
    SENT,
    SEQUENCE,
    SHARE,
    SIGNED,
    STANDING,
    StatusPage,
)

TableRows = Callable[[AppContext], list[RowInput]]


@pytest.fixture
def phong(demo_db: Database, tmp_path: Path) -> Iterator[dict[str, Phong]]:
    made = {code: issue_phong(demo_db, code, tmp_path / "phong") for code in ("KT", "YT", "GDDT")}
    yield made
    for item in made.values():
        item.db.dispose()


@pytest.fixture
def dialogs() -> Dialogs:
    return Dialogs()


@pytest.fixture
def window(qtbot: QtBot, synthesis_context: AppContext, table_rows: TableRows, dialogs: Dialogs) -> MainWindow:
    window = MainWindow()
    qtbot.addWidget(window)
    window.run_dialog = dialogs
    window.set_session(synthesis_context, table_rows(synthesis_context), departments(synthesis_context.db))
    window.resize(1366, 740)
    window.show()
    qtbot.waitExposed(window)
    return window


def drop(window: MainWindow, paths: list[Path]) -> tuple[bool, bool]:
    """Drag ``paths`` over the window and drop them; whether the enter and the drop were accepted."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    actions = Qt.DropAction.CopyAction
    enter = QDragEnterEvent(QPoint(300, 300), actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    event = QDropEvent(QPointF(300, 300), actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, event)
    return enter.isAccepted(), event.isAccepted()


def finish(qtbot: QtBot, window: MainWindow, dialogs: Dialogs, kind: type[QDialog] = ImportResultDialog) -> QDialog:
    count = len(dialogs.of(kind))
    qtbot.waitUntil(lambda: len(dialogs.of(kind)) > count and not window.exchange.runner.busy, timeout=30000)
    return dialogs.of(kind)[-1]


def shown(window: MainWindow, code: str) -> str:
    model = window.model
    assert model is not None
    return str(model.index(model.row_of(code), model.column_of(ESTIMATE)).data())


def stored(db: Database, code: str) -> str:
    return next(row.estimate for row in load_rows(db, YEAR) if row.indicator.code == code)


def status_cells(page: StatusPage, code: str) -> dict[int, str]:
    row = page.model.row_of(code)
    return {column: page.model.index(row, column).data() for column in range(page.model.columnCount())}


def show_status(qtbot: QtBot, window: MainWindow) -> StatusPage:
    window.exchange.status_action.trigger()
    page = window.status_page
    assert page is not None and window.tabs.currentWidget() is page
    qtbot.waitUntil(lambda: page.model.rowCount() > 0 and not window.exchange.status_busy, timeout=30000)
    return page


def dump(db: Database) -> list[str]:
    assert db.path is not None
    connection = sqlite3.connect(db.path)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def test_the_menu_is_the_synthesis_offices(window: MainWindow) -> None:
    exchange = window.exchange
    assert [a.text() for a in window.exchange_menu.actions() if not a.isSeparator()] == [
        "Cấp tệp thiết lập cho phòng…",
        "Xuất mẫu Excel cho phòng…",
        "Nhập biểu chỉ tiêu từ Excel…",
        "Nhận số liệu các phòng…",
        "Xung đột số liệu…",
        "Gửi phản hồi cho phòng…",
        "Tình hình nộp",
        "Chốt số liệu…",
        "Mở khóa số liệu…",
        "Tạo năm mới…",
        "Gửi số liệu…",
        "Nhận phản hồi…",
        "Chọn số sau phản hồi…",
        "Mở tệp thiết lập…",
        "Mở cơ sở dữ liệu khác…",
    ]
    assert all(action.isEnabled() for action in exchange.synthesis_actions)
    assert not exchange.submit_action.isEnabled()  # a phòng's action
    assert not exchange.receive_feedback_action.isEnabled() and not exchange.choices_action.isEnabled()
    assert window.tabs.tabText(window.tabs.count() - 1) == "Tình hình nộp"
    assert not window.lock_label.isVisible()


def test_three_dropped_files_are_imported_with_progress_and_a_line_each(
    qtbot: QtBot, window: MainWindow, dialogs: Dialogs, phong: dict[str, Phong], tmp_path: Path, demo_db: Database
) -> None:
    page = show_status(qtbot, window)
    kt = status_cells(page, "KT")
    assert (kt[LAST], kt[SIGNED]) == ("—", "—")
    assert re.fullmatch(r"đã cấp tệp thiết lập ngày \d\d/\d\d/\d{4}, chưa nộp", kt[STANDING])
    phong["KT"].enter("A.2", "3.100")
    phong["YT"].enter("C.2.1", "13,5")
    phong["GDDT"].enter("C.1.1.a", "40")
    phong["GDDT"].enter("C.1.6", "")
    files = [phong[code].submit(tmp_path / "out") for code in ("KT", "YT", "GDDT")]
    progress: list[tuple[int, int]] = []
    runner = window.exchange.runner
    original = runner._on_progress
    runner._on_progress = lambda done, total: (progress.append((done, total)), original(done, total))  # type: ignore[method-assign]

    assert drop(window, files) == (True, True)
    result = finish(qtbot, window, dialogs)

    assert isinstance(result, ImportResultDialog)
    assert result.line_texts() == [
        "KT-2020-uoc-so1.json: đã nhận (phòng KT, số thứ tự 1) — 1 giá trị thay đổi, 0 xung đột",
        "YT-2020-uoc-so1.json: đã nhận (phòng YT, số thứ tự 1) — 1 giá trị thay đổi, 0 xung đột",
        "GDDT-2020-uoc-so1.json: đã nhận (phòng GDDT, số thứ tự 1) — 2 giá trị thay đổi, 0 xung đột",
    ]
    assert result.summary.text() == "Đã xử lý 3 tệp: 3 đã nhận."
    assert (3, 3) in progress  # the import's own bar went to the end
    assert (shown(window, "A.2"), shown(window, "C.2.1"), shown(window, "C.1.1.a")) == ("3.100", "13,5", "40")
    assert shown(window, "C.1.6") == ""
    assert stored(demo_db, "A.2") == "3.100"
    assert "3 đã nhận" in window.statusBar().currentMessage()
    assert window.undo_stack.count() == 0
    qtbot.waitUntil(lambda: status_cells(page, "KT")[SEQUENCE] == "1", timeout=30000)
    kt, gddt = status_cells(page, "KT"), status_cells(page, "GDDT")
    assert (kt[SIGNED], kt[CONFLICTS], kt[LAST][2], kt[LAST][5]) == ("Có", "0", "/", "/")
    # GDDT changed one figure and cleared another: one figure of its own out of 10; KT's is its own too.
    assert (gddt[SENT], gddt[SHARE], kt[SENT], kt[STANDING]) == ("1", "10", "1", "đã nộp")


def test_history_of_a_merged_value_names_the_file(
    qtbot: QtBot, window: MainWindow, dialogs: Dialogs, phong: dict[str, Phong], tmp_path: Path
) -> None:
    phong["KT"].enter("A.2", "3.100")
    drop(window, [phong["KT"].submit(tmp_path)])
    finish(qtbot, window, dialogs)
    assert window.model is not None
    window.open_history_dialog(window.model.row_of("A.2"))
    table = dialogs.of(HistoryDialog)[-1].table  # type: ignore[attr-defined]
    rows = [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]
    newest = next(row for row in rows if row[2] == "sửa giá trị (ước thực hiện)")
    assert newest[1] == "tong_hop (Văn phòng tổng hợp)"  # who took the file in
    assert newest[3] == "3.050 → 3.100"
    assert newest[4].startswith("tệp KT-2020-uoc-so1.json (phòng KT, số thứ tự 1, SHA-256 ")
    day, month, rest = newest[0].split("/")
    assert len(day) == 2 and len(month) == 2 and len(rest) == len("2020 10:30")


def test_a_tampered_file_is_refused_by_name_and_nothing_changes(
    qtbot: QtBot, window: MainWindow, dialogs: Dialogs, phong: dict[str, Phong], tmp_path: Path, demo_db: Database
) -> None:
    bad = tampered(phong["KT"].submit(tmp_path), "A.2", "9.999")
    before = dump(demo_db)
    drop(window, [bad])
    result = finish(qtbot, window, dialogs)
    assert isinstance(result, ImportResultDialog)
    (line,) = result.line_texts()
    assert line.startswith("sua-tay-KT-2020-uoc-so1.json: bị từ chối — chữ ký không hợp lệ")
    assert dump(demo_db) == before
    assert shown(window, "A.2") == "3.050"
    assert "1 bị từ chối" in window.statusBar().currentMessage()


def test_an_unsigned_template_is_imported_only_once_confirmed(
    qtbot: QtBot, window: MainWindow, dialogs: Dialogs, tmp_path: Path, demo_db: Database
) -> None:
    template = filled_template(demo_db, "KT", tmp_path / "bieu-mau-KT.xlsx", {"A.2": "3.120"})
    dialogs.on(QMessageBox, lambda box: int(QMessageBox.StandardButton.No))
    drop(window, [template])
    result = finish(qtbot, window, dialogs)
    question = dialogs.of(QMessageBox)[0]
    assert "«bieu-mau-KT.xlsx»" in question.text() and "không có chữ ký" in question.text()  # type: ignore[attr-defined]
    assert "Phòng Kinh tế (KT)" in question.text()  # type: ignore[attr-defined]
    assert result.line_texts() == ["bieu-mau-KT.xlsx: chưa nhập — biểu mẫu Excel chưa ký mà bạn đã chọn không nhập"]  # type: ignore[attr-defined]
    assert stored(demo_db, "A.2") == "3.050"

    dialogs.on(QMessageBox, lambda box: int(QMessageBox.StandardButton.Yes))
    drop(window, [template])
    result = finish(qtbot, window, dialogs)
    assert result.line_texts() == [  # type: ignore[attr-defined]
        "bieu-mau-KT.xlsx: đã nhận (phòng KT, biểu mẫu Excel chưa ký) — 1 giá trị thay đổi, 0 xung đột"
    ]
    assert (stored(demo_db, "A.2"), shown(window, "A.2")) == ("3.120", "3.120")


def test_a_conflict_is_counted_then_resolved_in_the_dialog_with_a_reason(
    qtbot: QtBot, window: MainWindow, dialogs: Dialogs, phong: dict[str, Phong], tmp_path: Path, demo_db: Database
) -> None:
    model = window.model
    assert model is not None
    assert model.edit_cell(model.row_of("A.2"), ESTIMATE, "3.080")  # the synthesis office corrects it
    phong["KT"].enter("A.2", "3.100")  # and so does the phòng, differently
    drop(window, [phong["KT"].submit(tmp_path)])
    result = finish(qtbot, window, dialogs)
    assert result.line_texts() == [  # type: ignore[attr-defined]
        "KT-2020-uoc-so1.json: đã nhận (phòng KT, số thứ tự 1) — 0 giá trị thay đổi, 1 xung đột"
    ]
    assert window.exchange.conflicts_action.text() == "Xung đột số liệu (1)…"
    assert "Còn 1 xung đột số liệu chưa giải quyết" in window.statusBar().currentMessage()
    assert shown(window, "A.2") == "3.080"  # kept until someone decides

    checked: dict[str, object] = {}

    def decide(dialog: QDialog) -> int:
        assert isinstance(dialog, ConflictsDialog)
        table = dialog.model
        checked["row"] = [table.index(0, c).data() for c in range(table.columnCount())]
        checked["before"] = (dialog.keep_local.isEnabled(), dialog.keep_incoming.isEnabled())
        qtbot.keyClicks(dialog.reason, "   ")
        checked["spaces"] = dialog.keep_incoming.isEnabled()
        dialog.reason.setText("Phòng Kinh tế đã rà soát lại theo số liệu tháng 11")
        checked["after"] = dialog.keep_incoming.isEnabled()
        dialog.keep_incoming.click()
        checked["left"] = table.rowCount()
        checked["intro"] = dialog.intro.text()
        return int(QDialog.DialogCode.Rejected)

    dialogs.on(ConflictsDialog, decide)
    window.exchange.conflicts_action.trigger()
    row = checked["row"]
    assert isinstance(row, list)
    assert row[:6] == ["KT", row[1], "giá trị (ước thực hiện)", "3.050", "3.080", "3.100"]
    assert str(row[1]).startswith("A.2 Tổng mức bán lẻ")
    assert row[6] == "KT-2020-uoc-so1.json" and len(str(row[7])) == len("25/11/2020 10:30")
    assert checked["before"] == (False, False) and checked["spaces"] is False and checked["after"] is True
    assert checked["left"] == 0 and checked["intro"] == "Không còn xung đột số liệu nào chưa giải quyết."
    assert (stored(demo_db, "A.2"), shown(window, "A.2")) == ("3.100", "3.100")
    assert window.exchange.conflicts_action.text() == "Xung đột số liệu…"
    decision = [e for e in history(demo_db, YEAR, "A.2") if e.action == "giải quyết xung đột"][-1]
    assert decision.reason.endswith("Phòng Kinh tế đã rà soát lại theo số liệu tháng 11")
    assert decision.actor == "tong_hop (Văn phòng tổng hợp)" and "KT-2020-uoc-so1.json" in decision.source
    assert list_conflicts(demo_db, YEAR) == []


def test_lock_refuses_grid_edits_until_unlocked(
    qtbot: QtBot, window: MainWindow, dialogs: Dialogs, demo_db: Database
) -> None:
    seen: dict[str, bool] = {}

    def lock(dialog: QDialog) -> int:
        assert isinstance(dialog, LockDialog)
        seen[f"{dialog.locking}-empty"] = dialog.ok_button.isEnabled()
        dialog.reason.setPlainText("Đã trình kỳ họp HĐND" if dialog.locking else "Sửa theo ý kiến thẩm tra")
        seen[f"{dialog.locking}-reason"] = dialog.ok_button.isEnabled()
        return int(QDialog.DialogCode.Accepted)

    dialogs.on(LockDialog, lock)
    window.exchange.lock_action.trigger()
    assert seen == {"True-empty": False, "True-reason": True}
    assert window.lock_label.isVisible() and window.lock_label.text() == "Đã chốt số liệu"
    assert window.windowTitle().endswith("— đã chốt số liệu")
    assert "Ước thực hiện năm 2020: đã chốt (lý do: Đã trình kỳ họp HĐND)." in dialogs.messages()[-1]

    model = window.model
    assert model is not None
    assert not model.edit_cell(model.row_of("A.2"), ESTIMATE, "3.333")
    assert window.statusBar().currentMessage() == (
        "Không lưu: Số liệu ước thực hiện năm 2020 đã được chốt (Đã trình kỳ họp HĐND); cần mở khóa trước khi sửa"
    )
    assert (stored(demo_db, "A.2"), shown(window, "A.2")) == ("3.050", "3.050")

    window.exchange.unlock_action.trigger()
    assert not window.lock_label.isVisible() and not window.windowTitle().endswith("đã chốt số liệu")
    assert model.edit_cell(model.row_of("A.2"), ESTIMATE, "3.333")
    assert stored(demo_db, "A.2") == "3.333"
    actions = [(e.action, e.reason) for e in history(demo_db, YEAR) if e.field == "locked"]
    assert actions == [
        ("chốt số liệu", "Đã trình kỳ họp HĐND"),
        ("mở khóa số liệu", "Sửa theo ý kiến thẩm tra"),
    ]


def test_a_locked_period_refuses_dropped_files_with_the_reason(
    qtbot: QtBot, window: MainWindow, dialogs: Dialogs, phong: dict[str, Phong], tmp_path: Path, demo_db: Database
) -> None:
    from db.locking import lock_period

    phong["KT"].enter("A.2", "3.100")
    lock_period(demo_db, YEAR, None, "Đã trình kỳ họp", actor=OFFICE)
    drop(window, [phong["KT"].submit(tmp_path)])
    (line,) = finish(qtbot, window, dialogs).line_texts()  # type: ignore[attr-defined]
    assert line == (
        "KT-2020-uoc-so1.json: bị từ chối — Số liệu ước thực hiện năm 2020 đã được chốt (Đã trình kỳ họp); "
        "cần mở khóa trước khi sửa"
    )
    assert stored(demo_db, "A.2") == "3.050"


def test_double_click_on_a_phong_filters_the_grid(qtbot: QtBot, window: MainWindow) -> None:
    page = show_status(qtbot, window)
    index = page.model.index(page.model.row_of("CA"), CODE)
    rect = page.table.visualRect(index)
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.tabs.currentWidget() is window.entry_page
    assert window.entry_page.department.currentData() == "CA"
    proxy = window.entry_page.proxy
    assert [proxy.index(r, 0).data() for r in range(proxy.rowCount())] == ["D", "4", "+", "+", "5"]


def test_files_dialog_imports_many_and_drops_are_refused_elsewhere(
    qtbot: QtBot,
    window: MainWindow,
    dialogs: Dialogs,
    phong: dict[str, Phong],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = phong["KT"].submit(tmp_path)
    phong["KT"].enter("A.3", "470")
    second = phong["KT"].submit(tmp_path)
    # Given newest first, the oldest is still applied first, so neither is refused as older.
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *args: ([str(second), str(first)], ""))
    window.exchange.import_action.trigger()
    result = finish(qtbot, window, dialogs)
    assert [line.split(" (")[0] for line in result.line_texts()] == [  # type: ignore[attr-defined]
        "KT-2020-uoc-so2.json: đã nhận",
        "KT-2020-uoc-so1.json: đã nhận",
    ]
    assert shown(window, "A.3") == "470"
    # A folder and a web address are not files to take in.
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path)), QUrl("https://example.org/KT.json")])
    assert not window.exchange.accepts_drop(mime)


def test_screenshots_of_the_status_tab_and_the_conflicts_dialog(
    qtbot: QtBot, window: MainWindow, dialogs: Dialogs, phong: dict[str, Phong], tmp_path: Path, demo_db: Database
) -> None:
    """The pictures (tests/out) mark the phòng with conflicts in red and show the conflicts with the reason typed."""
    set_value(demo_db, "A.2", YEAR, "3.080", actor=OFFICE)
    set_value(demo_db, "C.2.2", YEAR, "12", actor=OFFICE)
    phong["KT"].enter("A.2", "3.100")
    phong["YT"].enter("C.2.2", "11,8")
    phong["GDDT"].enter("C.1.6", "")
    drop(window, [phong[code].submit(tmp_path) for code in ("KT", "YT", "GDDT")])
    finish(qtbot, window, dialogs)
    page = show_status(qtbot, window)
    qtbot.waitUntil(lambda: status_cells(page, "YT")[SEQUENCE] == "1", timeout=30000)
    page.table.clearSelection()  # a selected cell is drawn in the selection's colours
    picture = screenshot(window, "status_tab.png")
    for code, conflicts in (("KT", "1"), ("YT", "1"), ("GDDT", "0")):
        assert status_cells(page, code)[CONFLICTS] == conflicts
        cell = cell_region(page.table, page.model.index(page.model.row_of(code), CONFLICTS), window)
        red = pixels_of(picture, cell, CONFLICT_COLOUR)
        assert (red > 3) if conflicts != "0" else (red == 0), f"the conflicts of {code}"
        assert ink(picture, cell, darker_than=160) > 3  # the count itself is written
    # GDDT's own figures: C.1.6 cleared, the others as issued, so none of its 10 is its own.
    cell = cell_region(page.table, page.model.index(page.model.row_of("GDDT"), SENT), window)
    assert status_cells(page, "GDDT")[SENT] == "0" and pixels_of(picture, cell, INCOMPLETE_COLOUR) > 3

    shot: list[QDialog] = []

    def shoot(dialog: QDialog) -> int:
        assert isinstance(dialog, ConflictsDialog)
        shot.append(dialog)
        dialog.reason.setText("Theo công văn số 125/PKT ngày 20/11")
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.table.clearSelection()
        picture = screenshot(dialog, "conflicts_dialog.png")
        assert dialog.model.rowCount() == 2
        for row in range(2):  # each conflict's indicator is written on its row
            cell = cell_region(dialog.table, dialog.model.index(row, INDICATOR), dialog)
            assert ink(picture, cell) > 10, f"row {row} of the conflicts"
        assert ink(picture, region_of(dialog.reason, dialog)) > 50  # the reason, in the text's own colour
        return int(QDialog.DialogCode.Rejected)

    dialogs.on(ConflictsDialog, shoot)
    window.exchange.conflicts_action.trigger()
    assert len(shot) == 1


def test_issuing_a_phong_writes_its_setup_file_and_says_to_hand_it_over(
    qtbot: QtBot, window: MainWindow, dialogs: Dialogs, tmp_path: Path
) -> None:
    from db.department_setup import read_setup_file, unlock_setup
    from ui.department_file_dialog import DepartmentFileDialog
    from ui.passphrase_dialog import PassphraseDialog

    seen: dict[str, object] = {}

    def fill(dialog: QDialog) -> int:
        assert isinstance(dialog, DepartmentFileDialog)
        dialog.select_department("YT")
        seen["proposed"] = Path(dialog.file.text()).name
        seen["warning"] = dialog.warning.text()
        dialog.file.setText(str(tmp_path / "usb" / "YT.setup"))
        return int(QDialog.DialogCode.Accepted)

    shown: list[tuple[str, str, str]] = []

    def look(dialog: QDialog) -> int:
        assert isinstance(dialog, PassphraseDialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        picture = screenshot(dialog, "issued_passphrase_dialog.png")
        assert ink(picture, region_of(dialog.passphrase, dialog)) > 100  # the passphrase, large and dark
        assert dialog.passphrase.isReadOnly()
        dialog.copy.click()
        assert QGuiApplication.clipboard().text() == dialog.passphrase.text()
        shown.append((dialog.summary.text(), dialog.passphrase.text(), dialog.warning.text()))
        return int(QDialog.DialogCode.Accepted)

    dialogs.on(DepartmentFileDialog, fill)
    dialogs.on(PassphraseDialog, look)
    window.exchange.issue_action.trigger()
    qtbot.waitUntil(lambda: not window.exchange.runner.busy and bool(shown), timeout=30000)
    assert seen["proposed"] == "thiet-lap-YT-2020.setup"
    assert "trao tận tay" in str(seen["warning"]) and "thư điện tử" in str(seen["warning"])
    assert "cụm mật khẩu" in str(seen["warning"])
    setup = read_setup_file(tmp_path / "usb" / "YT.setup")
    assert (setup.department.code, setup.year) == ("YT", 2020)
    ((summary, passphrase, warning),) = shown
    assert "Đã cấp tệp thiết lập cho Phòng Y tế (YT) năm 2020" in summary and "trao tận tay" in summary
    assert "qua một đường khác với tệp" in warning and "không xem lại được" in warning
    # The passphrase shown is the one that opens the file, and it is in no file bkdesk wrote.
    assert unlock_setup(tmp_path / "usb" / "YT.setup", passphrase).setup.setup_id == setup.setup_id
    assert passphrase.encode() not in (tmp_path / "usb" / "YT.setup").read_bytes()


def test_the_excel_template_of_a_phong_is_written_where_chosen(
    qtbot: QtBot, window: MainWindow, dialogs: Dialogs, tmp_path: Path
) -> None:
    from bkdesk.exchange.template import read_template
    from ui.department_file_dialog import DepartmentFileDialog

    names: list[str] = []

    def fill(dialog: QDialog) -> int:
        assert isinstance(dialog, DepartmentFileDialog)
        dialog.select_department("GDDT")
        names.append(Path(dialog.file.text()).name)
        dialog.file.setText(str(tmp_path / Path(dialog.file.text()).name))
        return int(QDialog.DialogCode.Accepted)

    dialogs.on(DepartmentFileDialog, fill)
    window.exchange.template_action.trigger()
    qtbot.waitUntil(lambda: not window.exchange.runner.busy and bool(dialogs.messages()), timeout=30000)
    assert names == ["bieu-mau-GDDT-2020-uoc.xlsx"]
    template = read_template((tmp_path / names[0]).read_bytes())
    codes = [value.code for value in template.values]
    assert template.info.department.code == "GDDT" and "C.1.1.a" in codes and "C.2.1" not in codes
    # 12 rows, of which the headings C.1 and C.1.1 (no unit, no target) take no figure and are not counted.
    assert len(codes) == 12 and {"C.1", "C.1.1"} <= set(codes)
    told = "Đã xuất biểu mẫu Excel ước thực hiện năm 2020 cho phòng GDDT (10 chỉ tiêu)"
    assert told in dialogs.messages()[-1]


def test_the_progress_dialog_cancels_a_running_task(qtbot: QtBot, window: MainWindow) -> None:
    import time

    from ui.task_runner import TaskRunner
    from ui.workers import Job

    runner = TaskRunner(window)
    outcome: list[str] = []

    def task(job: Job) -> None:
        for _ in range(3000):  # stops at the first check after "Hủy"; bounded should it never come
            job.progress(1, 3)
            time.sleep(0.01)

    runner.run(
        "Nhận số liệu các phòng",
        "Đang nhập…",
        task,
        lambda _result: outcome.append("xong"),
        outcome.append,
        cancellable=True,
        on_cancelled=lambda: outcome.append("đã hủy"),
    )
    dialog = runner.progress_dialog
    assert dialog is not None and runner.busy
    qtbot.waitUntil(lambda: dialog.maximum() == 3, timeout=10000)
    from PySide6.QtWidgets import QPushButton

    (cancel,) = [b for b in dialog.findChildren(QPushButton) if b.text() == "Hủy"]
    cancel.click()
    qtbot.waitUntil(lambda: not runner.busy, timeout=10000)
    assert outcome == ["đã hủy"]


def test_the_status_and_conflict_tables_are_well_behaved_qt_models(
    qtmodeltester,  # type: ignore[no-untyped-def]
    demo_db: Database,
    phong: dict[str, Phong],
    tmp_path: Path,
) -> None:
    from db.status import completeness
    from db.submission_import import import_submissions
    from ui.conflicts_dialog import ConflictsModel
    from ui.status_page import StatusModel

    set_value(demo_db, "A.2", YEAR, "3.080", actor=OFFICE)
    phong["KT"].enter("A.2", "3.100")
    import_submissions(demo_db, [phong["KT"].submit(tmp_path)], actor=OFFICE)
    status = StatusModel(completeness(demo_db, YEAR))
    qtmodeltester.check(status)
    row = status.row_of("KT")
    assert [status.index(row, c).data() for c in (SENT, SHARE, SEQUENCE, SIGNED, CONFLICTS)] == [
        "0",  # A.2 went to a conflict: the table still holds the office's figure
        "0",
        "1",
        "Có",
        "1",
    ]
    conflicts = ConflictsModel(list_conflicts(demo_db, YEAR))
    qtmodeltester.check(conflicts)
    assert conflicts.rowCount() == 1 and conflicts.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == "Phòng Kinh tế"
