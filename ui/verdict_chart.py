"""Verdict counts per group as horizontal stacked bars, painted with QPainter.

Painted by hand rather than with QtCharts so the long Vietnamese group names and
the count columns lay out exactly, and every bar is read next to its figures: a
colour is never the only carrier of a count. The hues are the grid's (``ui.styles``);
the counts are the summary's own (:class:`bkdesk.summary.Counts`): nothing is counted here.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QHelpEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from bkdesk.numbers import format_number
from bkdesk.summary import Counts, Summary, group_label
from bkdesk.verdicts import NOT_EVALUATED, Verdict
from ui.styles import VERDICT_COLOURS


@dataclass(frozen=True, slots=True)
class Column:
    """One verdict column: its heading, its colour and how to read it off a Counts."""

    verdict: Verdict | None
    heading: str

    def count(self, counts: Counts) -> int:
        if self.verdict is Verdict.EXCEEDED:
            return counts.exceeded
        if self.verdict is Verdict.ACHIEVED:
            return counts.achieved
        if self.verdict is Verdict.NOT_ACHIEVED:
            return counts.not_achieved
        return counts.not_evaluated

    @property
    def colour(self) -> QColor:
        return VERDICT_COLOURS[self.verdict]


COLUMNS: tuple[Column, ...] = (
    Column(Verdict.EXCEEDED, Verdict.EXCEEDED.value),
    Column(Verdict.ACHIEVED, Verdict.ACHIEVED.value),
    Column(Verdict.NOT_ACHIEVED, Verdict.NOT_ACHIEVED.value),
    Column(None, NOT_EVALUATED),
)
TOTAL_HEADING = "Tổng"
ALL_GROUPS_LABEL = "Tất cả các nhóm"

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
MARGIN = 8
ROW_GAP = 6
COLUMN_GAP = 14
SWATCH = 11
MIN_BAR_WIDTH = 160


class VerdictChart(QWidget):
    """One bar per group (A–E) split by verdict, with the counts in columns beside it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._by_group: dict[str, Counts] = {}
        self._totals = Counts()
        self._row_rects: list[tuple[QRect, str]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Biểu đồ kết quả đánh giá theo nhóm chỉ tiêu")
        self.setMouseTracking(True)

    # -- data -------------------------------------------------------------------------

    def set_summary(self, summary: Summary) -> None:
        self._by_group = dict(summary.by_group)
        self._totals = summary.counts
        self.setAccessibleDescription("\n".join(self.row_texts()))
        self.updateGeometry()
        self.update()

    def group_counts(self) -> dict[str, Counts]:
        """The counts drawn, per group code, in drawing order."""
        return dict(self._by_group)

    def total_counts(self) -> Counts:
        return self._totals

    def row_texts(self) -> list[str]:
        """Each bar in words, for tooltips and screen readers."""
        lines = [self._describe(group_label(code), counts) for code, counts in self._by_group.items()]
        lines.append(self._describe(ALL_GROUPS_LABEL, self._totals))
        return lines

    @staticmethod
    def _describe(label: str, counts: Counts) -> str:
        parts = ", ".join(f"{column.heading.lower()} {format_number(column.count(counts))}" for column in COLUMNS)
        return f"{label}: {parts} (tổng {format_number(counts.total)} chỉ tiêu)"

    # -- geometry ---------------------------------------------------------------------

    def _row_height(self) -> int:
        return QFontMetrics(self.font()).height() + 12

    def _bold(self) -> QFont:
        font = QFont(self.font())
        font.setBold(True)
        return font

    def _label_width(self) -> int:
        metrics = QFontMetrics(self.font())
        widest = max((metrics.horizontalAdvance(group_label(code)) for code in self._by_group), default=0)
        widest = max(widest, QFontMetrics(self._bold()).horizontalAdvance(ALL_GROUPS_LABEL))
        # A little slack: elidedText rounds sub-pixel advances up where horizontalAdvance
        # rounds them down. Longer names are elided (the tooltip has them whole).
        return min(widest + 6, 360)

    def _column_widths(self) -> list[int]:
        metrics = QFontMetrics(self._bold())
        widths = [SWATCH + 5 + metrics.horizontalAdvance(column.heading) for column in COLUMNS]
        widths.append(metrics.horizontalAdvance(TOTAL_HEADING))
        return widths

    def sizeHint(self) -> QSize:
        rows = len(self._by_group) + 2  # the heading row and the row of totals
        height = 2 * MARGIN + rows * self._row_height() + (rows - 1) * ROW_GAP
        columns = sum(self._column_widths()) + COLUMN_GAP * len(COLUMNS)
        return QSize(self._label_width() + columns + 2 * MIN_BAR_WIDTH + 2 * MARGIN + 2 * COLUMN_GAP, height)

    def minimumSizeHint(self) -> QSize:
        hint = self.sizeHint()
        return QSize(hint.width() - MIN_BAR_WIDTH, hint.height())

    # -- painting ---------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        row_height = self._row_height()
        label_width = self._label_width()
        widths = self._column_widths()
        columns_width = sum(widths) + COLUMN_GAP * len(COLUMNS)
        bar_left = MARGIN + label_width + COLUMN_GAP
        bar_width = max(self.width() - bar_left - columns_width - COLUMN_GAP - MARGIN, MIN_BAR_WIDTH // 2)
        columns_left = bar_left + bar_width + COLUMN_GAP
        scale = max((counts.total for counts in self._by_group.values()), default=0)

        # Heading row: one swatch per verdict, so the headings double as the legend.
        y = MARGIN
        painter.setFont(self._bold())
        painter.setPen(text)
        x = columns_left
        for column, width in zip(COLUMNS, widths, strict=False):
            swatch = QRectF(x, y + (row_height - SWATCH) / 2, SWATCH, SWATCH)
            painter.fillRect(swatch, column.colour)
            painter.drawText(QRect(x + SWATCH + 5, y, width, row_height), Qt.AlignmentFlag.AlignVCenter, column.heading)
            x += width + COLUMN_GAP
        painter.drawText(QRect(x, y, widths[-1], row_height), _RIGHT, TOTAL_HEADING)

        self._row_rects = []
        y += row_height + ROW_GAP
        painter.setFont(self.font())
        for code, counts in self._by_group.items():
            label = group_label(code)
            self._row_rects.append((QRect(0, y, self.width(), row_height), self._describe(label, counts)))
            elided = QFontMetrics(self.font()).elidedText(label, Qt.TextElideMode.ElideRight, label_width)
            painter.setPen(text)
            painter.drawText(QRect(MARGIN, y, label_width, row_height), Qt.AlignmentFlag.AlignVCenter, elided)
            self._paint_bar(painter, QRectF(bar_left, y + 3, bar_width, row_height - 6), counts, scale)
            self._paint_counts(painter, columns_left, y, row_height, widths, counts, text)
            y += row_height + ROW_GAP

        # The totals row under a rule, in bold like the report's own summary line.
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1))
        painter.drawLine(QPointF(MARGIN, y - ROW_GAP / 2), QPointF(self.width() - MARGIN, y - ROW_GAP / 2))
        painter.setFont(self._bold())
        painter.setPen(text)
        painter.drawText(QRect(MARGIN, y, label_width, row_height), Qt.AlignmentFlag.AlignVCenter, ALL_GROUPS_LABEL)
        self._row_rects.append((QRect(0, y, self.width(), row_height), self._describe(ALL_GROUPS_LABEL, self._totals)))
        self._paint_counts(painter, columns_left, y, row_height, widths, self._totals, text)
        painter.end()

    def _paint_bar(self, painter: QPainter, area: QRectF, counts: Counts, scale: int) -> None:
        painter.fillRect(area, self.palette().color(QPalette.ColorRole.AlternateBase))
        if scale == 0:
            return
        x = area.left()
        metrics = QFontMetrics(painter.font())
        for column in COLUMNS:
            value = column.count(counts)
            if value == 0:
                continue
            width = area.width() * value / scale
            segment = QRectF(x, area.top(), width, area.height())
            painter.fillRect(segment, column.colour)
            label = format_number(value)
            if metrics.horizontalAdvance(label) + 6 <= width:
                painter.setPen(QColor(Qt.GlobalColor.white))  # every verdict hue is dark enough
                painter.drawText(segment, Qt.AlignmentFlag.AlignCenter, label)
            x += width

    def _paint_counts(
        self, painter: QPainter, left: int, y: int, height: int, widths: list[int], counts: Counts, text: QColor
    ) -> None:
        x = left
        values = [column.count(counts) for column in COLUMNS]
        for column, value, width in zip(COLUMNS, values, widths, strict=False):
            # A zero is drawn in the text colour, a count in its verdict's hue, both as digits.
            painter.setPen(column.colour if value else text)
            painter.drawText(QRect(x, y, width, height), _RIGHT, format_number(value))
            x += width + COLUMN_GAP
        painter.setPen(text)
        painter.drawText(QRect(x, y, widths[-1], height), _RIGHT, format_number(counts.total))

    # -- tooltips ---------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            for rect, description in self._row_rects:
                if rect.contains(event.pos()):
                    QToolTip.showText(event.globalPos(), description, self, rect)
                    return True
            QToolTip.hideText()
            event.ignore()
            return True
        return super().event(event)
