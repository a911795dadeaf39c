"""Targets and estimates in every form DESIGN §3 lists, and the texts that are errors."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

import pytest

from bkdesk.quantities import Kind, QuantityError, parse_quantity

D = Decimal


@pytest.mark.parametrize(
    ("text", "kind", "low", "high", "low_open", "high_open"),
    [
        ("3.200", Kind.REACH, D(3200), D(3200), False, False),
        ("56,7", Kind.REACH, D("56.7"), D("56.7"), False, False),
        ("01", Kind.REACH, D(1), D(1), False, False),
        (">50", Kind.ABOVE, D(50), None, True, False),
        ("trên 50", Kind.ABOVE, D(50), None, True, False),
        ("Trên 90", Kind.ABOVE, D(90), None, True, False),
        ("≥ 50", Kind.AT_LEAST, D(50), None, False, False),
        (">=50", Kind.AT_LEAST, D(50), None, False, False),
        ("từ 50 trở lên", Kind.AT_LEAST, D(50), None, False, False),
        ("từ 92% trở lên", Kind.AT_LEAST, D(92), None, False, False),
        ("tối thiểu 50", Kind.AT_LEAST, D(50), None, False, False),
        ("ít nhất 50", Kind.AT_LEAST, D(50), None, False, False),
        ("<14", Kind.BELOW, None, D(14), False, True),
        ("dưới 14", Kind.BELOW, None, D(14), False, True),
        ("<1,1", Kind.BELOW, None, D("1.1"), False, True),
        ("≤14", Kind.AT_MOST, None, D(14), False, False),
        ("<=14", Kind.AT_MOST, None, D(14), False, False),
        ("tối đa 14", Kind.AT_MOST, None, D(14), False, False),
        ("không quá 14", Kind.AT_MOST, None, D(14), False, False),
        ("33-34", Kind.RANGE, D(33), D(34), False, False),
        ("33 - 34", Kind.RANGE, D(33), D(34), False, False),
        ("từ 33 đến 34", Kind.RANGE, D(33), D(34), False, False),
        ("96–97", Kind.RANGE, D(96), D(97), False, False),
        ("khoảng 4", Kind.ABOUT, D(4), D(4), False, False),
        ("KHOẢNG  4", Kind.ABOUT, D(4), D(4), False, False),
    ],
)
def test_every_target_form(
    text: str, kind: Kind, low: Decimal | None, high: Decimal | None, low_open: bool, high_open: bool
) -> None:
    quantity = parse_quantity(text)
    assert (quantity.kind, quantity.low, quantity.high, quantity.low_open, quantity.high_open) == (
        kind,
        low,
        high,
        low_open,
        high_open,
    )


@pytest.mark.parametrize(
    "text", ["Phấn đấu giảm 03 tiêu chí", "Hoàn thành", "Duy trì", "Giảm 03 tiêu chí (số vụ, số người chết)"]
)
def test_words_are_qualitative_not_errors(text: str) -> None:
    quantity = parse_quantity(text)
    assert quantity.kind is Kind.QUALITATIVE
    assert quantity.text == text


def test_decomposed_unicode_reads_the_same() -> None:
    assert parse_quantity(unicodedata.normalize("NFD", "từ 50 trở lên")).kind is Kind.AT_LEAST
    assert parse_quantity(unicodedata.normalize("NFD", "Hoàn thành")).text == "Hoàn thành"


@pytest.mark.parametrize("text", ["", "  ", "-", "x", "X"])
def test_empty_and_no_figure_marks_are_not_entered(text: str) -> None:
    assert parse_quantity(text).kind is Kind.EMPTY


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("12a", 'chữ "a"'),
        ("45O", "chữ O"),
        ("1.5", "số thập phân viết 1,5"),
        ("1,2,3", "nhiều dấu phẩy"),
        (">", 'thiếu số sau ">"'),
        ("33-", "thiếu số cuối"),
        ("≥≥5", "lặp"),
        ("NaN", "hữu hạn"),
        ("∞", "hữu hạn"),
        ("34-33", "số đầu của khoảng lớn hơn số cuối"),
        ("trên 1.5", "1,5"),
        ("1" * 16, "số quá lớn"),
        ("1.234.567.890.123.456", "số quá lớn"),
        ("-1" + "0" * 15, "số quá lớn"),
        ("1,1234567", "quá nhiều chữ số thập phân"),
        ("1.000,1234567", "quá nhiều chữ số thập phân"),
    ],
)
def test_bad_text_is_an_error_never_silently_qualitative(text: str, fragment: str) -> None:
    with pytest.raises(QuantityError) as caught:
        parse_quantity(text)
    assert fragment in caught.value.message


def test_numbers_at_the_limits_are_read() -> None:
    assert parse_quantity("999.999.999.999.999").low == Decimal("999999999999999")
    assert parse_quantity("-" + "9" * 15).text == "-999.999.999.999.999"
    assert parse_quantity("0" * 20 + "1").low == 1  # leading zeros are not digits of the size
    assert parse_quantity("1.234,123456").low == Decimal("1234.123456")
    assert parse_quantity("-0").text == parse_quantity("\u22120").text == "0"  # a negative zero is zero, however typed


def test_plain_numbers_are_stored_canonical() -> None:
    assert parse_quantity("25500").text == "25.500"
    assert parse_quantity("03").text == "03"
    assert parse_quantity(">50").text == ">50"
