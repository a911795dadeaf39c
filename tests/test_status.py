"""*Tình hình nộp* on real databases: one count of indicators, the phòng's own figures, its last file, the deadline."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bkdesk.catalogue import PeriodKind, is_heading
from bkdesk.deadline import local_day
from bkdesk.exchange.times import local_date, local_text
from bkdesk.reports.settings import format_date
from db.audit import history
from db.conflicts import Keep, list_conflicts, resolve_conflict
from db.database import Database
from db.department_setup import install_setup
from db.entry import set_value
from db.errors import InvalidInput, StoreError
from db.issue import issue_department
from db.locking import lock_period
from db.schema import open_database
from db.status import (
    DepartmentStatus,
    StatusReport,
    doubled_texts,
    installation_text,
    installations_cell,
    load_deadline,
    set_deadline,
    status_report,
)
from db.submission_export import export_submission
from db.submission_import import ImportStatus, import_submissions
from db.tables import load_rows
from db.template_export import export_template
from tests.fixtures.commands import dump
from tests.fixtures.exchange import OFFICE, YEAR, Phong, filled_template, issue_phong
from tests.fixtures.workbooks import rewrite_member

ESTIMATE = PeriodKind.ESTIMATE


@pytest.fixture
def kt(demo_db: Database, tmp_path: Path) -> Iterator[Phong]:
    made = issue_phong(demo_db, "KT", tmp_path / "phong")
    yield made
    made.db.dispose()


def lines(db: Database, today: date | None = None) -> dict[str, DepartmentStatus]:
    return {line.code: line for line in status_report(db, YEAR, today=today).lines}


def take(db: Database, *files: Path, accept_unsigned: bool = False) -> None:
    outcomes = import_submissions(db, list(files), actor=OFFICE, accept_unsigned=accept_unsigned)
    assert all(o.status is ImportStatus.ACCEPTED for o in outcomes), [o.message for o in outcomes]


def test_the_count_of_a_phongs_indicators_is_the_same_everywhere(demo_db: Database, tmp_path: Path) -> None:
    """KT has 29 rows of its own in the demo; A.15 "Xây dựng NTM" is a heading over its two figures: 28."""
    issued = issue_department(demo_db, "KT", YEAR, tmp_path / "kt.setup", actor=OFFICE)
    phong = open_database(tmp_path / "kt.sqlite")
    try:
        installed = install_setup(phong, tmp_path / "kt.setup", actor="cán bộ KT", passphrase=issued.passphrase)
        # What the phòng's grid takes figures on: its rows that are no heading.
        rows = [r for r in load_rows(phong, YEAR) if r.indicator.department == "KT"]
        grid = sum(1 for r in rows if not is_heading(r.indicator, r.target, r.target_other_year))
        sent = export_submission(phong, YEAR, ESTIMATE, tmp_path / "kt-1.json", actor="cán bộ KT")
    finally:
        phong.dispose()
    template = export_template(demo_db, "KT", YEAR, ESTIMATE, tmp_path / "kt.xlsx")
    status = lines(demo_db)["KT"]
    counts = {
        "grid": grid,
        "issue-department": issued.rows,
        "setup": installed.rows,
        "export-submission": sent.values,
        "export-template": template.rows,
        "status": status.assigned,
    }
    assert counts == dict.fromkeys(counts, 28), counts
    assert len(rows) == 29 and "A.15" in {r.indicator.code for r in rows}
    # 27 of the 28 have a figure: B.7 "Trồng rừng" (a unit, no target) is empty in the report.
    assert (sent.entered, status.entered) == (27, 27)


def test_only_figures_that_came_from_the_phongs_own_files_count_as_sent(
    kt: Phong, demo_db: Database, tmp_path: Path
) -> None:
    kt.enter("A.2", "3.100")  # its own figure
    kt.enter("A.3", "")  # cleared: nothing of its own in the table
    set_value(kt.db, "A.8", YEAR, None, note="Theo báo cáo tháng 11", actor=kt.officer)  # the note alone
    kt.enter("A.6", "4.500")
    kt.enter("A.7", "6")
    set_value(demo_db, "A.6", YEAR, "4.400", actor=OFFICE)  # both sides changed: two conflicts
    set_value(demo_db, "A.7", YEAR, "7", actor=OFFICE)
    set_value(demo_db, "B.7", YEAR, "95", actor=OFFICE)  # the office's own figure
    take(demo_db, kt.submit(tmp_path))
    line = lines(demo_db)["KT"]
    assert (line.assigned, line.sent, line.entered, line.open_conflicts) == (28, 1, 27, 2)

    conflicts = {c.indicator_code: c.id for c in list_conflicts(demo_db, YEAR)}
    resolve_conflict(demo_db, conflicts["A.6"], Keep.INCOMING, "Số của phòng đã đối chiếu", actor=OFFICE)
    resolve_conflict(demo_db, conflicts["A.7"], Keep.LOCAL, "Giữ số của Chi cục Thống kê", actor=OFFICE)
    line = lines(demo_db)["KT"]
    assert (line.sent, line.open_conflicts) == (2, 0)  # A.2, and A.6 taken from its file

    set_value(demo_db, "A.2", YEAR, "3.120", actor=OFFICE)  # typed over by the office
    assert lines(demo_db)["KT"].sent == 1

    kt.enter("A.12", "60")  # a second file: its figure joins those of the first
    take(demo_db, kt.submit(tmp_path))
    line = lines(demo_db)["KT"]
    assert (line.sent, line.last_sequence, line.signed) == (2, 2, True)
    assert line.last_file is not None and line.last_file.name == "KT-2020-uoc-so2.json"


def test_a_filled_templates_line_shows_when_it_was_saved_and_when_it_arrived(demo_db: Database, tmp_path: Path) -> None:
    path = filled_template(demo_db, "YT", tmp_path / "yt.xlsx", {"C.2.1": "13,9", "C.2.3": "8"})
    with zipfile.ZipFile(path) as archive:
        core = archive.read("docProps/core.xml")
    stamp = re.search(rb"<dcterms:modified [^>]*>[^<]*</dcterms:modified>", core)
    assert stamp is not None
    saved = b'<dcterms:modified xsi:type="dcterms:W3CDTF">2020-12-14T03:04:00Z</dcterms:modified>'
    rewrite_member(path, "docProps/core.xml", stamp.group(0), saved)  # as Excel writes it on saving
    before = datetime.now(UTC)
    take(demo_db, path, accept_unsigned=True)
    line = lines(demo_db)["YT"]
    assert line.last_file is not None
    last = line.last_file
    assert (last.name, last.template, last.signed, last.sequence) == ("yt.xlsx", True, False, None)
    assert last.made_at == datetime(2020, 12, 14, 3, 4, tzinfo=UTC)
    assert last.received_at >= before.replace(microsecond=0) and line.first_received_at == last.received_at
    assert (line.assigned, line.sent, line.issued_at) == (8, 2, None)


def test_the_deadline_is_kept_per_year_and_period_with_its_history(kt: Phong, demo_db: Database, db_path: Path) -> None:
    change = set_deadline(demo_db, YEAR, ESTIMATE, "15/12/2020", actor=OFFICE)
    assert (change.old, change.new, change.changed) == (None, date(2020, 12, 15), True)
    assert load_deadline(demo_db, YEAR, ESTIMATE) == date(2020, 12, 15)
    assert load_deadline(demo_db, YEAR, PeriodKind.RESULT) is None
    assert not set_deadline(demo_db, YEAR, ESTIMATE, "15/12/2020", actor=OFFICE).changed
    set_deadline(demo_db, YEAR, ESTIMATE, "18/12/2020", actor=OFFICE)
    entries = [(e.action, e.period, e.old, e.new, e.actor) for e in history(demo_db, YEAR) if e.action == "đặt hạn nộp"]
    assert entries == [
        ("đặt hạn nộp", "uoc", "", "15/12/2020", OFFICE),
        ("đặt hạn nộp", "uoc", "15/12/2020", "18/12/2020", OFFICE),
    ]

    before = dump(db_path)
    for text, message in (
        ("31/02/2020", "Hạn nộp «31/02/2020»: tháng 2 năm 2020 không có ngày 31"),
        ("15/12/2019", "Hạn nộp 15/12/2019 trước năm 2020"),
        ("mai", "ngày phải viết theo dạng ngày/tháng/năm"),
    ):
        with pytest.raises(InvalidInput, match=re.escape(message)):
            set_deadline(demo_db, YEAR, ESTIMATE, text, actor=OFFICE)
    with pytest.raises(StoreError, match="Chưa có biểu chỉ tiêu năm 2031"):
        set_deadline(demo_db, 2031, ESTIMATE, "15/12/2031", actor=OFFICE)
    with pytest.raises(StoreError, match="Chỉ văn phòng tổng hợp mới đặt hạn nộp"):
        set_deadline(kt.db, YEAR, ESTIMATE, "15/12/2020", actor=kt.officer)
    assert dump(db_path) == before

    assert set_deadline(demo_db, YEAR, ESTIMATE, "", actor=OFFICE).new is None
    assert load_deadline(demo_db, YEAR, ESTIMATE) is None
    assert history(demo_db, YEAR)[-1].old == "18/12/2020" and history(demo_db, YEAR)[-1].new == ""


def test_the_deadline_marks_who_is_late_and_silent_phong_say_when_they_were_issued(
    kt: Phong, demo_db: Database, tmp_path: Path
) -> None:
    yt = issue_phong(demo_db, "YT", tmp_path / "phong")
    yt.db.dispose()
    take(demo_db, kt.submit(tmp_path))
    report = status_report(demo_db, YEAR)
    found = {line.code: line for line in report.lines}
    assert report.deadline is None and not report.late
    assert found["KT"].standing.text == "đã nộp"
    assert found["YT"].issued_at is not None
    issued = format_date(local_day(found["YT"].issued_at))
    assert found["YT"].standing.text == f"đã cấp tệp thiết lập ngày {issued}, chưa nộp"
    assert found["TNMT"].standing.text == "chưa nộp"

    set_deadline(demo_db, YEAR, ESTIMATE, "15/12/2020", actor=OFFICE)  # long past
    report = status_report(demo_db, YEAR)
    found = {line.code: line for line in report.lines}
    received = found["KT"].first_received_at
    assert received is not None and report.deadline_passed
    assert found["KT"].standing.text == f"NỘP MUỘN: tệp đầu tiên nhận ngày {format_date(local_day(received))}"
    assert found["YT"].standing.text == f"QUÁ HẠN: đã cấp tệp thiết lập ngày {issued}, chưa nộp"
    assert found["TNMT"].standing.text == "QUÁ HẠN: chưa nộp"
    assert [line.code for line in report.sent_late] == ["KT"]
    assert "YT" in {line.code for line in report.overdue} and len(report.overdue) == len(report.lines) - 1

    later = date.today() + timedelta(days=10)
    set_deadline(demo_db, YEAR, ESTIMATE, format_date(later), actor=OFFICE)
    report = status_report(demo_db, YEAR)
    found = {line.code: line for line in report.lines}
    assert not report.deadline_passed and not report.late
    assert (found["KT"].standing.text, found["YT"].standing.text) == (
        "đã nộp đúng hạn",
        f"đã cấp tệp thiết lập ngày {issued}, chưa nộp",
    )
    # The day after that deadline, KT is still on time; YT is to be chased.
    found = lines(demo_db, today=later + timedelta(days=1))
    assert (found["KT"].late, found["YT"].late) == (False, True)


def test_the_report_carries_the_lock_and_reads_a_period_nothing_was_sent_for(demo_db: Database) -> None:
    report: StatusReport = status_report(demo_db, YEAR, PeriodKind.RESULT)
    assert (report.locked, report.kind) == (False, PeriodKind.RESULT)
    kt = next(line for line in report.lines if line.code == "KT")
    assert (kt.assigned, kt.sent, kt.last_file) == (28, 0, None)
    lock_period(demo_db, YEAR, [ESTIMATE], "Đã trình HĐND", actor=OFFICE)
    report = status_report(demo_db, YEAR)
    assert (report.locked, report.lock_reason) == (True, "Đã trình HĐND")
    assert not status_report(demo_db, YEAR, PeriodKind.RESULT).locked


def installation_of(phong: Phong) -> str:
    from sqlalchemy import select

    from db.exchange_models import DepartmentIdentity

    with phong.db.read() as session:
        identity = session.scalar(select(DepartmentIdentity))
        assert identity is not None
        return identity.installation_id


def test_each_phongs_installations_are_listed_and_one_setup_file_on_two_pcs_stands_out(
    kt: Phong, demo_db: Database, tmp_path: Path
) -> None:
    yt = issue_phong(demo_db, "YT", tmp_path / "phong")  # issued, never heard from: stays as it is
    yt.db.dispose()
    second = open_database(tmp_path / "pc-b.sqlite")  # the same setup file installed on another PC of KT
    try:
        install_setup(second, kt.setup, actor="cán bộ KT máy 2", passphrase=kt.passphrase)
        pc_b = Phong("KT", second, kt.setup, kt.passphrase)
        a, b = installation_of(kt), installation_of(pc_b)
        kt.enter("A.11", "1.400")
        take(demo_db, kt.submit(tmp_path / "a"))
        line = lines(demo_db)["KT"]
        assert [(i.installation_id, i.last_sequence, i.current) for i in line.installations] == [(a, 1, True)]
        assert (installations_cell(line), line.doubled) == ("1", [])

        pc_b.enter("A.12", "57")
        take(demo_db, pc_b.submit(tmp_path / "b"))
        pc_b.enter("A.12", "58")
        take(demo_db, pc_b.submit(tmp_path / "b"))
    finally:
        second.dispose()
    found = lines(demo_db)
    line = found["KT"]
    assert [(i.installation_id, i.last_sequence, i.last_file_name) for i in line.installations] == [
        (a, 1, "KT-2020-uoc-so1.json"),
        (b, 2, "KT-2020-uoc-so2.json"),
    ]
    assert installations_cell(line) == "2 — cài trùng"
    first, later = line.installations
    assert (first.setup_file, later.setup_file) == ("thiet-lap-KT-2020.setup", "thiet-lap-KT-2020.setup")
    assert first.last_received_at is not None and later.last_received_at is not None
    assert later.last_received_at >= first.last_received_at >= first.first_file_at
    issued_on = local_date(line.issued_at) if line.issued_at is not None else "?"
    assert installation_text(later) == (
        f"bản cài {b[:8]}: tệp thiết lập thiet-lap-KT-2020.setup (cấp ngày {issued_on}); "
        f"tệp đầu tiên ngày {local_date(later.first_file_at)}; số thứ tự cuối 2; "
        f"tệp cuối KT-2020-uoc-so2.json, nhận lúc {local_text(later.last_received_at)}"
    )
    assert doubled_texts(line) == [
        f"Chú ý: tệp thiết lập thiet-lap-KT-2020.setup của phòng KT được cài trên 2 máy (bản cài {a[:8]}, "
        f"{b[:8]}): hãy hỏi phòng vì sao cài trên nhiều máy"
    ]
    # Issued but silent, or never issued: no installation.
    assert (found["YT"].installations, installations_cell(found["YT"])) == ((), "—")
    assert found["YT"].standing.text.startswith("đã cấp tệp thiết lập ngày ")
    assert installations_cell(found["TNMT"]) == "—"

    # Re-issued: both installations are revoked; the PC that installs the new file is the one that sends.
    again = issue_department(demo_db, "KT", YEAR, tmp_path / "thiet-lap-KT-lan-2.setup", actor=OFFICE)
    install_setup(kt.db, tmp_path / "thiet-lap-KT-lan-2.setup", actor=kt.officer, passphrase=again.passphrase)
    kt.enter("A.11", "1.410")
    take(demo_db, kt.submit(tmp_path / "a"))
    line = lines(demo_db)["KT"]
    assert [(i.current, i.setup_file) for i in line.installations] == [
        (False, "thiet-lap-KT-2020.setup"),
        (False, "thiet-lap-KT-2020.setup"),
        (True, "thiet-lap-KT-lan-2.setup"),
    ]
    assert (installations_cell(line), line.doubled) == ("1 (+2 đã thu hồi)", [])
    assert installation_text(line.installations[0]).endswith("; đã thu hồi (tệp thiết lập đã được cấp lại)")
    # The 2021 status knows nothing of the setup files issued for 2020.
    assert {status.code: status.installations for status in status_report(demo_db, 2021).lines}["KT"] == ()
