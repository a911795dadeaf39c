"""The exchange services on real databases: issue, setup, export, import, merge, conflicts, status, locking."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bkdesk.catalogue import PeriodKind
from db.conflicts import Keep, list_conflicts, resolve_conflict
from db.database import Database
from db.department_setup import install_setup
from db.entry import set_value
from db.errors import InvalidInput, StoreError
from db.exchange_models import ImportedSubmission, ValueProvenance
from db.issue import issue_department
from db.locking import lock_period, unlock_period
from db.models import IndicatorRow, ValueRow
from db.roles import database_role
from db.schema import open_database
from db.status import completeness
from db.submission_export import export_submission
from db.submission_import import ImportStatus, import_submissions
from db.tables import load_rows
from db.template_export import export_template

YEAR = 2020
OFFICE = "văn thư tổng hợp"
OFFICER = "cán bộ phòng KT"


def estimate(db: Database, code: str) -> tuple[str, str]:
    row = next(r for r in load_rows(db, YEAR) if r.indicator.code == code)
    return row.estimate, row.note


@pytest.fixture
def kt(demo_db: Database, tmp_path: Path) -> Iterator[Database]:
    """Phòng Kinh tế's own database, made from the setup file the synthesis office issued."""
    issued = issue_department(demo_db, "KT", YEAR, tmp_path / "kt.setup", actor=OFFICE)
    (tmp_path / "kt.passphrase").write_text(issued.passphrase, encoding="utf-8")
    database = open_database(tmp_path / "kt.sqlite")
    install_setup(database, tmp_path / "kt.setup", actor=OFFICER, passphrase=issued.passphrase)
    yield database
    database.dispose()


def submit(db: Database, path: Path) -> Path:
    export_submission(db, YEAR, PeriodKind.ESTIMATE, path, actor=OFFICER)
    return path


def test_setup_makes_a_database_for_that_phong_alone(kt: Database, demo_db: Database) -> None:
    role = database_role(kt)
    assert not role.is_synthesis and role.department is not None
    assert (role.department.code, role.department.name) == ("KT", "Phòng Kinh tế")
    assert database_role(demo_db).is_synthesis
    rows = load_rows(kt, YEAR)
    own = [r for r in rows if r.indicator.department == "KT"]
    assert len(own) == 29 and estimate(kt, "A.8") == ("21.246", "")
    # Rows above the phòng's are there for the form to read as the table does, without figures.
    assert {r.indicator.code for r in rows if r.indicator.department != "KT"} <= {"A", "B", "C", "C.1"}
    assert all(not r.estimate for r in rows if r.indicator.department != "KT")


def test_the_same_setup_twice_changes_nothing_and_other_databases_refuse_it(
    kt: Database, demo_db: Database, tmp_path: Path
) -> None:
    passphrase = (tmp_path / "kt.passphrase").read_text(encoding="utf-8")
    assert install_setup(kt, tmp_path / "kt.setup", actor=OFFICER, passphrase=passphrase).already_installed
    with pytest.raises(StoreError, match="văn phòng tổng hợp"):
        install_setup(demo_db, tmp_path / "kt.setup", actor=OFFICE, passphrase=passphrase)
    yt = issue_department(demo_db, "YT", YEAR, tmp_path / "yt.setup", actor=OFFICE)
    with pytest.raises(StoreError, match="thuộc phòng KT"):
        install_setup(kt, tmp_path / "yt.setup", actor=OFFICER, passphrase=yt.passphrase)


def test_each_side_refuses_the_other_sides_commands(kt: Database, demo_db: Database, tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="Chỉ văn phòng tổng hợp mới cấp tệp thiết lập"):
        issue_department(kt, "KT", YEAR, tmp_path / "x.setup", actor=OFFICER)
    with pytest.raises(StoreError, match="Chỉ văn phòng tổng hợp mới nhập tệp nộp"):
        import_submissions(kt, [tmp_path / "x.json"], actor=OFFICER)
    with pytest.raises(StoreError, match="Chỉ cơ sở dữ liệu của một phòng"):
        export_submission(demo_db, YEAR, PeriodKind.ESTIMATE, tmp_path / "x.json", actor=OFFICE)
    with pytest.raises(StoreError, match="thuộc Phòng Tài chính - Kế hoạch"):
        set_value(kt, "A", YEAR, "1", actor=OFFICER)
    assert set_value(kt, "A.2", YEAR, "3.100", actor=OFFICER)


def test_a_submission_is_merged_with_provenance_and_audit(kt: Database, demo_db: Database, tmp_path: Path) -> None:
    set_value(kt, "A.2", YEAR, "3100", note="ước lại theo tháng 11", actor=OFFICER)
    set_value(kt, "A.3", YEAR, "", actor=OFFICER)
    outcome = import_submissions(demo_db, [submit(kt, tmp_path / "kt-1.json")], actor=OFFICE)[0]
    assert outcome.status is ImportStatus.ACCEPTED
    assert (outcome.department, outcome.sequence, outcome.values_changed, outcome.conflicts) == ("KT", 1, 2, 0)
    assert estimate(demo_db, "A.2") == ("3.100", "ước lại theo tháng 11")
    assert estimate(demo_db, "A.3") == ("", "")  # cleared at the phòng, cleared here
    # The table's printed verdict was for the old figure: dropped, in the database as in the audit.
    assert next(r for r in load_rows(demo_db, YEAR) if r.indicator.code == "A.2").reported_verdict is None
    with demo_db.read() as session:
        value = session.scalar(select(ValueRow).join(IndicatorRow).where(IndicatorRow.code == "A.2"))
        assert value is not None and "kt-1.json" in value.source and "số thứ tự 1" in value.source
        origin = session.scalar(select(ValueProvenance).where(ValueProvenance.indicator_id == value.indicator_id))
        submission = session.get(ImportedSubmission, origin.submission_id) if origin else None
        assert submission is not None
        assert (submission.sequence, submission.signed, submission.file_name) == (1, True, "kt-1.json")
        assert len(submission.sha256) == 64
    from db.audit import history

    changes = [e for e in history(demo_db, YEAR, "A.2") if e.action == "sửa giá trị"]
    assert (changes[-1].old, changes[-1].new, changes[-1].actor) == ("3.050", "3.100", OFFICE)
    assert "kt-1.json" in changes[-1].source


def test_same_file_is_unchanged_and_an_older_one_is_refused(kt: Database, demo_db: Database, tmp_path: Path) -> None:
    first = submit(kt, tmp_path / "kt-1.json")
    set_value(kt, "A.2", YEAR, "3.300", actor=OFFICER)
    second = submit(kt, tmp_path / "kt-2.json")
    done: list[tuple[int, int]] = []
    outcomes = import_submissions(demo_db, [second, first], actor=OFFICE, progress=lambda d, t: done.append((d, t)))
    assert [o.status for o in outcomes] == [ImportStatus.ACCEPTED, ImportStatus.ACCEPTED]  # oldest applied first
    assert done == [(1, 2), (2, 2)]
    assert estimate(demo_db, "A.2")[0] == "3.300"
    again = import_submissions(demo_db, [second], actor=OFFICE)[0]
    assert again.status is ImportStatus.UNCHANGED and "đã được nhập" in again.reason
    copy = tmp_path / "ban-sao.json"
    copy.write_bytes(second.read_bytes())
    assert import_submissions(demo_db, [copy], actor=OFFICE)[0].status is ImportStatus.UNCHANGED
    set_value(kt, "A.2", YEAR, "3.400", actor=OFFICER)
    third = submit(kt, tmp_path / "kt-3.json")
    set_value(kt, "A.2", YEAR, "3.500", actor=OFFICER)
    fourth = submit(kt, tmp_path / "kt-4.json")
    early = import_submissions(demo_db, [fourth], actor=OFFICE)[0]
    # Made from file 3, which the office never got: the figure the phòng edited is a conflict, not taken.
    assert (early.status, early.values_changed, early.conflicts) == (ImportStatus.ACCEPTED, 0, 1)
    assert "số thứ tự 3" in early.message and "chưa nhận" in early.message
    late = import_submissions(demo_db, [third], actor=OFFICE)[0]
    assert late.status is ImportStatus.REFUSED
    assert "số thứ tự 3 không mới hơn số thứ tự 4" in late.reason
    assert estimate(demo_db, "A.2")[0] == "3.300"


def test_both_sides_changing_a_value_is_a_conflict_a_person_resolves(
    kt: Database, demo_db: Database, tmp_path: Path
) -> None:
    set_value(demo_db, "A.3", YEAR, "470", actor=OFFICE)
    set_value(kt, "A.3", YEAR, "480", actor=OFFICER)
    set_value(kt, "A.6", YEAR, "4.400", actor=OFFICER)
    outcome = import_submissions(demo_db, [submit(kt, tmp_path / "kt-1.json")], actor=OFFICE)[0]
    assert (outcome.values_changed, outcome.conflicts) == (1, 1)
    assert estimate(demo_db, "A.3")[0] == "470"  # local kept until someone decides
    assert estimate(demo_db, "A.6")[0] == "4.400"
    [conflict] = list_conflicts(demo_db, YEAR)
    assert (conflict.indicator_code, conflict.field, conflict.base, conflict.local, conflict.incoming) == (
        "A.3",
        "value",
        "460,1",
        "470",
        "480",
    )
    assert (conflict.department_code, conflict.sequence, conflict.file_name) == ("KT", 1, "kt-1.json")
    with pytest.raises(InvalidInput, match="Cần ghi lý do"):
        resolve_conflict(demo_db, conflict.id, Keep.INCOMING, "  ", actor=OFFICE)
    result = resolve_conflict(demo_db, conflict.id, Keep.INCOMING, "Phòng KT đã xác nhận", actor=OFFICE)
    assert result.changed and estimate(demo_db, "A.3")[0] == "480"
    assert list_conflicts(demo_db, YEAR) == []
    assert list_conflicts(demo_db, YEAR, include_closed=True)[0].resolution == "incoming"
    with pytest.raises(StoreError, match="đã đóng"):
        resolve_conflict(demo_db, conflict.id, Keep.LOCAL, "lần nữa", actor=OFFICE)
    from db.audit import history

    actions = [(e.action, e.reason) for e in history(demo_db, YEAR, "A.3")]
    assert ("giải quyết xung đột", "giữ giá trị trong tệp: Phòng KT đã xác nhận") in actions


def test_keeping_local_changes_no_value_and_a_later_file_settles_or_supersedes(
    kt: Database, demo_db: Database, tmp_path: Path
) -> None:
    set_value(demo_db, "A.3", YEAR, "470", actor=OFFICE)
    set_value(demo_db, "A.6", YEAR, "4.000", actor=OFFICE)
    set_value(kt, "A.3", YEAR, "480", actor=OFFICER)
    set_value(kt, "A.6", YEAR, "4.100", actor=OFFICER)
    import_submissions(demo_db, [submit(kt, tmp_path / "kt-1.json")], actor=OFFICE)
    a3, a6 = list_conflicts(demo_db, YEAR)
    assert not resolve_conflict(demo_db, a6.id, Keep.LOCAL, "Số của Cục Thống kê", actor=OFFICE).changed
    assert estimate(demo_db, "A.6")[0] == "4.000"
    set_value(kt, "A.3", YEAR, "470", actor=OFFICER)  # the phòng comes round to the office's figure
    import_submissions(demo_db, [submit(kt, tmp_path / "kt-2.json")], actor=OFFICE)
    assert list_conflicts(demo_db, YEAR) == []
    closed = {c.id: c for c in list_conflicts(demo_db, YEAR, include_closed=True)}
    assert closed[a3.id].status == "settled"
    set_value(kt, "A.6", YEAR, "4.200", actor=OFFICER)  # base is now 4.100, local 4.000: a new conflict
    import_submissions(demo_db, [submit(kt, tmp_path / "kt-3.json")], actor=OFFICE)
    [open_one] = list_conflicts(demo_db, YEAR)
    assert (open_one.indicator_code, open_one.base, open_one.local, open_one.incoming) == (
        "A.6",
        "4.100",
        "4.000",
        "4.200",
    )


def test_reissuing_makes_a_new_key_continues_the_sequence_and_resets_the_base(
    kt: Database, demo_db: Database, tmp_path: Path
) -> None:
    set_value(kt, "A.2", YEAR, "3.100", actor=OFFICER)
    import_submissions(demo_db, [submit(kt, tmp_path / "kt-1.json")], actor=OFFICE)
    set_value(kt, "A.2", YEAR, "3.150", actor=OFFICER)
    old_pc_file = submit(kt, tmp_path / "kt-2-old-pc.json")
    set_value(demo_db, "A.3", YEAR, "470", actor=OFFICE)
    again = issue_department(demo_db, "KT", YEAR, tmp_path / "kt-new.setup", actor=OFFICE)
    assert again.reissued and again.sequence == 1
    new_pc = open_database(tmp_path / "kt-new-pc.sqlite")
    try:
        result = install_setup(new_pc, tmp_path / "kt-new.setup", actor=OFFICER, passphrase=again.passphrase)
        assert result.next_sequence == 2 and estimate(new_pc, "A.3")[0] == "470"
        refused = import_submissions(demo_db, [old_pc_file], actor=OFFICE)[0]
        assert refused.status is ImportStatus.REFUSED and "khóa cũ" in refused.reason
        set_value(new_pc, "A.2", YEAR, "3.200", actor=OFFICER)
        outcome = import_submissions(demo_db, [submit(new_pc, tmp_path / "kt-2-new-pc.json")], actor=OFFICE)[0]
        assert (outcome.status, outcome.sequence, outcome.conflicts) == (ImportStatus.ACCEPTED, 2, 0)
        assert estimate(demo_db, "A.2")[0] == "3.200" and estimate(demo_db, "A.3")[0] == "470"
    finally:
        new_pc.dispose()


def test_a_locked_period_refuses_imports_until_unlocked(kt: Database, demo_db: Database, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="Cần ghi lý do"):
        lock_period(demo_db, YEAR, None, "", actor=OFFICE)
    changes = lock_period(demo_db, YEAR, None, "Đã trình HĐND", actor=OFFICE)
    assert [(c.kind, c.changed) for c in changes] == [(PeriodKind.ESTIMATE, True), (PeriodKind.RESULT, True)]
    assert not lock_period(demo_db, YEAR, [PeriodKind.ESTIMATE], "lần nữa", actor=OFFICE)[0].changed
    set_value(kt, "A.2", YEAR, "3.100", actor=OFFICER)
    file = submit(kt, tmp_path / "kt-1.json")
    refused = import_submissions(demo_db, [file], actor=OFFICE)[0]
    assert refused.status is ImportStatus.REFUSED and "đã được chốt (Đã trình HĐND)" in refused.reason
    with pytest.raises(StoreError, match="đã được chốt"):
        set_value(demo_db, "A.2", YEAR, "1", actor=OFFICE)
    unlock_period(demo_db, YEAR, [PeriodKind.ESTIMATE], "Bổ sung số liệu phòng KT", actor=OFFICE)
    assert import_submissions(demo_db, [file], actor=OFFICE)[0].status is ImportStatus.ACCEPTED
    from db.audit import history

    locks = [(e.action, e.period, e.reason) for e in history(demo_db, YEAR) if "khóa" in e.action or "chốt" in e.action]
    assert locks == [
        ("chốt số liệu", "uoc", "Đã trình HĐND"),
        ("chốt số liệu", "thuc-hien", "Đã trình HĐND"),
        ("mở khóa số liệu", "uoc", "Bổ sung số liệu phòng KT"),
    ]


def test_status_counts_assigned_entered_and_the_last_submission(
    kt: Database, demo_db: Database, tmp_path: Path
) -> None:
    before = {line.code: line for line in completeness(demo_db, YEAR)}
    assert before["KT"].last_sequence is None and before["KT"].signed is None
    assert (before["KT"].assigned, before["KT"].sent, before["KT"].entered) == (28, 0, 27)
    set_value(kt, "A.2", YEAR, "", actor=OFFICER)
    set_value(demo_db, "A.3", YEAR, "470", actor=OFFICE)
    set_value(kt, "A.3", YEAR, "480", actor=OFFICER)
    import_submissions(demo_db, [submit(kt, tmp_path / "kt-1.json")], actor=OFFICE)
    after = {line.code: line for line in completeness(demo_db, YEAR)}
    kt_line = after["KT"]
    assert (
        kt_line.assigned,
        kt_line.sent,
        kt_line.entered,
        kt_line.last_sequence,
        kt_line.signed,
        kt_line.open_conflicts,
    ) == (28, 0, 26, 1, True, 1)
    assert kt_line.last_received_at is not None
    assert after["YT"].last_received_at is None


def test_a_filled_template_needs_consent_and_merges_against_what_was_written_in_it(
    kt: Database, demo_db: Database, tmp_path: Path
) -> None:
    import io

    from openpyxl import load_workbook

    set_value(demo_db, "A.6", YEAR, "4.400", actor=OFFICE)
    export_template(demo_db, "KT", YEAR, PeriodKind.ESTIMATE, tmp_path / "kt.xlsx")
    workbook = load_workbook(tmp_path / "kt.xlsx")
    sheet = workbook["Nhập số liệu"]
    row = next(r for r in range(4, 40) if sheet.cell(r, 7).value == "A.3")
    assert sheet.cell(row - 1, 7).value == "A.2" and sheet.cell(row + 1, 5).value == "4.400"
    sheet.cell(row, 5).value = "470"
    buffer = io.BytesIO()
    workbook.save(buffer)
    filled = tmp_path / "kt-filled.xlsx"
    filled.write_bytes(buffer.getvalue())
    refused = import_submissions(demo_db, [filled], actor=OFFICE)[0]
    assert refused.status is ImportStatus.REFUSED and "--accept-unsigned" in refused.reason
    accepted = import_submissions(demo_db, [filled], actor=OFFICE, accept_unsigned=True)[0]
    assert (accepted.status, accepted.signed, accepted.sequence, accepted.values_changed) == (
        ImportStatus.ACCEPTED,
        False,
        None,
        1,
    )
    assert estimate(demo_db, "A.3")[0] == "470" and estimate(demo_db, "A.6")[0] == "4.400"
    # The phòng's own bkdesk never saw 4.400: its next file still says 4.368, which is not a change of its own.
    set_value(kt, "A.2", YEAR, "3.100", actor=OFFICER)
    outcome = import_submissions(demo_db, [submit(kt, tmp_path / "kt-1.json")], actor=OFFICE)[0]
    assert outcome.values_changed == 1 and estimate(demo_db, "A.6")[0] == "4.400"
    line = {s.code: s for s in completeness(demo_db, YEAR)}["KT"]
    assert (line.last_sequence, line.signed) == (1, True)


def test_write_value_with_prepared_rows_stores_and_audits_as_without(demo_db: Database) -> None:
    from db import audit
    from db.entry import Prepared, write_value
    from db.tables import find_period

    def trail(code: str) -> list[tuple[str, str, str, str, str]]:
        return [(e.action, e.field, e.old, e.new, e.source) for e in audit.history(demo_db, YEAR, code)]

    with demo_db.begin() as session:
        write_value(session, "A.2", YEAR, PeriodKind.ESTIMATE, "3100", note="ghi", actor=OFFICE, source="tệp x")
    with demo_db.begin() as session:
        period = find_period(session, YEAR, PeriodKind.ESTIMATE)
        assert period is not None
        indicator = session.scalars(select(IndicatorRow).where(IndicatorRow.code == "A.3")).one()
        value = session.scalars(select(ValueRow).where(ValueRow.indicator_id == indicator.id)).first()
        assert value is not None
        prepared = Prepared({"A.3": indicator}, {indicator.id}, period, {indicator.id: value})
        with audit.batched(session):
            write_value(
                session,
                "A.3",
                YEAR,
                PeriodKind.ESTIMATE,
                "470",
                note="ghi",
                actor=OFFICE,
                source="tệp x",
                prepared=prepared,
            )
            session.flush()
    assert estimate(demo_db, "A.2") == ("3.100", "ghi") and estimate(demo_db, "A.3") == ("470", "ghi")
    assert trail("A.2")[-3:] == [
        ("sửa giá trị", "value", "3.050", "3.100", "tệp x"),
        ("sửa ghi chú", "note", "", "ghi", "tệp x"),
        ("bỏ đánh giá trong biểu", "reported_verdict", "Không đạt", "", "tệp x"),
    ]
    assert trail("A.3")[-3:] == [
        ("sửa giá trị", "value", "460,1", "470", "tệp x"),
        ("sửa ghi chú", "note", "", "ghi", "tệp x"),
        ("bỏ đánh giá trong biểu", "reported_verdict", "Không đạt", "", "tệp x"),
    ]
