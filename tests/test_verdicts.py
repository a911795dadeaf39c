"""The verdict rules of DESIGN §3, for every target form and both directions."""

from __future__ import annotations

import pytest

from bkdesk.catalogue import Direction
from bkdesk.quantities import parse_quantity
from bkdesk.rules import EvaluationRules
from bkdesk.verdicts import Verdict, VerdictError, judge, parse_verdict

V, D, K = Verdict.EXCEEDED, Verdict.ACHIEVED, Verdict.NOT_ACHIEVED
HIGHER, LOWER, NONE = Direction.HIGHER, Direction.LOWER, Direction.NONE


@pytest.mark.parametrize(
    ("target", "estimate", "direction", "expected"),
    [
        # reach N
        ("3.200", "3.050", HIGHER, K),
        ("3.200", "3.200", HIGHER, D),
        ("3.200", "3.200,5", HIGHER, V),
        ("450", "450,0", HIGHER, D),
        ("1,53", "1,4", LOWER, V),
        ("1,53", "1,53", LOWER, D),
        ("1,53", "2", LOWER, K),
        ("56,7", "56,9", NONE, None),
        ("khoảng 4", "4", HIGHER, D),
        ("khoảng 4", "5", HIGHER, V),
        # strict and inclusive bounds never give Vượt
        (">50", "51", HIGHER, D),
        (">50", "50", HIGHER, K),
        ("trên 50", "500", HIGHER, D),
        ("≥ 50", "50", HIGHER, D),
        ("từ 50 trở lên", "49,9", HIGHER, K),
        ("<14", "12,3", HIGHER, D),
        ("<14", "14", LOWER, K),
        ("dưới 4", "3,1", LOWER, D),
        ("≤14", "14", HIGHER, D),
        ("không quá 14", "14,01", HIGHER, K),
        # ranges: inside Đạt, beyond on the better side Vượt
        ("33-34", "33,9", HIGHER, D),
        ("33-34", "33", HIGHER, D),
        ("33-34", "34", HIGHER, D),
        ("33-34", "35", HIGHER, V),
        ("33-34", "32", HIGHER, K),
        ("33-34", "32", LOWER, V),
        ("33-34", "35", LOWER, K),
        ("33-34", "35", NONE, K),
        # an estimate that is a bound or a range counts by its weaker end
        (">95", ">95", HIGHER, D),
        (">95", "≥95", HIGHER, K),
        (">95", ">90", HIGHER, K),
        ("<1,1", "<1,1", LOWER, D),
        ("<1,1", "<1,2", LOWER, K),
        (">50", "Trên 90", HIGHER, D),
        ("95-98", "96-97", HIGHER, D),
        ("95-98", "94-97", HIGHER, K),
        ("95-98", "99-100", HIGHER, V),
        ("90", ">90", HIGHER, V),
        ("90", "85-95", HIGHER, K),
        # nothing to compute
        ("Phấn đấu giảm 03 tiêu chí", "Giảm 03 tiêu chí", HIGHER, None),
        ("100", "Hoàn thành", HIGHER, None),
        ("100", "", HIGHER, None),
        ("", "100", HIGHER, None),
    ],
)
def test_verdict(target: str, estimate: str, direction: Direction, expected: Verdict | None) -> None:
    assert judge(parse_quantity(target), parse_quantity(estimate), direction) is expected


def test_rules_are_data_an_office_can_change() -> None:
    no_exceeding = EvaluationRules(exceed_above_point=False, exceed_beyond_range=False)
    assert judge(parse_quantity("100"), parse_quantity("120"), HIGHER, no_exceeding) is D
    assert judge(parse_quantity("33-34"), parse_quantity("40"), HIGHER, no_exceeding) is D


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Vượt", V),
        ("Vượt ", V),
        ("Đạt", D),
        ("Đạt ", D),
        ("Không Đạt", K),
        ("không đạt", K),
        ("Chưa đạt", K),
        ("", None),
    ],
)
def test_reported_verdicts_as_offices_write_them(text: str, expected: Verdict | None) -> None:
    assert parse_verdict(text) is expected


def test_other_reported_verdict_text_is_an_error() -> None:
    with pytest.raises(VerdictError) as caught:
        parse_verdict("Tốt")
    assert "Vượt, Đạt hoặc Không đạt" in caught.value.message
