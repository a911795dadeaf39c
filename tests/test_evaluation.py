"""% KH, % so với cùng kỳ, plausibility warnings and the summary on small tables."""

from __future__ import annotations

from decimal import Decimal

from bkdesk.catalogue import Direction, Indicator
from bkdesk.evaluation import RowInput, evaluate_row, evaluate_table, pct_plan
from bkdesk.quantities import parse_quantity
from bkdesk.verdicts import Verdict


def ind(code: str = "A.1", name: str = "Đàn lợn", unit: str = "con", **kw: object) -> Indicator:
    return Indicator(code=code, group="A", stt=code.split(".")[-1], name=name, unit=unit, parent="A", **kw)  # type: ignore[arg-type]


def test_pct_plan_is_null_for_bounds_ranges_words_and_zero_targets() -> None:
    assert pct_plan(parse_quantity("200"), parse_quantity("50")) == Decimal(25)
    assert pct_plan(parse_quantity(">50"), parse_quantity("60")) is None
    assert pct_plan(parse_quantity("33-34"), parse_quantity("33")) is None
    assert pct_plan(parse_quantity("Hoàn thành"), parse_quantity("Hoàn thành")) is None
    assert pct_plan(parse_quantity("0"), parse_quantity("5")) is None
    assert pct_plan(parse_quantity("100"), parse_quantity(">95")) is None


def test_pct_last_year_from_last_years_value_else_the_entered_figure() -> None:
    computed = evaluate_row(RowInput(ind(), "25.500", "21.246", last_year="14.698", reported_pct_last_year="144,55"))
    assert computed.pct_last_year is not None and round(computed.pct_last_year, 2) == Decimal("144.55")
    entered = evaluate_row(RowInput(ind(), "25.500", "21.246", reported_pct_last_year="144,55"))
    assert entered.pct_last_year == Decimal("144.55")
    words = evaluate_row(RowInput(ind(), "97", "97", reported_pct_last_year="Duy trì"))
    assert words.pct_last_year is None
    zero = evaluate_row(RowInput(ind(), "10", "5", last_year="0"))
    assert zero.pct_last_year is None


def test_an_estimate_far_from_last_year_is_flagged_but_still_evaluated() -> None:
    row = evaluate_row(RowInput(ind(), "100", "250", last_year="100"))
    assert row.verdict is Verdict.EXCEEDED
    assert any("cao hơn 2 lần" in w for w in row.warnings)
    low = evaluate_row(RowInput(ind(), "100", "40", last_year="100"))
    assert any("thấp hơn một nửa" in w for w in low.warnings)
    normal = evaluate_row(RowInput(ind(), "100", "150", last_year="100"))
    assert normal.warnings == ()


def test_a_share_above_100_and_a_negative_count_are_flagged() -> None:
    share = evaluate_row(RowInput(ind(name="Tỷ lệ che phủ rừng", unit=" %"), "65", "165"))
    assert any("lớn hơn 100%" in w for w in share.warnings)
    people = evaluate_row(RowInput(ind(name="Tỷ lệ đối tượng tham gia", unit="Người"), "1.015", "1.286"))
    assert not any("100%" in w for w in people.warnings)  # C 3.8: named "Tỷ lệ" but counted in people
    negative = evaluate_row(RowInput(ind(), "100", "-5"))
    assert any("số âm" in w for w in negative.warnings)
    change = evaluate_row(RowInput(ind(name="Tỷ lệ tăng dân số tự nhiên", unit="%"), "1", "-0,2"))
    assert not any("số âm" in w for w in change.warnings)


def test_an_entered_same_period_figure_that_disagrees_is_flagged() -> None:
    ok = evaluate_row(RowInput(ind(), "100", "110", last_year="100", reported_pct_last_year="110"))
    assert ok.warnings == ()
    rounding = evaluate_row(RowInput(ind(), "100", "6", last_year="7", reported_pct_last_year="85,71"))
    assert rounding.warnings == ()
    wrong = evaluate_row(RowInput(ind(), "100", "110", last_year="100", reported_pct_last_year="120"))
    assert any("So với cùng kỳ ghi 120%" in w for w in wrong.warnings)


def test_sum_of_children_mismatch_is_a_warning_not_a_fix() -> None:
    parent = Indicator("A.8", "A", "8", "Đàn lợn", "con", parent="A", sum_of_children=True, counted=True)
    rows = [
        RowInput(parent, "25.500", "21.000"),
        RowInput(Indicator("A.8.a", "A", "+", "Đàn lợn hiện có", "con", parent="A.8"), "5.500", "4.631"),
        RowInput(Indicator("A.8.b", "A", "+", "Số lợn xuất bán", "con", parent="A.8"), "20.000", "16.615"),
    ]
    evaluation = evaluate_table(2020, rows)
    warnings = evaluation.row("A.8").warnings
    assert any("Ước thực hiện: tổng các dòng con (21.246) khác số của chỉ tiêu (21.000)" in w for w in warnings)
    assert not any(w.startswith("Nhiệm vụ") for w in warnings)
    assert evaluation.row("A.8").estimate.text == "21.000"


def test_qualitative_row_asks_for_a_verdict_by_hand() -> None:
    row = evaluate_row(RowInput(ind(), "Phấn đấu giảm 03 tiêu chí", "Giảm 03 tiêu chí"))
    assert row.computed_verdict is None
    assert any("bằng tay" in w for w in row.warnings)


def test_a_stored_text_that_no_longer_parses_is_a_warning_not_a_crash() -> None:
    row = evaluate_row(RowInput(ind(), "1.5", "2"))
    assert row.verdict is None
    assert any("Nhiệm vụ không hợp lệ" in w for w in row.warnings)


def test_direction_lower_is_mirrored_in_the_table() -> None:
    poverty = Indicator("C.3.9", "C", "3.9", "Tỷ lệ hộ nghèo", "%", parent="C", direction=Direction.LOWER, counted=True)
    evaluation = evaluate_table(2021, [RowInput(poverty, "1,53", "1,2")])
    assert evaluation.row("C.3.9").verdict is Verdict.EXCEEDED
    assert evaluation.summary.counts.exceeded == 1


def test_evaluating_again_takes_over_unchanged_rows_and_redoes_the_edited_one_and_its_sum() -> None:
    import dataclasses

    parent = Indicator("A.8", "A", "8", "Đàn lợn", "con", parent="A", sum_of_children=True, counted=True)
    rows = [
        RowInput(parent, "25.500", "21.246"),
        RowInput(Indicator("A.8.a", "A", "+", "Đàn lợn hiện có", "con", parent="A.8"), "5.500", "4.631"),
        RowInput(Indicator("A.8.b", "A", "+", "Số lợn xuất bán", "con", parent="A.8"), "20.000", "16.615"),
        RowInput(ind("A.9", name="Đàn gia cầm"), "215.800", "310.735"),
    ]
    first = evaluate_table(2020, rows)
    edited = list(rows)
    edited[1] = dataclasses.replace(rows[1], estimate="5.000")
    second = evaluate_table(2020, edited, previous=first)
    assert second.rows[3] is first.rows[3]  # untouched: taken over
    assert second.row("A.8.a").verdict is Verdict.NOT_ACHIEVED and second.row("A.8.a").estimate.text == "5.000"
    assert any("tổng các dòng con (21.615)" in w for w in second.row("A.8").warnings)  # the sum saw the edit
    assert second.summary == evaluate_table(2020, edited).summary
