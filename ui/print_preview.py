"""*In biểu*: the appendix PDF shown inside the app, ready to print or save.

The PDF comes from :mod:`bkdesk.reports.pdf`, written off the GUI thread into a
temporary folder the dialog owns and removes when it closes. From here the user
prints it (each page rendered at the printer's resolution), saves a copy, saves
the Excel version, or turns the page to landscape (which writes the PDF again).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence, QPageLayout, QPageSize, QShowEvent
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from bkdesk.reports import ReportLayoutError
from ui.context import AppContext
from ui.dialog_buttons import close_only, warn
from ui.report_job import (
    ReportData,
    copy_file_task,
    load_report_data,
    print_pdf_task,
    write_pdf_task,
    write_xlsx_task,
)
from ui.task_runner import Task, TaskRunner
from ui.workers import Job

ZOOM_STEP = 1.25
MIN_ZOOM, MAX_ZOOM = 0.25, 4.0
POINTS_PER_INCH = 72


class PrintPreviewDialog(QDialog):
    """The appendix of the context's year and period, previewed, printed and saved."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(f"In biểu — năm {context.year} ({context.period.label.lower()})")
        self.setSizeGripEnabled(True)
        self._temp = tempfile.TemporaryDirectory(prefix="bkdesk-bieu-", ignore_cleanup_errors=True)
        self._data: ReportData | None = None
        self._pdf: Path | None = None
        self._landscape = False
        self._generation = 0
        self._started = False
        self._closed = False
        self._save_dir = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation))
        self._printer: QPrinter | None = None
        self.runner = TaskRunner(self)
        self.runner.busyChanged.connect(self._update_actions)

        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        self.view.setAccessibleName("Xem trước biểu")
        self.view.pageNavigator().currentPageChanged.connect(self._update_page_label)

        self.toolbar = QToolBar(self)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.print_action = self._action("In…", self.print_document, QKeySequence.StandardKey.Print)
        self.save_pdf_action = self._action("Lưu PDF…", self.save_pdf, QKeySequence.StandardKey.Save)
        self.save_xlsx_action = self._action("Lưu Excel…", self.save_xlsx, QKeySequence("Ctrl+E"))
        self.toolbar.addSeparator()
        self.landscape_action = self._action("Khổ ngang", self._orientation_toggled)
        self.landscape_action.setCheckable(True)
        self.landscape_action.setToolTip("Trình bày biểu trên khổ A4 nằm ngang (tạo lại biểu)")
        self.refresh_action = self._action("Tạo lại", self.regenerate, QKeySequence.StandardKey.Refresh)
        self.refresh_action.setToolTip("Đọc lại số liệu và tạo lại biểu")
        self.toolbar.addSeparator()
        zoom_modes = QActionGroup(self)
        self.fit_width_action = self._action("Vừa chiều rộng", self._fit_width)
        self.fit_page_action = self._action("Vừa trang", self._fit_page)
        for action in (self.fit_width_action, self.fit_page_action):
            action.setCheckable(True)
            zoom_modes.addAction(action)
        self.fit_width_action.setChecked(True)
        self._action("Phóng to", lambda: self._zoom(ZOOM_STEP), QKeySequence.StandardKey.ZoomIn)
        self._action("Thu nhỏ", lambda: self._zoom(1 / ZOOM_STEP), QKeySequence.StandardKey.ZoomOut)
        spacer = QWidget(self.toolbar)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.toolbar.addWidget(spacer)
        self.page_label = QLabel("", self.toolbar)
        self.page_label.setContentsMargins(0, 0, 8, 0)
        self.toolbar.addWidget(self.page_label)

        self.status = QLabel("Đang chuẩn bị biểu…")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.setWordWrap(True)
        buttons = close_only(self)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)
        self._update_actions()
        self._fit_to_screen()

    # -- set-up -----------------------------------------------------------------------

    def _action(self, text: str, slot: Any, shortcut: QKeySequence | QKeySequence.StandardKey | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        self.toolbar.addAction(action)
        return action

    def _fit_to_screen(self) -> None:
        # Room for a portrait A4 page at a readable width, and still whole on a 1366×768 screen.
        width, height = 1120, 720
        screen = self.screen()
        if screen is not None:
            available = screen.availableGeometry()
            width = min(width, int(available.width() * 0.92))
            height = min(height, int(available.height() * 0.92))
        self.resize(width, height)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._started:
            # Only once the window is shown, so the progress dialog has somewhere to sit.
            self._started = True
            self.regenerate()

    # -- generating the PDF -----------------------------------------------------------

    @property
    def pdf_path(self) -> Path | None:
        """The PDF shown now (in the dialog's temporary folder), or ``None`` before the first."""
        return self._pdf

    @property
    def landscape(self) -> bool:
        return self._landscape

    @property
    def temp_folder(self) -> Path:
        """Where the dialog writes its PDFs; removed when it closes."""
        return Path(self._temp.name)

    def regenerate(self) -> None:
        """Read the figures again and write the PDF in the orientation chosen."""
        self._data = None
        self._generate(self.landscape_action.isChecked())

    def _orientation_toggled(self, checked: bool) -> None:
        if checked != self._landscape:
            self._generate(checked)

    def _generate(self, landscape: bool) -> None:
        if self._closed or self.runner.busy:
            return
        context = self.context
        self._generation += 1
        target = self.temp_folder / f"bieu-{context.year}-{self._generation}.pdf"
        cached = self._data
        load = load_report_data(context.db, context.year, context.period)

        def task(job: Job) -> tuple[ReportData, Path | str, bool]:
            data = cached if cached is not None else load(job)
            try:
                return data, write_pdf_task(data, target, landscape=landscape)(job), landscape
            except ReportLayoutError as error:
                # The figures were read: the Excel file can still be saved from them.
                return data, error.message, landscape

        self.status.setText("Đang tạo biểu…")
        self._run("Đang tạo biểu PDF…", task, self._generated, self._generation_failed, self._generation_cancelled)

    def _generated(self, result: tuple[ReportData, Path | str, bool]) -> None:
        data, path, landscape = result
        if self._closed:
            return
        self._data = data
        if isinstance(path, str):
            self._update_actions()
            self._generation_failed(path)
            return
        previous = self._pdf
        self.document.close()
        error = self.document.load(str(path))
        if error != QPdfDocument.Error.None_:
            self._pdf = None
            self._show_error("Không mở được biểu", f'Không mở được tệp biểu vừa tạo "{path.name}" để xem trước.')
        else:
            self._pdf = path
        self._landscape = landscape
        self._sync_orientation()
        if previous is not None and previous != path:
            previous.unlink(missing_ok=True)
        self._apply_zoom_mode()
        self._update_page_label()
        orientation = "khổ ngang" if landscape else "khổ dọc"
        self.status.setText(f"Biểu năm {self.context.year}: {self.document.pageCount()} trang A4 {orientation}.")
        self._update_actions()

    def _generation_failed(self, message: str) -> None:
        if self._closed:
            return
        self._sync_orientation()
        if self._pdf is not None:
            self.status.setText("Biểu đang xem là bản trước.")
        elif self._data is not None:
            self.status.setText("Chưa tạo được biểu PDF; vẫn lưu được tệp Excel.")
        else:
            self.status.setText("Chưa tạo được biểu.")
        self._show_error("Không tạo được biểu", message)

    def _generation_cancelled(self) -> None:
        if self._closed:
            return
        self._sync_orientation()
        if self._pdf is None:
            self.status.setText("Đã hủy tạo biểu. Bấm «Tạo lại» để tạo lại.")
        else:
            self.status.setText("Đã hủy; biểu đang xem vẫn là bản trước.")

    def _sync_orientation(self) -> None:
        """Keep the toggle on the orientation of the PDF actually shown."""
        self.landscape_action.blockSignals(True)
        self.landscape_action.setChecked(self._landscape)
        self.landscape_action.blockSignals(False)

    # -- saving -----------------------------------------------------------------------

    def _ask_target(self, caption: str, suffix: str, file_filter: str) -> Path | None:
        default = self._save_dir / f"bieu-{self.context.year}{suffix}"
        name, _selected = QFileDialog.getSaveFileName(self, caption, str(default), file_filter)
        if not name:
            return None
        target = Path(name)
        # Dialogs on Linux do not add the extension the filter names.
        if target.suffix.lower() != suffix:
            target = target.with_name(target.name + suffix)
        self._save_dir = target.parent
        return target

    def _run(
        self,
        label: str,
        task: Task,
        on_finished: Callable[[Any], None],
        on_failed: Callable[[str], None],
        on_cancelled: Callable[[], None] | None = None,
    ) -> None:
        self.runner.run("In biểu", label, task, on_finished, on_failed, cancellable=True, on_cancelled=on_cancelled)

    def save_pdf(self) -> None:
        if self._pdf is None or self.runner.busy:
            return
        target = self._ask_target("Lưu biểu PDF", ".pdf", "Tệp PDF (*.pdf)")
        if target is not None:
            self._run("Đang lưu tệp PDF…", copy_file_task(self._pdf, target), self._saved, self._save_failed)

    def save_xlsx(self) -> None:
        if self._data is None or self.runner.busy:
            return
        target = self._ask_target("Lưu biểu Excel", ".xlsx", "Tệp Excel (*.xlsx)")
        if target is not None:
            self._run(
                "Đang ghi tệp Excel…",
                write_xlsx_task(self._data, target),
                self._saved,
                self._save_failed,
                lambda: self.status.setText("Đã hủy lưu tệp Excel; không có tệp nào được ghi."),
            )

    def _saved(self, path: Path) -> None:
        if not self._closed:
            self.status.setText(f"Đã lưu {path}")

    def _save_failed(self, message: str) -> None:
        if not self._closed:
            self.status.setText("Chưa lưu được tệp.")
            self._show_error("Không lưu được tệp", message)

    # -- printing ---------------------------------------------------------------------

    def print_document(self) -> None:
        if self._pdf is None or self.runner.busy:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(f"bieu-{self.context.year}")
        printer.setFullPage(True)  # the PDF carries its own margins
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        orientation = QPageLayout.Orientation.Landscape if self._landscape else QPageLayout.Orientation.Portrait
        printer.setPageOrientation(orientation)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("In biểu")
        dialog.setMinMax(1, max(self.document.pageCount(), 1))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self._printer = printer
        self._run(
            "Đang in biểu…",
            print_pdf_task(self._pdf, printer),
            self._printed,
            self._print_failed,
            self._print_cancelled,
        )

    def _printed(self, pages: int) -> None:
        self._printer = None
        if not self._closed:
            self.status.setText(f"Đã gửi {pages} trang tới máy in.")

    def _print_cancelled(self) -> None:
        self._printer = None
        if not self._closed:
            self.status.setText("Đã hủy lệnh in.")

    def _print_failed(self, message: str) -> None:
        self._printer = None
        if not self._closed:
            self._show_error("Không in được", message)

    # -- viewing ----------------------------------------------------------------------

    def _fit_width(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)

    def _fit_page(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitInView)

    def _apply_zoom_mode(self) -> None:
        if self.fit_width_action.isChecked():
            self._fit_width()
        elif self.fit_page_action.isChecked():
            self._fit_page()

    def _zoom(self, step: float) -> None:
        current = self.view.zoomFactor()
        if self.view.zoomMode() != QPdfView.ZoomMode.Custom and self.document.pageCount():
            # The view does not report the factor a fitting mode chose: derive it from the page width.
            points = self.document.pagePointSize(0).width()
            pixels = points * self.view.logicalDpiX() / POINTS_PER_INCH
            margins = self.view.documentMargins()
            current = (self.view.viewport().width() - margins.left() - margins.right()) / max(pixels, 1.0)
        for action in (self.fit_width_action, self.fit_page_action):
            action.setChecked(False)
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(min(max(current * step, MIN_ZOOM), MAX_ZOOM))

    def _update_page_label(self, *_args: object) -> None:
        pages = self.document.pageCount()
        if pages == 0:
            self.page_label.setText("")
            return
        current = self.view.pageNavigator().currentPage() + 1
        self.page_label.setText(f"Trang {current}/{pages}")

    def _update_actions(self, *_args: object) -> None:
        idle = not self.runner.busy
        has_pdf = self._pdf is not None
        self.print_action.setEnabled(idle and has_pdf)
        self.save_pdf_action.setEnabled(idle and has_pdf)
        self.save_xlsx_action.setEnabled(idle and self._data is not None)
        self.landscape_action.setEnabled(idle)
        self.refresh_action.setEnabled(idle)

    # -- messages and closing ---------------------------------------------------------

    def _show_error(self, title: str, message: str) -> None:
        warn(self, title, message)

    def done(self, result: int) -> None:
        self._shut_down()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._shut_down()
        super().closeEvent(event)

    def _shut_down(self) -> None:
        """Stop any task, let go of the PDF and remove the temporary folder."""
        if self._closed:
            return
        self._closed = True
        self.runner.shut_down()
        self.document.close()
        self._pdf = None
        self._temp.cleanup()
