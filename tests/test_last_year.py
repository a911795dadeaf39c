"""% so với cùng kỳ from last year's result, looked up in order, and the printed ratio worked out again."""

from __future__ import annotations

from decimal import Decimal

from bkdesk.catalogue import Indicator
from bkdesk.evaluation import (
    LAST_YEAR_ESTIMATE,
    LAST_YEAR_RESULT,
    LAST_YEAR_ZERO,
    PRINTED_RATIO,
    RowInput,
    evaluate_row,
)
from bkdesk.reports.layout import same_period_figure

SHOP = Indicator("A.2", "A", "2", "Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ", "Tỷ đồng", parent="A")


def row(estimate: str = "3.050", **kw: str) -> RowInput:
    return RowInput(SHOP, "3.200", estimate, **kw)  # type: ignore[arg-type]


def test_last_years_figure_comes_before_the_printed_ratio() -> None:
    final = evaluate_row(row(last_year="2.500", reported_pct_last_year="100", reported_pct_estimate="3.050"))
    assert (final.pct_last_year, final.last_year_source, final.same_period_text) == (Decimal(122), "thuc-hien", "")
    estimated = evaluate_row(row(last_year="2.440", last_year_source=LAST_YEAR_ESTIMATE))
    assert (estimated.pct_last_year, estimated.last_year_source) == (Decimal(125), "uoc")
    printed = evaluate_row(row(reported_pct_last_year="100", reported_pct_estimate="3.050"))
    assert (printed.pct_last_year, printed.last_year_source) == (Decimal(100), "ty-le-in")
    assert printed.same_period_text == "100"  # shown as written
    nothing = evaluate_row(row())
    assert (nothing.pct_last_year, nothing.last_year_source) == (None, "")
    assert RowInput(SHOP).last_year_source == LAST_YEAR_RESULT  # a last year's figure is its final one by default


def test_a_printed_ratio_is_worked_out_again_once_the_estimate_changes() -> None:
    changed = evaluate_row(row("3.180", reported_pct_last_year="100", reported_pct_estimate="3.050"))
    assert changed.pct_last_year is not None and round(changed.pct_last_year, 2) == Decimal("104.26")
    assert (changed.last_year_source, changed.same_period_text) == (PRINTED_RATIO, "")
    # E' × R ÷ E is E' over the implied base E × 100 ÷ R (21.246 ÷ 14.698 × 100 = 144,55 in the seed).
    pig = evaluate_row(row("22.000", reported_pct_last_year="144,55", reported_pct_estimate="21.246"))
    assert pig.pct_last_year == Decimal("22000") * Decimal("144.55") / Decimal("21246")
    # The same figure written another way is the estimate it was printed for: the ratio stays as written.
    same = evaluate_row(row("3050", reported_pct_last_year="100,0", reported_pct_estimate="3.050"))
    assert (same.same_period_text, same_period_figure(same).text) == ("100,0", "100,0")
    cleared = evaluate_row(row("", reported_pct_last_year="100", reported_pct_estimate="3.050"))
    assert (cleared.pct_last_year, cleared.same_period_text) == (None, "")


def test_words_and_bounds_keep_their_text() -> None:
    words = evaluate_row(row("97", reported_pct_last_year="Duy trì", reported_pct_estimate="97"))
    assert (words.pct_last_year, words.same_period_text, same_period_figure(words).text) == (None, "Duy trì", "Duy trì")
    words_after_edit = evaluate_row(row("98", reported_pct_last_year="Đạt", reported_pct_estimate="97"))
    assert (words_after_edit.pct_last_year, words_after_edit.same_period_text) == (None, "Đạt")
    bound = evaluate_row(row(">55", reported_pct_last_year="110", reported_pct_estimate=">50"))
    assert (bound.pct_last_year, bound.same_period_text) == (None, "110")
    printed_for_a_bound = evaluate_row(row("60", reported_pct_last_year="110", reported_pct_estimate=">50"))
    assert (printed_for_a_bound.pct_last_year, printed_for_a_bound.same_period_text) == (None, "110")


def test_a_zero_or_words_for_last_year_give_no_ratio_and_say_why() -> None:
    zero = evaluate_row(row(last_year="0", reported_pct_last_year="100", reported_pct_estimate="3.050"))
    assert (zero.pct_last_year, zero.same_period_note) == (None, LAST_YEAR_ZERO)
    assert f"So với cùng kỳ: {LAST_YEAR_ZERO}" in zero.warnings
    assert LAST_YEAR_ZERO == "năm trước bằng 0, không tính được tỷ lệ"
    words = evaluate_row(row(last_year="Hoàn thành"))
    assert (words.pct_last_year, words.last_year_source, words.same_period_text) == (None, "thuc-hien", "")
    assert words.same_period_note and not any("0" in warning for warning in words.warnings)


def test_a_stale_printed_ratio_is_not_held_against_last_years_figure() -> None:
    fresh = evaluate_row(row(last_year="2.500", reported_pct_last_year="100", reported_pct_estimate="3.050"))
    assert any("So với cùng kỳ ghi 100%" in warning for warning in fresh.warnings)
    moved = evaluate_row(row("3.180", last_year="2.500", reported_pct_last_year="100", reported_pct_estimate="3.050"))
    assert not any("So với cùng kỳ ghi" in warning for warning in moved.warnings)
