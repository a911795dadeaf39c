"""The entry grid's table model: a thin adapter over the core's :class:`Evaluation`.

Rows are the table's :class:`RowInput` in tree order; after each accepted write the whole
table is evaluated again by :func:`bkdesk.evaluation.evaluate_table` and only the rows
whose result changed are repainted. Every text shown comes from the core: stored
targets and estimates as written, percentages through :func:`bkdesk.numbers.format_percent`,
verdicts and warnings from the evaluation. The model itself never judges a figure.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPixmap, QUndoStack

from bkdesk.catalogue import is_heading
from bkdesk.entry import EntryError, EntryReview, Field, review_entry
from bkdesk.evaluation import (
    LAST_YEAR_ESTIMATE,
    LAST_YEAR_RESULT,
    PRINTED_RATIO,
    EvaluatedRow,
    Evaluation,
    Override,
    RowInput,
    evaluate_table,
)
from bkdesk.numbers import format_percent
from bkdesk.quantities import Kind
from bkdesk.text import clean
from bkdesk.verdicts import NOT_EVALUATED, Verdict
from db.errors import StaleValue, StoreError
from ui import styles
from ui.delegates import indent_pixmap, refused_pixmap, warning_pixmap
from ui.undo import CellEdit, EditCommand

if TYPE_CHECKING:
    from ui.context import AppContext
    from ui.entry_store import EntryStore

AnyIndex = QModelIndex | QPersistentModelIndex

ERROR_ROLE = Qt.ItemDataRole.UserRole + 1  # the Vietnamese message of a refused cell, or None
MARKS_ROLE = Qt.ItemDataRole.UserRole + 2  # verdict column: (overridden, disagrees, has warnings)
PLAIN_ROLE = Qt.ItemDataRole.UserRole + 3  # text for the clipboard: no marks, the stored value

STT, NAME, UNIT, DEPARTMENT, TARGET, ESTIMATE, VERDICT, PCT_PLAN, LAST_YEAR, PCT_LAST_YEAR, NOTE = (
    "stt",
    "name",
    "unit",
    "department",
    "target",
    "estimate",
    "verdict",
    "pct_plan",
    "last_year",
    "pct_last_year",
    "note",
)
# Last year's result is shown to a phòng too (what its "so với cùng kỳ" is worked out from); only the
# synthesis office enters it.
PHONG_COLUMNS = (STT, NAME, UNIT, TARGET, ESTIMATE, VERDICT, PCT_PLAN, LAST_YEAR, PCT_LAST_YEAR, NOTE)
SYNTHESIS_COLUMNS = (STT, NAME, UNIT, DEPARTMENT, TARGET, ESTIMATE, VERDICT, PCT_PLAN, LAST_YEAR, PCT_LAST_YEAR, NOTE)

TITLES = {
    STT: "STT",
    NAME: "Chỉ tiêu",
    UNIT: "ĐVT",
    DEPARTMENT: "Phòng",
    TARGET: "Nhiệm vụ",
    ESTIMATE: "Ước thực hiện",
    VERDICT: "Đánh giá",
    PCT_PLAN: "% KH",
    LAST_YEAR: "Thực hiện năm trước",
    PCT_LAST_YEAR: "So với cùng kỳ",
    NOTE: "Ghi chú",
}
HEADER_TIPS = {
    STT: "Số thứ tự trong biểu",
    TARGET: "Nhiệm vụ (kế hoạch) năm theo nghị quyết",
    VERDICT: "Vượt / Đạt / Không đạt; ✎ = đã điều chỉnh, ≠ = khác đánh giá trong biểu, tam giác cam = có cảnh báo",
    PCT_PLAN: "Ước thực hiện so với nhiệm vụ (%)",
    PCT_LAST_YEAR: "Ước thực hiện so với cùng kỳ năm trước (%), tính từ thực hiện năm trước; không sửa tay",
}
FIELD_LABELS = {TARGET: "nhiệm vụ", ESTIMATE: "ước thực hiện", NOTE: "ghi chú", LAST_YEAR: "thực hiện năm trước"}
_FIELDS = {TARGET: Field.TARGET, ESTIMATE: Field.VALUE, NOTE: Field.NOTE, LAST_YEAR: Field.VALUE}

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_EDIT = int(Qt.ItemDataRole.EditRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_FONT = int(Qt.ItemDataRole.FontRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_CHEAP_ROLES = frozenset(
    int(role)
    for role in (
        Qt.ItemDataRole.CheckStateRole,
        Qt.ItemDataRole.SizeHintRole,
        Qt.ItemDataRole.StatusTipRole,
        Qt.ItemDataRole.WhatsThisRole,
        Qt.ItemDataRole.AccessibleTextRole,
        Qt.ItemDataRole.AccessibleDescriptionRole,
    )
)
_NO_FLAGS = Qt.ItemFlag.NoItemFlags
_SELECTABLE = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_EDITABLE = _SELECTABLE | Qt.ItemFlag.ItemIsEditable

_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_CENTER = Qt.AlignmentFlag.AlignCenter


def local_time(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone().strftime("%d/%m/%Y %H:%M")


def verdict_text(row: EvaluatedRow) -> str:
    """The verdict as the grid writes it: the word, then the marks that explain it."""
    if not row.input.target and row.verdict is None:
        return ""
    text = row.verdict.value if row.verdict is not None else NOT_EVALUATED
    if row.overridden:
        text += f" {styles.OVERRIDE_MARK}"
    if row.reported_disagrees:
        text += f" {styles.DISAGREEMENT_MARK}"
    return text


def verdict_tooltip(row: EvaluatedRow) -> str:
    lines = [f"Đánh giá: {row.verdict.value if row.verdict else NOT_EVALUATED}"]
    override = row.input.override
    if override is not None:
        by = f" — {override.by}" if override.by else ""
        at = f", {local_time(override.at)}" if override.at else ""
        lines.append(f"{styles.OVERRIDE_MARK} Đã điều chỉnh{by}{at}")
        lines.append(f"Lý do: {override.reason}")
        computed = row.computed_verdict.value if row.computed_verdict else "không tính được"
        lines.append(f"Đánh giá theo quy tắc: {computed}")
    if row.reported_disagrees and row.input.reported_verdict is not None:
        computed = row.computed_verdict.value if row.computed_verdict else ""
        lines.append(
            f"{styles.DISAGREEMENT_MARK} Biểu ghi «{row.input.reported_verdict.value}», theo quy tắc là «{computed}»"
        )
    if row.warnings:
        lines.append("Cảnh báo:")
        lines.extend(f"• {warning}" for warning in row.warnings)
    return "\n".join(lines)


def last_year_result(row: RowInput) -> str:
    """Last year's final figure as stored (empty when what shows is last year's estimate)."""
    return row.last_year if row.last_year_source == LAST_YEAR_RESULT else ""


def same_period_tooltip(row: EvaluatedRow, previous_year: int, *, editable: bool) -> str:
    """Where "so với cùng kỳ" comes from, in the words of the office; never a base implied by a printed ratio."""
    source = row.last_year_source
    lines: list[str] = []
    if source == LAST_YEAR_RESULT:
        lines.append(f"Thực hiện năm {previous_year}: {row.input.last_year}")
    elif source == LAST_YEAR_ESTIMATE:
        lines.append(f"Ước thực hiện năm {previous_year}: {row.input.last_year} (chưa có số thực hiện)")
    elif source == PRINTED_RATIO:
        printed = row.input.reported_pct_last_year.strip()
        printed_for = row.input.reported_pct_estimate
        if row.same_period_text:
            lines.append(f"Tỷ lệ in trong biểu gốc: {printed}" + ("" if row.pct_last_year is None else "%"))
        else:
            said = f" ({printed}% khi ước thực hiện là {printed_for})" if printed_for else ""
            lines.append(f"Tính từ tỷ lệ in trong biểu gốc{said} theo ước thực hiện hiện nay")
        lines.append(f"Chưa có số thực hiện năm {previous_year}")
    if row.same_period_note:
        lines.append(f"Không tính so với cùng kỳ: {row.same_period_note}")
    if editable:
        lines.append(f"Văn phòng tổng hợp nhập thực hiện năm {previous_year} ở cột «Thực hiện năm {previous_year}»")
    return "\n".join(lines)


class _Look(NamedTuple):
    """What the grid paints of one row, one entry per column."""

    texts: tuple[str, ...]
    foreground: tuple[QColor | None, ...]
    background: tuple[QColor | None, ...]
    font: QFont | None
    alignment: tuple[int, ...]
    flags: tuple[Qt.ItemFlag, ...]
    decoration: tuple[QPixmap | None, ...]


class EntryModel(QAbstractTableModel):
    """The rows of one table for one role, editable where the role may write.

    ``message(text)`` carries refusals and notices for the status bar;
    ``evaluationChanged(evaluation)`` follows every re-evaluation (the dashboard listens).
    ``ask(question)`` is set by the window: it asks the user before a figure worth a second
    look is saved (``4,450`` tấn against 4.093) and answers whether to save; with nobody to
    ask (``None``) the figure is saved and its warning shows beside the verdict.
    """

    message = Signal(str)
    evaluationChanged = Signal(object)
    ask: Callable[[str], bool] | None = None
    _asking = False

    def __init__(
        self,
        context: AppContext,
        rows: Sequence[RowInput] = (),
        *,
        store: EntryStore | None = None,
        undo_stack: QUndoStack | None = None,
        department_names: dict[str, str] | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        if store is None:
            from ui.entry_store import EntryStore

            store = EntryStore(context)
        self.context = context
        self.store = store
        self.undo_stack = undo_stack if undo_stack is not None else QUndoStack(self)
        self.department_names = dict(department_names or {})
        self.columns: tuple[str, ...] = SYNTHESIS_COLUMNS if context.is_synthesis else PHONG_COLUMNS
        self._titles = {**TITLES, ESTIMATE: context.period.label, LAST_YEAR: f"Thực hiện năm {context.year - 1}"}
        self._rows: list[RowInput] = list(rows)
        self._evaluation = evaluate_table(context.year, self._rows, context.period)
        self._looks: list[_Look | None] = [None] * len(self._rows)
        self._index = self._index_rows()
        self._errors: dict[tuple[str, str], tuple[str, str]] = {}
        self._bold = QFont()
        self._bold.setBold(True)

    # ---- the data behind the grid ------------------------------------------------------

    @property
    def evaluation(self) -> Evaluation:
        return self._evaluation

    @property
    def rows(self) -> tuple[EvaluatedRow, ...]:
        return self._evaluation.rows

    def _index_rows(self) -> dict[str, int]:
        return {row.indicator.code: i for i, row in enumerate(self._rows)}

    def row_of(self, code: str) -> int:
        return self._index.get(code, -1)

    def column_of(self, key: str) -> int:
        return self.columns.index(key) if key in self.columns else -1

    def key_of(self, column: int) -> str:
        return self.columns[column]

    def set_rows(self, rows: Sequence[RowInput]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._index = self._index_rows()
        self._errors.clear()
        self._evaluation = evaluate_table(self.context.year, self._rows, self.context.period, previous=self._evaluation)
        self._looks = [None] * len(self._rows)
        self.endResetModel()
        self.undo_stack.clear()
        self.evaluationChanged.emit(self._evaluation)

    def refresh(self) -> None:
        """Read the table again from the database (after a change made outside the grid)."""
        rows = self.store.load_rows()
        if [r.indicator.code for r in rows] != [r.indicator.code for r in self._rows]:
            self.set_rows(rows)
            return
        self._rows = list(rows)
        self._reevaluate()

    def is_editable_row(self, row: int) -> bool:
        """Every row takes figures but the headings: groups A–E, and rows with no unit and no target in any year."""
        item = self._rows[row]
        return not is_heading(item.indicator, item.target, item.target_other_year)

    def editable_key(self, key: str) -> bool:
        if self.context.db.read_only:  # a file on read-only media: every cell shows, none takes input
            return False
        return key in (ESTIMATE, NOTE) or (key in (TARGET, LAST_YEAR) and self.context.is_synthesis)

    def error_at(self, row: int, key: str) -> str | None:
        found = self._errors.get((self._rows[row].indicator.code, key))
        return found[1] if found else None

    # ---- QAbstractTableModel ---------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's own default
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        key = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._titles[key]
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS.get(key, self._titles[key])
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        row = index.row()
        if row < 0:
            return _NO_FLAGS
        return self._look(row).flags[index.column()]

    def data(self, index: AnyIndex, role: int = _DISPLAY) -> Any:
        row = index.row()
        if row < 0:
            return None
        # The grid asks for several roles of every visible cell on every paint: the common
        # ones come from a per-row cache rebuilt only for rows whose evaluation changed.
        if role == _DISPLAY:
            return self._look(row).texts[index.column()]
        if role == _FOREGROUND:
            return self._look(row).foreground[index.column()]
        if role == _BACKGROUND:
            return self._look(row).background[index.column()]
        if role == _ALIGNMENT:
            return self._look(row).alignment[index.column()]
        if role == _FONT:
            return self._look(row).font
        if role == _DECORATION:
            return self._look(row).decoration[index.column()]
        if role in _CHEAP_ROLES:  # decoration, check state, size hint…: none here
            return None
        item = self._evaluation.rows[row]
        key = self.columns[index.column()]
        if role == _EDIT:
            error = self._errors.get((item.code, key))
            return error[0] if error else self._stored(item, key)
        if role == _TOOLTIP:
            return self._tooltip(item, key)
        if role == ERROR_ROLE:
            error = self._errors.get((item.code, key))
            return error[1] if error else None
        if role == MARKS_ROLE:
            return (item.overridden, item.reported_disagrees, bool(item.warnings)) if key == VERDICT else None
        if role == PLAIN_ROLE:
            return self._stored(item, key) if key in (TARGET, ESTIMATE, NOTE, LAST_YEAR) else self._plain(item, key)
        return None

    def _look(self, row: int) -> _Look:
        look = self._looks[row]
        if look is None:
            look = self._looks[row] = self._build_look(row)
        return look

    def _build_look(self, row: int) -> _Look:
        item = self._evaluation.rows[row]
        code = item.code
        texts: list[str] = []
        foreground: list[QColor | None] = []
        background: list[QColor | None] = []
        flags: list[Qt.ItemFlag] = []
        editable_row = self.is_editable_row(row)
        if item.indicator.is_group:
            shade: QColor | None = styles.GROUP_BACKGROUND
        elif not editable_row:
            shade = styles.HEADER_BACKGROUND
        else:
            shade = None
        for key in self.columns:
            error = self._errors.get((code, key))
            texts.append(error[0] if error else self._display(item, key))
            if error:
                foreground.append(styles.ERROR_FOREGROUND)
                background.append(styles.ERROR_BACKGROUND)
            else:
                verdict_shown = key == VERDICT and (item.input.target or item.verdict is not None)
                foreground.append(styles.VERDICT_COLOURS[item.verdict] if verdict_shown else None)
                background.append(shade)
            flags.append(_EDITABLE if editable_row and self.editable_key(key) else _SELECTABLE)
        return _Look(
            texts=tuple(texts),
            foreground=tuple(foreground),
            background=tuple(background),
            font=self._bold if shade is not None else None,
            alignment=tuple(self._alignment(item, key).value for key in self.columns),
            flags=tuple(flags),
            decoration=tuple(self._decoration(item, key) for key in self.columns),
        )

    def _decoration(self, item: EvaluatedRow, key: str) -> QPixmap | None:
        if QGuiApplication.instance() is None:  # a model read without any window: no pictures
            return None
        if (item.code, key) in self._errors:
            return refused_pixmap()
        if key == NAME and item.depth:
            return indent_pixmap(item.depth)
        if key == VERDICT and item.warnings:
            return warning_pixmap()
        return None

    def _stored(self, row: EvaluatedRow, key: str) -> str:
        if key == TARGET:
            return row.input.target
        if key == ESTIMATE:
            return row.input.estimate
        if key == NOTE:
            return row.input.note
        if key == LAST_YEAR:
            return last_year_result(row.input)
        return self._display(row, key)

    def _plain(self, row: EvaluatedRow, key: str) -> str:
        if key == VERDICT:
            return row.verdict.value if row.verdict is not None else ""
        return self._display(row, key)

    def _display(self, row: EvaluatedRow, key: str) -> str:
        indicator = row.indicator
        if key == STT:
            return indicator.stt
        if key == NAME:
            return indicator.name
        if key == UNIT:
            return clean(indicator.unit)
        if key == DEPARTMENT:
            return indicator.department or ""
        if key == TARGET:
            return row.input.target
        if key == ESTIMATE:
            return row.input.estimate
        if key == VERDICT:
            return verdict_text(row)
        if key == PCT_PLAN:
            return format_percent(row.pct_plan)
        if key == LAST_YEAR:
            return row.input.last_year  # the final figure, else the estimate: the tooltip says which
        if key == PCT_LAST_YEAR:
            # The printed ratio as written, or words such as "Duy trì"; else the computed percentage.
            return row.same_period_text or format_percent(row.pct_last_year)
        if key == NOTE:
            return row.input.note
        return ""

    def _tooltip(self, row: EvaluatedRow, key: str) -> str | None:
        error = self._errors.get((row.code, key))
        if error is not None:
            kept = self._stored(row, key)
            shown = f"«{kept}»" if kept else "ô trống"
            return f"Không lưu: {error[1]}\nGiá trị đang lưu vẫn là {shown}."
        indicator = row.indicator
        if key in (STT, NAME):
            lines = [f"{indicator.name}", f"Mã chỉ tiêu: {indicator.code}"]
            if indicator.unit.strip():
                lines.append(f"Đơn vị tính: {clean(indicator.unit)}")
            if indicator.department:
                lines.append(f"Phòng: {self.department_names.get(indicator.department, indicator.department)}")
            lines.append(indicator.direction.label)
            return "\n".join(lines)
        if key == DEPARTMENT and indicator.department:
            return self.department_names.get(indicator.department, indicator.department)
        if key == VERDICT and (row.input.target or row.verdict is not None):
            return verdict_tooltip(row)
        if key == NOTE and row.input.note:
            return row.input.note
        if key in (LAST_YEAR, PCT_LAST_YEAR) and (row.last_year_source or row.input.last_year):
            return same_period_tooltip(row, self.context.year - 1, editable=self.editable_key(LAST_YEAR))
        editable = key == ESTIMATE or (key in (TARGET, LAST_YEAR) and self.context.is_synthesis)
        if editable and self.is_editable_row(self._index[row.code]):
            return "Gõ để nhập; Enter để lưu và xuống dòng; Esc để hủy"
        return None

    def _alignment(self, row: EvaluatedRow, key: str) -> Qt.AlignmentFlag:
        if key in (STT, DEPARTMENT, VERDICT):
            return _CENTER
        if key in (PCT_PLAN, PCT_LAST_YEAR):
            return _RIGHT if row.pct_last_year is not None or key == PCT_PLAN else _CENTER
        if key == LAST_YEAR:
            return _RIGHT
        if key == TARGET:
            return _LEFT if row.target.kind is Kind.QUALITATIVE else _RIGHT
        if key == ESTIMATE:
            return _LEFT if row.estimate.kind is Kind.QUALITATIVE else _RIGHT
        if key == UNIT:
            return _CENTER
        return _LEFT

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not (self.flags(index) & Qt.ItemFlag.ItemIsEditable):
            return False
        return self.edit_cell(index.row(), self.columns[index.column()], "" if value is None else str(value))

    # ---- writing ----------------------------------------------------------------------------

    def _place(self, row: int) -> str:
        indicator = self._rows[row].indicator
        return f"{indicator.code} {indicator.name}"

    def _checked(self, row: int, key: str, text: str) -> EntryReview:
        """The text to store and what to ask about it, or :class:`EntryError` with the row named."""
        item = self._rows[row]
        heading = not self.is_editable_row(row)
        # Last year's result is not held against this year's target.
        target = "" if key == LAST_YEAR else item.target
        return review_entry(item.indicator, _FIELDS[key], text, target=target, heading=heading)

    def _confirm(self, questions: Sequence[str], ending: str) -> bool:
        """Ask once about every question; ``True`` to save. Nobody to ask: save."""
        if not questions or self.ask is None:
            return True
        if self._asking:  # a second commit of the same editor while the question is open
            return False
        if len(questions) == 1 and questions[0].endswith("?"):
            prompt = questions[0]
        else:
            shown = questions[0] if len(questions) == 1 else "\n".join(f"• {question}" for question in questions)
            prompt = f"{shown}\n\n{ending}"
        self._asking = True
        try:
            return self.ask(prompt)
        finally:
            self._asking = False

    def _current(self, row: int, key: str) -> str:
        item = self._rows[row]
        if key == LAST_YEAR:
            return last_year_result(item)
        return {TARGET: item.target, ESTIMATE: item.estimate, NOTE: item.note}[key]

    def edit_cell(self, row: int, key: str, text: str) -> bool:
        """Check, write and show one typed cell; a refused text leaves the database as it was."""
        if self._asking:
            return False
        code = self._rows[row].indicator.code
        try:
            review = self._checked(row, key, text)
        except EntryError as exc:
            self._errors[(code, key)] = (clean(text), exc.message)
            self._cell_changed(row, key)
            self.message.emit(f"Không lưu: {exc.message}")
            return False
        stored = review.text
        old = self._current(row, key)
        if stored != old and not self._confirm(review.questions, "Vẫn lưu?"):
            # Kept in the cell as typed, in red, so that F2 corrects it; nothing is stored.
            said = "; ".join(review.warnings)
            self._errors[(code, key)] = (clean(text), f"bạn đã chọn không lưu — {said}")
            self._cell_changed(row, key)
            self.message.emit(f"Chưa lưu {FIELD_LABELS[key]} {code}: bạn đã chọn không lưu")
            return False
        had_error = self._errors.pop((code, key), None) is not None
        if stored == old:
            if had_error:
                self._cell_changed(row, key)
            return True
        edit = CellEdit(code, key, old, stored)
        if not self.apply_edits([edit]):
            if had_error:
                self._cell_changed(row, key)
            return False
        self.undo_stack.push(EditCommand(self.apply_edits, [edit], f"Sửa {FIELD_LABELS[key]} {code}"))
        self.message.emit(f"Đã lưu {FIELD_LABELS[key]} {code}: {stored or '(trống)'}")
        return True

    def write_block(self, cells: Sequence[tuple[int, str, str]], label: str = "Dán") -> bool:
        """Write several cells as one undo step, all or nothing: (row, column key, text).

        Every text is checked first; if one is refused nothing is written and the message
        names its row.
        """
        edits: list[CellEdit] = []
        questions: list[str] = []
        for row, key, text in cells:
            if not (self.editable_key(key) and self.is_editable_row(row)):
                self.message.emit(f"Không {label.lower()}: ô {TITLES[key]} của {self._place(row)} không nhập được")
                return False
            try:
                review = self._checked(row, key, text)
            except EntryError as exc:
                self.message.emit(f"Không {label.lower()} được, chưa ghi ô nào: {exc.message}")
                return False
            old = self._current(row, key)
            if review.text != old:
                edits.append(CellEdit(self._rows[row].indicator.code, key, old, review.text))
                questions.extend(review.questions)
        if not self._confirm(questions, f"Vẫn {label.lower()} cả khối?"):
            self.message.emit(f"Chưa {label.lower()}: bạn đã chọn không lưu, chưa ghi ô nào")
            return False
        for row, key, _text in cells:
            self._errors.pop((self._rows[row].indicator.code, key), None)
        if not edits:
            self._reevaluate(force_rows=[row for row, _key, _text in cells])
            self.message.emit(f"{label}: không có ô nào thay đổi")
            return True
        if not self.apply_edits(edits):
            return False
        self.undo_stack.push(EditCommand(self.apply_edits, edits, f"{label} {len(edits)} ô"))
        self.message.emit(f"Đã {label.lower()} và lưu {len(edits)} ô")
        return True

    def apply_edits(self, edits: Sequence[CellEdit], reason: str = "") -> bool:
        """Write ``edits`` in one transaction, all or none, each against the value the grid showed (``old``).

        A value someone else changed since it was shown refuses the whole block: nothing is
        written, the rows concerned are read again from the database, and one message says
        who changed it to what and when.
        """
        try:
            self._write(edits, reason)
        except StaleValue as exc:
            self.reload_rows(exc.codes)
            which = "dòng này" if len(exc.codes) == 1 else "các dòng này"
            self.message.emit(f"{exc.describe(after='sau khi bạn mở')} Bảng đã tải lại {which}.")
            return False
        except StoreError as exc:
            self._reevaluate(force_rows=[self._index[e.code] for e in edits if e.code in self._index])
            self.message.emit(f"Không lưu: {exc.message}")
            return False
        self._reevaluate(force_rows=[self._index[e.code] for e in edits if e.code in self._index])
        return True

    def _write(self, edits: Sequence[CellEdit], reason: str) -> None:
        self.store.write_cells(edits, reason)
        for edit in edits:
            row = self._index[edit.code]
            current = self._rows[row]
            if edit.field == TARGET:
                self._rows[row] = dataclasses.replace(current, target=edit.new)
            elif edit.field == ESTIMATE:
                self._rows[row] = dataclasses.replace(current, estimate=edit.new)
            elif edit.field == NOTE:
                self._rows[row] = dataclasses.replace(current, note=edit.new)
            elif edit.field == LAST_YEAR:
                self._rows[row] = self._with_last_year(current, edit.new)
            else:
                raise KeyError(edit.field)

    def _with_last_year(self, current: RowInput, result: str) -> RowInput:
        """The row once last year's final figure is ``result``; emptied, last year's estimate shows again."""
        if result:
            return dataclasses.replace(current, last_year=result, last_year_source=LAST_YEAR_RESULT)
        fresh = self.store.rows_of([current.indicator.code]).get(current.indicator.code)
        return fresh if fresh is not None else dataclasses.replace(current, last_year="")

    def reload_rows(self, codes: Sequence[str]) -> None:
        """Show ``codes``' rows as the database has them now (a typed text refused there goes too)."""
        try:
            fresh = self.store.rows_of(codes)
        except StoreError as exc:
            self.message.emit(f"Không đọc lại được số liệu: {exc.message}")
            return
        rows: list[int] = []
        for code, item in fresh.items():
            row = self._index.get(code)
            if row is None:
                continue
            self._rows[row] = item
            for key in (TARGET, ESTIMATE, NOTE, LAST_YEAR):
                self._errors.pop((code, key), None)
            rows.append(row)
        self._reevaluate(force_rows=rows)

    def set_override(self, row: int, verdict: Verdict | None, reason: str) -> bool:
        """Override (or with ``None`` clear) a verdict; the store checks the reason."""
        item = self._rows[row]
        shown = item.override.verdict.value if item.override is not None else ""
        try:
            self.store.set_override(item.indicator.code, verdict, reason, expected=shown)
        except StaleValue as exc:
            self.reload_rows([item.indicator.code])
            self.message.emit(f"{exc.describe(after='sau khi bạn mở')} Bảng đã tải lại dòng này.")
            return False
        except StoreError as exc:
            self.message.emit(f"Không điều chỉnh được: {exc.message}")
            return False
        now = datetime.now().astimezone()
        override = Override(verdict, clean(reason), self.context.actor, now) if verdict else None
        self._rows[row] = dataclasses.replace(item, override=override)
        self._reevaluate(force_rows=[row])
        done = f"điều chỉnh thành «{verdict.value}»" if verdict else "bỏ điều chỉnh"
        self.message.emit(f"Đã {done} đánh giá {item.indicator.code}")
        return True

    # ---- repainting ---------------------------------------------------------------------

    def _cell_changed(self, row: int, key: str) -> None:
        self._looks[row] = None
        index = self.index(row, self.columns.index(key))
        self.dataChanged.emit(index, index)

    def _reevaluate(self, force_rows: Sequence[int] = ()) -> None:
        """Evaluate the whole table again; repaint only the rows whose result changed."""
        old = self._evaluation.rows
        self._evaluation = evaluate_table(self.context.year, self._rows, self.context.period, previous=self._evaluation)
        new = self._evaluation.rows
        changed = set(force_rows)
        changed.update(i for i, (before, after) in enumerate(zip(old, new, strict=False)) if before != after)
        for row in changed:
            self._looks[row] = None
        last = len(self.columns) - 1
        for start, end in _runs(sorted(changed)):
            self.dataChanged.emit(self.index(start, 0), self.index(end, last))
        self.evaluationChanged.emit(self._evaluation)


def _runs(rows: Sequence[int]) -> list[tuple[int, int]]:
    """Consecutive row numbers as (first, last) pairs, so one signal covers each run."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and row == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs
