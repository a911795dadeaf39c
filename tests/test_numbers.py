"""Vietnamese numbers: parse, format, and the messages for what does not parse."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bkdesk.numbers import NumberError, canonical_number_text, format_number, format_percent, parse_number
from bkdesk.text import clean, fold


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3.050", Decimal("3050")),
        ("95,3", Decimal("95.3")),
        ("1.932,5", Decimal("1932.5")),
        ("01", Decimal("1")),
        ("100 %", Decimal("100")),
        ("1\u00a0000", Decimal("1000")),
        ("-12,5", Decimal("-12.5")),
        ("0,15", Decimal("0.15")),
        ("1.000.000", Decimal("1000000")),
    ],
)
def test_parses_vietnamese_numbers(text: str, expected: Decimal) -> None:
    assert parse_number(text) == expected


def test_unicode_minus_is_a_minus() -> None:
    assert parse_number("\u22125") == Decimal("-5")


def test_compares_as_written_decimals() -> None:
    assert parse_number("1.020,45") < parse_number("1.020,5")
    assert parse_number("450") == parse_number("450,0")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("1.5", "dấu chấm chỉ dùng để tách hàng nghìn; số thập phân viết 1,5"),
        ("1,2,3", "nhiều dấu phẩy"),
        ("12a", 'có chữ "a"'),
        ("45O", "chữ O thay cho số 0"),
        ("NaN", "hữu hạn"),
        ("inf", "hữu hạn"),
        ("∞", "hữu hạn"),
        ("1.000.00", "đúng 3 chữ số"),
        ("1,000.5", "1.000,5"),
        ("", "ô trống"),
        ("-", "thiếu chữ số"),
        ("1" * 16, "quá lớn"),
        ("1,1234567", "thập phân"),
        ("0.123", "nếu là số thập phân, hãy viết 0,123"),
        ("-01.500", "nếu là số thập phân, hãy viết -01,500"),
    ],
)
def test_explains_what_is_wrong(text: str, fragment: str) -> None:
    with pytest.raises(NumberError) as caught:
        parse_number(text)
    assert fragment in caught.value.message
    assert str(caught.value).startswith(f'"{clean(text)}"')


@pytest.mark.parametrize(
    ("value", "places", "trim", "expected"),
    [
        (Decimal("3050"), None, False, "3.050"),
        (Decimal("95.3"), None, False, "95,3"),
        (Decimal("-1932.5"), None, False, "-1.932,5"),
        (Decimal("83.3176"), 2, False, "83,32"),
        (Decimal("100.00"), 2, True, "100"),
        (Decimal("0.005"), 2, False, "0,01"),
        (Decimal("-0.001"), 2, False, "0,00"),
    ],
)
def test_formats_the_vietnamese_way(value: Decimal, places: int | None, trim: bool, expected: str) -> None:
    assert format_number(value, places, trim=trim) == expected


def test_percent_is_two_places_without_trailing_zeros() -> None:
    assert format_percent(Decimal("144.5500")) == "144,55"
    assert format_percent(Decimal("100")) == "100"
    assert format_percent(None) == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("25500", "25.500"),
        ("1932,5", "1.932,5"),
        ("01", "01"),
        ("3.050", "3.050"),
        ("56,70", "56,70"),
        ("-4000", "-4.000"),
    ],
)
def test_canonical_text_groups_thousands_and_keeps_decimals(text: str, expected: str) -> None:
    assert canonical_number_text(text) == expected


decimals = st.decimals(min_value=Decimal("-1e14"), max_value=Decimal("1e14"), allow_nan=False, places=4)


@given(decimals)
def test_format_then_parse_gives_the_same_decimal(value: Decimal) -> None:
    assert parse_number(format_number(value)) == value


@given(st.integers(min_value=0, max_value=10**15 - 1))
def test_grouped_integers_round_trip(value: int) -> None:
    assert parse_number(canonical_number_text(str(value))) == value


def test_every_input_is_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Đạt")
    assert decomposed != "Đạt"
    assert clean(decomposed) == "Đạt"
    assert clean("  Đàn \u00a0 lợn  ") == "Đàn lợn"


def test_fold_finds_without_accents() -> None:
    assert fold("Đàn lợn") == fold("dan lon") == "dan lon"
    assert fold(unicodedata.normalize("NFD", "Thu ngân sách")) == "thu ngan sach"
