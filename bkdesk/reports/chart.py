"""The bar chart of verdicts per group: one stacked bar per group, a reader takes it in at a glance.

Every label, axis and legend names the report's font: reportlab's chart parts
default to Helvetica, which has no Vietnamese letters.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from bkdesk.reports.fonts import FontFamily
from bkdesk.reports.layout import SummaryLayout

# Vượt, Đạt, Không đạt, chưa đánh giá: distinct in colour and still in grey on a
# black-and-white office printer (dark, light, middle, pale).
SERIES_COLOURS = (
    colors.HexColor("#1a7f3c"),
    colors.HexColor("#9fd89a"),
    colors.HexColor("#d0562f"),
    colors.HexColor("#dddddd"),
)
LABEL_COLOURS = (colors.white, colors.black, colors.white, colors.black)
FONT_SIZE = 10
BAR_HEIGHT = 9 * mm
LABEL_SHARE = 0.38  # at most this share of the width for the group names
LEGEND_HEIGHT = 10 * mm
AXIS_HEIGHT = 8 * mm


def wrap_label(text: str, font: str, size: float, width: float) -> str:
    """Break a category name into balanced lines no wider than ``width`` (an axis label keeps ``\\n``)."""
    words = text.split()
    if stringWidth(text, font, size) <= width or len(words) < 2:
        return text

    # Two lines of even length read better than a full line and an orphaned word.
    def badness(cut: int) -> tuple[bool, float]:
        head = stringWidth(" ".join(words[:cut]), font, size)
        return head > width, max(head, stringWidth(" ".join(words[cut:]), font, size))

    best = min(range(1, len(words)), key=badness)
    head, tail = " ".join(words[:best]), " ".join(words[best:])
    return head + "\n" + wrap_label(tail, font, size, width)


def nice_step(maximum: int) -> int:
    """A value-axis step giving five to ten ticks."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if maximum / step <= 10:
            return step
    return max(1, maximum // 10)


def _bar_label(value: float) -> str:
    # An empty segment would print a stray "0" on the bar's edge.
    return f"{int(value)}" if value else ""


def verdict_chart(summary: SummaryLayout, width: float, family: FontFamily) -> Drawing:
    """A stacked horizontal bar per group of indicators, with a legend under it."""
    widest = max((stringWidth(name, family.regular, FONT_SIZE) for name in summary.chart_categories), default=0.0)
    label_width = min(widest + 4 * mm, width * LABEL_SHARE)
    categories = [
        wrap_label(name, family.regular, FONT_SIZE, label_width - 3 * mm) for name in summary.chart_categories
    ]
    series: Sequence[tuple[str, tuple[int, ...]]] = summary.chart_series
    plot_height = BAR_HEIGHT * max(len(categories), 1)
    height = plot_height + AXIS_HEIGHT + LEGEND_HEIGHT
    # The renderer opens every drawing with Helvetica unless told otherwise.
    drawing = Drawing(width, height, initialFontName=family.regular, initialFontSize=FONT_SIZE)

    chart = HorizontalBarChart()
    chart.x = label_width  # type: ignore[assignment]  # any number; the stubs say int
    chart.y = LEGEND_HEIGHT + AXIS_HEIGHT  # type: ignore[assignment]  # any number; the stubs say int
    chart.width = width - label_width - 4 * mm  # type: ignore[assignment]  # any number; the stubs say int
    chart.height = plot_height  # type: ignore[assignment]  # any number; the stubs say int
    chart.data = [list(values) for _label, values in series] or [[0]]
    chart.categoryAxis.categoryNames = categories or [""]
    chart.categoryAxis.style = "stacked"
    chart.categoryAxis.reverseDirection = 1  # group A at the top, as in the table
    chart.categoryAxis.labels.fontName = family.regular
    chart.categoryAxis.labels.fontSize = FONT_SIZE
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -2 * mm
    chart.categoryAxis.labels.textAnchor = "end"
    chart.categoryAxis.labels.leading = FONT_SIZE * 1.15
    totals = [sum(column) for column in zip(*chart.data, strict=True)] if chart.data else [0]
    top = max([*totals, 1])
    step = nice_step(top)
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = -(-top // step) * step
    chart.valueAxis.valueStep = step
    chart.valueAxis.labelTextFormat = "%d"
    chart.valueAxis.labels.fontName = family.regular
    chart.valueAxis.labels.fontSize = FONT_SIZE
    chart.valueAxis.visibleGrid = 1
    chart.valueAxis.gridStrokeColor = colors.HexColor("#bbbbbb")
    chart.valueAxis.gridStrokeWidth = 0.3
    chart.barWidth = BAR_HEIGHT * 0.6  # type: ignore[assignment]  # any number; the stubs say int
    chart.barLabelFormat = _bar_label
    chart.barLabels.fontName = family.bold
    chart.barLabels.fontSize = FONT_SIZE
    chart.barLabels.boxTarget = "mid"
    for index, colour in enumerate(SERIES_COLOURS[: len(series)]):
        chart.bars[index].fillColor = colour
        chart.bars[index].strokeColor = colors.black
        chart.bars[index].strokeWidth = 0.3
        for column in range(len(categories)):
            chart.barLabels[(index, column)].fillColor = LABEL_COLOURS[index]
    drawing.add(chart)

    legend = Legend()
    legend.x = label_width  # type: ignore[assignment]  # any number; the stubs say int
    legend.y = LEGEND_HEIGHT / 2  # type: ignore[assignment]  # any number; the stubs say int
    legend.boxAnchor = "w"
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.variColumn = 1  # each entry as wide as its own text: the four fit on one line
    legend.autoXPadding = 8 * mm  # type: ignore[assignment]  # any number; the stubs say int
    legend.dx = 4 * mm  # type: ignore[assignment]  # any number; the stubs say int
    legend.dy = 4 * mm  # type: ignore[assignment]  # any number; the stubs say int
    legend.fontName = family.regular
    legend.fontSize = FONT_SIZE
    legend.colorNamePairs = [(SERIES_COLOURS[i], label) for i, (label, _values) in enumerate(series)]
    drawing.add(legend)
    return drawing
