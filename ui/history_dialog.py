"""The history of one indicator: every change (time, author, old → new, source, reason), and the years.

The second tab, *Qua các năm*, is read off the GUI thread (:func:`ui.workers.run_in_background`)
when the dialog opens: each year's target, estimate, final result, verdict, % KH and "so với
cùng kỳ" as :func:`db.history.history` gives them, in a table and a small line chart.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from bkdesk.catalogue import PeriodKind
from bkdesk.history import IndicatorHistory, YearHistory
from bkdesk.numbers import format_percent
from ui import styles
from ui.dialog_buttons import close_only
from ui.entry_model import local_time, verdict_text, verdict_tooltip
from ui.history_chart import YearChart
from ui.record_model import RecordTableModel, record_table

if TYPE_CHECKING:
    from db.audit import AuditEntry
    from ui.workers import Worker

HEADINGS = ("Thời gian", "Người sửa", "Thao tác", "Cũ → mới", "Nguồn", "Lý do")
MAX_COLUMN_WIDTH = 240
CHANGES_TAB = "Thay đổi"
YEARS_TAB = "Qua các năm"
LOADING_TEXT = "Đang đọc số liệu các năm…"

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_CENTER = Qt.AlignmentFlag.AlignCenter


def period_label(value: str) -> str:
    try:
        return PeriodKind(value).label.lower()
    except ValueError:
        return value


def entry_cells(entry: AuditEntry) -> tuple[str, ...]:
    action = entry.action + (f" ({period_label(entry.period)})" if entry.period else "")
    change = f"{entry.old or '(trống)'} → {entry.new or '(trống)'}"
    return (local_time(entry.at), entry.actor, action, change, entry.source, entry.reason)


class YearsModel(RecordTableModel[YearHistory]):
    """One row per year whose table holds the indicator, as the grid writes its cells."""

    HEADINGS = ("Năm", "Nhiệm vụ", "Ước thực hiện", "Thực hiện", "Đánh giá", "% KH", "So với cùng kỳ (%)")
    YEAR, TARGET, ESTIMATE, RESULT, VERDICT, PCT_PLAN, PCT_LAST_YEAR = range(7)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        year = self.record_at(index)
        if year is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(year, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _CENTER if column in (self.YEAR, self.VERDICT) else _RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and column == self.VERDICT and year.target:
            return styles.VERDICT_COLOURS[year.verdict]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(year, column)
        return None

    def heading_alignment(self, section: int) -> Any:
        return _CENTER

    def text(self, year: YearHistory, column: int) -> str:
        row = year.row
        if column == self.YEAR:
            return str(year.year)
        if column == self.TARGET:
            return year.target
        if column == self.ESTIMATE:
            return year.estimate
        if column == self.RESULT:
            return year.result
        if column == self.VERDICT:
            return verdict_text(row)
        if column == self.PCT_PLAN:
            return format_percent(year.pct_plan)
        if column == self.PCT_LAST_YEAR:
            if year.pct_last_year is not None:
                return format_percent(year.pct_last_year)
            return row.input.reported_pct_last_year  # words such as "Duy trì", printed as given
        return ""

    def tooltip(self, year: YearHistory, column: int) -> str | None:
        basis = f"Theo số {year.period.label.lower()} năm {year.year}"
        if column == self.VERDICT and (year.target or year.verdict is not None):
            return f"{verdict_tooltip(year.row)}\n{basis}"
        if column in (self.PCT_PLAN, self.PCT_LAST_YEAR) and self.text(year, column):
            return basis
        text = self.text(year, column)
        return text or None


class YearsTab(QWidget):
    """The table of the years above their chart."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status = QLabel(LOADING_TEXT)
        self.status.setWordWrap(True)
        self.model = YearsModel(parent=self)
        self.table = record_table(self.model, YearsModel.VERDICT, parent=self)
        self.chart = YearChart(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.chart, 1)

    def show_history(self, found: IndicatorHistory) -> None:
        self.model.set_records(found.years)
        self.chart.set_years(found.years, found.indicator.unit)
        count = len(found.years)
        self.status.setText(
            f"{count} năm có chỉ tiêu trong biểu. Đánh giá, % KH và so với cùng kỳ theo số thực hiện "
            "khi đã có, nếu chưa thì theo số ước thực hiện."
        )

    def show_failure(self, message: str) -> None:
        self.status.setText(f"Không đọc được số liệu các năm: {message}")


class HistoryDialog(QDialog):
    def __init__(
        self,
        title: str,
        entries: Sequence[AuditEntry],
        parent: QWidget | None = None,
        *,
        read_years: Callable[[], IndicatorHistory] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Lịch sử — {title}")
        self.resize(1100, 560)
        self.table = QTableWidget(len(entries), len(HEADINGS))
        self.table.setHorizontalHeaderLabels(list(HEADINGS))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        for row, entry in enumerate(reversed(entries)):  # newest first
            for column, text in enumerate(entry_cells(entry)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        header = self.table.horizontalHeader()
        self.table.resizeColumnsToContents()
        for column in range(len(HEADINGS) - 1):  # long texts are cut; the tooltip has them whole
            header.resizeSection(column, min(header.sectionSize(column), MAX_COLUMN_WIDTH))
        header.setSectionResizeMode(len(HEADINGS) - 1, QHeaderView.ResizeMode.Stretch)
        count = QLabel(f"{len(entries)} thay đổi" if entries else "Chưa có thay đổi nào được ghi lại.")
        changes = QWidget()
        changes_layout = QVBoxLayout(changes)
        changes_layout.addWidget(count)
        changes_layout.addWidget(self.table)
        self.years = YearsTab()
        self.tabs = QTabWidget()
        self.tabs.addTab(changes, CHANGES_TAB)
        self.tabs.addTab(self.years, YEARS_TAB)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(close_only(self))
        self.reader: Worker | None = None
        if read_years is not None:
            from ui.workers import run_in_background

            self.reader = run_in_background(
                lambda _job: read_years(), self.years.show_history, self.years.show_failure, self
            )
        else:
            self.tabs.setTabEnabled(1, False)
