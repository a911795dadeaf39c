"""An indicator's history: each year as its own table evaluates it, from the core and from the database."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from decimal import Decimal
from pathlib import Path

import pytest

from bkdesk.catalogue import Direction, Indicator, PeriodKind
from bkdesk.evaluation import Override, round2
from bkdesk.history import PeriodFigure, chart_point, indicator_history
from bkdesk.verdicts import Verdict
from db.database import Database
from db.entry import set_override, set_value
from db.errors import InvalidInput, StoreError
from db.history import history
from db.schema import open_database
from db.tables import evaluate

RETAIL = Indicator(code="A.2", group="A", stt="2", name="Tổng mức bán lẻ", unit="Tỷ đồng", counted=True)
ESTIMATE, RESULT = PeriodKind.ESTIMATE, PeriodKind.RESULT


def _figures() -> list[PeriodFigure]:
    return [
        PeriodFigure(2019, RESULT, "3.000"),  # a year without a table still gives 2020 its last-year figure
        PeriodFigure(2020, ESTIMATE, "3.050", reported_pct_last_year="100"),
        PeriodFigure(2020, RESULT, "3.180"),
        PeriodFigure(2021, ESTIMATE, "3.400"),
    ]


def test_each_year_is_judged_on_its_final_result_once_entered_else_its_estimate() -> None:
    found = indicator_history(RETAIL, {2021: "3.250", 2020: "3.200"}, _figures())

    assert [year.year for year in found.years] == [2020, 2021]
    closed, current = found.years
    assert (closed.target, closed.estimate, closed.result, closed.period) == ("3.200", "3.050", "3.180", RESULT)
    assert closed.verdict is Verdict.NOT_ACHIEVED  # 3.180 < 3.200
    assert round2(closed.pct_plan) == Decimal("99.38")
    assert closed.pct_last_year == Decimal(106)  # 3.180 against 2019's 3.000
    assert (current.estimate, current.result, current.period) == ("3.400", "", ESTIMATE)
    assert current.verdict is Verdict.EXCEEDED
    assert round2(current.pct_plan) == Decimal("104.62")
    assert round2(current.pct_last_year) == Decimal("106.92")  # 3.400 against 2020's final 3.180


def test_last_year_is_the_estimate_when_no_final_result_and_the_printed_ratio_when_neither() -> None:
    figures = [PeriodFigure(2020, ESTIMATE, "3.050", reported_pct_last_year="100"), PeriodFigure(2021, ESTIMATE, "61")]
    first, second = indicator_history(RETAIL, {2020: "3.200", 2021: "3.250"}, figures).years

    assert first.pct_last_year == Decimal(100)  # nothing of 2019: the ratio the table printed
    assert round2(second.pct_last_year) == Decimal("2.00")  # 61 against 2020's estimate 3.050


def test_direction_and_override_are_those_of_the_year() -> None:
    lower = Indicator(code="C.5", group="C", stt="5", name="Tỷ lệ hộ nghèo", unit="%", direction=Direction.LOWER)
    override = Override(Verdict.ACHIEVED, "Đã xác minh")
    figures = [PeriodFigure(2020, ESTIMATE, "1,8"), PeriodFigure(2021, ESTIMATE, "2,5", override=override)]
    first, second = indicator_history(lower, {2020: "2", 2021: "2"}, figures).years

    assert first.verdict is Verdict.EXCEEDED and not first.overridden
    assert second.row.computed_verdict is Verdict.NOT_ACHIEVED
    assert second.verdict is Verdict.ACHIEVED and second.overridden


def test_no_table_no_year_and_a_year_without_figures_is_not_evaluated() -> None:
    assert indicator_history(RETAIL, {}, _figures()).years == ()
    (year,) = indicator_history(RETAIL, {2022: "3.300"}, _figures()).years
    assert (year.estimate, year.result, year.verdict, year.pct_plan) == ("", "", None, None)


@pytest.mark.parametrize(
    ("text", "point"),
    [("3.050", Decimal(3050)), ("95,3", Decimal("95.3")), (">50", Decimal(50)), ("không quá 14", Decimal(14))],
)
def test_a_figure_on_the_chart_is_its_number_or_its_bound(text: str, point: Decimal) -> None:
    assert chart_point(text) == point


@pytest.mark.parametrize("text", ["", "33-34", "Hoàn thành", "1.5"])
def test_a_range_words_or_bad_text_leave_a_gap_on_the_chart(text: str) -> None:
    assert chart_point(text) is None


# ---- from the database -----------------------------------------------------------------------------


def _two_years(db: Database) -> None:
    """The demo (2020 estimates, 2021 targets) with some 2020 results and 2021 estimates."""
    for code, result in (("A.2", "3.180"), ("A.6", "4.000"), ("C.1.3", "98"), ("E.3", "80")):
        set_value(db, code, 2020, result, kind=RESULT, actor="kiểm thử")
    for code, estimate in (("A.2", "3.400"), ("A.4", "55"), ("A.6", "4.100"), ("A.5", "160")):
        set_value(db, code, 2021, estimate, actor="kiểm thử")
    # A 2020 estimate moved away from the one its printed "so với cùng kỳ" (102) was printed for.
    set_value(db, "A.3", 2020, "470", actor="kiểm thử")
    set_override(db, "A.6", 2020, Verdict.ACHIEVED, "Số thực hiện đã xác minh", kind=RESULT, actor="kiểm thử")


def test_every_year_of_every_indicator_says_what_evaluate_says(demo_db: Database) -> None:
    _two_years(demo_db)
    tables = {(year, kind): evaluate(demo_db, year, kind) for year in (2020, 2021) for kind in PeriodKind}
    checked = 0
    for row in tables[(2020, ESTIMATE)].rows + tables[(2021, ESTIMATE)].rows:
        for year in history(demo_db, row.code).years:
            expected = tables[(year.year, year.period)].row(row.code)
            assert (year.verdict, year.row.computed_verdict, year.overridden) == (
                expected.verdict,
                expected.computed_verdict,
                expected.overridden,
            ), (row.code, year.year)
            assert (year.pct_plan, year.pct_last_year) == (expected.pct_plan, expected.pct_last_year)
            assert year.row.last_year_source == expected.last_year_source, (row.code, year.year)
            assert year.target == expected.input.target
            checked += 1
    assert checked > 150


def test_the_history_of_a_retail_figure_over_two_years(demo_db: Database) -> None:
    _two_years(demo_db)
    found = history(demo_db, " A.6 ")
    assert found.indicator.name == "Sản lượng Lương thực có hạt"
    assert [(y.year, y.target, y.estimate, y.result) for y in found.years] == [
        (2020, "4.093", "4.368", "4.000"),
        (2021, "4.080", "4.100", ""),
    ]
    assert [(y.verdict, y.overridden) for y in found.years] == [(Verdict.ACHIEVED, True), (Verdict.EXCEEDED, False)]
    assert round2(found.years[1].pct_last_year) == Decimal("102.50")  # 4.100 against 2020's final 4.000


def test_an_unknown_code_or_one_in_no_table_is_refused_by_name(demo_db: Database, db_path: Path) -> None:
    with pytest.raises(InvalidInput) as unknown:
        history(demo_db, "A.99")
    assert unknown.value.message == "Không có chỉ tiêu mã A.99 trong danh mục"
    with closing(sqlite3.connect(db_path)) as connection, connection:
        connection.execute(
            "INSERT INTO indicators (code, group_code, stt, name, unit, direction, counted, sum_of_children) "
            "VALUES ('A.50', 'A', '50', 'Chỉ tiêu chưa vào biểu', 'Ha', 'higher', 0, 0)"
        )
    with pytest.raises(StoreError) as untabled:
        history(demo_db, "A.50")
    assert untabled.value.message == "Chỉ tiêu A.50 chưa có trong biểu năm nào"


def test_a_database_named_by_url_gives_the_same_history(demo_db: Database, db_path: Path) -> None:
    _two_years(demo_db)
    by_url = open_database(url=f"sqlite:///{db_path}")
    try:
        assert history(by_url, "A.2") == history(demo_db, "A.2")
    finally:
        by_url.dispose()
