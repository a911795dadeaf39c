"""A small line chart of an indicator's target, estimate and final result per year, painted with QPainter.

Painted by hand, as the dashboard's chart is: a few points need no QtCharts, and the axis
labels stay Vietnamese numbers (``3.050``, ``95,3``). A series is told by its line style and
marker as well as its colour. The points are the core's (:meth:`bkdesk.history.YearHistory.target_point`
and its neighbours); a figure with no single number (a range, words, nothing entered) is a gap.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from bkdesk.history import YearHistory
from bkdesk.numbers import format_number

MARGIN = 10
TICKS = 4
MARKER = 4.0
EMPTY_TEXT = "Không có số liệu dạng số để vẽ biểu đồ."


@dataclass(frozen=True, slots=True)
class Series:
    label: str
    colour: QColor
    style: Qt.PenStyle
    marker: str  # "square", "circle" or "diamond"
    point: Callable[[YearHistory], Decimal | None]


SERIES: tuple[Series, ...] = (
    Series("Nhiệm vụ", QColor("#5f5e64"), Qt.PenStyle.DashLine, "square", lambda year: year.target_point),
    Series("Ước thực hiện", QColor("#d27500"), Qt.PenStyle.SolidLine, "circle", lambda year: year.estimate_point),
    Series("Thực hiện", QColor("#1a56a8"), Qt.PenStyle.SolidLine, "diamond", lambda year: year.result_point),
)


def nice_ticks(low: float, high: float, count: int = TICKS) -> list[float]:
    """Round values from below ``low`` to above ``high`` in steps of 1, 2 or 5 × 10ⁿ."""
    if high == low:
        spread = abs(high) / 10 or 1.0
        low, high = low - spread, high + spread
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(power * factor for factor in (1, 2, 5, 10) if power * factor >= raw)
    first = math.floor(low / step) * step
    ticks = [first]
    while ticks[-1] < high - step * 1e-9:
        ticks.append(first + step * len(ticks))
    return ticks


def tick_label(value: float, step: float) -> str:
    places = max(0, -math.floor(math.log10(step))) if step < 1 else 0
    return format_number(Decimal(repr(round(value, places))), places, trim=True)


class YearChart(QWidget):
    """Years along the bottom, the indicator's unit up the side, one line per series."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._years: list[YearHistory] = []
        self._unit = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("Biểu đồ nhiệm vụ, ước thực hiện và thực hiện qua các năm")

    def set_years(self, years: Sequence[YearHistory], unit: str) -> None:
        self._years = list(years)
        self._unit = unit
        lines = []
        for series in SERIES:
            points = [
                f"{year.year}: {format_number(value)}" for year in years if (value := series.point(year)) is not None
            ]
            if points:
                lines.append(f"{series.label}: {'; '.join(points)}")
        self.setAccessibleDescription("\n".join(lines) or EMPTY_TEXT)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(520, 230)

    def minimumSizeHint(self) -> QSize:
        return QSize(320, 200)

    def values(self) -> list[float]:
        return [float(value) for year in self._years for s in SERIES if (value := s.point(year)) is not None]

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text_colour = palette.color(QPalette.ColorRole.WindowText)
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        metrics = QFontMetrics(self.font())
        values = self.values()
        painter.setPen(text_colour)
        if not values:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, EMPTY_TEXT)
            return
        ticks = nice_ticks(min(values), max(values))
        step = ticks[1] - ticks[0]
        labels = [tick_label(tick, step) for tick in ticks]
        line_height = metrics.height()
        left = MARGIN + max(metrics.horizontalAdvance(label) for label in labels) + 6
        top = MARGIN + line_height * 3 + 4  # the legend, then the unit, clear of the top tick's label
        plot = QRectF(left, top, self.width() - left - MARGIN * 2, self.height() - top - MARGIN - line_height - 6)
        self._legend(painter, metrics, text_colour)
        if self._unit:
            painter.drawText(QPointF(MARGIN, MARGIN + line_height * 2 + metrics.ascent() - line_height / 2), self._unit)

        def y_of(value: float) -> float:
            return plot.bottom() - (value - ticks[0]) / (ticks[-1] - ticks[0]) * plot.height()

        grid = QColor(text_colour)
        grid.setAlpha(45)
        for tick, label in zip(ticks, labels, strict=True):
            y = y_of(tick)
            painter.setPen(QPen(grid, 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(text_colour)
            width = metrics.horizontalAdvance(label)
            painter.drawText(QPointF(left - 6 - width, y + metrics.ascent() / 2 - 1), label)
        count = len(self._years)
        gap = plot.width() / count

        def x_of(index: int) -> float:
            return plot.left() + gap * (index + 0.5)

        for index, year in enumerate(self._years):
            label = str(year.year)
            width = metrics.horizontalAdvance(label)
            painter.drawText(QPointF(x_of(index) - width / 2, plot.bottom() + 4 + metrics.ascent()), label)
        painter.setPen(QPen(text_colour, 1))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        for series in SERIES:
            points = [
                QPointF(x_of(index), y_of(float(value))) if (value := series.point(year)) is not None else None
                for index, year in enumerate(self._years)
            ]
            pen = QPen(series.colour, 2, series.style)
            painter.setPen(pen)
            for start, end in pairwise(points):
                if start is not None and end is not None:
                    painter.drawLine(start, end)
            painter.setPen(QPen(series.colour, 1.5))
            painter.setBrush(series.colour)
            for point in points:
                if point is not None:
                    _marker(painter, series.marker, point)
            painter.setBrush(Qt.BrushStyle.NoBrush)

    def _legend(self, painter: QPainter, metrics: QFontMetrics, text_colour: QColor) -> None:
        x = float(MARGIN)
        y = MARGIN + metrics.height() / 2
        for series in SERIES:
            painter.setPen(QPen(series.colour, 2, series.style))
            painter.drawLine(QPointF(x, y), QPointF(x + 22, y))
            painter.setPen(QPen(series.colour, 1.5))
            painter.setBrush(series.colour)
            _marker(painter, series.marker, QPointF(x + 11, y))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(text_colour)
            painter.drawText(QPointF(x + 28, y + metrics.ascent() / 2 - 1), series.label)
            x += 28 + metrics.horizontalAdvance(series.label) + 18


def _marker(painter: QPainter, shape: str, at: QPointF) -> None:
    if shape == "square":
        painter.drawRect(QRectF(at.x() - MARKER, at.y() - MARKER, MARKER * 2, MARKER * 2))
    elif shape == "diamond":
        size = MARKER + 1
        painter.drawPolygon(
            [
                QPointF(at.x(), at.y() - size),
                QPointF(at.x() + size, at.y()),
                QPointF(at.x(), at.y() + size),
                QPointF(at.x() - size, at.y()),
            ]
        )
    else:
        painter.drawEllipse(at, MARKER, MARKER)
