"""The appendix as PDF, in the administrative format of Nghị định 30/2020/NĐ-CP.

A4, margins of 20 mm top and bottom, 30 mm left and 15 mm right; the report's
serif family embedded; the header row repeated on every page of the table, no row
split across pages, page numbers centred in the top margin from page 2 on. What
each cell says comes from :mod:`bkdesk.reports.layout`; this module only draws it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.pagesizes import landscape as turned
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    LongTable,
    PageTemplate,
    Paragraph,
    Spacer,
    TableStyle,
)

from bkdesk import __version__
from bkdesk.evaluation import Evaluation
from bkdesk.reports import ReportCancelled
from bkdesk.reports.chart import verdict_chart
from bkdesk.reports.fonts import FontFamily, serif_family
from bkdesk.reports.layout import Align, ReportLayout, SummaryLayout, TableRow, build_layout
from bkdesk.reports.output import Output, output_stream
from bkdesk.reports.settings import ReportSettings

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]

TOP, BOTTOM, LEFT, RIGHT = 20 * mm, 20 * mm, 30 * mm, 15 * mm
PAGE_NUMBER_SIZE = 13
PAGE_NUMBER_BASELINE = 12 * mm  # below the top edge, inside the 20 mm margin
TITLE_SIZE = 14
BODY_SIZE = 13
TABLE_SIZE = 11
TABLE_LEADING = 13
PAD_X = 3
PAD_TOP = 2
PAD_BOTTOM = 3
INDENT = 3 * mm
APPENDIX = "bkdesk-appendix"
CANCEL_CHECK_EVERY = 64

# Fixed columns in mm (STT, unit, target, estimate, verdict, same period); the name takes the rest.
# 19 mm holds "Không đạt" at 11 pt with its padding on one line.
PORTRAIT_COLUMNS = (10.0, 18.0, 18.0, 18.0, 19.0, 20.0)
LANDSCAPE_COLUMNS = (12.0, 26.0, 26.0, 26.0, 22.0, 24.0)

_ALIGNS = {Align.LEFT: TA_LEFT, Align.CENTER: TA_CENTER, Align.RIGHT: TA_RIGHT}


@dataclass(frozen=True, slots=True)
class Styles:
    family: FontFamily
    title: ParagraphStyle
    reference: ParagraphStyle
    header: ParagraphStyle
    heading: ParagraphStyle
    subheading: ParagraphStyle
    body: ParagraphStyle
    note: ParagraphStyle
    cells: dict[tuple[Align, bool], ParagraphStyle]

    def cell(self, align: Align = Align.LEFT, bold: bool = False) -> ParagraphStyle:
        """The style of a table cell that needs markup (a verdict with its note mark)."""
        key = (align, bold)
        style = self.cells.get(key)
        if style is None:
            style = ParagraphStyle(
                f"cell-{align}-{int(bold)}",
                fontName=self.family.bold if bold else self.family.regular,
                fontSize=TABLE_SIZE,
                leading=TABLE_LEADING,
                alignment=_ALIGNS[align],
            )
            self.cells[key] = style
        return style


@lru_cache(maxsize=4)
def styles_for(family: FontFamily) -> Styles:
    """Paragraph styles, each naming the report's font (none may default to Helvetica)."""

    def style(name: str, font: str, size: float, leading: float, **options: Any) -> ParagraphStyle:
        return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading, **options)

    return Styles(
        family=family,
        title=style("title", family.bold, TITLE_SIZE, 17, alignment=TA_CENTER),
        reference=style("reference", family.italic, BODY_SIZE, 16, alignment=TA_CENTER, spaceBefore=2),
        header=style("header", family.bold, TABLE_SIZE, TABLE_LEADING, alignment=TA_CENTER),
        heading=style("heading", family.bold, BODY_SIZE, 16, alignment=TA_CENTER, spaceBefore=6, spaceAfter=6),
        subheading=style("subheading", family.bold, BODY_SIZE, 16, spaceBefore=8, spaceAfter=4),
        body=style("body", family.regular, BODY_SIZE, 17, alignment=TA_JUSTIFY, firstLineIndent=10 * mm),
        note=style("note", family.italic, TABLE_SIZE, TABLE_LEADING, alignment=TA_JUSTIFY, spaceBefore=2),
        cells={},
    )


class _Wrapper:
    """Breaks cell text into lines for plain-string cells, measuring each word once.

    A table cell holding a string with line breaks costs a fraction of a Paragraph to
    lay out and draw, and a table repeats the same few words (units, verdicts, numbers)
    thousands of times; Paragraphs are kept for the few cells with markup.
    """

    def __init__(self, size: float = TABLE_SIZE) -> None:
        self.size = size
        self._widths: dict[tuple[str, str], float] = {}
        self._wrapped: dict[tuple[str, str, float], str] = {}

    def width(self, text: str, font: str) -> float:
        key = (text, font)
        found = self._widths.get(key)
        if found is None:
            found = stringWidth(text, font, self.size)
            self._widths[key] = found
        return found

    def wrap(self, text: str, font: str, width: float) -> str:
        key = (text, font, width)
        found = self._wrapped.get(key)
        if found is None:
            found = text if self.width(text, font) <= width else "\n".join(self._lines(text, font, width))
            self._wrapped[key] = found
        return found

    def _lines(self, text: str, font: str, width: float) -> list[str]:
        space = self.width(" ", font)
        lines: list[str] = []
        current: list[str] = []
        used = 0.0
        for word in text.split():
            for piece in self._pieces(word, font, width):
                size = self.width(piece, font)
                if current and used + space + size > width:
                    lines.append(" ".join(current))
                    current, used = [piece], size
                else:
                    used = used + space + size if current else size
                    current.append(piece)
        if current:
            lines.append(" ".join(current))
        return lines

    def _pieces(self, word: str, font: str, width: float) -> list[str]:
        """A word wider than the cell is cut where it must be, rather than drawn over the border."""
        if self.width(word, font) <= width:
            return [word]
        pieces: list[str] = []
        current = ""
        for char in word:
            if current and stringWidth(current + char, font, self.size) > width:
                pieces.append(current)
                current = char
            else:
                current += char
        return [*pieces, current] if current else pieces


class _Builder:
    """Turns the layout into flowables for one page size."""

    def __init__(self, layout: ReportLayout, styles: Styles, frame_width: float, landscape: bool) -> None:
        self.layout = layout
        self.styles = styles
        self.family = styles.family
        self.frame_width = frame_width
        fixed = [w * mm for w in (LANDSCAPE_COLUMNS if landscape else PORTRAIT_COLUMNS)]
        self.widths = [fixed[0], frame_width - sum(fixed), *fixed[1:]]
        self.wrapper = _Wrapper()

    # Cells --------------------------------------------------------------------------------------

    def _font(self, bold: bool) -> str:
        return self.family.bold if bold else self.family.regular

    def wrapped(self, text: str, width: float, bold: bool = False, indent: float = 0.0) -> str:
        return self.wrapper.wrap(text, self._font(bold), width - 2 * PAD_X - indent) if text else ""

    def _verdict_cell(self, row: TableRow) -> Any:
        if not row.mark:
            return self.wrapped(row.verdict, self.widths[5], row.bold)
        markup = f"{escape(row.verdict)}<super>{escape(row.mark)}</super>"
        return Paragraph(markup, self.styles.cell(Align.CENTER, row.bold))

    def row_cells(self, index: int, row: TableRow, commands: list[tuple[Any, ...]]) -> list[Any]:
        """The cells of ``row``; the per-cell style it needs (bold, indent, alignment) goes to ``commands``."""
        widths = self.widths
        indent = row.indent * INDENT
        if row.bold:
            commands.append(("FONTNAME", (0, index), (-1, index), self.family.bold))
        if indent:
            commands.append(("LEFTPADDING", (1, index), (1, index), PAD_X + indent))
        for column, figure in ((3, row.target), (4, row.estimate), (6, row.same_period)):
            if figure.align is not Align.RIGHT and figure.text:
                commands.append(("ALIGN", (column, index), (column, index), figure.align.value.upper()))
        return [
            self.wrapped(row.stt, widths[0], row.bold),
            self.wrapped(row.name, widths[1], row.bold, indent),
            self.wrapped(row.unit, widths[2], row.bold),
            self.wrapped(row.target.text, widths[3], row.bold),
            self.wrapped(row.estimate.text, widths[4], row.bold),
            self._verdict_cell(row),
            self.wrapped(row.same_period.text, widths[6], row.bold),
        ]

    # Blocks -------------------------------------------------------------------------------------

    def heading(self) -> list[Flowable]:
        title = self.layout.title
        fits = stringWidth(title, self.styles.family.bold, TITLE_SIZE) <= self.frame_width
        text = escape(title) if fits else "<br/>".join(escape(line) for line in self.layout.title_lines)
        return [
            Paragraph(text, self.styles.title),
            Paragraph(escape(self.layout.reference), self.styles.reference),
            Spacer(1, 5 * mm),
        ]

    def table_style(self, extra: list[tuple[Any, ...]]) -> TableStyle:
        family = self.family
        commands: list[tuple[Any, ...]] = [
            ("FONTNAME", (0, 0), (-1, -1), family.regular),
            ("FONTNAME", (0, 0), (-1, 0), family.bold),
            ("FONTSIZE", (0, 0), (-1, -1), TABLE_SIZE),
            ("LEADING", (0, 0), (-1, -1), TABLE_LEADING),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), PAD_X),
            ("RIGHTPADDING", (0, 0), (-1, -1), PAD_X),
            ("TOPPADDING", (0, 0), (-1, -1), PAD_TOP),
            ("BOTTOMPADDING", (0, 0), (-1, -1), PAD_BOTTOM),
            ("ALIGN", (0, 0), (-1, -1), "CENTER"),
            ("ALIGN", (1, 1), (1, -1), "LEFT"),
            ("ALIGN", (3, 1), (4, -1), "RIGHT"),
            ("ALIGN", (6, 1), (6, -1), "RIGHT"),
        ]
        return TableStyle(commands + extra)

    def table(self, check_cancel: Callable[[], None]) -> LongTable:
        header = [
            self.wrapped(text, width, bold=True) for text, width in zip(self.layout.headers, self.widths, strict=True)
        ]
        data: list[list[Any]] = [header]
        commands: list[tuple[Any, ...]] = []
        for index, row in enumerate(self.layout.rows, start=1):
            if index % CANCEL_CHECK_EVERY == 0:
                check_cancel()
            data.append(self.row_cells(index, row, commands))
        return LongTable(data, colWidths=self.widths, repeatRows=1, style=self.table_style(commands), ident=APPENDIX)

    def notes(self) -> list[Flowable]:
        if not self.layout.notes:
            return []
        flowables: list[Flowable] = [Spacer(1, 2 * mm), Paragraph(escape(self.layout.notes_heading), self.styles.note)]
        flowables.extend(
            Paragraph(f"<super>{escape(note.mark)}</super> {escape(note.text)}", self.styles.note)
            for note in self.layout.notes
        )
        return [KeepTogether(flowables)]

    def small_table(
        self, rows: list[list[str]], widths: list[float], aligns: list[str], bold_last: bool = False
    ) -> LongTable:
        """A summary table: bold wrapped header, centred counts, the name column left, figures right."""
        family = self.family
        data = [
            [
                self.wrapped(text, width, bold=index == 0 or (bold_last and index == len(rows) - 1))
                for text, width in zip(row, widths, strict=True)
            ]
            for index, row in enumerate(rows)
        ]
        commands: list[tuple[Any, ...]] = [
            ("FONTNAME", (0, 0), (-1, -1), family.regular),
            ("FONTNAME", (0, 0), (-1, 0), family.bold),
            ("FONTSIZE", (0, 0), (-1, -1), TABLE_SIZE),
            ("LEADING", (0, 0), (-1, -1), TABLE_LEADING),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("ALIGN", (0, 0), (-1, 0), "CENTER"),
            ("LEFTPADDING", (0, 0), (-1, -1), PAD_X),
            ("RIGHTPADDING", (0, 0), (-1, -1), PAD_X),
            ("TOPPADDING", (0, 0), (-1, -1), PAD_TOP),
            ("BOTTOMPADDING", (0, 0), (-1, -1), PAD_BOTTOM),
        ]
        commands.extend(("ALIGN", (column, 1), (column, -1), align) for column, align in enumerate(aligns))
        if bold_last:
            commands.append(("FONTNAME", (0, -1), (-1, -1), family.bold))
        return LongTable(data, colWidths=widths, repeatRows=1, style=TableStyle(commands))

    def group_table(self, summary: SummaryLayout) -> LongTable:
        number = 20 * mm
        widths = [self.frame_width - 5 * number, *([number] * 5)]
        rows = [list(summary.group_headers)]
        lines = [(line.label, line.counts) for line in summary.groups] + [("Tổng cộng", summary.total)]
        for label, counts in lines:
            values = (counts.total, counts.exceeded, counts.achieved, counts.not_achieved, counts.not_evaluated)
            rows.append([label, *(str(value) for value in values)])
        return self.small_table(rows, widths, ["LEFT", *(["CENTER"] * 5)], bold_last=True)

    def missed_table(self, summary: SummaryLayout) -> LongTable:
        fixed = [14 * mm, 20 * mm, 19 * mm, 19 * mm, 17 * mm]
        widths = [fixed[0], self.frame_width - sum(fixed), *fixed[1:]]
        rows = [list(summary.missed_headers)]
        rows.extend(
            [line.ref, line.name, line.unit, line.target.text, line.estimate.text, line.pct_plan.text]
            for line in summary.missed
        )
        return self.small_table(rows, widths, ["CENTER", "LEFT", "CENTER", "RIGHT", "RIGHT", "RIGHT"])

    def summary(self) -> list[Flowable]:
        summary: SummaryLayout = self.layout.summary
        styles = self.styles
        flowables: list[Flowable] = [
            CondPageBreak(60 * mm),
            Spacer(1, 6 * mm),
            Paragraph(escape(summary.heading), styles.heading),
            Paragraph(escape(summary.phrase), styles.body),
        ]
        if summary.counts_sentence:
            flowables.append(Paragraph(escape(summary.counts_sentence), styles.body))
        if summary.groups:
            heading = Paragraph(escape(summary.group_heading), styles.subheading)
            flowables.append(KeepTogether([heading, self.group_table(summary)]))
        flowables.append(Paragraph(escape(summary.missed_heading), styles.subheading))
        if summary.missed:
            flowables.append(self.missed_table(summary))
        else:
            flowables.append(Paragraph("Không có chỉ tiêu nào chưa đạt.", styles.body))
        if summary.groups:
            chart = verdict_chart(summary, self.frame_width, self.family)
            flowables.append(KeepTogether([Paragraph(escape(summary.chart_heading), styles.subheading), chart]))
        return flowables


class _AppendixDoc(BaseDocTemplate):
    """Reports progress as pieces of the table land on pages, and stops when asked."""

    def __init__(self, stream: Any, total: int, progress: Progress | None, cancelled: Cancelled | None, **kw: Any):
        super().__init__(stream, **kw)
        self.total_rows = total
        self.rows_done = 0
        self.progress = progress
        self.cancelled = cancelled

    def check(self) -> None:
        if self.cancelled is not None and self.cancelled():
            raise ReportCancelled()

    def afterFlowable(self, flowable: Flowable) -> None:
        ident = getattr(flowable, "ident", None)
        if isinstance(ident, str) and ident.startswith(APPENDIX):
            # A split table's pieces carry the ident with "[n]" added; each repeats the header row.
            self.rows_done += max(len(flowable._cellvalues) - 1, 0)  # type: ignore[attr-defined]
            if self.progress is not None:
                self.progress(min(self.rows_done, self.total_rows), self.total_rows)
        self.check()


def _page_numberer(font: str) -> Callable[[Canvas, BaseDocTemplate], None]:
    def draw(canvas: Canvas, doc: BaseDocTemplate) -> None:
        # Nghị định 30: no number on the first page; from page 2 on, centred in the top margin.
        page = canvas.getPageNumber()
        if page < 2:
            return
        width, height = doc.pagesize
        canvas.saveState()
        canvas.setFont(font, PAGE_NUMBER_SIZE)
        canvas.drawCentredString(width / 2, height - PAGE_NUMBER_BASELINE, str(page))
        canvas.restoreState()

    return draw


def write_pdf(
    evaluation: Evaluation,
    settings: ReportSettings,
    out: Output,
    *,
    landscape: bool = False,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> None:
    """Write the appendix of ``evaluation`` and its summary as a PDF to ``out`` (a path or a binary stream).

    ``progress(done, total)`` is called as the rows of the table are laid out on
    pages; when ``cancelled()`` turns true :class:`ReportCancelled` is raised and no
    file is left at ``out``.
    """
    layout = build_layout(evaluation, settings)
    write_layout_pdf(layout, out, landscape=landscape, progress=progress, cancelled=cancelled)


def write_layout_pdf(
    layout: ReportLayout,
    out: Output,
    *,
    landscape: bool = False,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> None:
    family = serif_family()
    styles = styles_for(family)
    pagesize = turned(A4) if landscape else A4
    frame_width = pagesize[0] - LEFT - RIGHT
    total = len(layout.rows)
    builder = _Builder(layout, styles, frame_width, landscape)

    def check() -> None:
        if cancelled is not None and cancelled():
            raise ReportCancelled()

    story: list[Flowable] = [*builder.heading(), builder.table(check), *builder.notes(), *builder.summary()]
    check()
    with output_stream(out) as stream:
        doc = _AppendixDoc(
            stream,
            total,
            progress,
            cancelled,
            pagesize=pagesize,
            leftMargin=LEFT,
            rightMargin=RIGHT,
            topMargin=TOP,
            bottomMargin=BOTTOM,
            title=layout.title,
            subject=layout.reference.strip("()"),
            creator=f"bkdesk {__version__}",
            lang="vi-VN",
            initialFontName=family.regular,
            initialFontSize=TABLE_SIZE,
        )
        frame = Frame(LEFT, BOTTOM, frame_width, pagesize[1] - TOP - BOTTOM, 0, 0, 0, 0, id="body")
        doc.addPageTemplates([PageTemplate(id="appendix", frames=[frame], onPage=_page_numberer(family.regular))])
        doc.build(story)
    if progress is not None:
        progress(total, total)
