"""The appendix as an Excel workbook: the table on one sheet, the summary on "Tổng hợp".

Ready to paste into the Word report or to print: merged title rows, a bold wrapped
header, borders, column widths that fit the text, row heights set for wrapped cells
(neither Excel nor LibreOffice computes them for a file they did not lay out, and
both then print wrapped text clipped), numbers stored as numbers, a frozen header,
A4 print set-up with the header row repeated. Text is never stored as a formula.
A row whose text needs more than Excel's tallest row (409 pt) goes on in the rows
under it, so nothing is clipped on screen or on paper; a number Excel cannot hold
exactly (more than 15 digits) or show on one line of its column is stored as text.
What each cell says comes from :mod:`bkdesk.reports.layout`.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Border, Font, NamedStyle, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.header_footer import HeaderFooterItem
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from bkdesk.evaluation import Evaluation
from bkdesk.reports.layout import Align, Figure, ReportLayout, SummaryLayout, TableRow, build_layout
from bkdesk.reports.output import Output, output_stream
from bkdesk.reports.settings import ReportSettings

FONT_NAME = "Times New Roman"  # Excel has it; LibreOffice prints it with Liberation Serif, its metric twin
TABLE_SIZE = 12
TITLE_SIZE = 14
LINE_HEIGHT = 15.0  # points per line of 12 pt Times New Roman
CELL_PADDING = 3.0
MAX_ROW_HEIGHT = 409.0  # Excel's tallest row
MAX_LINES = int((MAX_ROW_HEIGHT - CELL_PADDING) // LINE_HEIGHT)
EXCEL_DIGITS = 15  # what a spreadsheet number holds exactly
WIDTH_ROUNDING = 0.05  # widths are written to a tenth of a unit
FORMULA_STARTS = ("=", "+", "-", "@")
GENERAL = "General"
PERCENT_FORMAT = "0.00"
MM_PER_INCH = 25.4

# An Excel column-width unit is the width of a digit of the default 11 pt font, about
# 5.25 pt; 12 pt Times New Roman averages 5.0 pt a letter (5.3 pt bold) on Vietnamese text.
UNIT_PT = 5.25
CHAR_PT = 5.15
BOLD_CHAR_PT = 5.5
DIGIT_PT = 6.0
CELL_MARGIN_PT = 5.0
INDENT_PT = 9.0
PRINTABLE_UNITS = 89.0  # A4 portrait between the margins of Nghị định 30 (165 mm)

TABLE_SHEET = "Biểu"
SUMMARY_SHEET = "Tổng hợp"
HEADER_ROW = 4
FIRST_DATA_ROW = HEADER_ROW + 1

# Column widths (Excel units): STT, name, unit, target, estimate, verdict, same period.
# The name column takes what the others leave of the printable width.
MIN_WIDTHS = (5.0, 30.0, 10.0, 9.0, 9.0, 11.0, 10.0)
MAX_WIDTHS = (8.0, 60.0, 16.0, 16.0, 16.0, 14.0, 14.0)

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
# A row continued over several sheet rows: its outline only, no rule between its parts.
EDGE_BORDERS = {
    "all": BORDER,
    "first": Border(left=THIN, right=THIN, top=THIN),
    "inner": Border(left=THIN, right=THIN),
    "last": Border(left=THIN, right=THIN, bottom=THIN),
}
REGULAR = Font(name=FONT_NAME, size=TABLE_SIZE)
BOLD = Font(name=FONT_NAME, size=TABLE_SIZE, bold=True)
ITALIC = Font(name=FONT_NAME, size=TABLE_SIZE, italic=True)
TITLE = Font(name=FONT_NAME, size=TITLE_SIZE, bold=True)
REFERENCE = Font(name=FONT_NAME, size=13, italic=True)
HEADING = Font(name=FONT_NAME, size=13, bold=True)
BODY = Font(name=FONT_NAME, size=13)

_HORIZONTAL = {Align.LEFT: "left", Align.CENTER: "center", Align.RIGHT: "right"}
_alignments: dict[tuple[str, int, bool, str], Alignment] = {}


def alignment(horizontal: str = "left", indent: int = 0, wrap: bool = True, vertical: str = "center") -> Alignment:
    """One Alignment object per look, shared by the named styles that use it."""
    key = (horizontal, indent, wrap, vertical)
    found = _alignments.get(key)
    if found is None:
        found = Alignment(horizontal=horizontal, vertical=vertical, wrap_text=wrap, indent=indent)
        _alignments[key] = found
    return found


def wrapped_lines(text: str, width: float, bold: bool = False, indent: int = 0) -> int:
    """How many lines ``text`` takes in a column ``width`` units wide, wrapping at spaces."""
    if not text:
        return 1
    room = width * UNIT_PT - CELL_MARGIN_PT - indent * INDENT_PT
    capacity = max(room / (BOLD_CHAR_PT if bold else CHAR_PT), 1.0)
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        used = 0.0
        for word in paragraph.split(" "):
            size = len(word)
            if used == 0:
                used = size
            elif used + 1 + size <= capacity:
                used += 1 + size
            else:
                lines += 1
                used = size
            while used > capacity:  # a word longer than the column breaks inside it
                lines += 1
                used -= capacity
    return lines


def row_height(lines: int, line_height: float = LINE_HEIGHT) -> float:
    return round(lines * line_height + CELL_PADDING, 1)


def split_lines(text: str, width: float, bold: bool = False, indent: int = 0, most: int = MAX_LINES) -> list[str]:
    """``text`` in parts of at most ``most`` wrapped lines each, cut at a space where the part has one.

    The space a part ends on is dropped; a word longer than a part is cut inside it.
    """
    parts: list[str] = []
    rest = text
    while wrapped_lines(rest, width, bold, indent) > most:
        # The longest beginning of ``rest`` that still fits (the line count grows with the text).
        low, high = 1, len(rest)
        while low < high:
            middle = (low + high + 1) // 2
            if wrapped_lines(rest[:middle], width, bold, indent) <= most:
                low = middle
            else:
                high = middle - 1
        space = max(rest.rfind(" ", 0, low + 1), rest.rfind("\n", 0, low + 1))
        if space > 0:
            parts.append(rest[:space])
            rest = rest[space + 1 :]
        else:
            parts.append(rest[:low])
            rest = rest[low:]
    parts.append(rest)
    return parts


def number_format(figure: Figure) -> str:
    """``3.200`` → ``#,##0``; ``56,7`` → ``#,##0.0``; ``01`` → ``00``: the number shown as written."""
    if figure.digits:
        return "0" * figure.digits
    return "#,##0" + ("." + "0" * figure.places if figure.places else "")


def as_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def writable_cell(sheet: Worksheet, row: int, column: int) -> Cell:
    """The cell at ``row``, ``column``, which must not be hidden under a merge (those take no value or style)."""
    cell = sheet.cell(row=row, column=column)
    if not isinstance(cell, Cell):
        raise ValueError(f"{cell.coordinate} is inside a merged range")
    return cell


def put_text(cell: Cell, text: str) -> None:
    """Store ``text`` as text, never as a formula, whatever it starts with."""
    # Control characters pasted from other software are not allowed in the file format.
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    cell.value = text
    if text.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True


def figure_format(figure: Figure, percent: bool = False) -> str:
    """The number format a figure is shown with (text figures keep the general one)."""
    if figure.value is None:
        return GENERAL
    if percent:
        # A ratio printed as written ("100", "95,3") keeps its places; a computed one has two.
        return PERCENT_FORMAT if figure.places == 2 else "0" + ("." + "0" * figure.places if figure.places else "")
    return number_format(figure)


def keeps_number(figure: Figure, width: float) -> bool:
    """Whether ``figure`` is stored as a number: Excel holds it exactly and shows it whole in ``width``.

    A longer number would be rounded, or shown as ``####`` (a number does not wrap), so it is stored as its text.
    """
    value = figure.value
    if value is None or len(figure.text) * DIGIT_PT + CELL_MARGIN_PT > (width + WIDTH_ROUNDING) * UNIT_PT:
        return False
    # The text holds every digit, so a short one needs no count.
    return len(figure.text) <= EXCEL_DIGITS or len(value.normalize().as_tuple().digits) <= EXCEL_DIGITS


class CellStyles:
    """The table's cell styles as named styles of the workbook, one per distinct look.

    Setting a font, a border and an alignment on each cell makes openpyxl hash every
    one of them every time; a named style is looked up by name and copied whole, which
    makes a 2,000-row table several times faster to write. The names show in Excel's
    style gallery, so a user adding a row can give it the table's look.
    """

    def __init__(self, workbook: Workbook) -> None:
        self.workbook = workbook
        self.names: dict[tuple[bool, str, int, str, str], str] = {}

    def apply(
        self, cell: Cell, bold: bool, horizontal: str, indent: int = 0, number: str = GENERAL, edge: str = "all"
    ) -> None:
        """Give ``cell`` its look; call it before storing the value (the style replaces quotePrefix).

        ``edge`` is ``all`` for a row of its own, else which part of a continued row the cell is in.
        """
        key = (bold, horizontal, indent, number, edge)
        name = self.names.get(key)
        if name is None:
            name = f"Biểu bkdesk {len(self.names) + 1}"
            self.workbook.add_named_style(
                NamedStyle(
                    name=name,
                    font=BOLD if bold else REGULAR,
                    border=EDGE_BORDERS[edge],
                    # A continued row reads on from one sheet row to the next: its parts sit at the top.
                    alignment=alignment(horizontal, indent, vertical="center" if edge == "all" else "top"),
                    number_format=number,
                )
            )
            self.names[key] = name
        cell.style = name


def _unbroken(text: str) -> int:
    """Length of the longest word: what a wrapped cell cannot break."""
    return max((len(word) for word in text.split()), default=0)


def fit_widths(layout: ReportLayout) -> list[float]:
    """Widths that fit each column's figures; the name column takes the rest of the printable width.

    Numbers and bounds must stay on one line; words (units, targets in words, headers) wrap,
    so only their longest word has to fit.
    """
    longest = [0] * 7
    for row in layout.rows:
        texts = (
            len(row.stt),
            0,
            _unbroken(row.unit),
            _figure_length(row.target),
            _figure_length(row.estimate),
            _unbroken(row.verdict_text),
            _figure_length(row.same_period),
        )
        longest = [max(old, new) for old, new in zip(longest, texts, strict=True)]
    longest = [max(length, _unbroken(header)) for length, header in zip(longest, layout.headers, strict=True)]
    widths = [
        min(max(MIN_WIDTHS[i], (longest[i] * DIGIT_PT + CELL_MARGIN_PT) / UNIT_PT), MAX_WIDTHS[i]) for i in range(7)
    ]
    widths[1] = min(max(PRINTABLE_UNITS - (sum(widths) - widths[1]), MIN_WIDTHS[1]), MAX_WIDTHS[1])
    return [round(width, 1) for width in widths]


def _figure_length(figure: Figure) -> int:
    return len(figure.text) if figure.align is Align.RIGHT else _unbroken(figure.text)


def _merged_line(sheet: Worksheet, row: int, columns: int, text: str, font: Font, horizontal: str, width: float) -> int:
    """Write ``text`` across ``columns`` from ``row`` on; returns the next free row.

    A text taller than Excel's tallest row goes on in the merged rows under it.
    """
    size = font.sz or TABLE_SIZE
    scale = TABLE_SIZE / size
    bold = bool(font.b)
    for part in split_lines(text, width * scale, bold):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
        cell = writable_cell(sheet, row, 1)
        put_text(cell, part)
        cell.font = font
        cell.alignment = alignment(horizontal)
        lines = wrapped_lines(part, width * scale, bold=bold)
        sheet.row_dimensions[row].height = row_height(lines, LINE_HEIGHT * size / TABLE_SIZE)
        row += 1
    return row


# A cell of a bordered table: its value, bold, horizontal alignment (a figure brings its own),
# indent, and whether a figure is a percentage.
CellSpec = tuple[Figure | str | int, bool, str, int, bool]


def _cell_text(value: Figure | str | int, width: float) -> str | None:
    """The text a cell wraps, or ``None`` for a value stored as a number (it takes one line)."""
    if isinstance(value, Figure):
        return None if keeps_number(value, width) else value.text
    return None if isinstance(value, int) else value


def _put_cell(cell: Cell, styles: CellStyles, spec: CellSpec, text: str | None, edge: str = "all") -> None:
    value, bold, horizontal, indent, percent = spec
    if isinstance(value, Figure):
        horizontal = _HORIZONTAL[value.align]
        if text is None:
            number = value.value
            assert number is not None  # a figure is given no text only when it is kept as a number
            styles.apply(cell, bold, horizontal, indent, figure_format(value, percent), edge)
            cell.value = as_number(number)
            return
    styles.apply(cell, bold, horizontal, indent, edge=edge)
    if text is not None:
        put_text(cell, text)
    elif not isinstance(value, Figure):
        cell.value = value


def _write_row(
    sheet: Worksheet, styles: CellStyles, index: int, specs: Sequence[CellSpec], widths: Sequence[float]
) -> int:
    """Write one row of a bordered table at ``index``; returns the next free row.

    A row whose text needs more than Excel's tallest row goes on in the sheet rows under
    it, outlined as one cell with no rule between its parts.
    """
    texts = [_cell_text(spec[0], width) for spec, width in zip(specs, widths, strict=True)]
    lines = max(
        wrapped_lines(text, width, spec[1], spec[3]) if text else 1
        for spec, text, width in zip(specs, texts, widths, strict=True)
    )
    if lines <= MAX_LINES:
        for column, (spec, text) in enumerate(zip(specs, texts, strict=True), start=1):
            _put_cell(writable_cell(sheet, index, column), styles, spec, text)
        sheet.row_dimensions[index].height = row_height(lines)
        return index + 1
    parts = [
        split_lines(text, width, spec[1], spec[3]) if text is not None else None
        for spec, text, width in zip(specs, texts, widths, strict=True)
    ]
    count = max((len(cell_parts) for cell_parts in parts if cell_parts is not None), default=1)
    for step in range(count):
        edge = "first" if step == 0 else "last" if step == count - 1 else "inner"
        tallest = 1
        for column, (spec, cell_parts, width) in enumerate(zip(specs, parts, widths, strict=True), start=1):
            cell = writable_cell(sheet, index + step, column)
            if cell_parts is None:
                # A number stays whole, in the first part of the row.
                if step == 0:
                    _put_cell(cell, styles, spec, None, edge)
                else:
                    _put_cell(cell, styles, ("", spec[1], "left", 0, False), "", edge)
                continue
            part = cell_parts[step] if step < len(cell_parts) else ""
            _put_cell(cell, styles, spec, part, edge)
            if part:
                tallest = max(tallest, wrapped_lines(part, width, spec[1], spec[3]))
        sheet.row_dimensions[index + step].height = row_height(tallest)
    return index + count


def _table_row(sheet: Worksheet, styles: CellStyles, index: int, row: TableRow, widths: Sequence[float]) -> int:
    bold = row.bold
    specs: list[CellSpec] = [
        (row.stt, bold, "center", 0, False),
        (row.name, bold, "left", row.indent, False),
        (row.unit, bold, "center", 0, False),
        (row.target, bold, "", 0, False),
        (row.estimate, bold, "", 0, False),
        (row.verdict_text, bold, "center", 0, False),
        (row.same_period, bold, "", 0, True),
    ]
    return _write_row(sheet, styles, index, specs, widths)


def _print_setup(sheet: Worksheet, title_rows: str | None) -> None:
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    # Nghị định 30/2020: 20 mm top and bottom, 30 mm left, 15 mm right.
    sheet.page_margins = PageMargins(
        left=30 / MM_PER_INCH,
        right=15 / MM_PER_INCH,
        top=20 / MM_PER_INCH,
        bottom=20 / MM_PER_INCH,
        header=10 / MM_PER_INCH,
        footer=10 / MM_PER_INCH,
    )
    sheet.print_options.horizontalCentered = True
    if title_rows:
        sheet.print_title_rows = title_rows
    # Page numbers centred at the top from page 2 on, as the PDF prints them.
    sheet.HeaderFooter.differentFirst = True
    page_number = HeaderFooterItem()
    page_number.center.text = "&P"
    page_number.center.size = 13
    page_number.center.font = FONT_NAME
    sheet.oddHeader = page_number


def _table_sheet(sheet: Worksheet, styles: CellStyles, layout: ReportLayout) -> None:
    widths = fit_widths(layout)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    total_width = sum(widths)
    _merged_line(sheet, 1, 7, layout.title, TITLE, "center", total_width)
    _merged_line(sheet, 2, 7, layout.reference, REFERENCE, "center", total_width)
    sheet.row_dimensions[3].height = 8
    header_lines = 1
    for column, text in enumerate(layout.headers, start=1):
        cell = writable_cell(sheet, HEADER_ROW, column)
        styles.apply(cell, True, "center")
        put_text(cell, text)
        header_lines = max(header_lines, wrapped_lines(text, widths[column - 1], bold=True))
    sheet.row_dimensions[HEADER_ROW].height = row_height(header_lines)
    index = FIRST_DATA_ROW
    for row in layout.rows:
        index = _table_row(sheet, styles, index, row, widths)
    if layout.notes:
        line = _merged_line(sheet, index + 1, 7, layout.notes_heading, ITALIC, "left", total_width)
        for note in layout.notes:
            line = _merged_line(sheet, line, 7, note.plain, ITALIC, "left", total_width)
    sheet.freeze_panes = writable_cell(sheet, FIRST_DATA_ROW, 1)
    _print_setup(sheet, f"{HEADER_ROW}:{HEADER_ROW}")
    sheet.print_area = f"A1:G{sheet.max_row}"


def _grid_rows(
    sheet: Worksheet,
    styles: CellStyles,
    first: int,
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    bold_last: bool = False,
) -> int:
    """Write a bordered block under a bold header row; numbers stay numbers. Returns the next free row."""
    index = first
    for position, values in enumerate(rows):
        bold = position == 0 or (bold_last and position == len(rows) - 1)
        specs: list[CellSpec] = [
            (
                value if isinstance(value, Figure | int) else str(value),
                bold,
                "left" if column == 2 and position > 0 else "center",
                0,
                column == len(values),
            )
            for column, value in enumerate(values, start=1)
        ]
        index = _write_row(sheet, styles, index, specs, widths[: len(specs)])
    return index


def _summary_sheet(sheet: Worksheet, styles: CellStyles, summary: SummaryLayout) -> None:
    widths = [6.0, 36.0, 9.0, 9.0, 9.0, 10.0, 10.0]
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    total_width = sum(widths)
    _merged_line(sheet, 1, 7, summary.heading, HEADING, "center", total_width)
    _merged_line(sheet, 2, 7, summary.phrase, BODY, "left", total_width)
    if summary.counts_sentence:
        _merged_line(sheet, 3, 7, summary.counts_sentence, BODY, "left", total_width)
    row = 5
    first_group = 0
    if summary.groups:
        _merged_line(sheet, row, 7, summary.group_heading, HEADING, "left", total_width)
        lines: list[Sequence[Any]] = [("", *summary.group_headers)]
        for group in summary.groups:
            counts = group.counts
            lines.append(
                (
                    group.group,
                    group.name,
                    counts.total,
                    counts.exceeded,
                    counts.achieved,
                    counts.not_achieved,
                    counts.not_evaluated,
                )
            )
        total = summary.total
        lines.append(
            ("", "Tổng cộng", total.total, total.exceeded, total.achieved, total.not_achieved, total.not_evaluated)
        )
        first_group = row + 2
        row = _grid_rows(sheet, styles, row + 1, lines, widths, bold_last=True)
        row += 1
    _merged_line(sheet, row, 7, summary.missed_heading, HEADING, "left", total_width)
    row += 1
    if summary.missed:
        missed_rows: list[Sequence[Any]] = [summary.missed_headers]
        missed_rows.extend(
            (line.ref, line.name, line.unit, line.target, line.estimate, line.pct_plan) for line in summary.missed
        )
        row = _grid_rows(sheet, styles, row, missed_rows, widths)
    else:
        _merged_line(sheet, row, 7, "Không có chỉ tiêu nào chưa đạt.", BODY, "left", total_width)
        row += 1
    if summary.groups:
        _verdict_chart(sheet, first_group, len(summary.groups), row + 1)
    _print_setup(sheet, None)


def _verdict_chart(sheet: Worksheet, first_row: int, groups: int, anchor_row: int) -> None:
    """A stacked bar per group, drawn from the counts table above it (so it follows edits)."""
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = "Kết quả đánh giá theo nhóm chỉ tiêu"
    data = Reference(sheet, min_col=4, max_col=7, min_row=first_row - 1, max_row=first_row + groups - 1)
    categories = Reference(sheet, min_col=2, min_row=first_row, max_row=first_row + groups - 1)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(categories)
    chart.y_axis.majorGridlines = None
    chart.x_axis.scaling.orientation = "maxMin"  # group A at the top, as in the table
    chart.y_axis.crosses = "max"  # keeps the value axis at the bottom once the groups are reversed
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend.position = "b"
    chart.width = 24
    chart.height = 3 + 1.4 * groups
    for series, colour in zip(chart.series, ("1A7F3C", "9FD89A", "D0562F", "DDDDDD"), strict=False):
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.solidFill = "000000"
    sheet.add_chart(chart, f"A{anchor_row}")


def write_layout_xlsx(layout: ReportLayout, out: Output) -> None:
    workbook = Workbook()
    table = workbook.active
    assert isinstance(table, Worksheet)  # a new workbook opens on its one worksheet
    table.title = TABLE_SHEET
    styles = CellStyles(workbook)
    _table_sheet(table, styles, layout)
    _summary_sheet(workbook.create_sheet(SUMMARY_SHEET), styles, layout.summary)
    workbook.properties.title = layout.title
    workbook.properties.creator = "bkdesk"
    with output_stream(out) as stream:
        workbook.save(stream)


def write_xlsx(evaluation: Evaluation, settings: ReportSettings, out: Output) -> None:
    """Write the appendix of ``evaluation`` and its summary as an .xlsx workbook to ``out``."""
    write_layout_xlsx(build_layout(evaluation, settings), out)
