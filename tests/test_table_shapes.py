"""Any table's shape (issue 13 point 3): no group rows, «Trong đó:» sub-rows, bkdesk's own report workbook."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from tests.fixtures.commands import dump
from tests.fixtures.commands import run_main as run
from tests.fixtures.workbooks import NATIONAL_2019_ROWS, national_2019_workbook, simple_table, write_workbook

SHOWN = ("code", "stt", "name", "unit", "group", "target", "estimate", "verdict", "pct_plan")


def evaluate(db: Path, year: int) -> dict[str, Any]:
    result = run("evaluate", "--year", str(year), "--json", "--db", db)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def rows_of(evaluation: dict[str, Any], *fields: str) -> list[dict[str, Any]]:
    return [{field: row[field] for field in fields or SHOWN} for row in evaluation["rows"]]


def test_the_national_2019_table_imports_ungrouped_and_evaluates_by_the_rules(tmp_path: Path) -> None:
    db = tmp_path / "quoc-gia.sqlite"
    done = run("import-table", national_2019_workbook(tmp_path / "12 chỉ tiêu 2019.xlsx"), "--year", "2019", "--db", db)
    assert done.returncode == 0, done.stderr
    assert "vào năm 2019, ước thực hiện: 22 dòng." in done.stdout  # 21 rows and the "Chưa phân nhóm" heading
    evaluation = evaluate(db, 2019)
    by_code = {row["code"]: row for row in evaluation["rows"]}
    assert [row["code"] for row in evaluation["rows"]][:4] == ["CPN", "1", "1.a", "1.b"]
    assert {row["group"] for row in evaluation["rows"]} == {""}
    assert (by_code["CPN"]["name"], by_code["CPN"]["verdict"]) == ("Chưa phân nhóm", "")
    # "Trong đó:" is a heading row of its own; the sub-rows under it belong to the row above it.
    assert (by_code["8.a"]["name"], by_code["8.a"]["target"], by_code["8.a"]["verdict"]) == ("Trong đó:", "", "")
    assert by_code["8.b"]["name"] == "Tỷ lệ lao động qua đào tạo có bằng cấp, chứng chỉ"
    assert by_code["11.a"]["name"] == "Tỷ lệ dân số tham gia bảo hiểm y tế"  # unmarked sub-row
    assert [by_code[c]["stt"] for c in ("12.a", "12.b")] == ["+", "+"]
    verdicts = {code: by_code[code]["verdict"] for code in ("1", "2", "4", "5", "6", "9", "11", "11.a", "12.a")}
    assert verdicts == {
        "1": "Vượt",  # 6,6-6,8 → 7,02: beyond the range on the better side
        "2": "Đạt",  # dưới 4 → 2,79
        "4": "",  # "Xuất siêu" in words: a verdict by hand
        "5": "Đạt",  # 33-34 → 33,9
        "6": "Không đạt",  # 1-1,5 → 0,9
        "9": "Đạt",
        "11": "Vượt",
        "11.a": "Vượt",  # BHYT 88,1 → 89,3
        "12.a": "Đạt",  # forest cover 41,85 → 41,85
    }
    assert evaluation["summary"] == {"counted": 12, "Vượt": 4, "Đạt": 6, "Không đạt": 1, "Chưa đánh giá": 1}
    text = run("evaluate", "--year", "2019", "--db", db).stdout
    assert "Chưa phân nhóm" in text.splitlines()[3]
    assert "Đạt và vượt 10/12 chỉ tiêu; 01/12 chỉ tiêu chưa đạt; 01/12 chỉ tiêu chưa đánh giá." in text


def test_group_option_puts_the_tables_rows_in_that_group(tmp_path: Path) -> None:
    db = tmp_path / "nhom.sqlite"
    workbook = national_2019_workbook(tmp_path / "bieu.xlsx")
    done = run("import-table", workbook, "--year", "2019", "--group", "a", "--db", db)
    assert done.returncode == 0, done.stderr
    rows = rows_of(evaluate(db, 2019), "code", "stt", "name", "group")
    assert rows[:3] == [
        {"code": "A", "stt": "A", "name": "Chỉ tiêu kinh tế", "group": "A"},
        {"code": "A.1", "stt": "1", "name": "Tốc độ tăng tổng sản phẩm trong nước (GDP)", "group": "A"},
        {"code": "A.1.a", "stt": "", "name": "Trong đó:", "group": "A"},
    ]
    assert {row["group"] for row in rows} == {"A"}
    again = run("import-table", workbook, "--year", "2019", "--group", "A", "--db", db)
    assert again.returncode == 0, again.stderr
    assert "Không có gì thay đổi" in again.stdout


def test_ungrouped_rows_print_under_chua_phan_nhom_and_the_report_reads_back(tmp_path: Path) -> None:
    db, copy = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    table = national_2019_workbook(tmp_path / "t.xlsx")
    assert run("import-table", table, "--year", "2019", "--db", db).returncode == 0
    report = tmp_path / "bieu-2019.xlsx"
    made = run("report", "--year", "2019", "--xlsx", report, "--pdf", tmp_path / "bieu-2019.pdf", "--db", db)
    assert made.returncode == 0, made.stderr
    workbook = load_workbook(report)
    table, summary = workbook["Biểu"], workbook["Tổng hợp"]
    assert (table["A5"].value, table["B5"].value) == (None, "Chưa phân nhóm")
    assert "Chưa phân nhóm" in [row[1] for row in summary.iter_rows(values_only=True)]
    assert ". Chưa phân nhóm" not in " ".join(str(v) for row in summary.iter_rows(values_only=True) for v in row)
    back = run("import-table", report, "--year", "2019", "--db", copy)
    assert back.returncode == 0, back.stderr
    assert rows_of(evaluate(copy, 2019)) == rows_of(evaluate(db, 2019))


def test_the_apps_report_workbook_round_trips_as_its_years_table(tmp_path: Path) -> None:
    demo, fresh = tmp_path / "demo.sqlite", tmp_path / "moi.sqlite"
    assert run("demo", "--db", demo).returncode == 0
    for year in (2020, 2021):
        report = tmp_path / f"bieu-{year}.xlsx"
        assert run("report", "--year", str(year), "--xlsx", report, "--db", demo).returncode == 0
        done = run("import-table", report, "--year", str(year), "--db", fresh)
        assert done.returncode == 0, done.stderr
        expected, got = evaluate(demo, year), evaluate(fresh, year)
        fields = (*SHOWN, "computed_verdict", "pct_last_year")
        assert rows_of(got, *fields) == rows_of(expected, *fields)
        assert got["summary"] == expected["summary"]
    # D 5's verdict, set by hand with its reason, comes back from the note under the table.
    audit = run("audit", "--year", "2020", "--indicator", "D.5", "--db", fresh).stdout
    assert "báo cáo xác nhận giảm cả 3 tiêu chí" in audit
    counts = {"counted": 59, "Vượt": 23, "Đạt": 27, "Không đạt": 9, "Chưa đánh giá": 0}
    assert evaluate(fresh, 2020)["summary"] == counts


# --- Bad input: a Vietnamese reason naming the place, the database as it was ------------------------


def _refused(db: Path, *args: str | Path) -> str:
    before = dump(db)
    done = run("import-table", *args, "--db", db)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert dump(db) == before
    return done.stderr


def test_a_group_other_than_a_to_e_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "demo.sqlite"
    assert run("demo", "--db", db).returncode == 0
    said = _refused(db, national_2019_workbook(tmp_path / "t.xlsx"), "--year", "2019", "--group", "F")
    assert "--group: nhóm «F» không có: chỉ có 5 nhóm chỉ tiêu, A (Chỉ tiêu kinh tế)" in said


def test_a_sub_row_with_no_row_above_it_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "demo.sqlite"
    assert run("demo", "--db", db).returncode == 0
    rows = (("-", "GDP bình quân đầu người", "USD", "2.700", "2.715", "", ""), *NATIONAL_2019_ROWS)
    said = _refused(db, national_2019_workbook(tmp_path / "t.xlsx", rows), "--year", "2019")
    assert "Dòng 5, cột A (STT): dòng con «GDP bình quân đầu người» không có chỉ tiêu nào ở trên để thuộc về" in said


def test_a_report_workbook_of_another_year_is_refused_naming_both(tmp_path: Path) -> None:
    db = tmp_path / "demo.sqlite"
    assert run("demo", "--db", db).returncode == 0
    report = tmp_path / "bieu-2020.xlsx"
    assert run("report", "--year", "2020", "--xlsx", report, "--db", db).returncode == 0
    said = _refused(db, report, "--year", "2021")
    assert (
        "Tệp bieu-2020.xlsx: Trang «Biểu» là biểu bkdesk in ra cho ước thực hiện năm 2020, không phải cho ước "
        "thực hiện năm 2021: hãy nhập biểu này vào năm 2020, ước thực hiện"
    ) in said


def test_trong_do_with_figures_and_a_group_for_a_grouped_table_are_refused(tmp_path: Path) -> None:
    db = tmp_path / "demo.sqlite"
    assert run("demo", "--db", db).returncode == 0
    rows = simple_table([("A", "Kinh tế"), ("8", "Đàn lợn", "con", "25.500"), ("", "Trong đó:", "con", "5.500")])
    said = _refused(db, write_workbook(tmp_path / "td.xlsx", rows), "--year", "2020")
    assert "Dòng 6, cột B (Chỉ tiêu): «Trong đó:» là dòng tiêu đề của các dòng con bên dưới" in said
    grouped = simple_table([("A", "Kinh tế"), ("8", "Đàn lợn", "con", "25.500")])
    said = _refused(db, write_workbook(tmp_path / "g.xlsx", grouped), "--year", "2020", "--group", "B")
    assert "Dòng 4 (A), cột A (STT): biểu đã có dòng nhóm (A) nên không chọn nhóm B cho cả biểu được" in said
