"""The appendix as PDF, in the administrative format of Nghị định 30/2020/NĐ-CP.

A4, margins of 20 mm top and bottom, 30 mm left and 15 mm right; the report's
serif family embedded; the header row repeated on every page of the table, no row
split across pages unless it is taller than a page (then it goes on under the header
of the next page), page numbers centred in the top margin from page 2 on. What
each cell says comes from :mod:`bkdesk.reports.layout`; this module only draws it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal
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
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import LayoutError

from bkdesk import __version__
from bkdesk.evaluation import Evaluation
from bkdesk.reports import ReportCancelled, ReportLayoutError
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
MISSED = "bkdesk-missed"
CANCEL_CHECK_EVERY = 64
RULE = 0.5
# A row cut over pages keeps its first and its last lines in threes, so no page holds a lone line of it.
KEEP_LINES = 3
# What a cut row may fill of a page is kept this far under the frame's height, against rounding.
FIT_MARGIN = 1.0
UNBOUNDED = 1e6
NAME_IN_MESSAGE = 60

# Fixed columns in mm (STT, unit, target, estimate, verdict, same period); the name takes the rest.
# 19 mm holds "Không đạt" at 11 pt with its padding on one line.
PORTRAIT_COLUMNS = (10.0, 18.0, 18.0, 18.0, 19.0, 20.0)
LANDSCAPE_COLUMNS = (12.0, 26.0, 26.0, 26.0, 22.0, 24.0)

_ALIGNS: dict[Align, Literal[0, 1, 2]] = {Align.LEFT: TA_LEFT, Align.CENTER: TA_CENTER, Align.RIGHT: TA_RIGHT}


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


def _height(cells: list[Any], widths: list[float]) -> float:
    """The height reportlab gives a row of wrapped strings (and the odd Paragraph)."""
    lines = 1
    tallest = 0.0
    for cell, width in zip(cells, widths, strict=True):
        if isinstance(cell, str):
            lines = max(lines, cell.count("\n") + 1)
        else:
            tallest = max(tallest, cell.wrap(width - 2 * PAD_X, UNBOUNDED)[1])
    return max(lines * TABLE_LEADING, tallest) + PAD_TOP + PAD_BOTTOM


class _Grid:
    """The rows of one ruled table with a repeated header, as reportlab gets them.

    reportlab moves a row that does not fit to the next page, but cannot print a row
    taller than a page: it stops with a LayoutError, and its own in-row split puts
    vertically centred text on the wrong side of the cut (and can loop on it). Such a
    row is given here as one table row per line, top-aligned, with no rule between
    them: the table then breaks between two of its lines and the cell goes on under
    the header repeated on the next page.
    """

    def __init__(self, header: list[Any], widths: list[float], frame_height: float) -> None:
        self.widths = widths
        self.data: list[list[Any]] = [header]
        self.commands: list[tuple[Any, ...]] = []
        self.room = frame_height - _height(header, widths) - FIT_MARGIN
        self.unruled: list[int] = []
        # done_after[n]: how many rows of the layout are whole once n table rows (after the header) are laid out.
        self.done_after: list[int] = [0]
        self.laid_out = 0  # table rows placed on pages so far, counted by the document as pieces land

    @property
    def done(self) -> int:
        """Rows of the layout placed whole on pages so far."""
        return self.done_after[min(self.laid_out, len(self.done_after) - 1)]

    @property
    def next_row(self) -> int | None:
        """The index (in the layout) of the row the table goes on with, or ``None`` once it is whole."""
        return self.done_after[self.laid_out] if self.laid_out < len(self.done_after) - 1 else None

    def add(self, cells: list[Any]) -> tuple[int, int]:
        """Append one row of the layout; returns the first and the last table row it takes."""
        first = len(self.data)
        done = self.done_after[-1]
        if _height(cells, self.widths) <= self.room:
            self.data.append(cells)
            self.done_after.append(done + 1)
            return first, first
        columns = [cell.split("\n") if isinstance(cell, str) else [cell] for cell in cells]
        lines = max(len(column) for column in columns)
        self.data.extend([column[line] if line < len(column) else "" for column in columns] for line in range(lines))
        last = first + lines - 1
        self.unruled.extend(range(first, last))
        self.done_after.extend([done] * (lines - 1))
        self.done_after.append(done + 1)
        self.commands.extend(
            [
                ("VALIGN", (0, first), (-1, last), "TOP"),
                # One line per table row, its baseline where a wrapped cell's first line is, and room under it
                # for the descenders above the rule that closes the page when the row is cut there.
                ("LEADING", (0, first), (-1, last), TABLE_SIZE),
                ("NOSPLIT", (0, first), (-1, min(first + KEEP_LINES - 1, last))),
                ("NOSPLIT", (0, max(last - KEEP_LINES + 1, first)), (-1, last)),
            ]
        )
        return first, last

    def rules(self) -> list[tuple[Any, ...]]:
        """The grid, without the rules inside a cut row; a page's piece of the table is closed at its foot."""
        black = colors.black
        if not self.unruled:
            return [("GRID", (0, 0), (-1, -1), RULE, black)]
        rules: list[tuple[Any, ...]] = [
            ("LINEBEFORE", (0, 0), (-1, -1), RULE, black),
            ("LINEAFTER", (-1, 0), (-1, -1), RULE, black),
            ("LINEABOVE", (0, 0), (-1, 0), RULE, black),
        ]
        start = 0
        for row in self.unruled:
            if row > start:
                rules.append(("LINEBELOW", (0, start), (-1, row - 1), RULE, black))
            start = row + 1
        rules.append(("LINEBELOW", (0, start), (-1, -1), RULE, black))
        return rules

    def table(self, style: TableStyle, ident: str | None = None) -> LongTable:
        kind = _CutTable if self.unruled else LongTable
        return kind(self.data, colWidths=self.widths, repeatRows=1, style=style, ident=ident)


class _CutTable(LongTable):
    """A table holding a row cut over pages: each page's piece is closed by a rule at its foot.

    reportlab's ``splitlast`` rows do that for the first piece only, so the rule is added here.
    """

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        pieces = super().split(availWidth, availHeight)
        if len(pieces) == 2 and isinstance(pieces[0], Table):
            pieces[0].setStyle(TableStyle([("LINEBELOW", (0, -1), (-1, -1), RULE, colors.black)]))
        return pieces


class _Builder:
    """Turns the layout into flowables for one page size."""

    def __init__(
        self, layout: ReportLayout, styles: Styles, frame_width: float, frame_height: float, landscape: bool
    ) -> None:
        self.layout = layout
        self.styles = styles
        self.family = styles.family
        self.frame_width = frame_width
        self.frame_height = frame_height
        fixed = [w * mm for w in (LANDSCAPE_COLUMNS if landscape else PORTRAIT_COLUMNS)]
        self.widths = [fixed[0], frame_width - sum(fixed), *fixed[1:]]
        self.wrapper = _Wrapper()
        # The tables whose rows are indicators, by ident: progress, and the row named if one cannot be laid out.
        self.grids: dict[str, _Grid] = {}

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

    def row_commands(self, row: TableRow, first: int, last: int, commands: list[tuple[Any, ...]]) -> None:
        """The style ``row`` needs (bold, indent, alignment) on the table rows ``first``..``last`` it takes."""
        if row.bold:
            commands.append(("FONTNAME", (0, first), (-1, last), self.family.bold))
        if row.indent:
            commands.append(("LEFTPADDING", (1, first), (1, last), PAD_X + row.indent * INDENT))
        for column, figure in ((3, row.target), (4, row.estimate), (6, row.same_period)):
            if figure.align is not Align.RIGHT and figure.text:
                commands.append(("ALIGN", (column, first), (column, last), figure.align.value.upper()))

    def row_cells(self, row: TableRow) -> list[Any]:
        """The cells of ``row``, wrapped to their columns."""
        widths = self.widths
        indent = row.indent * INDENT
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
        grid = _Grid(header, self.widths, self.frame_height)
        commands = grid.commands
        for index, row in enumerate(self.layout.rows, start=1):
            if index % CANCEL_CHECK_EVERY == 0:
                check_cancel()
            first, last = grid.add(self.row_cells(row))
            self.row_commands(row, first, last, commands)
        self.grids[APPENDIX] = grid
        return grid.table(self.table_style(grid.rules() + commands), APPENDIX)

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
        self,
        rows: list[list[str]],
        widths: list[float],
        aligns: list[str],
        bold_last: bool = False,
        ident: str | None = None,
    ) -> LongTable:
        """A summary table: bold wrapped header, centred counts, the name column left, figures right."""
        family = self.family
        grid = _Grid(
            [self.wrapped(text, width, bold=True) for text, width in zip(rows[0], widths, strict=True)],
            widths,
            self.frame_height,
        )
        for index, row in enumerate(rows[1:], start=1):
            bold = bold_last and index == len(rows) - 1
            first, last = grid.add(
                [self.wrapped(text, width, bold=bold) for text, width in zip(row, widths, strict=True)]
            )
            if bold:
                grid.commands.append(("FONTNAME", (0, first), (-1, last), family.bold))
        commands: list[tuple[Any, ...]] = [
            ("FONTNAME", (0, 0), (-1, -1), family.regular),
            ("FONTNAME", (0, 0), (-1, 0), family.bold),
            ("FONTSIZE", (0, 0), (-1, -1), TABLE_SIZE),
            ("LEADING", (0, 0), (-1, -1), TABLE_LEADING),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("ALIGN", (0, 0), (-1, 0), "CENTER"),
            ("LEFTPADDING", (0, 0), (-1, -1), PAD_X),
            ("RIGHTPADDING", (0, 0), (-1, -1), PAD_X),
            ("TOPPADDING", (0, 0), (-1, -1), PAD_TOP),
            ("BOTTOMPADDING", (0, 0), (-1, -1), PAD_BOTTOM),
        ]
        commands.extend(("ALIGN", (column, 1), (column, -1), align) for column, align in enumerate(aligns))
        commands.extend(grid.rules())
        commands.extend(grid.commands)
        if ident is not None:
            self.grids[ident] = grid
        return grid.table(TableStyle(commands), ident)

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
        return self.small_table(rows, widths, ["CENTER", "LEFT", "CENTER", "RIGHT", "RIGHT", "RIGHT"], ident=MISSED)

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

    def __init__(
        self, stream: Any, grids: dict[str, _Grid], progress: Progress | None, cancelled: Cancelled | None, **kw: Any
    ):
        super().__init__(stream, **kw)
        self.grids = grids
        self.table = grids[APPENDIX]
        self.total_rows = self.table.done_after[-1]
        self.progress = progress
        self.cancelled = cancelled

    def check(self) -> None:
        if self.cancelled is not None and self.cancelled():
            raise ReportCancelled()

    def afterFlowable(self, flowable: Flowable) -> None:
        ident = getattr(flowable, "ident", None)
        grid = None
        if isinstance(ident, str):
            # A split table's pieces carry the ident with "[n]" added; each repeats the header row.
            grid = next((grid for key, grid in self.grids.items() if ident.startswith(key)), None)
        if grid is not None:
            # The table's rows are private to reportlab, so its stubs leave them out.
            grid.laid_out += max(len(flowable._cellvalues) - 1, 0)  # type: ignore[attr-defined]
            if grid is self.table and self.progress is not None:
                self.progress(min(grid.done, self.total_rows), self.total_rows)
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


def _short(name: str) -> str:
    return name if len(name) <= NAME_IN_MESSAGE else name[: NAME_IN_MESSAGE - 1].rstrip() + "…"


def _layout_failure(layout: ReportLayout, grids: dict[str, _Grid], landscape: bool) -> str:
    """The row the layout stopped at, for a user who can shorten it."""
    page = "A4 ngang" if landscape else "A4 dọc"
    what = "Hãy rút gọn nội dung dòng này rồi in lại."
    index = grids[APPENDIX].next_row
    if index is not None:
        row = layout.rows[index]
        where = f"chỉ tiêu {row.code} ({_short(row.name)})"
        return f"Không dàn trang được biểu năm {layout.year}: {where} không xếp vừa trang {page}. {what}"
    missed = grids.get(MISSED)
    index = missed.next_row if missed is not None else None
    if index is not None:
        line = layout.summary.missed[index]
        where = f"chỉ tiêu {line.ref} ({_short(line.name)}) trong danh sách các chỉ tiêu chưa đạt"
        return f"Không dàn trang được biểu năm {layout.year}: {where} không xếp vừa trang {page}. {what}"
    return (
        f"Không dàn trang được phần ghi chú và tổng hợp dưới biểu năm {layout.year} trên trang {page}. "
        "Hãy rút gọn lý do điều chỉnh đánh giá dài nhất rồi in lại."
    )


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
    frame_height = pagesize[1] - TOP - BOTTOM
    total = len(layout.rows)
    builder = _Builder(layout, styles, frame_width, frame_height, landscape)

    def check() -> None:
        if cancelled is not None and cancelled():
            raise ReportCancelled()

    story: list[Flowable] = [*builder.heading(), builder.table(check), *builder.notes(), *builder.summary()]
    check()
    with output_stream(out) as stream:
        doc = _AppendixDoc(
            stream,
            builder.grids,
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
        frame = Frame(LEFT, BOTTOM, frame_width, frame_height, 0, 0, 0, 0, id="body")
        doc.addPageTemplates([PageTemplate(id="appendix", frames=[frame], onPage=_page_numberer(family.regular))])
        try:
            doc.build(story)
        except LayoutError as error:
            # reportlab's message is English and names a flowable, not a row the user can find.
            raise ReportLayoutError(_layout_failure(layout, builder.grids, landscape)) from error
    if progress is not None:
        progress(total, total)
