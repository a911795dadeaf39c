"""Writes that know what they overwrite: the lock taken before the read, a changed value refused.

Other processes are real ones (``python main.py …`` or a short script on the db services),
racing on the same SQLite file as the database layer of this one.
"""

from __future__ import annotations

import itertools
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bkdesk.catalogue import PeriodKind
from bkdesk.verdicts import Verdict
from db import audit
from db.conflicts import list_conflicts
from db.database import Database
from db.department_setup import install_setup
from db.entry import (
    LAST_YEAR,
    NOTE,
    PRINTED_RATIO,
    TARGET,
    VALUE,
    CellWrite,
    set_field,
    set_override,
    set_target,
    set_value,
    write_cells,
)
from db.errors import InvalidInput, StaleValue, StoreError
from db.issue import issue_department
from db.schema import open_database
from db.submission_export import export_submission
from db.submission_import import ImportStatus, import_submissions
from db.tables import load_rows
from tests.fixtures.commands import dump
from tests.fixtures.commands import run_main as run_cli

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2020

# A writer process: waits for the go file, then writes its figures one by one. With
# "expect" each write is read-then-increment carrying the value read (a person's write).
# It prints how many writes changed the figure, were refused as stale, found it already so.
WRITER = """
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from bkdesk.catalogue import PeriodKind
from db.database import check_file, file_database
from db.entry import set_value
from db.errors import InvalidInput, StaleValue, StoreError
from db.tables import load_rows

db = file_database(check_file(Path(sys.argv[2])))
actor, mode, count, go = sys.argv[3], sys.argv[4], int(sys.argv[5]), Path(sys.argv[6])
db.engine
while not go.exists():
    time.sleep(0.005)
stored = stale = same = 0
for i in range(count):
    if mode == "overwrite":
        stored += len(set_value(db, "A.8", 2020, str(int(sys.argv[7]) + i), actor=actor))
        continue
    seen = next(r.estimate for r in load_rows(db, 2020) if r.indicator.code == "A.8")
    try:
        changes = set_value(db, "A.8", 2020, str(int(seen.replace(".", "")) + 1), actor=actor, expected=seen)
    except StaleValue:
        stale += 1
        continue
    # No change: the other process had just stored this very figure, which is not a refusal.
    stored += 1 if changes else 0
    same += 0 if changes else 1
print(stored, stale, same)
"""


def figure(n: int) -> str:
    """``100.000`` for 100000: the figure as stored."""
    return f"{n:,}".replace(",", ".")


def race(db_path: Path, tmp_path: Path, mode: str, count: int, starts: tuple[int, int]) -> list[tuple[int, int, int]]:
    go = tmp_path / "go"
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(ROOT), str(db_path), actor, mode, str(count), str(go), str(start)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env={**os.environ},
        )
        for actor, start in zip(("tiến trình 1", "tiến trình 2"), starts, strict=True)
    ]
    time.sleep(1.0)  # both have imported the database layer and wait
    go.touch()
    results = []
    for writer in writers:
        out, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err
        stored, stale, same = out.split()
        results.append((int(stored), int(stale), int(same)))
    return results


def value_records(db: Database, code: str = "A.8") -> list[audit.AuditEntry]:
    return [e for e in audit.history(db, YEAR, code) if e.field == "value" and e.period == "uoc"]


def estimate(db: Database, code: str) -> tuple[str, str]:
    row = next(r for r in load_rows(db, YEAR) if r.indicator.code == code)
    return row.estimate, row.note


def test_two_processes_racing_leave_an_unbroken_audit_chain(demo_db: Database, db_path: Path, tmp_path: Path) -> None:
    before = value_records(demo_db)
    race(db_path, tmp_path, "overwrite", 200, (100_000, 200_000))

    records = value_records(demo_db)[len(before) :]
    assert len(records) == 400  # every write changed the figure: none lost, none recorded twice
    assert records[0].old == "21.246"
    broken = [(a.new, b.old) for a, b in itertools.pairwise(records) if a.new != b.old]
    assert broken == []  # each record's old value is the new value of the one before
    written = {figure(100_000 + i) for i in range(200)} | {figure(200_000 + i) for i in range(200)}
    assert {r.new for r in records} == written
    final = estimate(demo_db, "A.8")[0]
    assert final == records[-1].new and final in (figure(100_199), figure(200_199))


def test_increments_carrying_the_value_seen_never_lose_one(demo_db: Database, db_path: Path, tmp_path: Path) -> None:
    set_value(demo_db, "A.8", YEAR, "1000", actor="kiểm thử")
    before = len(value_records(demo_db))
    results = race(db_path, tmp_path, "expect", 150, (0, 0))

    stored = sum(r[0] for r in results)
    assert sum(r[0] + r[1] + r[2] for r in results) == 300
    # Each stored increment started from the figure then stored: none was lost.
    assert estimate(demo_db, "A.8")[0] == figure(1000 + stored)
    records = value_records(demo_db)[before:]
    assert len(records) == stored
    assert all(int(r.new.replace(".", "")) == int(r.old.replace(".", "")) + 1 for r in records)


def test_a_write_transaction_holds_the_lock_before_its_first_read_and_a_read_never_waits(
    demo_db: Database, db_path: Path
) -> None:
    other = sqlite3.connect(db_path, isolation_level=None, timeout=0)
    try:
        with demo_db.begin():
            # Nothing read or written yet, and already another writer cannot start.
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
            # A reader does not wait for the writer (WAL): it reads the last committed state.
            assert other.execute("SELECT count(*) FROM indicators").fetchone()[0] > 0
        other.execute("BEGIN IMMEDIATE")  # the lock is free again once the block ends
        other.execute("ROLLBACK")
        with demo_db.read() as session:
            session.connection()  # a read: the file stays open to writers
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            assert estimate(demo_db, "A.8")[0] == "21.246"
    finally:
        other.close()


def test_a_figure_changed_since_it_was_seen_is_not_overwritten(demo_db: Database, db_path: Path) -> None:
    set_value(demo_db, "A.8", YEAR, "22.000", actor="Phòng Kinh tế")
    before = dump(db_path)

    with pytest.raises(StaleValue) as caught:
        set_value(demo_db, "A.8", YEAR, "23.000", note="ghi chú mới", actor="người khác", expected="21.246")

    assert dump(db_path) == before  # neither the figure nor the note
    message = caught.value.message
    assert message.startswith("A.8 Đàn lợn: số liệu đã được «Phòng Kinh tế» sửa thành 22.000 lúc ")
    assert message.endswith(", không còn là 21.246 như bạn thấy; chưa lưu.")
    when = audit.history(demo_db, YEAR, "A.8")[-1].at.astimezone().strftime("%d/%m/%Y %H:%M")
    assert f"lúc {when}" in message
    assert caught.value.codes == ("A.8",)
    assert "sau khi bạn mở" in caught.value.describe(after="sau khi bạn mở")
    # The same figure written another way, or the value already there, is not a refusal.
    assert set_value(demo_db, "A.8", YEAR, "23000", actor="x", expected="22000")[0].new == "23.000"
    assert set_value(demo_db, "A.8", YEAR, "23.000", actor="x", expected="1") == []


def test_a_cleared_figure_is_named_as_cleared(demo_db: Database) -> None:
    set_value(demo_db, "A.8", YEAR, "", actor="Phòng Kinh tế")
    with pytest.raises(StaleValue, match=r"^A\.8 Đàn lợn: số liệu đã được «Phòng Kinh tế» xóa lúc "):
        set_value(demo_db, "A.8", YEAR, "1", actor="x", expected="21.246")


def test_a_note_is_written_alone_and_never_sends_the_figure_back(demo_db: Database) -> None:
    set_value(demo_db, "A.8", YEAR, "22.000", actor="Phòng Kinh tế")  # after the note's writer saw 21.246
    change = set_field(demo_db, "A.8", YEAR, NOTE, "Theo  số liệu tháng 11", actor="cán bộ", expected="")
    assert change is not None and (change.old, change.new) == ("", "Theo số liệu tháng 11")
    assert estimate(demo_db, "A.8") == ("22.000", "Theo số liệu tháng 11")
    entries = audit.history(demo_db, YEAR, "A.8")
    assert entries[-1].field == "note"
    assert [e.new for e in entries if e.field == "value"][-1] == "22.000"  # no record of the figure sent back
    # A note changed meanwhile is itself protected.
    with pytest.raises(StaleValue, match=r"ghi chú đã được «cán bộ» sửa thành «Theo số liệu tháng 11»"):
        set_field(demo_db, "A.8", YEAR, NOTE, "khác", actor="người khác", expected="")


def test_a_block_with_one_stale_cell_writes_nothing(demo_db: Database, db_path: Path) -> None:
    set_value(demo_db, "A.13", YEAR, "210", actor="Phòng Kinh tế")
    before = dump(db_path)
    cells = [
        CellWrite("A.12", VALUE, "57", expected="54,47"),
        CellWrite("A.13", VALUE, "190", expected="206"),
        CellWrite("A.12", NOTE, "dán từ Excel", expected=""),
    ]
    with pytest.raises(StaleValue) as caught:
        write_cells(demo_db, YEAR, PeriodKind.ESTIMATE, cells, actor="cán bộ")
    assert dump(db_path) == before
    assert caught.value.codes == ("A.13",)
    assert caught.value.message.startswith("A.13 ")
    assert caught.value.message.endswith("; chưa lưu ô nào.")
    # With the value now shown, the same block is stored whole, in one go.
    cells[1] = CellWrite("A.13", VALUE, "190", expected="210")
    changes = write_cells(demo_db, YEAR, PeriodKind.ESTIMATE, cells, actor="cán bộ")
    assert [(c.code, c.field, c.old, c.new) for c in changes] == [
        ("A.12", "value", "54,47", "57"),
        ("A.13", "value", "210", "190"),
        ("A.12", "note", "", "dán từ Excel"),
    ]


def test_several_stale_cells_give_one_message(demo_db: Database) -> None:
    set_value(demo_db, "A.12", YEAR, "50", actor="a")
    set_value(demo_db, "A.13", YEAR, "200", actor="b")
    cells = [CellWrite("A.12", VALUE, "1", expected="54,47"), CellWrite("A.13", VALUE, "2", expected="206")]
    with pytest.raises(StaleValue) as caught:
        write_cells(demo_db, YEAR, PeriodKind.ESTIMATE, cells, actor="x")
    assert caught.value.codes == ("A.12", "A.13")
    assert "(và 1 ô khác cũng đã thay đổi); chưa lưu ô nào." in caught.value.message


def test_target_override_and_last_years_result_check_what_was_seen(demo_db: Database, db_path: Path) -> None:
    set_target(demo_db, "A.8", YEAR, "26.000", actor="văn phòng")
    set_override(demo_db, "A.2", YEAR, Verdict.ACHIEVED, "số liệu Cục Thống kê", actor="văn phòng")
    set_field(demo_db, "A.8", YEAR, LAST_YEAR, "14.698", actor="văn phòng")
    before = dump(db_path)
    with pytest.raises(StaleValue, match=r"^A\.8 Đàn lợn: nhiệm vụ đã được «văn phòng» sửa thành 26\.000"):
        set_target(demo_db, "A.8", YEAR, "27.000", actor="x", expected="25.500")
    with pytest.raises(StaleValue, match=r"^A\.2 .*: điều chỉnh đánh giá đã được «văn phòng» sửa thành «Đạt»"):
        set_override(demo_db, "A.2", YEAR, Verdict.EXCEEDED, "khác", actor="x", expected="")
    with pytest.raises(StaleValue, match=r"thực hiện năm trước đã được «văn phòng» sửa thành 14\.698"):
        set_field(demo_db, "A.8", YEAR, LAST_YEAR, "15.000", actor="x", expected="")
    assert dump(db_path) == before
    assert set_target(demo_db, "A.8", YEAR, "27.000", actor="x", expected="26.000").new == "27.000"
    assert set_override(demo_db, "A.2", YEAR, None, "bỏ", actor="x", expected="Đạt").new == ""
    change = set_field(demo_db, "A.8", YEAR, LAST_YEAR, "15.000", actor="x", expected="14.698")
    assert change is not None and change.new == "15.000"
    # Last year's result leaves this year's figure and its note alone; it is audited as 2019's final figure.
    assert estimate(demo_db, "A.8") == ("21.246", "")
    assert (TARGET, "27.000") in {(e.field, e.new) for e in audit.history(demo_db, YEAR, "A.8")}
    assert (VALUE, "thuc-hien", "15.000") in {(e.field, e.period, e.new) for e in audit.history(demo_db, 2019, "A.8")}


def test_only_the_synthesis_office_enters_last_years_result_and_nobody_types_the_ratio(demo_db: Database) -> None:
    with pytest.raises(InvalidInput, match="chỉ nhập được từ biểu"):
        write_cells(demo_db, YEAR, PeriodKind.ESTIMATE, [CellWrite("A.8", PRINTED_RATIO, "150")], actor="x")
    assert set_field(demo_db, "A.8", YEAR, LAST_YEAR, "14.698", actor="văn phòng") is not None
    from db.roles import set_department_role

    with demo_db.begin() as session:
        set_department_role(session, "KT")  # now Phòng Kinh tế's database
    with pytest.raises(StoreError, match="Chỉ văn phòng tổng hợp nhập thực hiện năm trước"):
        set_field(demo_db, "A.8", YEAR, LAST_YEAR, "15.000", actor="KT")


def test_set_value_expect_refuses_a_changed_figure(demo_db: Database, db_path: Path) -> None:
    demo_db.dispose()
    changed = run_cli("set-value", "A.8", "22.000", "--db", str(db_path), "--expect", "21246")
    assert changed.returncode == 0, changed.stderr
    before = dump(db_path)

    refused = run_cli("set-value", "A.8", "23.000", "--note", "x", "--db", str(db_path), "--expect", "21.246")

    assert refused.returncode == 1 and refused.stdout == ""
    line = refused.stderr.strip()
    assert line.startswith("Lỗi: A.8 Đàn lợn: số liệu đã được «") and "sửa thành 22.000 lúc " in line
    assert line.endswith("không còn là 21.246 như bạn thấy; chưa lưu.")
    assert "Traceback" not in refused.stderr
    assert dump(db_path) == before


def test_an_import_reads_the_stored_figures_under_the_lock(demo_db: Database, db_path: Path, tmp_path: Path) -> None:
    """An edit committed while the import waits for the lock is seen by it: a conflict, not an overwrite."""
    issued = issue_department(demo_db, "KT", YEAR, tmp_path / "kt.setup", actor="văn phòng")
    kt = open_database(tmp_path / "kt.sqlite")
    install_setup(kt, tmp_path / "kt.setup", actor="cán bộ KT", passphrase=issued.passphrase)
    set_value(kt, "A.3", YEAR, "480", actor="cán bộ KT")
    export_submission(kt, YEAR, PeriodKind.ESTIMATE, tmp_path / "kt-1.json", actor="cán bộ KT")
    kt.dispose()

    # Another process holds the write lock and changes A.3 at the office, as the grid would.
    editor = sqlite3.connect(db_path, isolation_level=None)
    editor.execute("BEGIN IMMEDIATE")
    editor.execute(
        "UPDATE indicator_values SET text = '470' WHERE indicator_id = (SELECT id FROM indicators WHERE code = 'A.3')"
        " AND period_id = (SELECT id FROM periods WHERE year = 2020 AND kind = 'uoc')"
    )
    outcomes = []
    importer = threading.Thread(
        target=lambda: outcomes.extend(import_submissions(demo_db, [tmp_path / "kt-1.json"], actor="văn phòng"))
    )
    importer.start()
    time.sleep(0.8)  # the import is waiting for the lock
    editor.execute("COMMIT")
    editor.close()
    importer.join(timeout=30)

    assert outcomes[0].status is ImportStatus.ACCEPTED and outcomes[0].conflicts == 1
    assert estimate(demo_db, "A.3")[0] == "470"  # the committed edit stays
    conflict = next(c for c in list_conflicts(demo_db, YEAR) if c.indicator_code == "A.3")
    assert (conflict.local, conflict.incoming) == ("470", "480")


def test_a_table_import_overwrites_with_the_old_value_read_under_the_lock(demo_db: Database, db_path: Path) -> None:
    """``import-table`` overwrites, audited: the old value is the one stored when it writes, not before it waited."""
    from bkdesk.tables import Table, TableLine
    from db.table_store import store_table
    from db.tables import catalogue

    pig = next(indicator for indicator in catalogue(demo_db) if indicator.code == "A.8")
    editor = sqlite3.connect(db_path, isolation_level=None)
    editor.execute("BEGIN IMMEDIATE")
    editor.execute(
        "UPDATE indicator_values SET text = '22.000'"
        " WHERE indicator_id = (SELECT id FROM indicators WHERE code = 'A.8')"
        " AND period_id = (SELECT id FROM periods WHERE year = 2020 AND kind = 'uoc')"
    )

    def load() -> None:
        with demo_db.begin() as session:
            store_table(session, Table(YEAR, (TableLine(pig, estimate="23.000"),)), actor="văn phòng", source="biểu x")

    importer = threading.Thread(target=load)
    importer.start()
    time.sleep(0.8)  # the import is waiting for the lock
    editor.execute("COMMIT")
    editor.close()
    importer.join(timeout=30)

    assert estimate(demo_db, "A.8")[0] == "23.000"
    last = value_records(demo_db)[-1]
    assert (last.old, last.new, last.source) == ("22.000", "23.000", "biểu x")
