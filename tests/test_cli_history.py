"""``python main.py history CODE [--json]`` as a user runs it, on the demo with a second year of figures."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.fixtures.commands import dump, run_main


@pytest.fixture
def two_years(tmp_path: Path) -> Path:
    """The demo (2020 with estimates, 2021 with the council's targets), then a 2020 result and a 2021 estimate."""
    db = tmp_path / "hai-nam.sqlite"
    for args in (
        ("demo",),
        ("set-value", "A.2", "3.180", "--year", "2020", "--period", "thuc-hien"),
        ("set-value", "A.2", "3.400", "--year", "2021"),
    ):
        done = run_main(*args, "--db", db)
        assert done.returncode == 0, done.stderr
    return db


def _table(stdout: str) -> dict[str, list[str]]:
    """The printed table, a year's line split where two spaces or more part its columns."""
    return {line[:4]: re.split(r" {2,}", line.strip()) for line in stdout.splitlines() if re.match(r"\d{4} ", line)}


def test_the_table_shows_each_year_in_vietnamese_numbers(two_years: Path) -> None:
    done = run_main("history", "A.2", "--db", two_years)

    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "LỊCH SỬ CHỈ TIÊU A.2: Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ (Tỷ đồng)"
    assert re.split(r" {2,}", lines[1].strip()) == [
        "Năm",
        "Nhiệm vụ",
        "Ước thực hiện",
        "Thực hiện",
        "Đánh giá",
        "% KH",
        "So với cùng kỳ (%)",
    ]
    table = _table(done.stdout)
    assert list(table) == ["2020", "2021"]
    # 2020 is judged on its final result, 3.180 of 3.200; 2021's estimate against it: 3.400 ÷ 3.180.
    assert table["2020"] == ["2020", "3.200", "3.050", "3.180", "Không đạt", "99,38"]
    assert table["2021"] == ["2021", "3.250", "3.400", "Vượt", "104,62", "106,92"]


def test_json_has_stable_keys_the_stored_texts_and_numbers_as_strings(two_years: Path) -> None:
    done = run_main("history", "A.2", "--json", "--db", two_years)

    assert done.returncode == 0, done.stderr
    years = json.loads(done.stdout)
    assert years == [
        {
            "year": 2020,
            "target": "3.200",
            "estimate": "3.050",
            "result": "3.180",
            "period": "thuc-hien",
            "verdict": "Không đạt",
            "verdict_adjusted": False,
            "pct_plan": "99.38",
            "pct_last_year": None,
        },
        {
            "year": 2021,
            "target": "3.250",
            "estimate": "3.400",
            "result": "",
            "period": "uoc",
            "verdict": "Vượt",
            "verdict_adjusted": False,
            "pct_plan": "104.62",
            "pct_last_year": "106.92",
        },
    ]


def test_an_adjusted_verdict_in_words_is_marked_with_its_reason(two_years: Path) -> None:
    done = run_main("history", "D.5", "--db", two_years)

    assert done.returncode == 0, done.stderr
    table = _table(done.stdout)
    assert table["2020"][1:] == ["Phấn đấu giảm 03 tiêu chí", "Giảm 03 tiêu chí (số vụ, số…", "Đạt*"]
    assert table["2021"][1:] == ["Giảm", "Chưa đánh giá"]
    assert "* 2020: đánh giá đã điều chỉnh — Chỉ tiêu định tính: báo cáo xác nhận giảm cả 3 tiêu chí" in done.stdout
    adjusted = json.loads(run_main("history", "D.5", "--json", "--db", two_years).stdout)[0]
    assert adjusted["estimate"] == "Giảm 03 tiêu chí (số vụ, số người chết, số người bị thương)"  # whole
    assert (adjusted["verdict"], adjusted["verdict_adjusted"]) == ("Đạt", True)


def test_an_unknown_code_is_named_and_nothing_is_written(two_years: Path) -> None:
    before = dump(two_years)
    done = run_main("history", "A.99", "--json", "--db", two_years)

    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.strip() == "Lỗi: Không có chỉ tiêu mã A.99 trong danh mục"
    assert dump(two_years) == before


def test_a_printed_verdict_that_breaks_the_rules_is_marked_as_evaluate_marks_it(two_years: Path) -> None:
    done = run_main("history", "C.1.3", "--db", two_years)

    assert done.returncode == 0, done.stderr
    assert _table(done.stdout)["2020"] == ["2020", "100", "100", "Đạt!", "100"]
    assert "! 2020: biểu ghi «Vượt», theo quy tắc là «Đạt»" in done.stdout.splitlines()
