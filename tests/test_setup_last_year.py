"""A phòng's "so với cùng kỳ" is the office's: the setup file carries last year's results and printed ratios."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bkdesk.exchange.setup_file import read_setup
from db.database import Database
from db.entry import CellWrite, set_value, write_last_year
from db.figure_rules import LAST_YEAR
from db.tables import evaluate
from tests.fixtures.exchange import YEAR, Phong, issue_phong

SHOWN = ("A.2", "A.3", "A.6", "A.11", "B.1")


def same_period(db: Database) -> dict[str, tuple[object, str, str]]:
    """What the grid and the printout show in "so với cùng kỳ", and where it comes from, for a few rows."""
    table = evaluate(db, YEAR)
    return {
        code: (row.pct_last_year, row.same_period_text, row.last_year_source)
        for code in SHOWN
        if (row := table.row(code)) is not None
    }


@pytest.fixture
def kt(demo_db: Database, tmp_path: Path) -> Iterator[Phong]:
    # The office moved A.2's estimate away from the one its printed ratio was for, and knows 2019's final A.6.
    set_value(demo_db, "A.2", YEAR, "3.180", actor="văn phòng")
    with demo_db.begin() as session:
        write_last_year(session, YEAR, [CellWrite("A.6", LAST_YEAR, "4.150")], actor="văn phòng")
    made = issue_phong(demo_db, "KT", tmp_path / "pc")
    yield made
    made.db.dispose()


def test_the_phong_shows_the_offices_so_voi_cung_ky(demo_db: Database, kt: Phong) -> None:
    office = same_period(demo_db)
    assert office["A.6"][2] == "thuc-hien"  # 4.368 over 2019's final 4.150
    assert office["A.2"][2] == "ty-le-in"  # 100 printed for 3.050, worked out again for 3.180
    assert same_period(kt.db) == office


def test_the_setup_file_carries_figures_and_the_printed_ratios_estimate_never_a_derived_base(kt: Phong) -> None:
    rows = {row.indicator.code: row for row in read_setup(kt.setup.read_bytes()).rows}
    assert (rows["A.6"].last_year, rows["A.6"].last_year_source) == ("4.150", "thuc-hien")
    assert (rows["A.2"].printed_ratio, rows["A.2"].printed_for) == ("100", "3.050")
    # No 2019 figure for A.2: the base its ratio implies (3.050 ÷ 100 × 100) is never sent as one.
    assert rows["A.2"].last_year == ""
    payload = json.loads(kt.setup.read_text(encoding="utf-8"))["payload"]
    a2 = next(row for row in payload["rows"] if row["indicator"]["code"] == "A.2")
    assert "last_year" not in a2 and a2["printed_ratio"] == {"estimate": "3.050", "ratio": "100"}
