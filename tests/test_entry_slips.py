"""Slips caught where they are typed (issue 10, point 2): the core's checks, whoever calls them.

Refusals for what must never be stored (formulas, control characters, over-long text,
figures on headings); questions for what a person should look at twice (``4,450`` tấn
against 4.093, ``-5`` head of cattle, words where the target is a number).
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bkdesk.catalogue import Indicator, is_heading
from bkdesk.entry import (
    MAX_FIGURE_LENGTH,
    EntryError,
    Field,
    check_name,
    check_note,
    check_value,
    is_formula_like,
    review_entry,
)
from bkdesk.evaluation import WORDS_FOR_A_NUMBER, RowInput, evaluate_row
from bkdesk.numbers import number_words
from bkdesk.plausibility import counts_whole_things, figure_slips, names_a_change
from bkdesk.quantities import parse_quantity
from bkdesk.text import ascii_digits, printable
from tests.fixtures.seed import seed_rows

GRAIN = Indicator("A.6", "A", "6", "Sản lượng Lương thực có hạt", "Tấn/năm", parent="A")
PIGS = Indicator("A.8", "A", "8", "Đàn lợn", "con", parent="A")
VACCINATED = Indicator("C.2.5", "C", "2.5", "Tỷ lệ trẻ em được tiêm chủng đầy đủ", "%", parent="C.2")
RETAIL = Indicator("A.2", "A", "2", "Tổng mức bán lẻ hàng hóa", "Tỷ đồng", parent="A")
STRUCTURE = Indicator("A.1", "A", "1", "Cơ cấu kinh tế", "", parent="A")
GROUP_A = Indicator("A", "A", "A", "Chỉ tiêu kinh tế")


def review(indicator: Indicator, text: str, target: str = "", field: Field = Field.VALUE, **kw: bool):  # type: ignore[no-untyped-def]
    return review_entry(indicator, field, text, target=target, **kw)


# --- The bad input of the issue -------------------------------------------------------------------


def test_4450_tonnes_against_4093_names_both_readings() -> None:
    found = review(GRAIN, "4,450", "4.093")
    assert found.text == "4,450"  # stored as written when the person says so
    assert found.questions == (
        "A.6 Sản lượng Lương thực có hạt: Ước thực hiện 4,450 nhỏ hơn 1/20 nhiệm vụ (4.093): "
        "4,450 được đọc là bốn phẩy bốn năm; nếu là bốn nghìn bốn trăm năm mươi, hãy viết 4.450",
    )
    assert found.warnings == found.questions and not found.words


def test_21246_pigs_against_25500_is_caught_twice() -> None:
    questions = review(PIGS, "21,246", "25.500").questions
    assert len(questions) == 2
    assert "nhỏ hơn 1/20 nhiệm vụ (25.500): 21,246 được đọc là hai mươi mốt phẩy hai bốn sáu; nếu là " in questions[0]
    assert questions[0].endswith("hai mươi mốt nghìn hai trăm bốn mươi sáu, hãy viết 21.246")
    assert "có phần thập phân nhưng đơn vị «con» đếm số nguyên" in questions[1]


def test_0953_in_a_percent_unit_against_above_95_is_a_warning_with_one_reading() -> None:
    questions = review(VACCINATED, "0,953", ">95").questions
    assert questions == (
        "C.2.5 Tỷ lệ trẻ em được tiêm chủng đầy đủ: Ước thực hiện 0,953 nhỏ hơn 1/20 nhiệm vụ (>95): kiểm tra lại",
    )


def test_43787_billion_dong_against_40_is_no_slip() -> None:
    assert review(RETAIL, "43,787", "40").questions == ()


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("=SUM(A1)", "số liệu bắt đầu bằng «=» như một công thức bảng tính"),
        ("+cmd", "số liệu bắt đầu bằng «+» như một công thức bảng tính"),
        ("@x", "số liệu bắt đầu bằng «@» như một công thức bảng tính"),
        ("-A1", "số liệu bắt đầu bằng «-» như một công thức bảng tính"),
        ("-(5)", "số liệu bắt đầu bằng «-» như một công thức bảng tính"),
        ("5\x1b[31m", "có ký tự điều khiển U+001B (không in được)"),
        ("5\x00", "có ký tự điều khiển U+0000 (không in được)"),
        ("\x85", "có ký tự điều khiển U+0085 (không in được)"),
        ("21\u202e246", "có ký tự điều khiển hướng chữ U+202E"),
        ("5\u2066", "có ký tự điều khiển hướng chữ U+2066"),
        ("1" * 256, "số liệu dài 256 ký tự; tối đa 255 ký tự"),
    ],
)
def test_refused_figures_name_the_row_and_the_problem(typed: str, problem: str) -> None:
    with pytest.raises(EntryError) as refused:
        review(PIGS, typed, "25.500")
    assert refused.value.message.startswith("A.8 Đàn lợn: ")
    assert problem in refused.value.message


def test_minus_five_head_of_cattle_is_asked_unless_the_name_says_a_change() -> None:
    questions = review(PIGS, "-5", "25.500").questions
    assert any("Ước thực hiện là số âm (-5) với đơn vị «con»" in q for q in questions)
    growth = Indicator("A.8.c", "A", "+", "Đàn lợn tăng thêm", "con", parent="A.8")
    assert not any("số âm" in q for q in review(growth, "-5", "-10").questions)
    land = Indicator("A.7", "A", "7", "Diện tích đất nông nghiệp", "Ha", parent="A")
    assert any("số âm (-2,5) với đơn vị «Ha»" in q for q in review(land, "-2,5").questions)
    money = Indicator("A.5", "A", "5", "Thu ngân sách", "Tỷ đồng", parent="A")
    assert review(money, "-2,5").questions == ()  # a balance may be negative: a warning only when evaluated


@pytest.mark.parametrize(
    ("typed", "stored"), [("٤٦٥", "465"), ("１２３", "123"), ("２５５００", "25.500"), ("۱۲,۵", "12,5")]
)
def test_digits_of_any_script_are_stored_as_ascii(typed: str, stored: str) -> None:
    assert check_value(typed) == stored


def test_names_and_notes_keep_their_own_characters() -> None:
    assert check_name("Diện tích nhà ở bình quân (m²/người)") == "Diện tích nhà ở bình quân (m²/người)"
    assert check_note("Số liệu ٤٦٥ theo báo cáo") == "Số liệu ٤٦٥ theo báo cáo"
    assert check_name("+ Đàn lợn hiện có") == "+ Đàn lợn hiện có"  # the sub-row mark, then a name
    assert check_name("- Trồng cây phân tán") == "- Trồng cây phân tán"
    with pytest.raises(EntryError, match="tên chỉ tiêu bắt đầu bằng «\\+»"):
        check_name("+cmd")
    with pytest.raises(EntryError, match="tên chỉ tiêu dài 501 ký tự; tối đa 500 ký tự"):
        check_name("a" * 501)
    with pytest.raises(EntryError, match=re.escape("ghi chú dài 2.001 ký tự; tối đa 2.000 ký tự")):
        check_note("a" * 2001, "A.8 Đàn lợn")
    with pytest.raises(EntryError, match="ghi chú bắt đầu bằng «@»"):
        check_note("@HYPERLINK(x)")
    with pytest.raises(EntryError, match="ghi chú bắt đầu bằng «\\+»"):
        check_note("+ Đàn lợn tăng")  # no sub-row mark in a note
    assert check_note("Dòng một\nDòng hai\tcột") == "Dòng một Dòng hai cột"  # tab and line breaks are allowed


def test_signs_and_bounds_are_numbers_not_formulas() -> None:
    assert check_value("-5") == "-5"
    assert check_value("+5") == "5"
    assert check_value("=>50") == "=>50"
    assert check_value("- 2,5") == "-2,5"
    assert not is_formula_like("+5 hộ so với năm trước")
    assert is_formula_like("=1+2") and is_formula_like("= SUM(A1)") and is_formula_like("- abc")


def test_words_where_the_target_is_a_number_are_one_question() -> None:
    found = review(PIGS, "Đạt kế hoạch", "25.500")
    assert found.words == "A.8 Đàn lợn: «Đạt kế hoạch» là chữ, còn nhiệm vụ là số (25.500)"
    assert found.questions == (f"{found.words}. Lưu như một nhận xét bằng chữ (không đánh giá tự động)?",)
    assert found.warnings == (f"{found.words}: lưu như một nhận xét bằng chữ, không đánh giá tự động",)
    words_target = Indicator("D.5", "D", "5", "Giảm cả 3 tiêu chí về tai nạn giao thông", "Tiêu chí", parent="D")
    assert review(words_target, "Giảm 03 tiêu chí", "Phấn đấu giảm 03 tiêu chí").questions == ()
    evaluated = evaluate_row(RowInput(PIGS, "25.500", "Đạt kế hoạch"))
    assert evaluated.warnings == (WORDS_FOR_A_NUMBER,)


def test_figures_on_headings_are_refused_and_others_are_not() -> None:
    with pytest.raises(EntryError, match="A Chỉ tiêu kinh tế: dòng nhóm A là tiêu đề, không nhập số liệu"):
        review(GROUP_A, "5", heading=is_heading(GROUP_A, ""))
    with pytest.raises(EntryError, match="A Chỉ tiêu kinh tế: dòng nhóm A là tiêu đề, không nhập nhiệm vụ"):
        review(GROUP_A, "5", field=Field.TARGET)
    with pytest.raises(EntryError, match=re.escape("A.1 Cơ cấu kinh tế: dòng tiêu đề")):
        review(STRUCTURE, "5", heading=is_heading(STRUCTURE, ""))
    assert review(STRUCTURE, "", heading=True).text == ""  # emptying is no figure
    assert not is_heading(STRUCTURE, "", target_other_year=True)  # a target next year: it takes figures
    assert not is_heading(STRUCTURE, "5")
    forest = Indicator("B.7", "B", "7", "Trồng rừng", "ha", parent="B")
    assert not is_heading(forest, "")  # a unit: it takes a figure even without a target this year


def test_units_of_whole_things_and_change_names_are_read_from_the_rules() -> None:
    assert counts_whole_things("Người/năm") and counts_whole_things("HTX") and counts_whole_things(" con ")
    assert not counts_whole_things("Giường")  # beds per 10.000 people: 13,3
    assert not counts_whole_things("%/Năm") and not counts_whole_things("Tỷ đồng")
    assert review(Indicator("C.3.2", "C", "3.2", "Số lao động", "Người", parent="C.3"), "520,5", "500").questions
    assert names_a_change("Số trường đạt chuẩn quốc gia tăng thêm")
    assert names_a_change("GIẢM tỷ lệ hộ nghèo")
    assert not names_a_change("Giám sát an toàn thực phẩm")  # "giám" is no "giảm"


def test_a_target_is_checked_for_its_own_slips_only() -> None:
    assert review(PIGS, "25.500", field=Field.TARGET).questions == ()
    assert "có phần thập phân" in review(PIGS, "25,5", field=Field.TARGET).questions[0]


def test_the_seed_gives_no_new_warning() -> None:
    rows = seed_rows(with_overrides=True)
    warned = {}
    for row in rows:
        evaluated = evaluate_row(row)
        if evaluated.warnings:
            warned[row.indicator.code] = evaluated.warnings
    assert set(warned) == {"C.1.3", "C.2.7", "E.3"}  # the three printed verdicts that break the rules
    for row in rows:
        for field, text in ((Field.TARGET, row.target), (Field.VALUE, row.estimate)):
            heading = is_heading(row.indicator, row.target, target_other_year=True)
            assert review(row.indicator, text, row.target, field, heading=heading).questions == (), row.indicator.code


def test_printouts_escape_control_characters() -> None:
    assert printable("a\x1b[2Jb") == "a\\u001b[2Jb"
    assert printable("5\u202e000\r") == "5\\u202e000\\u000d"
    assert printable("Đàn lợn\ttăng\n") == "Đàn lợn\ttăng\n"


# --- Number words ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (0, "không"),
        (15, "mười lăm"),
        (21, "hai mươi mốt"),
        (105, "một trăm linh năm"),
        (1050, "một nghìn không trăm năm mươi"),
        (4450, "bốn nghìn bốn trăm năm mươi"),
        (21246, "hai mươi mốt nghìn hai trăm bốn mươi sáu"),
        (1_001_000, "một triệu không trăm linh một nghìn"),
        (2_000_000_000, "hai tỷ"),
        (Decimal("4.450"), "bốn phẩy bốn năm"),
        (Decimal("-0.25"), "âm không phẩy hai năm"),
    ],
)
def test_number_words(number: int | Decimal, words: str) -> None:
    assert number_words(number) == words


_DIGITS = {"không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "lăm": 5}
_DIGITS |= {"sáu": 6, "bảy": 7, "tám": 8, "chín": 9}
_SCALES = {"nghìn": 10**3, "triệu": 10**6, "tỷ": 10**9}


def read_back(words: str) -> Decimal:
    """Vietnamese number words back to the number, to check :func:`number_words` both ways."""
    tokens = words.split()
    sign = -1 if tokens[:1] == ["âm"] else 1
    tokens = tokens[1:] if sign < 0 else tokens
    integer, fraction = (tokens, []) if "phẩy" not in tokens else (tokens[: tokens.index("phẩy")], [])
    if "phẩy" in tokens:
        fraction = tokens[tokens.index("phẩy") + 1 :]
    total = section = 0
    pending: int | None = None
    index = 0
    while index < len(integer):
        token = integer[index]
        if token in _DIGITS:
            pending = _DIGITS[token]
        elif token == "trăm":
            section += (pending or 0) * 100
            pending = None
        elif token == "mươi":
            section += (pending or 0) * 10
            pending = None
        elif token == "mười":
            section += 10
        elif token in _SCALES:
            section += pending or 0
            pending = None
            scale = _SCALES[token]
            if token == "nghìn" and integer[index + 1 : index + 2] == ["tỷ"]:
                scale, index = 10**12, index + 1
            total += section * scale
            section = 0
        else:
            assert token == "linh", token
        index += 1
    value = Decimal(total + section + (pending or 0))
    if fraction:
        value += Decimal("0." + "".join(str(_DIGITS[token]) for token in fraction))
    return sign * value


@given(st.integers(min_value=-(10**15) + 1, max_value=10**15 - 1))
def test_number_words_read_back_to_the_same_integer(number: int) -> None:
    assert read_back(number_words(number)) == number


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=6, allow_nan=False, allow_infinity=False))
def test_number_words_read_back_to_the_same_decimal(number: Decimal) -> None:
    assert read_back(number_words(number)) == number


# --- Properties -------------------------------------------------------------------------------------

_FORBIDDEN = st.sampled_from(
    [chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0))]
    + list("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
)


_VISIBLE = st.characters(blacklist_categories=("Cc", "Cf", "Cs"))


@given(st.text(_VISIBLE, max_size=20), _FORBIDDEN, st.text(max_size=20))
def test_a_control_character_anywhere_is_refused_everywhere(before: str, bad: str, after: str) -> None:
    text = before + bad + after
    for check in (check_value, check_note, check_name):
        with pytest.raises(EntryError, match=f"U\\+{ord(bad):04X}"):
            check(text)


@given(st.integers(min_value=0, max_value=10**15 - 1), st.sampled_from([0x0660, 0x06F0, 0x0966, 0xFF10, 0x0E50]))
def test_digits_of_any_script_read_as_their_number(number: int, zero: int) -> None:
    written = "".join(chr(zero + int(digit)) for digit in str(number))
    assert ascii_digits(written) == str(number)
    assert check_value(written) == check_value(str(number))


_PRINTABLE = st.text(_VISIBLE, min_size=1, max_size=30)


@given(st.sampled_from("=+@"), _PRINTABLE.filter(lambda t: t[:1].isalpha()))
def test_text_that_starts_like_a_formula_is_refused_in_notes_and_names(mark: str, rest: str) -> None:
    for check in (check_note, check_name):
        with pytest.raises(EntryError, match="như một công thức bảng tính"):
            check(mark + rest)


@given(
    st.decimals(min_value=Decimal("0.001"), max_value=Decimal(10**9), places=3),
    st.decimals(min_value=Decimal("0.001"), max_value=Decimal(10**9), places=3),
)
def test_a_figure_is_asked_about_exactly_when_it_is_twenty_times_off_its_target(
    value: Decimal, target: Decimal
) -> None:
    figure, goal = parse_quantity(str(value).replace(".", ",")), parse_quantity(str(target).replace(".", ","))
    slips = figure_slips(RETAIL, "Ước thực hiện", figure, goal)
    assert bool(slips) == (value > target * 20 or value * 20 < target)


@given(st.text(max_size=MAX_FIGURE_LENGTH + 5))
def test_whatever_is_accepted_as_a_figure_is_short_and_clean(text: str) -> None:
    try:
        stored = check_value(text)
    except EntryError:
        return
    assert len(stored) <= MAX_FIGURE_LENGTH
    assert stored == printable(stored) or "\n" not in stored
    assert not is_formula_like(stored, figure=True)
