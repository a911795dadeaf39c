"""The return file: the synthesis office's figures and decisions reach each phòng's PC, and nothing else does.

Through the services, as the app and the commands call them; the commands themselves are
in ``tests/test_cli_feedback.py`` and the windows in ``tests/ui/test_feedback_ui.py``.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import select, update

from bkdesk.catalogue import PeriodKind
from bkdesk.exchange.feedback import read_feedback, write_feedback
from bkdesk.verdicts import Verdict
from db import key_store
from db.conflicts import Keep, list_conflicts, resolve_conflict
from db.database import Database
from db.demo import install_demo
from db.entry import set_override, set_target, set_value
from db.errors import StoreError
from db.exchange_models import DepartmentIdentity
from db.feedback_export import export_feedback
from db.feedback_import import FeedbackChoiceView, FeedbackStatus, import_feedback, list_choices
from db.feedback_import import Keep as Side
from db.feedback_import import choose as choose_side
from db.schema import open_database
from db.submission_import import ImportStatus, import_submissions
from db.tables import load_rows
from tests.fixtures.commands import dump
from tests.fixtures.exchange import OFFICE, YEAR, Phong, install_again, issue_phong


def shown(db: Database, code: str, kind: PeriodKind = PeriodKind.ESTIMATE) -> str:
    row = next(row for row in load_rows(db, YEAR) if row.indicator.code == code)
    return row.estimate if kind is PeriodKind.ESTIMATE else row.result


def take_in(office: Database, *files: Path) -> list[str]:
    outcomes = import_submissions(office, list(files), actor=OFFICE)
    assert all(o.status is ImportStatus.ACCEPTED for o in outcomes), [o.message for o in outcomes]
    return [o.message for o in outcomes]


def send_back(office: Database, folder: Path, code: str = "KT", name: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (name or f"{code}-phanhoi.json")
    export_feedback(office, code, YEAR, path, actor=OFFICE)
    return path


def both_moved(office: Database, kt: Phong, tmp_path: Path) -> FeedbackChoiceView:
    """KT sent A.11 1.400; the office then set 1.405 and KT 1.410 before the return file: the one choice."""
    kt.enter("A.11", "1.400")
    take_in(office, kt.submit(tmp_path / "out"))
    set_value(office, "A.11", YEAR, "1.405", actor=OFFICE)
    kt.enter("A.11", "1.410")
    (choice,) = import_feedback(kt.db, send_back(office, tmp_path / "back"), actor=kt.officer).choices
    return choice


@pytest.fixture
def kt(demo_db: Database, tmp_path: Path) -> Iterator[Phong]:
    made = issue_phong(demo_db, "KT", tmp_path / "pc-a")
    yield made
    made.db.dispose()


@pytest.fixture
def second_pc(kt: Phong, tmp_path: Path) -> Iterator[Phong]:
    made = install_again(kt, tmp_path / "pc-b")
    yield made
    made.db.dispose()


def test_the_setup_file_carries_the_offices_public_key_and_the_phong_keeps_it(kt: Phong) -> None:
    content = json.loads(kt.setup.read_text(encoding="utf-8"))
    office_key = content["payload"]["office_key"]
    with kt.db.read() as session:
        identity = session.scalar(select(DepartmentIdentity))
        assert identity is not None
        assert (identity.office_key_id, identity.office_public_key) == (office_key["key_id"], office_key["public_key"])


def test_after_the_office_keeps_its_figure_the_phong_shows_it_and_sends_no_new_conflict(
    demo_db: Database, kt: Phong, tmp_path: Path
) -> None:
    kt.enter("A.12", "57")
    set_value(demo_db, "A.12", YEAR, "60", actor=OFFICE)
    take_in(demo_db, kt.submit(tmp_path / "out"))
    (conflict,) = list_conflicts(demo_db, YEAR)
    resolve_conflict(demo_db, conflict.id, Keep.LOCAL, "theo số của Chi cục Thủy sản", actor=OFFICE)

    result = import_feedback(kt.db, send_back(demo_db, tmp_path / "back"), actor=kt.officer)

    assert result.status is FeedbackStatus.ACCEPTED
    assert shown(kt.db, "A.12") == "60"
    assert [(r.code, r.sent, r.city, r.resolution, r.reason) for r in result.resolutions] == [
        ("A.12", "57", "60", "local", "theo số của Chi cục Thủy sản")
    ]
    assert result.choices == ()
    # The phòng sends again without touching A.12: nothing to decide, the city keeps 60.
    kt.enter("A.11", "1.410")
    lines = take_in(demo_db, kt.submit(tmp_path / "out"))
    assert "1 giá trị thay đổi, 0 xung đột" in lines[0]
    assert shown(demo_db, "A.12") == "60"
    assert shown(demo_db, "A.11") == "1.410"
    assert list_conflicts(demo_db, YEAR) == []


def test_both_pcs_take_the_return_file_and_later_edits_of_either_are_taken(
    demo_db: Database, kt: Phong, second_pc: Phong, tmp_path: Path
) -> None:
    kt.enter("A.11", "1.400")
    take_in(demo_db, kt.submit(tmp_path / "a"))
    set_value(demo_db, "A.2", YEAR, "3.100", actor=OFFICE)
    back = send_back(demo_db, tmp_path / "back")
    import_feedback(kt.db, back, actor=kt.officer)
    import_feedback(second_pc.db, back, actor=second_pc.officer)
    # PC B never sent A.11: it now shows what PC A sent, as the city has it.
    assert [shown(pc.db, code) for pc in (kt, second_pc) for code in ("A.2", "A.11")] == ["3.100", "1.400"] * 2

    kt.enter("A.12", "57")
    second_pc.enter("A.2", "3.150")
    lines = take_in(demo_db, kt.submit(tmp_path / "a"), second_pc.submit(tmp_path / "b"))
    assert all("1 giá trị thay đổi, 0 xung đột" in line for line in lines), lines
    assert (shown(demo_db, "A.12"), shown(demo_db, "A.2"), shown(demo_db, "A.11")) == ("57", "3.150", "1.400")


def test_a_figure_edited_since_the_last_file_waits_for_a_choice_and_blocks_sending(
    demo_db: Database, kt: Phong, tmp_path: Path
) -> None:
    kt.enter("A.11", "1.400")
    take_in(demo_db, kt.submit(tmp_path / "out"))
    set_value(demo_db, "A.11", YEAR, "1.405", actor=OFFICE)
    kt.enter("A.11", "1.410")  # edited on the PC, not sent yet
    before = shown(kt.db, "A.11")

    result = import_feedback(kt.db, send_back(demo_db, tmp_path / "back"), actor=kt.officer)

    (choice,) = result.choices
    assert (choice.code, choice.city.value, choice.own.value, choice.base.value) == ("A.11", "1.405", "1.410", "1.400")
    assert shown(kt.db, "A.11") == before
    with pytest.raises(StoreError, match=r"Còn 1 số liệu ước thực hiện chờ chọn .*\(A\.11\)"):
        kt.submit(tmp_path / "out")
    assert [c.code for c in list_choices(kt.db)] == ["A.11"]


def test_an_edit_not_sent_yet_stays_without_a_question_where_the_city_did_not_move(
    demo_db: Database, kt: Phong, tmp_path: Path
) -> None:
    kt.enter("A.11", "1.400")
    take_in(demo_db, kt.submit(tmp_path / "out"))
    set_value(demo_db, "A.2", YEAR, "3.120", actor=OFFICE)
    kt.enter("A.11", "1.410")  # the city still has 1.400, what the PC sent

    result = import_feedback(kt.db, send_back(demo_db, tmp_path / "back"), actor=kt.officer)

    assert result.choices == ()
    assert (shown(kt.db, "A.11"), shown(kt.db, "A.2")) == ("1.410", "3.120")
    lines = take_in(demo_db, kt.submit(tmp_path / "out"))
    assert "1 giá trị thay đổi, 0 xung đột" in lines[0]
    assert (shown(demo_db, "A.11"), shown(demo_db, "A.2")) == ("1.410", "3.120")


def test_keeping_the_phongs_figure_sends_it_as_a_change_the_office_takes(
    demo_db: Database, kt: Phong, tmp_path: Path
) -> None:
    choice = both_moved(demo_db, kt, tmp_path)

    choose_side(kt.db, choice.id, Side.OWN, actor=kt.officer)

    assert shown(kt.db, "A.11") == "1.410"
    lines = take_in(demo_db, kt.submit(tmp_path / "out"))
    assert "1 giá trị thay đổi, 0 xung đột" in lines[0]
    assert shown(demo_db, "A.11") == "1.410"


def test_taking_the_citys_figure_shows_it_and_sends_nothing_new(demo_db: Database, kt: Phong, tmp_path: Path) -> None:
    choice = both_moved(demo_db, kt, tmp_path)

    choose_side(kt.db, choice.id, Side.CITY, actor=kt.officer)

    assert shown(kt.db, "A.11") == "1.405"
    set_value(demo_db, "A.11", YEAR, "1.406", actor=OFFICE)  # the city moves on: the phòng's file must not revert it
    lines = take_in(demo_db, kt.submit(tmp_path / "out"))
    assert "0 giá trị thay đổi, 0 xung đột" in lines[0]
    assert shown(demo_db, "A.11") == "1.406"
    assert list_choices(kt.db) == []


def test_targets_and_verdict_overrides_come_with_the_figures(demo_db: Database, kt: Phong, tmp_path: Path) -> None:
    set_target(demo_db, "A.11", YEAR, "1.500", actor=OFFICE, reason="Nghị quyết điều chỉnh")
    set_override(demo_db, "A.11", YEAR, Verdict.ACHIEVED, "đã tính cả đàn mới nhập", actor=OFFICE)

    result = import_feedback(kt.db, send_back(demo_db, tmp_path / "back"), actor=kt.officer)

    assert (result.targets, result.verdicts) == (1, 1)
    row = next(row for row in load_rows(kt.db, YEAR) if row.indicator.code == "A.11")
    assert row.target == "1.500"


def test_the_same_return_file_again_changes_nothing_and_an_older_one_is_refused(
    demo_db: Database, kt: Phong, tmp_path: Path
) -> None:
    first = send_back(demo_db, tmp_path / "back", name="1.json")
    second = send_back(demo_db, tmp_path / "back", name="2.json")
    assert import_feedback(kt.db, second, actor=kt.officer).status is FeedbackStatus.ACCEPTED
    before = dump(kt.db.path)  # type: ignore[arg-type]

    assert import_feedback(kt.db, second, actor=kt.officer).status is FeedbackStatus.UNCHANGED
    with pytest.raises(StoreError, match=r"Tệp phản hồi 1\.json: tệp lập lúc .*, cũ hơn tệp phản hồi đã nhận"):
        import_feedback(kt.db, first, actor=kt.officer)
    assert dump(kt.db.path) == before  # type: ignore[arg-type]


def test_a_return_file_for_another_phong_is_refused(demo_db: Database, kt: Phong, tmp_path: Path) -> None:
    other = issue_phong(demo_db, "TCKH", tmp_path / "tckh")
    other.db.dispose()
    before = dump(kt.db.path)  # type: ignore[arg-type]
    with pytest.raises(StoreError, match=r"tệp dành cho phòng TCKH .*; máy này là của phòng KT"):
        import_feedback(kt.db, send_back(demo_db, tmp_path / "back", "TCKH"), actor=kt.officer)
    assert dump(kt.db.path) == before  # type: ignore[arg-type]


def test_a_return_file_signed_with_a_phongs_key_is_refused(demo_db: Database, kt: Phong, tmp_path: Path) -> None:
    genuine = read_feedback(send_back(demo_db, tmp_path / "back").read_bytes()).feedback
    with kt.db.read() as session:
        identity = session.scalar(select(DepartmentIdentity))
        assert identity is not None
        private = key_store.load_key(identity.key_store, identity.sealed_key, identity.setup_id)
        key_id = identity.key_id
    assert private is not None
    forged = tmp_path / "gia.json"
    forged.write_bytes(write_feedback(dataclasses.replace(genuine, key_id=key_id, feedback_id=_uuid()), private))
    with pytest.raises(StoreError, match="ký bằng khóa của phòng, không phải khóa của văn phòng tổng hợp"):
        import_feedback(kt.db, forged, actor=kt.officer)


def test_a_return_file_of_another_citys_office_is_refused(kt: Phong, tmp_path: Path) -> None:
    elsewhere = open_database(tmp_path / "thanh-pho-khac.sqlite")
    install_demo(elsewhere)
    issue_phong(elsewhere, "KT", tmp_path / "khac").db.dispose()
    with pytest.raises(StoreError, match=r"ký bằng khóa [0-9a-f]{16}, không phải khóa [0-9a-f]{16} của văn phòng"):
        import_feedback(kt.db, send_back(elsewhere, tmp_path / "back"), actor=kt.officer)
    elsewhere.dispose()


def test_a_return_file_changed_after_signing_is_refused(demo_db: Database, kt: Phong, tmp_path: Path) -> None:
    path = send_back(demo_db, tmp_path / "back")
    content = path.read_text(encoding="utf-8")
    assert '"value": "1.424"' in content
    path.write_text(content.replace('"value": "1.424"', '"value": "1.524"', 1), encoding="utf-8")
    with pytest.raises(StoreError, match="chữ ký không khớp: tệp đã bị sửa"):
        import_feedback(kt.db, path, actor=kt.officer)
    assert shown(kt.db, "A.11") == "1.424"


def test_a_return_file_made_before_the_office_took_the_phongs_last_file_is_refused(
    demo_db: Database, kt: Phong, tmp_path: Path
) -> None:
    kt.enter("A.11", "1.400")
    kt.submit(tmp_path / "out")  # not yet imported at the office
    with pytest.raises(StoreError, match=r"chưa nhận tệp nộp số thứ tự 1 của máy này \(chưa nhận tệp nào"):
        import_feedback(kt.db, send_back(demo_db, tmp_path / "back"), actor=kt.officer)
    assert shown(kt.db, "A.11") == "1.400"


def test_a_phong_set_up_before_the_office_key_is_told_to_get_a_new_setup_file(
    demo_db: Database, kt: Phong, tmp_path: Path
) -> None:
    with kt.db.begin() as session:
        session.execute(update(DepartmentIdentity).values(office_key_id="", office_public_key=""))
    with pytest.raises(StoreError, match=r"cấp trước khi văn phòng tổng hợp có khóa ký.*cấp lại tệp thiết lập"):
        import_feedback(kt.db, send_back(demo_db, tmp_path / "back"), actor=kt.officer)


def test_the_office_makes_no_return_file_while_the_phong_has_open_conflicts(
    demo_db: Database, kt: Phong, tmp_path: Path
) -> None:
    kt.enter("A.12", "57")
    set_value(demo_db, "A.12", YEAR, "60", actor=OFFICE)
    take_in(demo_db, kt.submit(tmp_path / "out"))
    out = tmp_path / "back" / "KT.json"
    with pytest.raises(StoreError, match=r"Phòng KT còn 1 xung đột chưa giải quyết năm 2020 \(A\.12\)"):
        export_feedback(demo_db, "KT", YEAR, out, actor=OFFICE)
    assert not out.exists()


def test_a_submission_made_from_a_return_file_the_office_lost_is_all_conflicts(
    tmp_path: Path, kt: Phong, demo_db: Database
) -> None:
    """The office restored a copy older than its return file: the phòng's edits are not taken blindly."""
    saved = tmp_path / "office-before.sqlite"
    assert demo_db.path is not None
    with closing(sqlite3.connect(demo_db.path)) as source, closing(sqlite3.connect(saved)) as target:
        source.backup(target)
    import_feedback(kt.db, send_back(demo_db, tmp_path / "back"), actor=kt.officer)
    older = open_database(saved)
    kt.enter("A.11", "1.410")
    outcomes = import_submissions(older, [kt.submit(tmp_path / "out")], actor=OFFICE)
    assert outcomes[0].status is ImportStatus.ACCEPTED
    assert "tệp phản hồi mà cơ sở dữ liệu này không có" in outcomes[0].message
    assert [c.indicator_code for c in list_conflicts(older, YEAR)] == ["A.11"]
    older.dispose()


def _uuid() -> str:
    import uuid

    return str(uuid.uuid4())
