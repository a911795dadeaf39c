"""Filtering the grid: search by name without accents, group A–E, phòng, rows not yet entered.

The rows that pass are worked out once per change of filter (not once per row and
call), and the parents of every match stay visible so a row is never shown out of its
place in the tree. The set is not recomputed after each edit: a row filled in under
"only not yet entered" stays until the filter changes, so Enter still moves to the next
row instead of the grid jumping away under the cursor.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel

from bkdesk.text import fold
from ui.entry_model import EntryModel


class EntryFilter(QSortFilterProxyModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setDynamicSortFilter(False)
        self._search: list[str] = []
        self._group: str | None = None
        self._department: str | None = None
        self._only_missing = False
        self._visible: set[int] | None = None
        self._keys: dict[str, str] = {}

    # ---- the filters ------------------------------------------------------------------------

    @property
    def active(self) -> bool:
        return bool(self._search) or self._group is not None or self._department is not None or self._only_missing

    def set_search(self, text: str) -> None:
        self._search = fold(text).split()
        self._refilter()

    def set_group(self, group: str | None) -> None:
        self._group = group or None
        self._refilter()

    def set_department(self, department: str | None) -> None:
        self._department = department or None
        self._refilter()

    def set_only_missing(self, only: bool) -> None:
        self._only_missing = only
        self._refilter()

    def clear(self) -> None:
        self._search, self._group, self._department, self._only_missing = [], None, None, False
        self._refilter()

    # ---- the model --------------------------------------------------------------------------

    def setSourceModel(self, model: Any) -> None:
        old = self.sourceModel()
        if old is not None:
            old.modelReset.disconnect(self._on_reset)
        super().setSourceModel(model)
        self._keys.clear()
        model.modelReset.connect(self._on_reset)
        self._refilter()

    def entry_model(self) -> EntryModel:
        model = self.sourceModel()
        assert isinstance(model, EntryModel)
        return model

    def _on_reset(self) -> None:
        self._keys.clear()
        self._visible = self._compute()
        self.invalidate()

    def _search_key(self, code: str, name: str) -> str:
        key = self._keys.get(code)
        if key is None:
            key = f"{fold(name)} {code.casefold()}"
            self._keys[code] = key
        return key

    def _compute(self) -> set[int] | None:
        if not self.active or self.sourceModel() is None:
            return None
        model = self.entry_model()
        rows = model.rows
        visible: set[int] = set()
        for i, row in enumerate(rows):
            indicator = row.indicator
            if self._group is not None and indicator.group != self._group:
                continue
            if self._department is not None and indicator.department != self._department:
                continue
            # Missing: a figure the table asks for (the row has a target), not yet entered.
            if self._only_missing and not (row.input.target and model.is_editable_row(i) and not row.input.estimate):
                continue
            if self._search:
                key = self._search_key(indicator.code, indicator.name)
                if not all(word in key for word in self._search):
                    continue
            j = i
            while j >= 0 and j not in visible:
                visible.add(j)
                parent = rows[j].indicator.parent
                j = model.row_of(parent) if parent is not None else -1
        return visible

    def _refilter(self) -> None:
        begin = getattr(self, "beginFilterChange", None)
        if begin is not None:  # Qt 6.10+: announce the change, then apply it
            begin()
            self._visible = self._compute()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self._visible = self._compute()
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        return self._visible is None or source_row in self._visible
