"""*In biểu*: the appendix PDF previewed, printed and saved, on the Bắc Kạn 2020 demo."""

from __future__ import annotations

import errno
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pypdf
import pytest
from PySide6.QtGui import QColor, QImage
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QDialog, QPushButton
from pytestqt.qtbot import QtBot

import bkdesk.reports.pdf
import bkdesk.reports.xlsx
import ui.print_preview
from tests.ui.pictures import ink, pixels_of, region_of, screenshot
from ui.context import AppContext
from ui.print_preview import PrintPreviewDialog
from ui.report_job import describe_file_error

SLOW = 30_000  # ms: generous for a loaded CI machine; the wait ends as soon as the condition holds


@pytest.fixture
def context(synthesis_context: AppContext) -> AppContext:
    """The synthesis office on the demo database, 2020 estimates (``tests/ui/conftest.py``)."""
    return synthesis_context


@pytest.fixture
def messages(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Message boxes the dialog would show, recorded instead of blocking the test."""
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(ui.print_preview, "warn", lambda _parent, title, text: shown.append((title, text)))
    return shown


def _open(qtbot: QtBot, context: AppContext) -> PrintPreviewDialog:
    dialog = PrintPreviewDialog(context)
    qtbot.addWidget(dialog)
    dialog.resize(1200, 700)  # what fits a 1366×768 screen
    dialog.show()
    _wait_idle(qtbot, dialog)
    return dialog


def _wait_idle(qtbot: QtBot, dialog: PrintPreviewDialog) -> None:
    qtbot.waitUntil(lambda: not dialog.runner.busy, timeout=SLOW)


@pytest.fixture
def dialog(qtbot: QtBot, context: AppContext, messages: list[tuple[str, str]]) -> Iterator[PrintPreviewDialog]:
    opened = _open(qtbot, context)
    assert opened.document.status() == QPdfDocument.Status.Ready
    yield opened
    opened.close()


def _save_as(monkeypatch: pytest.MonkeyPatch, target: Path) -> list[str]:
    """Stub the save dialog to answer ``target``; returns the default names it was offered."""
    offered: list[str] = []

    def answer(_parent: Any, _caption: str, default: str, _filter: str) -> tuple[str, str]:
        offered.append(Path(default).name)
        return str(target), _filter

    monkeypatch.setattr(ui.print_preview.QFileDialog, "getSaveFileName", staticmethod(answer))
    return offered


def _held_mid_file(laying_out: threading.Event, release: threading.Event) -> Any:
    """``write_pdf`` that stops, half-written, until ``release``: its partial file is on disk then."""
    real = bkdesk.reports.pdf.write_pdf

    def write(evaluation: Any, settings: Any, out: Path, *, cancelled: Any, **kwargs: Any) -> None:
        def gated() -> bool:
            # The writer asks this as it lays the table out; once its partial file is there, hold it.
            if not laying_out.is_set() and any(out.parent.glob(f".{out.name}.*")):
                laying_out.set()
                release.wait(SLOW / 1000)
            return cancelled()

        real(evaluation, settings, out, cancelled=gated, **kwargs)

    return write


def _pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def test_opening_writes_the_pdf_off_the_gui_thread_and_shows_it(
    qtbot: QtBot, context: AppContext, messages: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = bkdesk.reports.pdf.write_pdf
    seen: dict[str, Any] = {}

    def spy(*args: Any, **kwargs: Any) -> None:
        seen["thread"] = threading.current_thread()
        seen["cancellable"] = callable(kwargs.get("cancelled"))
        real(*args, **kwargs)

    monkeypatch.setattr(bkdesk.reports.pdf, "write_pdf", spy)
    dialog = _open(qtbot, context)

    assert seen["thread"] is not threading.main_thread()
    assert seen["cancellable"]
    assert dialog.document.status() == QPdfDocument.Status.Ready
    assert dialog.document.pageCount() >= 1
    assert dialog.pdf_path is not None and dialog.pdf_path.exists()
    assert dialog.status.text() == f"Biểu năm 2020: {dialog.document.pageCount()} trang A4 khổ dọc."
    assert dialog.page_label.text() == f"Trang 1/{dialog.document.pageCount()}"
    assert dialog.print_action.isEnabled() and dialog.save_pdf_action.isEnabled()
    assert messages == []
    dialog.close()


def test_save_pdf_copies_the_appendix(
    dialog: PrintPreviewDialog, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "nộp" / "bieu-2020.pdf"
    target.parent.mkdir()
    offered = _save_as(monkeypatch, target)
    dialog.save_pdf()
    _wait_idle(qtbot, dialog)

    assert offered == ["bieu-2020.pdf"]
    assert target.read_bytes() == dialog.pdf_path.read_bytes()  # type: ignore[union-attr]
    text = _pdf_text(target)
    assert "Không đạt" in text
    assert "Đạt và vượt 50/59 chỉ tiêu" in " ".join(text.split())
    assert len(pypdf.PdfReader(target).pages) == dialog.document.pageCount()
    assert dialog.status.text() == f"Đã lưu {target}"


def test_save_pdf_adds_the_extension_the_filter_names(
    dialog: PrintPreviewDialog, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _save_as(monkeypatch, tmp_path / "bao-cao")
    dialog.save_pdf()
    _wait_idle(qtbot, dialog)
    assert (tmp_path / "bao-cao.pdf").read_bytes().startswith(b"%PDF")


def test_save_excel_writes_a_workbook(
    dialog: PrintPreviewDialog, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "bieu-2020.xlsx"
    offered = _save_as(monkeypatch, target)
    dialog.save_xlsx()
    _wait_idle(qtbot, dialog)

    assert offered == ["bieu-2020.xlsx"]
    workbook = openpyxl.load_workbook(target)
    cells = {str(cell.value) for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row}
    assert "Không đạt" in cells
    assert "Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ" in cells


def test_cancelling_the_excel_file_leaves_nothing_at_the_chosen_path(
    dialog: PrintPreviewDialog,
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    messages: list[tuple[str, str]],
) -> None:
    real = bkdesk.reports.xlsx.write_xlsx
    writing, release = threading.Event(), threading.Event()

    def slow(*args: Any) -> None:
        real(*args)  # the workbook is complete in the stream: only the cancel can stop it now
        writing.set()
        release.wait(SLOW / 1000)

    monkeypatch.setattr(bkdesk.reports.xlsx, "write_xlsx", slow)
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "bieu-2020.xlsx"
    _save_as(monkeypatch, target)
    dialog.save_xlsx()
    qtbot.waitUntil(writing.is_set, timeout=SLOW)
    progress = dialog.runner.progress_dialog
    assert progress is not None
    cancel = progress.findChild(QPushButton)
    assert cancel.text() == "Hủy"
    cancel.click()
    release.set()
    _wait_idle(qtbot, dialog)

    assert list(folder.iterdir()) == []
    assert messages == []
    assert dialog.status.text() == "Đã hủy lưu tệp Excel; không có tệp nào được ghi."


def test_cancelling_a_new_layout_keeps_the_previous_preview(
    dialog: PrintPreviewDialog, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, messages: list[tuple[str, str]]
) -> None:
    laying_out, release = threading.Event(), threading.Event()
    monkeypatch.setattr(bkdesk.reports.pdf, "write_pdf", _held_mid_file(laying_out, release))
    shown = dialog.pdf_path
    pages = dialog.document.pageCount()
    folder = dialog.temp_folder

    dialog.landscape_action.trigger()
    qtbot.waitUntil(laying_out.is_set, timeout=SLOW)
    dialog.runner.cancel()
    release.set()
    _wait_idle(qtbot, dialog)

    assert list(folder.iterdir()) == [shown]  # no half-written landscape file
    assert not dialog.landscape and not dialog.landscape_action.isChecked()
    assert dialog.document.pageCount() == pages
    assert dialog.status.text() == "Đã hủy; biểu đang xem vẫn là bản trước."
    assert messages == []


def test_landscape_writes_the_pdf_again_on_turned_pages(dialog: PrintPreviewDialog, qtbot: QtBot) -> None:
    portrait = dialog.pdf_path
    dialog.landscape_action.trigger()
    _wait_idle(qtbot, dialog)
    assert dialog.landscape
    size = dialog.document.pagePointSize(0)
    assert size.width() > size.height()
    assert dialog.pdf_path != portrait and not portrait.exists()  # type: ignore[union-attr]
    assert "khổ ngang" in dialog.status.text()


def test_print_renders_every_page_to_the_printer(
    dialog: PrintPreviewDialog, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    printed = tmp_path / "may-in.pdf"

    class PrintDialog:
        """Stands for the system dialog: the user picks a printer that writes to a file."""

        def __init__(self, printer: QPrinter, _parent: Any) -> None:
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(str(printed))
            printer.setResolution(150)  # the page is still rendered at 300 dpi, then scaled

        def setWindowTitle(self, _title: str) -> None:
            pass

        def setMinMax(self, _first: int, _last: int) -> None:
            pass

        def exec(self) -> int:
            return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ui.print_preview, "QPrintDialog", PrintDialog)
    dialog.print_document()
    _wait_idle(qtbot, dialog)

    assert len(pypdf.PdfReader(printed).pages) == dialog.document.pageCount()
    copy = QPdfDocument()
    copy.load(str(printed))
    first = copy.render(0, dialog.document.pagePointSize(0).toSize())
    copy.close()
    assert _ink(first) > 0.01  # the table is there, not a blank sheet
    assert dialog.status.text() == f"Đã gửi {dialog.document.pageCount()} trang tới máy in."


def _ink(image: QImage) -> float:
    """Share of dark pixels on a small copy of ``image``."""
    small = image.scaled(60, 85)
    dark = sum(small.pixelColor(x, y).lightness() < 128 for x in range(small.width()) for y in range(small.height()))
    return dark / (small.width() * small.height())


def test_an_unwritable_place_gives_a_message_naming_the_file(
    dialog: PrintPreviewDialog,
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    messages: list[tuple[str, str]],
) -> None:
    target = tmp_path / "usb-đã-rút" / "bieu-2020.xlsx"
    _save_as(monkeypatch, target)
    dialog.save_xlsx()
    _wait_idle(qtbot, dialog)

    assert not target.exists()
    [(title, text)] = messages
    assert title == "Không lưu được tệp"
    assert text.startswith(f'Không ghi được tệp "{target}": không tìm thấy tệp hoặc thư mục chứa tệp')
    assert "Traceback" not in text


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), "ổ đĩa đã đầy"),
        (PermissionError(errno.EACCES, "Permission denied"), "không có quyền ghi vào đó"),
        (OSError(errno.EROFS, "Read-only file system"), "chỉ cho phép đọc"),
    ],
)
def test_disk_errors_are_told_in_vietnamese(error: OSError, reason: str) -> None:
    message = describe_file_error(Path("D:/Báo cáo/bieu-2020.pdf"), error)
    assert message.startswith('Không ghi được tệp "D:')
    assert reason in message


def test_a_file_open_in_excel_on_windows_is_named_as_such() -> None:
    error = PermissionError(errno.EACCES, "The process cannot access the file")
    error.winerror = 32  # type: ignore[attr-defined]
    message = describe_file_error(Path("bieu-2020.xlsx"), error)
    assert "đang được mở trong một chương trình khác" in message


def test_closing_removes_the_temporary_folder(dialog: PrintPreviewDialog) -> None:
    folder = dialog.temp_folder
    assert folder.is_dir()
    dialog.close()
    assert not folder.exists()
    assert dialog.document.status() == QPdfDocument.Status.Null


def test_closing_during_a_generation_stops_it_and_cleans_up(
    qtbot: QtBot, context: AppContext, messages: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    laying_out, release = threading.Event(), threading.Event()
    monkeypatch.setattr(bkdesk.reports.pdf, "write_pdf", _held_mid_file(laying_out, release))
    dialog = PrintPreviewDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(laying_out.is_set, timeout=SLOW)
    folder = dialog.temp_folder
    threading.Timer(0.05, release.set).start()
    dialog.close()

    assert not folder.exists()
    assert dialog.runner.worker is None
    assert messages == []


def _squeezed_pdf_text(path: Path) -> str:
    return "".join(_pdf_text(path).split())


def test_a_table_of_long_cells_is_previewed_turned_and_saved(
    qtbot: QtBot,
    context: AppContext,
    messages: list[tuple[str, str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.fixtures.long_cells import store_long_cells

    stored = store_long_cells(context.db)
    dialog = _open(qtbot, context)
    assert messages == [] and dialog.pdf_path is not None
    dialog.landscape_action.trigger()
    _wait_idle(qtbot, dialog)
    assert messages == [] and dialog.landscape and "khổ ngang" in dialog.status.text()

    target = tmp_path / "bieu-2020.pdf"
    _save_as(monkeypatch, target)
    dialog.save_pdf()
    _wait_idle(qtbot, dialog)
    text = _squeezed_pdf_text(target)
    assert "".join(stored.name.split()) in text and "".join(stored.reason[:500].split()) in text
    workbook = tmp_path / "bieu-2020.xlsx"
    _save_as(monkeypatch, workbook)
    dialog.save_xlsx()
    _wait_idle(qtbot, dialog)
    cells = {str(cell.value) for row in openpyxl.load_workbook(workbook)["Biểu"].iter_rows() for cell in row}
    assert stored.name in cells and stored.estimate in cells
    assert messages == []
    dialog.close()


def test_a_table_that_cannot_be_laid_out_is_told_in_vietnamese_and_excel_still_saves(
    qtbot: QtBot,
    context: AppContext,
    messages: list[tuple[str, str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.fixtures.long_cells import store_long_cells

    stored = store_long_cells(context.db)
    # Kept whole, D 5's row is taller than a page: what any failure of the layout would look like.
    monkeypatch.setattr(bkdesk.reports.pdf, "KEEP_LINES", 100_000)
    dialog = _open(qtbot, context)

    assert len(messages) == 1
    title, text = messages[0]
    assert title == "Không tạo được biểu"
    assert text.startswith("Không dàn trang được biểu năm 2020: chỉ tiêu D.5 (Tỷ lệ hộ gia đình")
    assert "LayoutError" not in text and "Flowable" not in text
    assert dialog.pdf_path is None and list(dialog.temp_folder.iterdir()) == []
    assert not dialog.save_pdf_action.isEnabled() and not dialog.print_action.isEnabled()
    assert dialog.save_xlsx_action.isEnabled()
    assert dialog.status.text() == "Chưa tạo được biểu PDF; vẫn lưu được tệp Excel."

    target = tmp_path / "bieu-2020.xlsx"
    _save_as(monkeypatch, target)
    dialog.save_xlsx()
    _wait_idle(qtbot, dialog)
    cells = {str(cell.value) for row in openpyxl.load_workbook(target)["Biểu"].iter_rows() for cell in row}
    assert stored.name in cells
    assert dialog.status.text() == f"Đã lưu {target}"
    dialog.close()


def test_screenshot(dialog: PrintPreviewDialog, qtbot: QtBot) -> None:
    # The view paints pages as they are rendered in the background: wait for ink on screen.
    qtbot.waitUntil(lambda: _ink(dialog.view.grab().toImage()) > 0.01, timeout=SLOW)
    picture = screenshot(dialog, "print_preview.png")
    view = region_of(dialog.view.viewport(), dialog)
    area = view.width() * view.height()
    # A white sheet of paper with the appendix's text on it, not a grey or empty view.
    assert pixels_of(picture, view, QColor("white"), tolerance=0) > 0.6 * area
    assert 0.01 * area < ink(picture, view) < 0.3 * area
