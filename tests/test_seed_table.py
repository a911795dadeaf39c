"""The seed's appendix (Bắc Kạn 2020) evaluated by the rules, row by row."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bkdesk.evaluation import Evaluation, evaluate_table, round2
from bkdesk.verdicts import Verdict
from tests.fixtures.seed import seed_rows


@pytest.fixture(scope="module")
def evaluation() -> Evaluation:
    return evaluate_table(2020, seed_rows())


def test_every_reported_verdict_but_three_follows_the_rules(evaluation: Evaluation) -> None:
    disagreeing = [row.code for row in evaluation.rows if row.reported_disagrees]
    assert disagreeing == ["C.1.3", "C.2.7", "E.3"]
    assert evaluation.row("C.1.3").computed_verdict is Verdict.ACHIEVED
    assert evaluation.row("C.2.7").computed_verdict is Verdict.EXCEEDED
    assert evaluation.row("E.3").computed_verdict is Verdict.EXCEEDED
    for code in disagreeing:
        assert any("khác đánh giá theo quy tắc" in w for w in evaluation.row(code).warnings)


def test_each_row_with_a_reported_verdict(evaluation: Evaluation) -> None:
    for row in evaluation.rows:
        reported = row.input.reported_verdict
        if reported is None or row.code in ("C.1.3", "C.2.7", "E.3"):
            continue
        if row.code == "D.5":
            assert row.computed_verdict is None  # words: no rule can score it
            continue
        assert row.computed_verdict is reported, row.code


def test_summary_counts_59_with_09_not_achieved(evaluation: Evaluation) -> None:
    summary = evaluation.summary
    assert summary.counted == 59
    assert summary.counts.not_achieved == 9
    assert summary.counts.achieved_or_exceeded == 49
    assert summary.counts.not_evaluated == 1  # D 5 waits for a verdict by hand
    assert [row.code for row in summary.not_achieved] == [
        "A.2",
        "A.3",
        "A.5",
        "A.7",
        "A.8",
        "A.12",
        "B.4",
        "C.3.3",
        "C.3.6",
    ]
    assert summary.phrase() == ("Đạt và vượt 49/59 chỉ tiêu; 09/59 chỉ tiêu chưa đạt; 01/59 chỉ tiêu chưa đánh giá")


def test_an_override_gives_the_final_verdict_and_keeps_the_computed_one() -> None:
    evaluation = evaluate_table(2020, seed_rows(with_overrides=True))
    d5 = evaluation.row("D.5")
    assert d5.verdict is Verdict.ACHIEVED and d5.computed_verdict is None and d5.overridden
    assert evaluation.summary.phrase() == "Đạt và vượt 50/59 chỉ tiêu; 09/59 chỉ tiêu chưa đạt"


def test_percentages_of_the_seed(evaluation: Evaluation) -> None:
    pig = evaluation.row("A.8")
    assert round2(pig.pct_plan) == Decimal("83.32")
    assert pig.pct_last_year == Decimal("144.55")  # no 2019 figure: the printed one
    assert evaluation.row("A.4").pct_plan is None  # a bound target has no % KH
    assert evaluation.row("B.6").pct_last_year is None  # "Duy trì"


def test_sum_rows_add_up_in_the_seed(evaluation: Evaluation) -> None:
    for code in ("A.8", "A.9", "A.10", "A.11"):
        assert not any("tổng các dòng con" in w for w in evaluation.row(code).warnings), code


def test_the_seed_warns_only_where_it_always_did(evaluation: Evaluation) -> None:
    """The slips of issue 10 (figures far from their target, decimals of whole things…) find none in the seed."""
    warned = {row.code: len(row.warnings) for row in evaluation.rows if row.warnings}
    assert warned == {"C.1.3": 1, "C.2.7": 1, "D.5": 1, "E.3": 1}
    with_override = evaluate_table(2020, seed_rows(with_overrides=True))
    assert sum(len(row.warnings) for row in with_override.rows) == 3
