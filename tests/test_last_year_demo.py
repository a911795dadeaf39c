"""The demo as a user tries it: A.2 changed 3.050 → 3.180 changes "so với cùng kỳ" in evaluate and the report."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.commands import run_main


def a2(db: Path) -> dict[str, Any]:
    result = run_main("evaluate", "--year", "2020", "--json", "--db", db)
    assert result.returncode == 0, result.stderr
    return next(row for row in json.loads(result.stdout)["rows"] if row["code"] == "A.2")


def report(db: Path, folder: Path) -> tuple[str, Any]:
    from openpyxl import load_workbook
    from pypdf import PdfReader

    pdf, xlsx = folder / "bieu.pdf", folder / "bieu.xlsx"
    result = run_main("report", "--year", "2020", "--db", db, "--pdf", pdf, "--xlsx", xlsx)
    assert result.returncode == 0, result.stderr
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(pdf).pages))
    sheet = load_workbook(xlsx).active
    assert sheet is not None
    row = next(r for r in sheet.iter_rows() if r[1].value == "Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ")
    return text, row[6]


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    db = tmp_path / "bkdesk.sqlite"
    result = run_main("demo", "--db", db)
    assert result.returncode == 0, result.stderr
    return db


def test_changing_an_estimate_changes_so_voi_cung_ky_everywhere(demo: Path, tmp_path: Path) -> None:
    before = a2(demo)
    assert (before["pct_last_year"], before["last_year_source"], before["last_year"]) == (100.0, "ty-le-in", "")
    text, cell = report(demo, tmp_path)
    assert "Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ Tỷ đồng 3.200 3.050 Không đạt 100" in text
    assert (cell.value, cell.number_format) == (100, "0")  # as printed in the seed

    changed = run_main("set-value", "A.2", "3.180", "--db", demo)
    assert changed.returncode == 0, changed.stderr
    after = a2(demo)
    assert (after["pct_last_year"], after["last_year_source"], after["last_year"]) == (104.26, "ty-le-in", "")
    text, cell = report(demo, tmp_path)
    assert "Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ Tỷ đồng 3.200 3.180 Không đạt 104,26" in text
    assert round(cell.value, 2) == 104.26
    # The base the printed ratio implies (3.050) is never printed as a result.
    assert "3.050" not in text.split("Tổng mức bán lẻ", 1)[1].split("Giá trị sản xuất", 1)[0]


def test_a_zero_last_year_is_said_in_evaluate(demo: Path) -> None:
    from db.entry import LAST_YEAR, set_field
    from db.schema import open_database

    db = open_database(demo)
    try:
        set_field(db, "A.2", 2020, LAST_YEAR, "0", actor="văn phòng")
    finally:
        db.dispose()
    row = a2(demo)
    assert (row["pct_last_year"], row["last_year"], row["last_year_source"]) == (None, "0", "thuc-hien")
    assert row["last_year_note"] == "năm trước bằng 0, không tính được tỷ lệ"
    text = run_main("evaluate", "--year", "2020", "--db", demo).stdout
    assert "! A.2: So với cùng kỳ: năm trước bằng 0, không tính được tỷ lệ" in text


def test_set_value_last_year_writes_last_years_result_and_the_ratio_follows(demo: Path) -> None:
    done = run_main("set-value", "A.2", "3000", "--last-year", "--year", "2020", "--db", demo)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "A.2: thực hiện năm 2019 «» → «3.000»"
    row = a2(demo)
    assert (row["last_year"], row["last_year_source"], row["pct_last_year"]) == ("3.000", "thuc-hien", 101.67)
    audit = run_main("audit", "--year", "2019", "--db", demo)
    assert "A.2 (thực hiện): «» → «3.000»" in audit.stdout
    refused = run_main("set-value", "A.2", "3000", "--last-year", "--note", "x", "--year", "2020", "--db", demo)
    assert refused.returncode == 2 and "không đi cùng --note" in refused.stderr
