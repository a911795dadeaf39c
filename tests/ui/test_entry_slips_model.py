"""The entry grid's model asking before it saves a slip, without any widget: its question is a stub."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bkdesk.catalogue import Indicator
from bkdesk.evaluation import RowInput
from db.audit import history
from db.database import Database
from ui import styles
from ui.context import AppContext
from ui.entry_model import ESTIMATE, NOTE, TARGET, VERDICT, EntryModel

ReadRow = Callable[..., RowInput]
TableRows = Callable[[AppContext], list[RowInput]]


class Asker:
    """Stands in for the question box: records each question and answers as told."""

    def __init__(self, answer: bool) -> None:
        self.answer = answer
        self.asked: list[str] = []

    def __call__(self, question: str) -> bool:
        self.asked.append(question)
        return self.answer


@pytest.fixture
def model(synthesis_context: AppContext, table_rows: TableRows) -> EntryModel:
    return EntryModel(synthesis_context, table_rows(synthesis_context))


def editable(model: EntryModel, code: str, key: str) -> bool:
    from PySide6.QtCore import Qt

    return bool(model.flags(model.index(model.row_of(code), model.column_of(key))) & Qt.ItemFlag.ItemIsEditable)


def shade(model: EntryModel, code: str) -> object:
    from PySide6.QtCore import Qt

    return model.index(model.row_of(code), model.column_of(ESTIMATE)).data(Qt.ItemDataRole.BackgroundRole)


def test_exactly_the_headings_are_greyed(model: EntryModel) -> None:
    assert not editable(model, "A", ESTIMATE) and shade(model, "A") == styles.GROUP_BACKGROUND
    for heading in ("A.1", "A.15", "C.1", "C.1.1"):  # no unit and no target in any year
        assert not editable(model, heading, ESTIMATE) and not editable(model, heading, TARGET), heading
        assert shade(model, heading) == styles.HEADER_BACKGROUND, heading
    # Rows without a target this year but with a unit take figures: B 7 "Trồng rừng" (ha), D 4 (%).
    for row in ("B.7", "D.4", "A.9", "A.8"):
        assert editable(model, row, ESTIMATE) and editable(model, row, TARGET) and editable(model, row, NOTE), row
        assert shade(model, row) is None, row
    greyed = {row.code for i, row in enumerate(model.rows) if not model.is_editable_row(i)}
    assert greyed == {"A", "A.1", "A.15", "B", "C", "C.1", "C.1.1", "C.2", "C.3", "C.4", "D", "E"}


def test_a_heading_with_a_target_in_another_year_takes_figures(synthesis_context: AppContext) -> None:
    heading = Indicator("A.20", "A", "20", "Chỉ tiêu mới năm sau", parent="A")
    model = EntryModel(synthesis_context, [RowInput(heading), RowInput(heading, target_other_year=True)])
    assert not model.is_editable_row(0) and model.is_editable_row(1)


def test_a_question_answered_no_stores_nothing(model: EntryModel, demo_db: Database, read_row: ReadRow) -> None:
    model.ask = Asker(False)
    audited = len(history(demo_db, 2020, "A.6"))
    assert not model.edit_cell(model.row_of("A.6"), ESTIMATE, "4,450")
    assert model.ask.asked == [
        "A.6 Sản lượng Lương thực có hạt: Ước thực hiện 4,450 nhỏ hơn 1/20 nhiệm vụ (4.093): 4,450 được đọc là "
        "bốn phẩy bốn năm; nếu là bốn nghìn bốn trăm năm mươi, hãy viết 4.450\n\nVẫn lưu?"
    ]
    assert read_row(demo_db, "A.6").estimate == "4.368"
    assert len(history(demo_db, 2020, "A.6")) == audited
    assert model.error_at(model.row_of("A.6"), ESTIMATE) is not None
    assert model.undo_stack.count() == 0


def test_a_question_answered_yes_stores_the_figure_with_its_warning(
    model: EntryModel, demo_db: Database, read_row: ReadRow
) -> None:
    model.ask = Asker(True)
    assert model.edit_cell(model.row_of("A.6"), ESTIMATE, "4,450")
    assert read_row(demo_db, "A.6").estimate == "4,450"
    row = model.rows[model.row_of("A.6")]
    assert any("hãy viết 4.450" in warning for warning in row.warnings)
    from PySide6.QtCore import Qt

    tip = model.index(model.row_of("A.6"), model.column_of(VERDICT)).data(Qt.ItemDataRole.ToolTipRole)
    assert "hãy viết 4.450" in tip
    model.undo_stack.undo()  # putting back what was stored asks nothing
    assert len(model.ask.asked) == 1
    assert read_row(demo_db, "A.6").estimate == "4.368"


def test_a_target_in_whole_things_with_decimals_is_asked_about(model: EntryModel, demo_db: Database) -> None:
    model.ask = Asker(False)
    assert not model.edit_cell(model.row_of("C.3.2"), TARGET, "500,5")
    assert "đơn vị «Người» đếm số nguyên" in model.ask.asked[0]


def test_ordinary_edits_and_notes_ask_nothing(model: EntryModel) -> None:
    model.ask = Asker(False)
    assert model.edit_cell(model.row_of("A.6"), ESTIMATE, "4.450")
    assert model.edit_cell(model.row_of("A.6"), NOTE, "Theo số liệu Cục Thống kê")
    assert model.edit_cell(model.row_of("B.6"), ESTIMATE, "98")
    assert model.ask.asked == []


def test_a_block_with_slips_asks_once(model: EntryModel, demo_db: Database, read_row: ReadRow) -> None:
    model.ask = Asker(False)
    cells = [
        (model.row_of("A.8"), ESTIMATE, "21,246"),
        (model.row_of("A.8.a"), ESTIMATE, "4.700"),
        (model.row_of("A.8.b"), ESTIMATE, "Đạt"),
    ]
    assert not model.write_block(cells)
    assert len(model.ask.asked) == 1
    question = model.ask.asked[0]
    assert question.count("• ") == 3  # two slips of A.8, one of A.8.b
    assert "A.8.b Số lợn xuất bán, giết thịt: «Đạt» là chữ" in question
    assert question.endswith("Vẫn dán cả khối?")
    assert [read_row(demo_db, code).estimate for code in ("A.8", "A.8.a", "A.8.b")] == ["21.246", "4.631", "16.615"]


def test_without_anyone_to_ask_the_figure_is_saved(model: EntryModel, read_row: ReadRow, demo_db: Database) -> None:
    assert model.ask is None
    assert model.edit_cell(model.row_of("A.8"), ESTIMATE, "-5")
    assert read_row(demo_db, "A.8").estimate == "-5"
    assert any("số âm" in warning for warning in model.rows[model.row_of("A.8")].warnings)


@pytest.mark.parametrize("typed", ["=SUM(A1)", "+cmd", "@x", "a\x1bb", "\x00", "5\u202e0", "1" * 256])
def test_refusals_never_ask(model: EntryModel, typed: str, read_row: ReadRow, demo_db: Database) -> None:
    model.ask = Asker(True)
    assert not model.edit_cell(model.row_of("A.8"), ESTIMATE, typed)
    assert model.ask.asked == []
    assert read_row(demo_db, "A.8").estimate == "21.246"
    message = model.error_at(model.row_of("A.8"), ESTIMATE)
    assert message is not None and message.startswith("A.8 Đàn lợn: ")
