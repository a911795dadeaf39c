"""The entry grid's table model on the Bắc Kạn 2020 demo, without any widget."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import update

from bkdesk.evaluation import RowInput
from bkdesk.verdicts import Verdict
from db.audit import history
from db.database import Database
from db.models import PeriodRow
from db.tables import ensure_period
from ui import styles
from ui.context import AppContext
from ui.entry_model import (
    ERROR_ROLE,
    ESTIMATE,
    MARKS_ROLE,
    NOTE,
    PLAIN_ROLE,
    TARGET,
    VERDICT,
    EntryModel,
)

ReadRow = Callable[..., RowInput]
TableRows = Callable[[AppContext], list[RowInput]]


@pytest.fixture
def kt_model(kt_context: AppContext, table_rows: TableRows) -> EntryModel:
    return EntryModel(kt_context, table_rows(kt_context))


@pytest.fixture
def synthesis_model(synthesis_context: AppContext, table_rows: TableRows) -> EntryModel:
    return EntryModel(synthesis_context, table_rows(synthesis_context))


def cell(model: EntryModel, code: str, key: str, role: int = Qt.ItemDataRole.DisplayRole) -> object:
    return model.index(model.row_of(code), model.column_of(key)).data(role)


def test_qt_model_contract(qtmodeltester: ModelTester, kt_model: EntryModel, synthesis_model: EntryModel) -> None:
    qtmodeltester.check(kt_model)
    qtmodeltester.check(synthesis_model)


def test_columns_of_a_phong_and_of_the_synthesis_office(kt_model: EntryModel, synthesis_model: EntryModel) -> None:
    def titles(model: EntryModel) -> list[str]:
        return [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]

    expected = [
        "STT",
        "Chỉ tiêu",
        "ĐVT",
        "Nhiệm vụ",
        "Ước thực hiện",
        "Đánh giá",
        "% KH",
        "Thực hiện năm 2019",
        "So với cùng kỳ",
        "Ghi chú",
    ]
    assert titles(kt_model) == expected
    assert titles(synthesis_model) == [*expected[:3], "Phòng", *expected[3:]]


def test_a_phong_sees_its_rows_in_tree_order_with_their_parents(kt_model: EntryModel) -> None:
    codes = [row.code for row in kt_model.rows]
    assert codes[:3] == ["A", "A.2", "A.3"]  # group A above KT's first indicator
    assert codes.index("A.8") < codes.index("A.8.a") < codes.index("A.8.b")
    assert "A.4" not in codes  # Chi cục Thống kê's row
    assert all(row.indicator.department == "KT" or row.indicator.is_group for row in kt_model.rows)


def test_texts_come_from_the_core(kt_model: EntryModel, synthesis_model: EntryModel) -> None:
    assert cell(kt_model, "A.2", TARGET) == "3.200"
    assert cell(kt_model, "A.2", ESTIMATE) == "3.050"
    assert cell(kt_model, "A.2", VERDICT) == "Không đạt"
    assert cell(kt_model, "A.2", "pct_plan") == "95,31"
    assert cell(kt_model, "A.8", "pct_last_year") == "144,55"  # the seed's own figure
    assert cell(synthesis_model, "B.6", "pct_last_year") == "Duy trì"  # words are shown as written
    assert cell(synthesis_model, "A.2", "department") == "KT"
    assert cell(kt_model, "A", VERDICT) == ""  # group rows have no verdict


def test_editable_cells(kt_model: EntryModel, synthesis_model: EntryModel) -> None:
    def editable(model: EntryModel, code: str, key: str) -> bool:
        return bool(model.index(model.row_of(code), model.column_of(key)).flags() & Qt.ItemFlag.ItemIsEditable)

    assert editable(kt_model, "A.8", ESTIMATE) and editable(kt_model, "A.8", NOTE)
    assert not editable(kt_model, "A.8", TARGET)  # only the synthesis office sets targets
    assert not editable(kt_model, "A.8", VERDICT)
    assert not editable(kt_model, "A", ESTIMATE)  # group row
    assert not editable(kt_model, "A.15", ESTIMATE)  # header without a target
    assert editable(synthesis_model, "A.8", TARGET)
    assert not editable(synthesis_model, "A.15", TARGET)


def test_group_rows_are_shaded_and_bold(kt_model: EntryModel) -> None:
    assert cell(kt_model, "A", "name", Qt.ItemDataRole.BackgroundRole) == styles.GROUP_BACKGROUND
    assert cell(kt_model, "A", "name", Qt.ItemDataRole.FontRole).bold()
    assert cell(kt_model, "A.8", "name", Qt.ItemDataRole.BackgroundRole) is None


def test_an_accepted_value_is_saved_audited_and_repaints_only_changed_rows(
    qtbot: QtBot, kt_model: EntryModel, demo_db: Database, read_row: ReadRow
) -> None:
    changed: list[tuple[int, int]] = []
    kt_model.dataChanged.connect(lambda top, bottom, _roles=(): changed.append((top.row(), bottom.row())))
    row = kt_model.row_of("A.12")
    index = kt_model.index(row, kt_model.column_of(ESTIMATE))

    assert kt_model.setData(index, "56")

    assert read_row(demo_db, "A.12").estimate == "56"
    assert cell(kt_model, "A.12", VERDICT, PLAIN_ROLE) == "Đạt"
    assert cell(kt_model, "A.12", VERDICT, Qt.ItemDataRole.ForegroundRole) == styles.VERDICT_COLOURS[Verdict.ACHIEVED]
    assert changed == [(row, row)]  # A.12 has no parent sum: one row repainted
    entry = next(e for e in reversed(history(demo_db, 2020, "A.12")) if e.field == "value")
    assert (entry.old, entry.new, entry.actor) == ("54,47", "56", "can_bo (Phòng Kinh tế)")


def test_a_child_edit_repaints_the_parent_whose_sum_warning_changes(kt_model: EntryModel) -> None:
    changed: list[tuple[int, int]] = []
    kt_model.dataChanged.connect(lambda top, bottom, _roles=(): changed.append((top.row(), bottom.row())))
    assert kt_model.edit_cell(kt_model.row_of("A.8.a"), ESTIMATE, "5.000")
    rows = {r for start, end in changed for r in range(start, end + 1)}
    assert kt_model.row_of("A.8.a") in rows
    assert kt_model.row_of("A.8") in rows  # Đàn lợn = hiện có + xuất bán: its sum warning changed
    assert len(rows) < kt_model.rowCount()


def test_numbers_are_stored_in_canonical_vietnamese_form(
    kt_model: EntryModel, demo_db: Database, read_row: ReadRow
) -> None:
    assert kt_model.edit_cell(kt_model.row_of("A.8"), ESTIMATE, "26000")
    assert read_row(demo_db, "A.8").estimate == "26.000"
    assert cell(kt_model, "A.8", VERDICT, PLAIN_ROLE) == "Vượt"


def test_a_value_that_does_not_parse_is_refused_and_not_saved(
    kt_model: EntryModel, demo_db: Database, read_row: ReadRow
) -> None:
    messages: list[str] = []
    kt_model.message.connect(messages.append)
    before = len(history(demo_db, 2020, "A.8"))

    assert not kt_model.edit_cell(kt_model.row_of("A.8"), ESTIMATE, "1.5")

    assert read_row(demo_db, "A.8").estimate == "21.246"
    assert len(history(demo_db, 2020, "A.8")) == before
    error = cell(kt_model, "A.8", ESTIMATE, ERROR_ROLE)
    assert "dấu chấm chỉ dùng để tách hàng nghìn" in error
    assert "A.8 Đàn lợn" in error
    assert cell(kt_model, "A.8", ESTIMATE) == "1.5"  # the typed text stays to be corrected
    assert cell(kt_model, "A.8", ESTIMATE, Qt.ItemDataRole.BackgroundRole) == styles.ERROR_BACKGROUND
    assert "21.246" in cell(kt_model, "A.8", ESTIMATE, Qt.ItemDataRole.ToolTipRole)
    assert messages and "1,5" in messages[-1]
    # Correcting it clears the red and saves.
    assert kt_model.edit_cell(kt_model.row_of("A.8"), ESTIMATE, "1,5")
    assert cell(kt_model, "A.8", ESTIMATE, ERROR_ROLE) is None
    assert read_row(demo_db, "A.8").estimate == "1,5"


def test_note_and_target_edits(synthesis_model: EntryModel, demo_db: Database, read_row: ReadRow) -> None:
    assert synthesis_model.edit_cell(synthesis_model.row_of("A.5"), NOTE, "Theo  báo cáo quý IV")
    assert synthesis_model.edit_cell(synthesis_model.row_of("A.5"), TARGET, "120")
    row = read_row(demo_db, "A.5")
    assert (row.note, row.target, row.estimate) == ("Theo báo cáo quý IV", "120", "120")
    assert cell(synthesis_model, "A.5", VERDICT, PLAIN_ROLE) == "Đạt"
    assert [e.field for e in history(demo_db, 2020, "A.5")[-2:]] == ["note", "target"]


def test_undo_and_redo_write_the_database(kt_model: EntryModel, demo_db: Database, read_row: ReadRow) -> None:
    kt_model.edit_cell(kt_model.row_of("A.12"), ESTIMATE, "60")
    kt_model.edit_cell(kt_model.row_of("A.13"), ESTIMATE, "190")
    kt_model.undo_stack.undo()
    kt_model.undo_stack.undo()
    assert (read_row(demo_db, "A.12").estimate, read_row(demo_db, "A.13").estimate) == ("54,47", "206")
    assert cell(kt_model, "A.12", ESTIMATE) == "54,47"
    kt_model.undo_stack.redo()
    assert read_row(demo_db, "A.12").estimate == "60"
    assert history(demo_db, 2020, "A.12")[-1].reason == "làm lại"


def test_a_block_is_all_or_nothing_and_names_the_bad_row(
    kt_model: EntryModel, demo_db: Database, read_row: ReadRow
) -> None:
    messages: list[str] = []
    kt_model.message.connect(messages.append)
    rows = [kt_model.row_of(code) for code in ("A.12", "A.13", "A.14" if kt_model.row_of("A.14") >= 0 else "A.6")]
    cells = [(rows[0], ESTIMATE, "57"), (rows[1], ESTIMATE, "12a"), (rows[2], ESTIMATE, "1")]
    assert not kt_model.write_block(cells)
    assert read_row(demo_db, "A.12").estimate == "54,47"
    assert "A.13" in messages[-1] and "chưa ghi ô nào" in messages[-1]
    assert kt_model.undo_stack.count() == 0


def test_a_locked_period_keeps_the_old_value(kt_model: EntryModel, demo_db: Database, read_row: ReadRow) -> None:
    with demo_db.begin() as session:
        ensure_period(session, 2020, kt_model.context.period)
        session.execute(update(PeriodRow).where(PeriodRow.year == 2020).values(locked=True, lock_reason="đã gửi"))
    messages: list[str] = []
    kt_model.message.connect(messages.append)
    assert not kt_model.edit_cell(kt_model.row_of("A.12"), ESTIMATE, "60")
    assert "đã được chốt" in messages[-1]
    assert read_row(demo_db, "A.12").estimate == "54,47"
    assert cell(kt_model, "A.12", ESTIMATE) == "54,47"


def test_overridden_and_disagreeing_verdicts_are_marked(synthesis_model: EntryModel) -> None:
    # D.5: a target in words, set "Đạt" by hand in the demo with a reason.
    assert cell(synthesis_model, "D.5", VERDICT) == f"Đạt {styles.OVERRIDE_MARK}"
    tip = cell(synthesis_model, "D.5", VERDICT, Qt.ItemDataRole.ToolTipRole)
    assert "Lý do: Chỉ tiêu định tính" in tip
    assert cell(synthesis_model, "D.5", VERDICT, PLAIN_ROLE) == "Đạt"
    # C.1.3: 100 against 100 reported "Vượt", the rules say "Đạt".
    assert cell(synthesis_model, "C.1.3", VERDICT) == f"Đạt {styles.DISAGREEMENT_MARK}"
    assert "Biểu ghi «Vượt», theo quy tắc là «Đạt»" in cell(
        synthesis_model, "C.1.3", VERDICT, Qt.ItemDataRole.ToolTipRole
    )
    assert cell(synthesis_model, "C.1.3", VERDICT, MARKS_ROLE) == (False, True, True)


def test_warnings_are_in_the_verdict_tooltip(qapp: QApplication, kt_model: EntryModel) -> None:
    assert cell(kt_model, "A.8", VERDICT, MARKS_ROLE) == (False, False, False)
    # Đàn lợn is the sum of hiện có + xuất bán: changing one part leaves the sum wrong.
    kt_model.edit_cell(kt_model.row_of("A.8.a"), ESTIMATE, "5.000")
    row = kt_model.rows[kt_model.row_of("A.8")]
    assert row.warnings
    tip = cell(kt_model, "A.8", VERDICT, Qt.ItemDataRole.ToolTipRole)
    assert all(warning in tip for warning in row.warnings)
    assert cell(kt_model, "A.8", VERDICT, MARKS_ROLE)[2] is True
    assert cell(kt_model, "A.8", VERDICT, Qt.ItemDataRole.DecorationRole) is not None  # the small marker
    assert cell(kt_model, "A.12", VERDICT, Qt.ItemDataRole.DecorationRole) is None


def test_override_through_the_model(synthesis_model: EntryModel, demo_db: Database) -> None:
    row = synthesis_model.row_of("A.2")
    assert synthesis_model.set_override(row, Verdict.ACHIEVED, "Số liệu của Cục Thống kê tỉnh")
    assert cell(synthesis_model, "A.2", VERDICT) == f"Đạt {styles.OVERRIDE_MARK}"
    assert "Số liệu của Cục Thống kê tỉnh" in cell(synthesis_model, "A.2", VERDICT, Qt.ItemDataRole.ToolTipRole)
    assert history(demo_db, 2020, "A.2")[-1].action == "điều chỉnh đánh giá"
    assert not synthesis_model.set_override(row, Verdict.EXCEEDED, "   ")  # a reason is required
    assert synthesis_model.set_override(row, None, "Đã có số liệu chính thức")
    assert cell(synthesis_model, "A.2", VERDICT) == "Không đạt"


def test_invalid_index_gives_nothing(kt_model: EntryModel) -> None:
    assert kt_model.data(QModelIndex()) is None
    assert not kt_model.setData(kt_model.index(0, kt_model.column_of(ESTIMATE)), "5")  # group row


def test_refresh_shows_a_change_made_outside_the_grid(kt_model: EntryModel, demo_db: Database) -> None:
    from db.entry import set_value

    set_value(demo_db, "A.12", 2020, "58", actor="nhập từ tệp")
    assert cell(kt_model, "A.12", ESTIMATE) == "54,47"
    kt_model.refresh()
    assert cell(kt_model, "A.12", ESTIMATE) == "58"
    assert cell(kt_model, "A.12", VERDICT, PLAIN_ROLE) == "Vượt"
