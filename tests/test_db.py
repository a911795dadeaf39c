"""Storage: one transaction per write, the audit log, refusals that change nothing."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select, text

from bkdesk.catalogue import PeriodKind
from bkdesk.forms import restrict_to_department
from bkdesk.verdicts import Verdict
from db import audit
from db.database import Database, default_db_path
from db.entry import set_override, set_target, set_value
from db.errors import InvalidInput, StoreError
from db.file_format import SCHEMA_VERSION
from db.models import Meta, PeriodRow
from db.schema import open_database
from db.tables import evaluate, load_rows


def dump(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        return list(connection.iterdump())


def value_of(db: Database, code: str, year: int = 2020) -> str:
    return next(r.estimate for r in load_rows(db, year) if r.indicator.code == code)


def test_sqlite_runs_with_wal_and_foreign_keys(demo_db: Database) -> None:
    with demo_db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_default_database_lives_in_the_user_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BKDESK_DATA_DIR", str(tmp_path / "data"))
    assert default_db_path() == tmp_path / "data" / "bkdesk.sqlite"
    database = open_database()
    assert (tmp_path / "data" / "bkdesk.sqlite").exists()
    database.dispose()


def test_a_value_is_stored_with_its_audit_record(demo_db: Database) -> None:
    changes = set_value(demo_db, "A.8", 2020, "22000", note="theo số liệu thống kê", actor="cán bộ KT")
    assert [(c.field, c.old, c.new) for c in changes] == [
        ("value", "21.246", "22.000"),
        ("note", "", "theo số liệu thống kê"),
    ]
    assert value_of(demo_db, "A.8") == "22.000"
    entries = audit.history(demo_db, 2020, "A.8")
    last = next(e for e in reversed(entries) if e.field == "value")
    assert (last.actor, last.old, last.new, last.source) == ("cán bộ KT", "21.246", "22.000", audit.BY_HAND)
    assert evaluate(demo_db, 2020).row("A.8").verdict is Verdict.NOT_ACHIEVED


def test_an_unchanged_value_writes_no_audit(demo_db: Database) -> None:
    before = len(audit.history(demo_db, 2020))
    assert set_value(demo_db, "A.8", 2020, "21246", actor="x") == []
    assert len(audit.history(demo_db, 2020)) == before


@pytest.mark.parametrize("bad", ["1.5", "12a", "45O", ">", "33-", "≥≥5", "1,2,3", "NaN", "1" * 20])
def test_a_bad_value_is_refused_and_nothing_changes(demo_db: Database, db_path: Path, bad: str) -> None:
    before = dump(db_path)
    with pytest.raises(InvalidInput) as caught:
        set_value(demo_db, "A.8", 2020, bad, actor="x")
    assert caught.value.message.startswith("A.8 Đàn lợn: ")
    assert dump(db_path) == before


def test_unknown_code_and_year_without_the_indicator_are_refused(demo_db: Database) -> None:
    with pytest.raises(StoreError, match=r"Không có chỉ tiêu mã Z\.9"):
        set_value(demo_db, "Z.9", 2020, "1", actor="x")
    with pytest.raises(StoreError, match="không có trong biểu năm 2021"):
        set_value(demo_db, "A.8", 2021, "1", actor="x")


def test_a_locked_period_refuses_edits(demo_db: Database, db_path: Path) -> None:
    with demo_db.begin() as session:
        period = session.scalar(select(PeriodRow).where(PeriodRow.year == 2020, PeriodRow.kind == "uoc"))
        assert period is not None
        period.locked, period.lock_reason = True, "đã gửi HĐND"
    before = dump(db_path)
    with pytest.raises(StoreError, match="đã được chốt"):
        set_value(demo_db, "A.8", 2020, "1", actor="x")
    with pytest.raises(StoreError, match="đã được chốt"):
        set_target(demo_db, "A.8", 2020, "1", actor="x")
    assert dump(db_path) == before


def test_an_override_needs_a_reason_and_is_audited(demo_db: Database) -> None:
    with pytest.raises(InvalidInput, match="Cần ghi lý do"):
        set_override(demo_db, "A.2", 2020, Verdict.ACHIEVED, "   ", actor="x")
    set_override(demo_db, "A.2", 2020, Verdict.ACHIEVED, "số liệu cục thống kê điều chỉnh", actor="tổng hợp")
    row = evaluate(demo_db, 2020).row("A.2")
    assert (row.computed_verdict, row.verdict) == (Verdict.NOT_ACHIEVED, Verdict.ACHIEVED)
    set_override(demo_db, "A.2", 2020, None, "bỏ điều chỉnh", actor="tổng hợp")
    assert evaluate(demo_db, 2020).row("A.2").verdict is Verdict.NOT_ACHIEVED
    actions = [e.action for e in audit.history(demo_db, 2020, "A.2")]
    assert actions[-2:] == ["điều chỉnh đánh giá", "bỏ điều chỉnh đánh giá"]


def test_demo_gives_d5_its_printed_verdict_as_an_override(demo_db: Database) -> None:
    evaluation = evaluate(demo_db, 2020)
    d5 = evaluation.row("D.5")
    assert d5.verdict is Verdict.ACHIEVED and d5.computed_verdict is None
    assert "giảm cả 3 tiêu chí" in d5.input.override.reason  # type: ignore[union-attr]
    assert evaluation.summary.phrase() == "Đạt và vượt 50/59 chỉ tiêu; 09/59 chỉ tiêu chưa đạt"


def test_demo_refresh_is_idempotent(demo_db: Database, db_path: Path) -> None:
    from db.demo import install_demo

    report = install_demo(demo_db, actor="kiểm thử")
    assert (report.added, report.changes, report.overrides) == (0, 0, [])


def test_last_years_result_feeds_same_period(demo_db: Database) -> None:
    from bkdesk.tables import Table, TableLine
    from db.table_store import store_table

    pig = next(r.indicator for r in load_rows(demo_db, 2020) if r.indicator.code == "A.8")
    with demo_db.begin() as session:
        store_table(session, Table(2020, (TableLine(pig, last_year="14.698"),)), actor="x", source="kiểm thử")
    row = evaluate(demo_db, 2020).row("A.8")
    assert round(row.pct_last_year, 2) == Decimal("144.55")  # type: ignore[arg-type]
    assert [r.code for r in evaluate(demo_db, 2020).rows][:3] == ["A", "A.1", "A.1.a"]


def test_a_phong_sees_its_rows_and_their_parents(demo_db: Database) -> None:
    rows = restrict_to_department(load_rows(demo_db, 2020), "BHXH")
    assert [r.indicator.code for r in rows] == ["C", "C.2", "C.2.7", "C.3", "C.3.6", "C.3.7", "C.3.8"]


def test_a_newer_schema_is_refused(db_path: Path) -> None:
    database = open_database(db_path)
    with database.begin() as session:
        session.get(Meta, "schema_version").value = str(SCHEMA_VERSION + 1)  # type: ignore[union-attr]
    database.dispose()
    with pytest.raises(StoreError, match="phiên bản bkdesk mới hơn"):
        open_database(db_path)


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "so-lieu.sqlite"
    bogus.write_text("không phải cơ sở dữ liệu", encoding="utf-8")
    with pytest.raises(StoreError, match="không phải cơ sở dữ liệu bkdesk"):
        open_database(bogus)
    assert bogus.read_text(encoding="utf-8") == "không phải cơ sở dữ liệu"


def test_periods_are_made_on_first_write(demo_db: Database) -> None:
    set_value(demo_db, "A.8", 2020, "21.000", kind=PeriodKind.RESULT, actor="x")
    assert value_of(demo_db, "A.8") == "21.246"
    result_rows = load_rows(demo_db, 2020, PeriodKind.RESULT)
    assert next(r.estimate for r in result_rows if r.indicator.code == "A.8") == "21.000"


def test_a_new_figure_drops_the_verdict_the_imported_table_printed_for_the_old_one(demo_db: Database) -> None:
    assert evaluate(demo_db, 2020).row("E.3").input.reported_verdict is Verdict.ACHIEVED
    set_value(demo_db, "E.3", 2020, "45", actor="cán bộ VP")
    row = evaluate(demo_db, 2020).row("E.3")
    assert row.input.reported_verdict is None and not row.reported_disagrees
    assert audit.history(demo_db, 2020, "E.3")[-1].action == "bỏ đánh giá trong biểu"


def test_a_locked_year_refuses_a_whole_table_too(demo_db: Database, db_path: Path) -> None:
    from bkdesk.tables import Table, TableLine
    from db.table_store import store_table

    with demo_db.begin() as session:
        period = session.scalar(select(PeriodRow).where(PeriodRow.year == 2020, PeriodRow.kind == "uoc"))
        assert period is not None
        period.locked = True
    pig = next(r.indicator for r in load_rows(demo_db, 2020) if r.indicator.code == "A.8")
    before = dump(db_path)
    with pytest.raises(StoreError, match="đã được chốt"), demo_db.begin() as session:
        store_table(session, Table(2020, (TableLine(pig, target="30.000"),)), actor="x", source="biểu.xlsx")
    assert dump(db_path) == before
