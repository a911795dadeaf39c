"""*Xung đột số liệu* keeps the history: closed conflicts, read-only, figures as they arose, the decision."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from bkdesk.evaluation import RowInput
from db.conflicts import Keep, list_conflicts, resolve_conflict
from db.database import Database
from db.entry import set_value
from db.submission_import import import_submissions
from db.tables import departments
from tests.fixtures.exchange import OFFICE, YEAR, Dialogs, Phong, issue_phong
from tests.ui.pictures import cell_region, ink, pixels_of, screenshot
from tests.ui.selection import select_row
from ui.conflicts_dialog import (
    BASE,
    CLOSED_COLOUR,
    CURRENT,
    DECISION,
    HISTORY,
    INCOMING,
    INDICATOR,
    LOCAL,
    PHONG,
    REASON,
    STATUS,
    WHEN,
    WHO,
    ConflictsDialog,
)
from ui.context import AppContext
from ui.main_window import MainWindow

DECIDED = "Phòng KT gửi công văn số 12 ngày 20/11"
WHEN_TEXT = re.compile(r"\d\d/\d\d/\d{4} \d\d:\d\d")


@pytest.fixture
def phong(demo_db: Database, tmp_path: Path) -> Iterator[dict[str, Phong]]:
    made = {code: issue_phong(demo_db, code, tmp_path / "phong") for code in ("KT", "YT")}
    yield made
    for item in made.values():
        item.db.dispose()


@pytest.fixture
def history(demo_db: Database, phong: dict[str, Phong], tmp_path: Path) -> None:
    """KT's A.3 twice in conflict (the second file superseded the first; the office then took the phòng's figure and
    later typed another); YT's C.2.2 still open."""
    set_value(demo_db, "A.3", YEAR, "470", actor=OFFICE)
    set_value(demo_db, "C.2.2", YEAR, "12", actor=OFFICE)
    phong["KT"].enter("A.3", "480")
    import_submissions(demo_db, [phong["KT"].submit(tmp_path / "kt")], actor=OFFICE)
    phong["KT"].enter("A.3", "485")
    phong["YT"].enter("C.2.2", "11,8")
    import_submissions(demo_db, [phong["KT"].submit(tmp_path / "kt")], actor=OFFICE)
    import_submissions(demo_db, [phong["YT"].submit(tmp_path)], actor=OFFICE)
    (second,) = [c for c in list_conflicts(demo_db, YEAR) if c.indicator_code == "A.3"]
    resolve_conflict(demo_db, second.id, Keep.INCOMING, DECIDED, actor=OFFICE)
    set_value(demo_db, "A.3", YEAR, "490", actor=OFFICE)


def cells(dialog: ConflictsDialog, row: int, *columns: int) -> list[str]:
    return [str(dialog.model.index(row, column).data()) for column in columns]


def test_the_dialog_shows_closed_conflicts_read_only_with_their_decision(
    qtbot: QtBot,
    synthesis_context: AppContext,
    table_rows: Callable[[AppContext], list[RowInput]],
    history: None,
    demo_db: Database,
) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    dialogs = Dialogs()
    window.run_dialog = dialogs  # type: ignore[method-assign]
    window.set_session(synthesis_context, table_rows(synthesis_context), departments(demo_db))
    window.show()
    qtbot.waitExposed(window)
    seen: dict[str, object] = {}

    def read(dialog: QDialog) -> int:
        assert isinstance(dialog, ConflictsDialog)
        table = dialog.table
        # Today's view: the open conflict alone, no history columns.
        seen["open"] = [cells(dialog, row, PHONG, BASE, CURRENT, INCOMING) for row in range(dialog.model.rowCount())]
        seen["hidden"] = [table.isColumnHidden(column) for column in HISTORY]
        seen["intro"] = dialog.intro.text()

        dialog.show_closed.click()
        seen["headings"] = [dialog.model.headerData(c, Qt.Orientation.Horizontal) for c in (LOCAL, STATUS, DECISION)]
        seen["shown"] = [table.isColumnHidden(column) for column in HISTORY]
        seen["all"] = [
            cells(dialog, row, PHONG, BASE, LOCAL, INCOMING, CURRENT, STATUS, DECISION, WHO, REASON)
            for row in range(dialog.model.rowCount())
        ]
        seen["when"] = cells(dialog, 1, WHEN)[0]
        seen["closed intro"] = dialog.intro.text()

        # A closed conflict cannot be decided again, reason or not.
        dialog.reason.setText("Theo số liệu tháng 12")
        table.clearSelection()
        select_row(table, 1)
        seen["closed buttons"] = (dialog.keep_local.isEnabled(), dialog.keep_incoming.isEnabled())
        seen["closed note"] = dialog.outcome.text()
        seen["detail"] = dialog.detail.text()

        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.resize(1500, 520)
        picture = screenshot(dialog, "conflicts_dialog_history.png")
        closed = cell_region(table, dialog.model.index(0, STATUS), dialog)  # row 1 is selected, row 0 is not
        seen["grey"] = pixels_of(picture, closed, CLOSED_COLOUR, tolerance=40)
        seen["ink"] = ink(picture, cell_region(table, dialog.model.index(2, INDICATOR), dialog), darker_than=160)

        # The open one is decided as today, and joins the history.
        select_row(table, 2)
        seen["open buttons"] = dialog.keep_local.isEnabled()
        dialog.keep_local.click()
        seen["after"] = cells(dialog, 2, STATUS, DECISION, WHO, REASON)
        seen["after when"] = cells(dialog, 2, WHEN)[0]
        return int(QDialog.DialogCode.Rejected)

    dialogs.on(ConflictsDialog, read)
    window.exchange.conflicts_action.trigger()

    assert seen["open"] == [["YT", "12,3", "12", "11,8"]]
    assert seen["hidden"] == [True] * len(HISTORY) and seen["shown"] == [False] * len(HISTORY)
    assert str(seen["intro"]).startswith("1 xung đột chưa giải quyết. Phòng và văn phòng")
    assert seen["headings"] == ["Số văn phòng lúc nhận", "Trạng thái", "Quyết định"]
    actor = synthesis_context.actor
    assert seen["all"] == [
        # base, the office's figure then, the phòng's, the table's figure now; status, decision, who, why
        ["KT", "460,1", "470", "480", "490", "thay bằng xung đột mới hơn", "—", OFFICE,
         "thay bằng xung đột từ KT-2020-uoc-so2.json"],
        ["KT", "480", "470", "485", "490", "đã giải quyết", "lấy số của phòng", OFFICE, DECIDED],
        ["YT", "12,3", "12", "11,8", "12", "chưa giải quyết", "", "", ""],
    ]  # fmt: skip
    assert WHEN_TEXT.fullmatch(str(seen["when"])), seen["when"]
    assert "Cùng 2 xung đột đã đóng, màu xám, chỉ để xem." in str(seen["closed intro"])
    assert seen["closed buttons"] == (False, False)
    detail = str(seen["detail"]).split("\n")
    assert detail[0] == "KT · A.3 Giá trị sản xuất công nghiệp · giá trị — đã giải quyết"
    assert re.fullmatch(
        r"    gốc «480» · văn phòng tổng hợp «470» \(nay «490»\) · trong tệp «485» "
        rf"\(KT-2020-uoc-so2\.json, số thứ tự 2, nhận {WHEN_TEXT.pattern}\)",
        detail[1],
    ), detail[1]
    assert re.fullmatch(
        rf"    quyết định: lấy số của phòng · người quyết định: {OFFICE} · lúc {WHEN_TEXT.pattern} · lý do: {DECIDED}",
        detail[2],
    ), detail[2]
    assert seen["closed note"] == "Xung đột đã đóng chỉ để xem; chọn các dòng chưa giải quyết để quyết định."
    assert isinstance(seen["grey"], int) and seen["grey"] > 10 and isinstance(seen["ink"], int) and seen["ink"] > 10
    assert seen["open buttons"] is True
    assert seen["after"] == ["đã giải quyết", "giữ số của văn phòng", actor, "Theo số liệu tháng 12"]
    assert WHEN_TEXT.fullmatch(str(seen["after when"]))
    assert list_conflicts(demo_db, YEAR) == []
