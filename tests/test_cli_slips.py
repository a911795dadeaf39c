"""Slips at the command line, as a user types them: ``python main.py set-value …``, ``evaluate``, ``audit``."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.fixtures.commands import dump
from tests.fixtures.commands import run_main as run


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("slips") / "demo.sqlite"
    assert run("demo", "--db", str(path)).returncode == 0
    return path


@pytest.fixture
def db(demo_file: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "demo.sqlite"
    shutil.copy(demo_file, copy)
    return copy


def estimate(db: Path, code: str) -> str:
    result = run("evaluate", "--year", "2020", "--json", "--db", str(db))
    return next(row["estimate"] for row in json.loads(result.stdout)["rows"] if row["code"] == code)


def warnings_of(db: Path, code: str) -> list[str]:
    result = run("evaluate", "--year", "2020", "--json", "--db", str(db))
    return next(row["warnings"] for row in json.loads(result.stdout)["rows"] if row["code"] == code)


def test_a_negative_figure_needs_no_double_dash(db: Path) -> None:
    result = run("set-value", "A.2", "-2,5", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert "A.2 năm 2020: giá trị «3.050» → «-2,5»" in result.stdout
    assert estimate(db, "A.2") == "-2,5"
    assert run("set-value", "A.8", "-5", "--db", str(db)).returncode == 0
    assert run("set-value", "--db", str(db), "A.8.a", "-1.000", "--reason", "thử").returncode == 0
    assert estimate(db, "A.8.a") == "-1.000"


def test_4450_tonnes_is_stored_as_written_with_both_readings_said(db: Path) -> None:
    result = run("set-value", "A.6", "4,450", "--db", str(db))
    assert result.returncode == 0, result.stderr
    readings = "4,450 được đọc là bốn phẩy bốn năm; nếu là bốn nghìn bốn trăm năm mươi, hãy viết 4.450"
    assert (
        f"Cảnh báo: A.6 Sản lượng Lương thực có hạt: Ước thực hiện 4,450 nhỏ hơn 1/20 nhiệm vụ (4.093): {readings}"
        in (result.stdout)
    )
    assert estimate(db, "A.6") == "4,450"
    assert any(readings in warning for warning in warnings_of(db, "A.6"))


def test_21246_pigs_and_minus_5_pigs_warn(db: Path) -> None:
    result = run("set-value", "A.8", "21,246", "--db", str(db))
    assert result.returncode == 0
    assert "hãy viết 21.246" in result.stdout and "đơn vị «con» đếm số nguyên" in result.stdout
    warned = warnings_of(db, "A.8")
    assert any("hãy viết 21.246" in w for w in warned) and any("đếm số nguyên" in w for w in warned)
    result = run("set-value", "A.8", "-5", "--db", str(db))
    assert "Cảnh báo: A.8 Đàn lợn: Ước thực hiện là số âm (-5) với đơn vị «con»: kiểm tra lại" in result.stdout


def test_an_ordinary_figure_gives_no_warning(db: Path) -> None:
    result = run("set-value", "A.6", "4.450", "--db", str(db))
    assert result.returncode == 0 and "Cảnh báo" not in result.stdout
    assert warnings_of(db, "A.6") == []


def test_words_for_a_number_need_as_text(db: Path) -> None:
    before = dump(db)
    refused = run("set-value", "A.8", "Đạt kế hoạch", "--db", str(db))
    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        "Lỗi: A.8 Đàn lợn: «Đạt kế hoạch» là chữ, còn nhiệm vụ là số (25.500); thêm --as-text để lưu như một nhận xét "
        "bằng chữ (không đánh giá tự động)"
    )
    assert dump(db) == before
    accepted = run("set-value", "A.8", "Đạt kế hoạch", "--as-text", "--db", str(db))
    assert accepted.returncode == 0, accepted.stderr
    assert estimate(db, "A.8") == "Đạt kế hoạch"
    assert any("ghi bằng chữ trong khi nhiệm vụ là số" in w for w in warnings_of(db, "A.8"))
    same_period_words = next(
        row
        for row in json.loads(run("evaluate", "--year", "2020", "--json", "--db", str(db)).stdout)["rows"]
        if row["code"] == "B.6"
    )
    assert same_period_words["reported_pct_last_year"] == "Duy trì"


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("=SUM(A1)", "bắt đầu bằng «=» như một công thức bảng tính"),
        ("+cmd", "bắt đầu bằng «+» như một công thức bảng tính"),
        ("@x", "bắt đầu bằng «@» như một công thức bảng tính"),
        ("5\x1b[2J", "có ký tự điều khiển U+001B (không in được)"),
        ("21\u202e246", "có ký tự điều khiển hướng chữ U+202E"),
        ("9" * 256, "số liệu dài 256 ký tự; tối đa 255 ký tự"),
    ],
)
def test_refused_figures_leave_the_database_as_it_was(db: Path, typed: str, problem: str) -> None:
    before = dump(db)
    result = run("set-value", "A.8", typed, "--db", str(db))
    assert result.returncode == 2
    assert result.stderr.startswith("Lỗi: A.8 Đàn lợn: ") and problem in result.stderr
    assert "\x1b" not in result.stderr and "\u202e" not in result.stderr
    assert dump(db) == before


def test_a_note_with_an_escape_or_a_formula_is_refused(db: Path) -> None:
    before = dump(db)
    for note in ("\x1b]0;owned\x07", '=HYPERLINK("x")', "x" * 2001):
        result = run("set-value", "A.8", "21.246", "--note", note, "--db", str(db))
        assert result.returncode == 2, note
        assert "A.8 Đàn lợn" in result.stderr
    assert dump(db) == before


@pytest.mark.parametrize(("typed", "stored"), [("٤٦٥", "465"), ("１２３", "123")])
def test_digits_of_other_scripts_are_stored_as_ascii(db: Path, typed: str, stored: str) -> None:
    assert run("set-value", "A.3", typed, "--db", str(db)).returncode == 0
    assert estimate(db, "A.3") == stored


def test_figures_on_headings_are_refused(db: Path) -> None:
    before = dump(db)
    group = run("set-value", "A", "5", "--db", str(db))
    assert group.returncode == 2
    assert "A Chỉ tiêu kinh tế: dòng nhóm A là tiêu đề, không nhập số liệu" in group.stderr
    heading = run("set-value", "A.1", "5", "--db", str(db))
    assert heading.returncode == 2
    assert "A.1 Cơ cấu kinh tế: dòng tiêu đề" in heading.stderr
    assert dump(db) == before
    forest = run("set-value", "B.7", "236,92", "--db", str(db))  # a unit, a target in 2021: it takes a figure
    assert forest.returncode == 0, forest.stderr


def test_audit_and_evaluate_show_escape_codes_of_an_old_database_as_text(db: Path) -> None:
    # An older bkdesk stored whatever it was given; shown raw, this would clear the user's terminal.
    connection = sqlite3.connect(db)
    connection.execute("UPDATE indicators SET name = 'Đàn lợn\x1b[2J\u202e' WHERE code = 'A.8'")
    connection.execute(
        "INSERT INTO audit_log (at, actor, action, indicator_code, year, period, field, old, new, reason, source) "
        "VALUES ('2020-12-01 00:00:00', 'cu', 'sửa giá trị', 'A.8', 2020, 'uoc', 'value', '1', "
        "'2\x1b[31m', 'lý do\x9b', 'nhập tay')"
    )
    connection.commit()
    connection.close()
    audit = run("audit", "--year", "2020", "--indicator", "A.8", "--db", str(db))
    assert audit.returncode == 0, audit.stderr
    assert "«1» → «2\\u001b[31m»" in audit.stdout and "lý do\\u009b" in audit.stdout
    table = run("evaluate", "--year", "2020", "--db", str(db))
    assert "Đàn lợn\\u001b[2J\\u202e" in table.stdout
    as_json = run("evaluate", "--year", "2020", "--json", "--db", str(db))
    assert next(r for r in json.loads(as_json.stdout)["rows"] if r["code"] == "A.8")["name"] == "Đàn lợn\x1b[2J\u202e"
    for output in (audit.stdout, table.stdout, as_json.stdout):
        assert not any(ch in output for ch in "\x1b\x9b\u202e")


def test_report_settings_refuse_control_characters(db: Path) -> None:
    before = dump(db)
    result = run("settings", "--issuer", "UBND thành phố\x1b[2J", "--db", str(db))
    assert result.returncode == 2
    assert "Lỗi: Thiết lập báo cáo: cơ quan ban hành có ký tự điều khiển U+001B (không in được)" in result.stderr
    assert dump(db) == before
