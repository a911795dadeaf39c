"""The Dashboard tab: the summary sentence, verdicts per group and the indicators not achieved.

Everything shown comes from :class:`bkdesk.evaluation.Evaluation` and its summary;
the tab only lays it out. Clicking (or pressing Enter on) an indicator not achieved
emits :attr:`DashboardWidget.indicatorActivated` so the window can jump to its row.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from bkdesk.evaluation import EvaluatedRow, Evaluation
from bkdesk.numbers import format_number, format_percent
from bkdesk.summary import group_name
from bkdesk.verdicts import Verdict
from ui.record_model import RecordTableModel, record_table
from ui.styles import VERDICT_COLOURS
from ui.verdict_chart import VerdictChart

CODE_ROLE = Qt.ItemDataRole.UserRole + 1

ModelIndex = QModelIndex | QPersistentModelIndex


class NotAchievedModel(RecordTableModel[EvaluatedRow]):
    """The summary's indicators not achieved, one per row, as the report lists them."""

    GROUP, STT, NAME, UNIT, TARGET, ESTIMATE, PCT_PLAN = range(7)
    HEADINGS = ("Nhóm", "STT", "Chỉ tiêu", "Đơn vị tính", "Kế hoạch", "Ước thực hiện", "% KH")
    NUMERIC = frozenset({TARGET, ESTIMATE, PCT_PLAN})

    def set_rows(self, rows: tuple[EvaluatedRow, ...]) -> None:
        self.set_records(rows)

    def row_at(self, row: int) -> EvaluatedRow:
        return self.record(row)

    def heading_alignment(self, section: int) -> Any:
        return self._alignment(section)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.record_at(index)
        if row is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._alignment(column)
        if role == Qt.ItemDataRole.ForegroundRole and column == self.PCT_PLAN:
            return VERDICT_COLOURS[Verdict.NOT_ACHIEVED]
        if role == CODE_ROLE:
            return row.code
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def _text(self, row: EvaluatedRow, column: int) -> str:
        indicator = row.indicator
        if column == self.GROUP:
            return indicator.group
        if column == self.STT:
            return indicator.stt
        if column == self.NAME:
            return indicator.name
        if column == self.UNIT:
            return indicator.unit.strip()
        if column == self.TARGET:
            return row.target.text or row.input.target
        if column == self.ESTIMATE:
            return row.estimate.text or row.input.estimate
        return format_percent(row.pct_plan)

    def _tooltip(self, row: EvaluatedRow, column: int) -> str:
        if column == self.GROUP:
            return group_name(row.indicator.group)
        if column == self.NAME:
            return f"{row.indicator.name}\nNhấp hoặc nhấn Enter để đến dòng này trong bảng nhập liệu."
        return self._text(row, column)

    def _alignment(self, column: int) -> int:
        horizontal = Qt.AlignmentFlag.AlignRight if column in self.NUMERIC else Qt.AlignmentFlag.AlignLeft
        if column in (self.GROUP, self.STT):
            horizontal = Qt.AlignmentFlag.AlignCenter
        return int(horizontal | Qt.AlignmentFlag.AlignVCenter)


class DashboardWidget(QWidget):
    """The Dashboard tab of the main window."""

    indicatorActivated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._evaluation: Evaluation | None = None

        self.title = QLabel("Tổng hợp kết quả đánh giá")
        title_font = QFont(self.title.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.35)
        title_font.setBold(True)
        self.title.setFont(title_font)

        self.phrase = QLabel("Chưa có số liệu đánh giá.")
        phrase_font = QFont(self.phrase.font())
        phrase_font.setPointSizeF(phrase_font.pointSizeF() * 1.15)
        self.phrase.setFont(phrase_font)
        self.phrase.setWordWrap(True)
        self.phrase.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.chart = VerdictChart(self)

        self.missed_title = QLabel("Các chỉ tiêu chưa đạt")
        section_font = QFont(self.missed_title.font())
        section_font.setBold(True)
        self.missed_title.setFont(section_font)
        chart_title = QLabel("Kết quả theo nhóm chỉ tiêu")
        chart_title.setFont(section_font)

        self.model = NotAchievedModel(parent=self)
        self.table = record_table(self.model, NotAchievedModel.NAME, parent=self)
        self.table.setAccessibleName("Danh sách chỉ tiêu chưa đạt")
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.clicked.connect(self._activate)
        # Enter goes through a shortcut rather than `activated`, which some styles also
        # emit on a single click and would then report the row twice.
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shortcut = QShortcut(QKeySequence(key), self.table, context=Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self._activate_current)

        self.none_missed = QLabel("Không có chỉ tiêu nào chưa đạt.")
        self.none_missed.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.missed_stack = QStackedWidget(self)
        self.missed_stack.addWidget(self.table)
        self.missed_stack.addWidget(self.none_missed)

        hint = QLabel("Nhấp vào một chỉ tiêu (hoặc chọn rồi nhấn Enter) để đến dòng của nó trong bảng nhập liệu.")
        hint.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(6)
        layout.addWidget(self.title)
        layout.addWidget(self.phrase)
        layout.addSpacing(6)
        layout.addWidget(chart_title)
        layout.addWidget(self.chart)
        layout.addSpacing(6)
        layout.addWidget(self.missed_title)
        layout.addWidget(self.missed_stack, 1)
        layout.addWidget(hint)

    @property
    def evaluation(self) -> Evaluation | None:
        return self._evaluation

    def show_evaluation(self, evaluation: Evaluation) -> None:
        self._evaluation = evaluation
        summary = evaluation.summary
        self.title.setText(f"Tổng hợp kết quả đánh giá năm {evaluation.year} ({evaluation.period.label.lower()})")
        self.phrase.setText(f"{summary.phrase()}.")
        self.chart.set_summary(summary)
        self.model.set_rows(summary.not_achieved)
        self.missed_title.setText(f"Các chỉ tiêu chưa đạt ({format_number(summary.counts.not_achieved)})")
        self.missed_stack.setCurrentWidget(self.table if summary.not_achieved else self.none_missed)

    def _activate(self, index: QModelIndex) -> None:
        if index.isValid():
            self.indicatorActivated.emit(self.model.row_at(index.row()).code)

    def _activate_current(self) -> None:
        self._activate(self.table.currentIndex())
