"""The appendix's long tasks, run off the GUI thread behind a cancellable progress dialog.

Each task is a plain function of a :class:`ui.workers.Job`: load the evaluation and the
report settings, write the PDF or the Excel file, copy the PDF where the user wants it,
print. A file is written beside its target and renamed into place only when complete,
so a cancelled or failed task never leaves half a file under the user's chosen name.
A failing disk becomes a Vietnamese message naming the file, never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QRect, QRectF, QSize
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument, QPdfDocumentRenderOptions
from PySide6.QtPrintSupport import QPrinter

from bkdesk.catalogue import PeriodKind
from bkdesk.evaluation import Evaluation
from bkdesk.file_errors import describe_file_error
from bkdesk.reports import ReportCancelled, ReportSettings
from bkdesk.reports.output import output_stream
from ui.workers import Cancelled, Job

if TYPE_CHECKING:
    from db.database import Database

Task = Callable[[Job], Any]

# Windows refuses to replace a file another program holds open (Excel, a PDF reader).
COPY_CHUNK = 256 * 1024
# Pages are rasterised for the printer in horizontal bands of at most this many pixels,
# so a 600 dpi A4 page never needs more than a few megabytes at once.
BAND_PIXELS = 4_000_000
MIN_PRINT_DPI = 300
MAX_PRINT_DPI = 600
POINTS_PER_INCH = 72


class ReportFileError(Exception):
    """A file the user asked for could not be written; ``message`` is Vietnamese and names it."""

    def __init__(self, path: Path, error: OSError) -> None:
        self.message = describe_file_error(path, error)
        super().__init__(self.message)
        self.path = path


class PrintError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class ReportData:
    """Everything the appendix is made from, read once so every file shows the same figures."""

    evaluation: Evaluation
    settings: ReportSettings


def load_report_data(db: Database, year: int, period: PeriodKind) -> Task:
    def task(job: Job) -> ReportData:
        from db.settings import load_report_settings
        from db.tables import evaluate

        job.status("Đang đọc số liệu…")
        evaluation = evaluate(db, year, period)
        job.check()
        return ReportData(evaluation, load_report_settings(db))

    return task


def write_pdf_task(data: ReportData, target: Path, *, landscape: bool) -> Task:
    def task(job: Job) -> Path:
        from bkdesk.reports.pdf import write_pdf

        job.status("Đang dàn trang biểu PDF…")
        with _writing(target):
            try:
                write_pdf(
                    data.evaluation,
                    data.settings,
                    target,
                    landscape=landscape,
                    progress=job.progress,
                    cancelled=lambda: job.cancelled,
                )
                job.check()
            except Cancelled:
                # The writer reports its last progress once the file is complete; a cancel
                # seen there (or just after) must not leave that file behind either.
                target.unlink(missing_ok=True)
                raise
        return target

    return task


def write_xlsx_task(data: ReportData, target: Path) -> Task:
    def task(job: Job) -> Path:
        from bkdesk.reports.xlsx import write_xlsx

        job.status("Đang ghi tệp Excel…")
        with _writing(target), output_stream(target) as stream:
            write_xlsx(data.evaluation, data.settings, stream)
            # The workbook cannot stop halfway; a cancel asked meanwhile still discards it.
            job.check()
        return target

    return task


def copy_file_task(source: Path, target: Path) -> Task:
    def task(job: Job) -> Path:
        job.status("Đang lưu tệp…")
        total = source.stat().st_size
        with _writing(target), source.open("rb") as reader, output_stream(target) as writer:
            done = 0
            while chunk := reader.read(COPY_CHUNK):
                writer.write(chunk)
                done += len(chunk)
                job.progress(done, total)
        return target

    return task


@contextmanager
def _writing(target: Path) -> Iterator[None]:
    """Turn the writers' exceptions into the ones the worker reports in Vietnamese."""
    try:
        yield
    except ReportCancelled:
        raise Cancelled from None
    except OSError as error:
        raise ReportFileError(target, error) from error


def print_pdf_task(source: Path, printer: QPrinter) -> Task:
    """Paint each page of the PDF on ``printer``, rendered at the printer's resolution.

    Qt allows painting on a QPrinter outside the GUI thread; the document is opened
    afresh here so the preview's own QPdfDocument is never touched from this thread.
    """

    def task(job: Job) -> int:
        document = QPdfDocument()
        document.load(str(source))
        pages = document.pageCount()
        if pages == 0:
            raise PrintError(f'Không đọc được tệp biểu "{source.name}" để in.')
        first, last = 1, pages
        if printer.printRange() == QPrinter.PrintRange.PageRange:
            first, last = max(printer.fromPage(), 1), min(printer.toPage() or pages, pages)
        job.status("Đang gửi biểu tới máy in…")
        painter = QPainter()
        if not painter.begin(printer):
            raise PrintError("Không bắt đầu in được: máy in chưa sẵn sàng hoặc đã từ chối lệnh in.")
        try:
            for page in range(first - 1, last):
                job.progress(page - first + 1, last - first + 1)
                if page > first - 1:
                    printer.newPage()
                _paint_page(document, page, painter, printer, job)
            job.progress(last - first + 1, last - first + 1)
        except Cancelled:
            printer.abort()
            raise
        finally:
            painter.end()
            document.close()
        return last - first + 1

    return task


def _paint_page(document: QPdfDocument, page: int, painter: QPainter, printer: QPrinter, job: Job) -> None:
    device_dpi = printer.resolution()
    paper = printer.paperRect(QPrinter.Unit.DevicePixel)
    points = document.pagePointSize(page)
    # Fit the PDF page on the paper (they are the same A4 unless the user picked another).
    fit = min(
        paper.width() / (points.width() * device_dpi / POINTS_PER_INCH),
        paper.height() / (points.height() * device_dpi / POINTS_PER_INCH),
        1.0,
    )
    render_dpi = min(max(device_dpi, MIN_PRINT_DPI), MAX_PRINT_DPI)
    size = QSize(
        round(points.width() * render_dpi / POINTS_PER_INCH * fit),
        round(points.height() * render_dpi / POINTS_PER_INCH * fit),
    )
    to_device = device_dpi / render_dpi
    band = max(BAND_PIXELS // max(size.width(), 1), 1)
    options = QPdfDocumentRenderOptions()
    options.setScaledSize(size)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    for top in range(0, size.height(), band):
        job.check()
        height = min(band, size.height() - top)
        options.setScaledClipRect(QRect(0, top, size.width(), height))
        image = document.render(page, QSize(size.width(), height), options)
        target = QRectF(0, top * to_device, size.width() * to_device, height * to_device)
        painter.drawImage(target, image)
