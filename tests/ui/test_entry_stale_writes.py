"""The grid open while another process writes: what it shows is what it checks its writes against.

The other writer is a real process (``python main.py set-value`` / ``import-submissions``)
or the db service, on the same SQLite file as the grid's model.
"""

from __future__ import annotations

import getpass
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from bkdesk.catalogue import PeriodKind
from bkdesk.evaluation import RowInput
from bkdesk.verdicts import Verdict
from db.audit import history
from db.database import Database
from db.department_setup import install_setup
from db.entry import set_override, set_value
from db.issue import issue_department
from db.schema import open_database
from db.submission_export import export_submission
from ui import styles
from ui.context import AppContext
from ui.entry_model import ERROR_ROLE, ESTIMATE, NOTE, VERDICT, EntryModel

ROOT = Path(__file__).resolve().parent.parent.parent
YEAR = 2020
ReadRow = Callable[..., RowInput]
TableRows = Callable[[AppContext], list[RowInput]]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result


def listen(model: EntryModel) -> list[str]:
    messages: list[str] = []
    model.message.connect(messages.append)
    return messages


def cell(model: EntryModel, code: str, key: str, role: int = Qt.ItemDataRole.DisplayRole) -> object:
    return model.index(model.row_of(code), model.column_of(key)).data(role)


def stale_line(code_and_name: str, actor: str, new: str, rows: str = "dòng này", unsaved: str = "chưa lưu") -> str:
    """The message's pattern, its time left open (it is the audit record's)."""
    head = re.escape(f"{code_and_name}: số liệu đã được «{actor}» sửa thành {new} lúc ")
    tail = re.escape(f" sau khi bạn mở; {unsaved}. Bảng đã tải lại {rows}.")
    return f"^{head}\\d\\d/\\d\\d/\\d{{4}} \\d\\d:\\d\\d{tail}$"


@pytest.fixture
def kt_model(kt_context: AppContext, table_rows: TableRows) -> EntryModel:
    return EntryModel(kt_context, table_rows(kt_context))


@pytest.fixture
def synthesis_model(synthesis_context: AppContext, table_rows: TableRows) -> EntryModel:
    return EntryModel(synthesis_context, table_rows(synthesis_context))


def test_a_figure_an_import_changed_after_the_grid_opened_is_not_overwritten(
    synthesis_model: EntryModel, demo_db: Database, db_path: Path, tmp_path: Path, read_row: ReadRow
) -> None:
    # Phòng Kinh tế sends 3.100 for A.2 while the synthesis office has the grid open at 3.050.
    issued = issue_department(demo_db, "KT", YEAR, tmp_path / "kt.setup", actor="văn phòng")
    kt = open_database(tmp_path / "kt.sqlite")
    install_setup(kt, tmp_path / "kt.setup", actor="cán bộ KT", passphrase=issued.passphrase)
    set_value(kt, "A.2", YEAR, "3.100", actor="cán bộ KT")
    export_submission(kt, YEAR, PeriodKind.ESTIMATE, tmp_path / "KT-2020-uoc-so1.json", actor="cán bộ KT")
    kt.dispose()
    assert cell(synthesis_model, "A.2", ESTIMATE) == "3.050"
    run_cli("import-submissions", str(tmp_path / "KT-2020-uoc-so1.json"), "--db", str(db_path))
    records = len(history(demo_db, YEAR))
    messages = listen(synthesis_model)

    assert not synthesis_model.edit_cell(synthesis_model.row_of("A.2"), ESTIMATE, "3.200")

    assert read_row(demo_db, "A.2").estimate == "3.100"
    assert len(history(demo_db, YEAR)) == records
    name = synthesis_model.rows[synthesis_model.row_of("A.2")].indicator.name
    assert re.match(stale_line(f"A.2 {name}", getpass.getuser(), "3.100"), messages[-1])
    # The row is read again: the grid shows the figure now stored, with its verdict, and no red cell.
    assert cell(synthesis_model, "A.2", ESTIMATE) == "3.100"
    assert cell(synthesis_model, "A.2", ESTIMATE, ERROR_ROLE) is None
    assert synthesis_model.rows[synthesis_model.row_of("A.2")].input.estimate == "3.100"
    assert synthesis_model.undo_stack.count() == 0
    # Typed again over what is now shown, the edit is stored.
    assert synthesis_model.edit_cell(synthesis_model.row_of("A.2"), ESTIMATE, "3.200")
    assert read_row(demo_db, "A.2").estimate == "3.200"
    assert [e.old for e in history(demo_db, YEAR, "A.2") if e.field == "value"][-1] == "3.100"


def test_a_note_typed_after_another_process_changed_the_figure_keeps_that_figure(
    kt_model: EntryModel, demo_db: Database, db_path: Path, read_row: ReadRow
) -> None:
    run_cli("set-value", "A.8", "22.000", "--db", str(db_path))

    assert kt_model.edit_cell(kt_model.row_of("A.8"), NOTE, "Theo số liệu tháng 11")

    row = read_row(demo_db, "A.8")
    assert (row.estimate, row.note) == ("22.000", "Theo số liệu tháng 11")
    entries = history(demo_db, YEAR, "A.8")
    assert (entries[-1].field, entries[-1].actor) == ("note", "can_bo (Phòng Kinh tế)")
    assert [e.new for e in entries if e.field == "value"][-1] == "22.000"


def test_a_paste_with_one_stale_cell_writes_nothing(kt_model: EntryModel, demo_db: Database, read_row: ReadRow) -> None:
    set_value(demo_db, "A.13", YEAR, "210", actor="văn phòng")
    records = len(history(demo_db, YEAR))
    messages = listen(kt_model)
    cells = [
        (kt_model.row_of("A.12"), ESTIMATE, "57"),
        (kt_model.row_of("A.13"), ESTIMATE, "190"),
        (kt_model.row_of("A.12"), NOTE, "dán từ Excel"),
    ]

    assert not kt_model.write_block(cells)

    assert (read_row(demo_db, "A.12").estimate, read_row(demo_db, "A.12").note) == ("54,47", "")
    assert read_row(demo_db, "A.13").estimate == "210"
    assert len(history(demo_db, YEAR)) == records
    assert len(messages) == 1
    name = kt_model.rows[kt_model.row_of("A.13")].indicator.name
    assert re.match(stale_line(f"A.13 {name}", "văn phòng", "210", unsaved="chưa lưu ô nào"), messages[0])
    assert cell(kt_model, "A.13", ESTIMATE) == "210"
    assert cell(kt_model, "A.12", ESTIMATE) == "54,47"
    assert kt_model.undo_stack.count() == 0


def test_an_undo_over_a_figure_changed_since_is_refused_and_leaves_the_stack(
    kt_model: EntryModel, demo_db: Database, read_row: ReadRow
) -> None:
    assert kt_model.edit_cell(kt_model.row_of("A.12"), ESTIMATE, "60")
    set_value(demo_db, "A.12", YEAR, "61", actor="văn phòng")
    messages = listen(kt_model)

    kt_model.undo_stack.undo()

    assert read_row(demo_db, "A.12").estimate == "61"
    assert "sửa thành 61 lúc" in messages[-1] and messages[-1].endswith("Bảng đã tải lại dòng này.")
    assert cell(kt_model, "A.12", ESTIMATE) == "61"
    assert kt_model.undo_stack.count() == 0  # the refused step is gone: no redo of a write never undone
    assert history(demo_db, YEAR, "A.12")[-1].new == "61"


def test_an_undo_and_redo_carry_what_they_expect(kt_model: EntryModel, demo_db: Database, read_row: ReadRow) -> None:
    row = kt_model.row_of("A.12")
    assert kt_model.write_block([(row, ESTIMATE, "57"), (row, NOTE, "dán")])
    kt_model.undo_stack.undo()
    assert (read_row(demo_db, "A.12").estimate, read_row(demo_db, "A.12").note) == ("54,47", "")
    kt_model.undo_stack.redo()
    assert (read_row(demo_db, "A.12").estimate, read_row(demo_db, "A.12").note) == ("57", "dán")
    assert [e.reason for e in history(demo_db, YEAR, "A.12")[-2:]] == ["làm lại", "làm lại"]


def test_an_override_changed_since_the_grid_opened_is_not_replaced(
    synthesis_model: EntryModel, demo_db: Database
) -> None:
    set_override(demo_db, "A.2", YEAR, Verdict.ACHIEVED, "Số liệu của Cục Thống kê tỉnh", actor="văn phòng")
    messages = listen(synthesis_model)

    assert not synthesis_model.set_override(synthesis_model.row_of("A.2"), Verdict.EXCEEDED, "ước lại")

    entry = history(demo_db, YEAR, "A.2")[-1]
    assert (entry.actor, entry.new) == ("văn phòng", "Đạt")
    assert "điều chỉnh đánh giá đã được «văn phòng» sửa thành «Đạt» lúc" in messages[-1]
    assert cell(synthesis_model, "A.2", VERDICT) == f"Đạt {styles.OVERRIDE_MARK}"
