"""The grid's "Thực hiện năm 2019" and "So với cùng kỳ" columns, as an officer reads and fills them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt

from bkdesk.evaluation import RowInput
from db.audit import history
from db.database import Database
from ui.context import AppContext
from ui.entry_model import ESTIMATE, LAST_YEAR, PCT_LAST_YEAR, EntryModel

TableRows = Callable[[AppContext], list[RowInput]]
TOOLTIP = Qt.ItemDataRole.ToolTipRole


@pytest.fixture
def kt_model(kt_context: AppContext, table_rows: TableRows) -> EntryModel:
    return EntryModel(kt_context, table_rows(kt_context))


@pytest.fixture
def synthesis_model(synthesis_context: AppContext, table_rows: TableRows) -> EntryModel:
    return EntryModel(synthesis_context, table_rows(synthesis_context))


def cell(model: EntryModel, code: str, key: str, role: int = Qt.ItemDataRole.DisplayRole) -> object:
    return model.index(model.row_of(code), model.column_of(key)).data(role)


def editable(model: EntryModel, code: str, key: str) -> bool:
    return bool(model.index(model.row_of(code), model.column_of(key)).flags() & Qt.ItemFlag.ItemIsEditable)


def test_the_ratio_is_read_only_and_last_years_result_is_the_synthesis_offices(
    kt_model: EntryModel, synthesis_model: EntryModel
) -> None:
    assert not editable(synthesis_model, "A.2", PCT_LAST_YEAR)
    assert not editable(kt_model, "A.2", PCT_LAST_YEAR)
    assert editable(synthesis_model, "A.2", LAST_YEAR)
    assert not editable(kt_model, "A.2", LAST_YEAR)  # a phòng sees it, never types it
    assert not editable(synthesis_model, "A", LAST_YEAR)  # group row
    ratio = synthesis_model.index(synthesis_model.row_of("A.2"), synthesis_model.column_of(PCT_LAST_YEAR))
    assert not synthesis_model.setData(ratio, "150")
    header = synthesis_model.headerData(synthesis_model.column_of(LAST_YEAR), Qt.Orientation.Horizontal)
    assert header == "Thực hiện năm 2019"


def test_the_printed_ratio_follows_the_estimate_and_says_so(kt_model: EntryModel) -> None:
    assert cell(kt_model, "A.2", PCT_LAST_YEAR) == "100"  # printed in the seed, no 2019 figure
    assert cell(kt_model, "A.2", LAST_YEAR) == ""  # the base implied by the ratio is never shown
    assert kt_model.edit_cell(kt_model.row_of("A.2"), ESTIMATE, "3.180")
    assert cell(kt_model, "A.2", PCT_LAST_YEAR) == "104,26"
    assert cell(kt_model, "A.2", LAST_YEAR) == ""
    tip = str(cell(kt_model, "A.2", PCT_LAST_YEAR, TOOLTIP))
    assert tip.startswith("Tính từ tỷ lệ in trong biểu gốc (100% khi ước thực hiện là 3.050)")
    assert "Chưa có số thực hiện năm 2019" in tip
    assert kt_model.edit_cell(kt_model.row_of("A.2"), ESTIMATE, "3.050")
    assert cell(kt_model, "A.2", PCT_LAST_YEAR) == "100"  # as printed again
    assert str(cell(kt_model, "A.2", PCT_LAST_YEAR, TOOLTIP)).startswith("Tỷ lệ in trong biểu gốc: 100%")


def test_last_years_result_typed_by_the_office_drives_the_ratio(synthesis_model: EntryModel, demo_db: Database) -> None:
    row = synthesis_model.row_of("A.2")
    assert synthesis_model.edit_cell(row, LAST_YEAR, "2.900")
    assert cell(synthesis_model, "A.2", LAST_YEAR) == "2.900"
    assert cell(synthesis_model, "A.2", PCT_LAST_YEAR) == "105,17"  # 3.050 ÷ 2.900
    assert str(cell(synthesis_model, "A.2", PCT_LAST_YEAR, TOOLTIP)).startswith("Thực hiện năm 2019: 2.900")
    entry = history(demo_db, 2019, "A.2")[-1]
    assert (entry.period, entry.old, entry.new) == ("thuc-hien", "", "2.900")
    assert entry.actor.startswith("tong_hop")
    synthesis_model.undo_stack.undo()
    assert cell(synthesis_model, "A.2", LAST_YEAR) == ""
    assert cell(synthesis_model, "A.2", PCT_LAST_YEAR) == "100"  # back to the printed ratio


def test_a_zero_last_year_gives_no_ratio_and_says_why(synthesis_model: EntryModel) -> None:
    assert synthesis_model.edit_cell(synthesis_model.row_of("A.2"), LAST_YEAR, "0")
    assert cell(synthesis_model, "A.2", PCT_LAST_YEAR) == ""
    tip = str(cell(synthesis_model, "A.2", PCT_LAST_YEAR, TOOLTIP))
    assert "Thực hiện năm 2019: 0" in tip
    assert "năm trước bằng 0, không tính được tỷ lệ" in tip


def test_words_for_last_year_are_kept_as_text_without_a_ratio(synthesis_model: EntryModel) -> None:
    assert synthesis_model.edit_cell(synthesis_model.row_of("A.2"), LAST_YEAR, "Hoàn thành")
    assert cell(synthesis_model, "A.2", LAST_YEAR) == "Hoàn thành"
    assert cell(synthesis_model, "A.2", PCT_LAST_YEAR) == ""
