"""Each file merged against its own base: every situation of the issue's table, from the CLI and from the window.

Each test runs twice: the synthesis office takes the files in with ``python main.py
import-submissions`` and with *Nhận số liệu các phòng…* of its window. The phòng make
their files through the services, as their own bkdesk does.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from bkdesk.catalogue import PeriodKind
from db.conflicts import Keep, list_conflicts, resolve_conflict
from db.database import Database
from db.entry import set_value
from db.exchange import installations_of
from db.exchange_models import DepartmentIdentity
from db.models import DepartmentRow
from db.tables import load_rows
from db.template_export import export_template
from tests.fixtures.commands import run_main
from tests.fixtures.exchange import CODE_COLUMN, OFFICE, VALUE_COLUMN, YEAR, Dialogs, Phong, install_again, issue_phong
from ui.import_result_dialog import ImportResultDialog
from ui.main_window import MainWindow

Take = Callable[[list[Path]], list[str]]


def stored(db: Database, code: str) -> str:
    return next(row.estimate for row in load_rows(db, YEAR) if row.indicator.code == code)


def open_conflicts(db: Database) -> list[tuple[str, str, str, str]]:
    return [(c.indicator_code, c.base, c.local, c.incoming) for c in list_conflicts(db, YEAR) if c.field == "value"]


def installation_id(phong: Phong) -> str:
    with phong.db.read() as session:
        identity = session.scalar(select(DepartmentIdentity))
        assert identity is not None
        return identity.installation_id


@pytest.fixture
def kt(demo_db: Database, tmp_path: Path) -> Iterator[Phong]:
    made = issue_phong(demo_db, "KT", tmp_path / "pc-a")
    yield made
    made.db.dispose()


@pytest.fixture
def second_pc(kt: Phong, tmp_path: Path) -> Iterator[Phong]:
    """The same setup file installed on another PC of phòng KT."""
    made = install_again(kt, tmp_path / "pc-b")
    yield made
    made.db.dispose()


def _by_cli(office: Database) -> Take:
    def take(files: list[Path]) -> list[str]:
        done = run_main("import-submissions", *files, "--accept-unsigned", "--db", str(office.path))
        assert done.returncode == 0, done.stdout + done.stderr
        lines = done.stdout.strip().splitlines()
        assert lines[-1].startswith(f"Tổng cộng {len(files)} tệp")
        return lines[:-1]

    return take


def _by_window(qtbot: QtBot, window: MainWindow, dialogs: Dialogs, monkeypatch: pytest.MonkeyPatch) -> Take:
    def take(files: list[Path]) -> list[str]:
        monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *args: ([str(f) for f in files], ""))
        count = len(dialogs.of(ImportResultDialog))
        window.exchange.import_action.trigger()
        qtbot.waitUntil(
            lambda: len(dialogs.of(ImportResultDialog)) > count and not window.exchange.runner.busy, timeout=60000
        )
        result = dialogs.of(ImportResultDialog)[-1]
        assert isinstance(result, ImportResultDialog)
        return result.line_texts()

    return take


@pytest.fixture(params=["cli", "app"])
def take(request: pytest.FixtureRequest, demo_db: Database) -> Take:
    if request.param == "cli":
        return _by_cli(demo_db)
    qtbot: QtBot = request.getfixturevalue("qtbot")
    context = request.getfixturevalue("synthesis_context")
    table_rows = request.getfixturevalue("table_rows")
    from db.tables import departments

    dialogs = Dialogs()
    dialogs.on(QMessageBox, lambda box: int(QMessageBox.StandardButton.Yes))  # yes, take the templates in
    window = MainWindow()
    qtbot.addWidget(window)
    window.run_dialog = dialogs  # type: ignore[method-assign]
    window.set_session(context, table_rows(context), departments(context.db))
    window.show()
    qtbot.waitExposed(window)
    return _by_window(qtbot, window, dialogs, request.getfixturevalue("monkeypatch"))


# ---- the table of point 1 -----------------------------------------------------------------------


def test_two_pcs_editing_different_values_are_both_taken_and_nothing_reverts(
    take: Take, demo_db: Database, kt: Phong, second_pc: Phong, tmp_path: Path
) -> None:
    kt.enter("A.11", "1.400")
    second_pc.enter("A.12", "57")
    lines = take([kt.submit(tmp_path / "a"), second_pc.submit(tmp_path / "b")])
    assert [line.split(" — ")[1].split(".")[0] for line in lines] == [
        "1 giá trị thay đổi, 0 xung đột",
        "1 giá trị thay đổi, 0 xung đột",
    ]
    assert (stored(demo_db, "A.11"), stored(demo_db, "A.12")) == ("1.400", "57")
    # Each PC sends again, touching nothing the other changed: neither figure goes back.
    kt.enter("A.3", "470")
    second_pc.enter("A.6", "4.400")
    lines = take([second_pc.submit(tmp_path / "b"), kt.submit(tmp_path / "a")])
    assert all("1 giá trị thay đổi, 0 xung đột" in line for line in lines), lines
    assert [stored(demo_db, code) for code in ("A.11", "A.12", "A.3", "A.6")] == ["1.400", "57", "470", "4.400"]
    assert open_conflicts(demo_db) == []


def test_two_pcs_editing_one_value_differently_make_one_conflict(
    take: Take, demo_db: Database, kt: Phong, second_pc: Phong, tmp_path: Path
) -> None:
    kt.enter("A.11", "1.400")
    second_pc.enter("A.11", "1.410")
    lines = take([kt.submit(tmp_path / "a"), second_pc.submit(tmp_path / "b")])
    assert "1 giá trị thay đổi, 0 xung đột" in lines[0]
    assert "0 giá trị thay đổi, 1 xung đột" in lines[1]
    assert stored(demo_db, "A.11") == "1.400"
    assert open_conflicts(demo_db) == [("A.11", "1.424", "1.400", "1.410")]


def test_a_correction_sent_next_is_taken(take: Take, demo_db: Database, kt: Phong, tmp_path: Path) -> None:
    kt.enter("A.11", "1.400")
    take([kt.submit(tmp_path)])
    kt.enter("A.11", "1.410")
    (line,) = take([kt.submit(tmp_path)])
    assert "1 giá trị thay đổi, 0 xung đột" in line
    assert stored(demo_db, "A.11") == "1.410"


def test_a_figure_set_back_to_the_issued_one_is_taken(take: Take, demo_db: Database, kt: Phong, tmp_path: Path) -> None:
    kt.enter("A.11", "1.400")
    take([kt.submit(tmp_path)])
    assert stored(demo_db, "A.11") == "1.400"
    kt.enter("A.11", "1.424")  # deliberately back to the figure the setup file held
    (line,) = take([kt.submit(tmp_path)])
    assert "1 giá trị thay đổi, 0 xung đột" in line
    assert stored(demo_db, "A.11") == "1.424"


def test_a_conflict_the_office_settled_is_not_raised_again_by_a_file_that_does_not_touch_it(
    take: Take, demo_db: Database, kt: Phong, tmp_path: Path
) -> None:
    set_value(demo_db, "A.6", YEAR, "4.000", actor=OFFICE)
    kt.enter("A.6", "4.100")
    (line,) = take([kt.submit(tmp_path)])
    assert "1 xung đột" in line
    (conflict,) = list_conflicts(demo_db, YEAR)
    resolve_conflict(demo_db, conflict.id, Keep.LOCAL, "số của Cục Thống kê", actor=OFFICE)
    kt.enter("A.3", "470")  # the phòng sends again; its A.6 is still 4.100, untouched since
    (line,) = take([kt.submit(tmp_path)])
    assert "1 giá trị thay đổi, 0 xung đột" in line
    assert (stored(demo_db, "A.6"), stored(demo_db, "A.3")) == ("4.000", "470")
    assert open_conflicts(demo_db) == []


def test_a_figure_the_office_set_by_hand_after_taking_it_stays(
    take: Take, demo_db: Database, kt: Phong, tmp_path: Path
) -> None:
    kt.enter("A.13", "120")
    take([kt.submit(tmp_path)])
    assert stored(demo_db, "A.13") == "120"
    set_value(demo_db, "A.13", YEAR, "100", actor=OFFICE)
    (line,) = take([kt.submit(tmp_path)])  # sent again, A.13 untouched
    assert "0 giá trị thay đổi, 0 xung đột" in line
    assert stored(demo_db, "A.13") == "100"
    assert open_conflicts(demo_db) == []


def fill(template: Path, out: Path, values: dict[str, str]) -> Path:
    """A copy of one exported template with ``values`` typed in, as a phòng saves it."""
    shutil.copy(template, out)
    workbook = load_workbook(out)
    sheet = workbook.worksheets[0]
    for row in range(1, sheet.max_row + 1):
        code = sheet.cell(row, CODE_COLUMN).value
        if code in values:
            sheet.cell(row, VALUE_COLUMN).value = values[code]
    workbook.save(out)
    return out


def test_two_fills_of_one_template_taken_newest_first_make_the_older_ones_changes_conflicts(
    take: Take, demo_db: Database, tmp_path: Path
) -> None:
    template = tmp_path / "bieu-mau-KT.xlsx"
    export_template(demo_db, "KT", YEAR, PeriodKind.ESTIMATE, template)
    older = fill(template, tmp_path / "KT-lan-1.xlsx", {"A.2": "3.100", "A.3": "470"})
    newer = fill(template, tmp_path / "KT-lan-2.xlsx", {"A.2": "3.120", "A.3": "470", "A.6": "4.400"})
    lines = take([newer, older])
    assert "3 giá trị thay đổi, 0 xung đột" in lines[0]
    assert "0 giá trị thay đổi, 1 xung đột" in lines[1]
    assert [stored(demo_db, code) for code in ("A.2", "A.3", "A.6")] == ["3.120", "470", "4.400"]
    assert open_conflicts(demo_db) == [("A.2", "3.050", "3.120", "3.100")]


def test_a_file_whose_base_never_arrived_makes_its_differing_figures_conflicts(
    take: Take, demo_db: Database, kt: Phong, tmp_path: Path
) -> None:
    kt.enter("A.11", "1.400")
    kt.submit(tmp_path / "lost")  # number 1: lost on the way
    kt.enter("A.12", "57")
    (line,) = take([kt.submit(tmp_path)])
    assert "0 giá trị thay đổi, 2 xung đột" in line
    assert "số thứ tự 1" in line and "chưa nhận" in line
    assert (stored(demo_db, "A.11"), stored(demo_db, "A.12")) == ("1.424", "54,47")
    assert sorted(open_conflicts(demo_db)) == [("A.11", "", "1.424", "1.400"), ("A.12", "", "54,47", "57")]


def backdate(phong: Phong, code: str) -> None:
    """The figure as if typed an hour earlier on the phòng's PC (its clock is what its files carry)."""
    assert phong.db.path is not None
    with closing(sqlite3.connect(phong.db.path)) as connection, connection:
        connection.execute(
            "UPDATE indicator_values SET updated_at = datetime(updated_at, '-1 hour') "
            "WHERE indicator_id = (SELECT id FROM indicators WHERE code = ?)",
            (code,),
        )


def test_after_a_lost_file_a_figure_untouched_since_the_last_file_received_stays_as_the_office_has_it(
    take: Take, demo_db: Database, kt: Phong, tmp_path: Path
) -> None:
    kt.enter("A.11", "1.400")
    backdate(kt, "A.11")
    (first,) = take([kt.submit(tmp_path)])  # number 1: taken
    assert "1 giá trị thay đổi, 0 xung đột" in first
    set_value(demo_db, "A.11", YEAR, "1.410", actor=OFFICE)  # the office corrects it afterwards
    kt.enter("A.12", "57")
    kt.submit(tmp_path / "lost")  # number 2: lost on the way
    (line,) = take([kt.submit(tmp_path)])  # number 3: made from number 2
    assert "0 giá trị thay đổi, 1 xung đột" in line
    assert "số thứ tự 2" in line and "chưa nhận" in line
    # A.11 was in number 1, which the office merged: its later correction stands, no question asked.
    assert (stored(demo_db, "A.11"), stored(demo_db, "A.12")) == ("1.410", "54,47")
    assert open_conflicts(demo_db) == [("A.12", "54,47", "54,47", "57")]


# ---- bad input --------------------------------------------------------------------------------


def test_a_second_installation_of_one_setup_file_is_accepted_with_a_line_naming_both(
    take: Take, demo_db: Database, kt: Phong, second_pc: Phong, tmp_path: Path
) -> None:
    first, second = installation_id(kt), installation_id(second_pc)
    assert first != second
    kt.enter("A.11", "1.400")
    second_pc.enter("A.12", "57")
    one, two = take([kt.submit(tmp_path / "a"), second_pc.submit(tmp_path / "b")])
    # Both files carry number 1: each installation counts its own.
    assert one == "KT-2020-uoc-so1.json: đã nhận (phòng KT, số thứ tự 1) — 1 giá trị thay đổi, 0 xung đột"
    assert two.startswith("KT-2020-uoc-so1.json: đã nhận (phòng KT, số thứ tự 1) — 1 giá trị thay đổi, 0 xung đột.")
    assert f"bản cài {second[:8]} (tệp này, lần đầu gửi)" in two and f"bản cài {first[:8]}" in two
    assert "thiet-lap-KT-2020.setup" in two and "2 máy" in two
    second_pc.enter("A.12", "58")
    (again,) = take([second_pc.submit(tmp_path / "b")])
    assert "Chú ý" not in again  # said once, at the second installation's first file
    with demo_db.read() as session:
        kt_id = session.scalar(select(DepartmentRow.id).where(DepartmentRow.code == "KT"))
        assert kt_id is not None
        seen = installations_of(session, kt_id)
    assert [(i.installation_id, i.last_sequence, i.current) for i in seen] == [(first, 1, True), (second, 2, True)]
    assert seen[1].last_file_name == "KT-2020-uoc-so2.json"


# ---- a newer setup file on a PC holding figures not yet sent ------------------------------------


@pytest.fixture
def reissued(demo_db: Database, kt: Phong, tmp_path: Path) -> tuple[Path, str]:
    """Phòng KT's setup file issued again (new targets, a new key), with its passphrase."""
    from db.issue import issue_department
    from db.submission_import import import_submissions

    kt.enter("A.3", "470")
    import_submissions(demo_db, [kt.submit(tmp_path / "sent")], actor=OFFICE)  # A.3 sent and taken…
    kt.enter("A.3", "480")  # …then changed again
    kt.enter("A.3", "470")  # and set back: the figure the new setup file holds, so nothing of it is lost
    kt.enter("A.2", "3.111")  # typed on the phòng's PC, never sent
    path = tmp_path / "thiet-lap-KT-lan-2.setup"
    return path, issue_department(demo_db, "KT", YEAR, path, actor=OFFICE).passphrase


def test_setup_refuses_to_replace_figures_not_yet_sent_unless_set_aside(
    kt: Phong, reissued: tuple[Path, str], tmp_path: Path
) -> None:
    from tests.fixtures.commands import dump

    setup, passphrase = reissued
    secret = tmp_path / "cum-mat-khau.txt"
    secret.write_text(passphrase, encoding="utf-8")
    assert kt.db.path is not None
    before = dump(kt.db.path)
    refused = run_main("setup", setup, "--passphrase-file", secret, "--db", kt.db.path)
    assert refused.returncode != 0
    assert "1 số liệu đã sửa mà chưa gửi" in refused.stderr and "A.2 Tổng mức bán lẻ hàng hóa" in refused.stderr
    assert "3.111" in refused.stderr and "--set-aside" in refused.stderr and "Traceback" not in refused.stderr
    assert dump(kt.db.path) == before
    done = run_main("setup", setup, "--passphrase-file", secret, "--db", kt.db.path, "--set-aside")
    assert done.returncode == 0, done.stderr
    (kept,) = kt.db.path.parent.glob("KT-so-lieu-chua-gui-*.json")
    assert f"1 số liệu đã sửa mà chưa gửi được để riêng trong tệp {kept}." in done.stdout
    import json

    document = json.loads(kept.read_text(encoding="utf-8"))
    assert [(f["ma"], f["ky"], f["gia_tri"], f["thay_bang"]["gia_tri"]) for f in document["so_lieu"]] == [
        ("A.2", "Ước thực hiện", "3.111", "3.050")
    ]
    assert stored(kt.db, "A.2") == "3.050"
    from db.audit import history

    (entry,) = [e for e in history(kt.db, YEAR) if e.action == "để riêng số liệu chưa gửi"]
    assert "A.2" in entry.new and "3.111" in entry.new and kept.name in entry.source


def test_the_app_asks_before_figures_not_yet_sent_are_set_aside(
    qtbot: QtBot, kt: Phong, reissued: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QDialog

    from ui.context import AppContext
    from ui.setup_dialog import SetupDialog

    setup, passphrase = reissued
    dialogs = Dialogs()
    questions: list[str] = []
    answers = iter([QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes])

    def fill_in(dialog: QDialog) -> int:
        assert isinstance(dialog, SetupDialog)
        dialog.passphrase.setText(passphrase)
        dialog.replace_current.setChecked(True)
        return int(QDialog.DialogCode.Accepted)

    def answer(box: QDialog) -> int:
        assert isinstance(box, QMessageBox)
        if box.icon() != QMessageBox.Icon.Question:
            return int(QMessageBox.StandardButton.Ok)
        questions.append(box.text())
        if "chưa gửi" in box.text():
            return int(next(answers))
        return int(QMessageBox.StandardButton.Yes)  # yes, update the open database

    dialogs.on(SetupDialog, fill_in)
    dialogs.on(QMessageBox, answer)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: (str(setup), ""))
    context = AppContext(kt.db, "KT", YEAR, PeriodKind.ESTIMATE, user="can_bo", department_name="Phòng Kinh tế")
    window = MainWindow()
    qtbot.addWidget(window)
    window.run_dialog = dialogs  # type: ignore[method-assign]
    window.set_session(context, load_rows(kt.db, YEAR), [])
    window.show()
    qtbot.waitExposed(window)
    assert kt.db.path is not None

    for expected_questions in (2, 4):  # "No" first: nothing installed; then "Yes"
        count = len(dialogs.seen)
        window.exchange.setup_action.trigger()
        qtbot.waitUntil(lambda n=expected_questions: len(questions) == n, timeout=60000)  # type: ignore[misc]
        qtbot.waitUntil(lambda: not window.exchange.runner.busy, timeout=60000)
        assert len(dialogs.seen) > count
        if expected_questions == 2:
            assert stored(kt.db, "A.2") == "3.111"
            assert not list(kt.db.path.parent.glob("KT-so-lieu-chua-gui-*.json"))
    unsent = [q for q in questions if "chưa gửi" in q]
    assert len(unsent) == 2 and "A.2 Tổng mức bán lẻ hàng hóa" in unsent[0] and "3.111" in unsent[0]
    assert "Để riêng các số liệu này vào một tệp bên cạnh cơ sở dữ liệu rồi cài?" in unsent[0]
    qtbot.waitUntil(lambda: any("để riêng trong tệp" in m for m in dialogs.messages()), timeout=60000)
    (kept,) = kt.db.path.parent.glob("KT-so-lieu-chua-gui-*.json")
    assert any(str(kept) in m for m in dialogs.messages())
    assert stored(kt.db, "A.2") == "3.050"
