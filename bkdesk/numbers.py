"""Vietnamese numbers: ``.`` groups thousands, ``,`` is the decimal mark.

``3.050`` is three thousand and fifty, ``95,3`` is ninety-five point three,
``1.932,5`` is one thousand nine hundred thirty-two point five. Numbers are kept as
:class:`decimal.Decimal` so that ``1.020,45 < 1.020,5`` and ``450 == 450,0`` hold
exactly. A text that does not follow these rules is an error with a Vietnamese
message saying what is wrong and how to write it, never a silent guess.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from bkdesk.text import clean

MAX_INTEGER_DIGITS = 15
MAX_DECIMAL_PLACES = 6

_PLAIN = re.compile(r"(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?")
_SIGNS = {"-": -1, "\u2212": -1, "+": 1}
_NOT_FINITE = {"nan", "inf", "infinity", "∞", "+∞", "-∞", "vô cùng", "vô hạn"}
_STRIP = str.maketrans("", "", " %")


class NumberError(ValueError):
    """A text that should be a number but is not; ``message`` is Vietnamese."""

    def __init__(self, text: str, message: str) -> None:
        super().__init__(f'"{text}": {message}')
        self.text = text
        self.message = message


def parse_number(text: object) -> Decimal:
    """Parse a Vietnamese number (``%`` and spaces ignored) into a Decimal."""
    original = clean(text)
    compact = original.translate(_STRIP)
    if not compact:
        raise NumberError(original, "ô trống, chưa có số")
    if compact.casefold() in _NOT_FINITE or original.casefold() in _NOT_FINITE:
        raise NumberError(original, "không phải là một số hữu hạn; hãy nhập số cụ thể, ví dụ 95,3")
    sign = 1
    body = compact
    if body[0] in _SIGNS:
        sign = _SIGNS[body[0]]
        body = body[1:]
        if not body:
            raise NumberError(original, "chỉ có dấu, thiếu chữ số")
    if _PLAIN.fullmatch(body) is None:
        raise NumberError(original, _explain(body))
    integer, _, fraction = body.partition(",")
    if "." in integer and integer.startswith("0"):
        # "0.123" is an English decimal far more often than 123 thousand-grouped; refused, never guessed.
        decimal = ("-" if sign < 0 else "") + integer.replace(".", ",", 1).replace(".", "")
        raise NumberError(
            original,
            f"dấu chấm tách hàng nghìn không đứng sau số 0 ở đầu; nếu là số thập phân, hãy viết {decimal}",
        )
    integer = integer.replace(".", "")
    if len(integer.lstrip("0")) > MAX_INTEGER_DIGITS:
        raise NumberError(original, f"số quá lớn: phần nguyên tối đa {MAX_INTEGER_DIGITS} chữ số")
    if len(fraction) > MAX_DECIMAL_PLACES:
        raise NumberError(original, f"quá nhiều chữ số thập phân: tối đa {MAX_DECIMAL_PLACES} chữ số sau dấu phẩy")
    try:
        value = Decimal(f"{integer}.{fraction}" if fraction else integer)
    except InvalidOperation as exc:  # the regex admits only digits; kept for safety
        raise NumberError(original, "không đọc được số") from exc
    return value if sign > 0 else -value


def _explain(body: str) -> str:
    """Say what is wrong with a number body that failed the strict pattern."""
    letters = [ch for ch in body if ch.isalpha()]
    if letters:
        letter = letters[0]
        if letter in "oO":
            return (
                f'có chữ "{letter}" trong số (chữ O thay cho số 0?); '
                "chỉ dùng chữ số, dấu chấm tách hàng nghìn và dấu phẩy thập phân"
            )
        return f'có chữ "{letter}" trong số; chỉ dùng chữ số, dấu chấm tách hàng nghìn và dấu phẩy thập phân'
    others = sorted({ch for ch in body if not (ch.isdigit() or ch in ".,")})
    if others:
        shown = " ".join(f'"{ch}"' for ch in others)
        return f"có ký tự không dùng trong số: {shown}"
    if body.count(",") > 1:
        return "có nhiều dấu phẩy; số thập phân chỉ có một dấu phẩy, ví dụ 1.932,5"
    if "," in body and "." in body and body.index(",") < body.rindex("."):
        fixed = body.replace(",", "").replace(".", ",")
        return f"dấu phẩy đứng trước dấu chấm (kiểu Anh); viết theo kiểu Việt Nam: {_group_digits(fixed)}"
    if body.startswith((",", ".")):
        return "thiếu phần nguyên trước dấu; ví dụ viết 0,5"
    if body.endswith((",", ".")):
        return "thiếu chữ số sau dấu; ví dụ viết 1.000 hoặc 95,3"
    if "." in body:
        integer, _, _fraction = body.partition(",")
        if "." in integer and "," not in body and integer.count(".") == 1:
            suggestion = integer.replace(".", ",")
            return f"dấu chấm chỉ dùng để tách hàng nghìn; số thập phân viết {suggestion}"
        return "dấu chấm chỉ dùng để tách hàng nghìn (sau mỗi dấu chấm có đúng 3 chữ số), ví dụ 1.932,5"
    return "không đọc được số; viết theo kiểu Việt Nam, ví dụ 3.050 hoặc 95,3"


def _group_digits(text: str) -> str:
    integer, sep, fraction = text.partition(",")
    try:
        grouped = f"{int(integer):,}".replace(",", ".")
    except ValueError:
        return text
    return grouped + (sep + fraction if sep else "")


def format_number(value: Decimal | int | float, places: int | None = None, *, trim: bool = False) -> str:
    """Write ``value`` the Vietnamese way: ``3050`` → ``3.050``, ``95.3`` → ``95,3``.

    ``places`` rounds half up to that many decimals; ``None`` keeps the Decimal's own
    places. ``trim`` drops trailing zeros of the fraction (``100,00`` → ``100``).
    """
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    integer, _, fraction = f"{abs(number):f}".partition(".")
    if trim:
        fraction = fraction.rstrip("0")
    grouped = f"{int(integer):,}".replace(",", ".")
    # A negative zero ("-0", "-0,00") compares equal to zero and is written without its sign.
    return ("-" if number < 0 else "") + grouped + ("," + fraction if fraction else "")


def format_percent(value: Decimal | None) -> str:
    """A computed percentage as offices print it: two places at most, no trailing zeros."""
    return "" if value is None else format_number(value, 2, trim=True)


def canonical_number_text(text: str) -> str:
    """Re-write a plain number as bkdesk stores it: grouped thousands, decimals as typed.

    ``25500`` → ``25.500``; ``1932,5`` → ``1.932,5``; ``01`` stays ``01`` (offices write
    small counts with a leading zero and the printed table keeps it).
    """
    value = parse_number(text)
    compact = clean(text).translate(_STRIP).lstrip("+")
    negative = value < 0 or compact.startswith(("-", "\u2212"))
    body = compact.lstrip("-\u2212")
    integer, sep, fraction = body.partition(",")
    integer = integer.replace(".", "")
    head = integer if len(integer) > 1 and integer.startswith("0") else f"{int(integer):,}".replace(",", ".")
    return ("-" if negative and value != 0 else "") + head + (sep + fraction if sep else "")


_DIGIT_WORDS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
# Groups of three digits, from the lowest; a thousand billion is "nghìn tỷ" (15 digits at most).
_GROUP_WORDS = ("", "nghìn", "triệu", "tỷ", "nghìn tỷ")


def _three_digits(number: int, full: bool) -> list[str]:
    """Words of 0–999; ``full`` when a higher group precedes it ("không trăm linh năm")."""
    hundreds, rest = divmod(number, 100)
    tens, units = divmod(rest, 10)
    said: list[str] = []
    if hundreds or full:
        said += [_DIGIT_WORDS[hundreds], "trăm"]
    if tens == 0:
        if units:
            if said:
                said.append("linh")
            said.append(_DIGIT_WORDS[units])
        return said
    said += ["mười"] if tens == 1 else [_DIGIT_WORDS[tens], "mươi"]
    if units == 1:
        said.append("một" if tens == 1 else "mốt")
    elif units == 5:
        said.append("lăm")
    elif units:
        said.append(_DIGIT_WORDS[units])
    return said


def number_words(value: Decimal | int) -> str:
    """``value`` read aloud in Vietnamese: 4450 → "bốn nghìn bốn trăm năm mươi", 4,45 → "bốn phẩy bốn năm".

    The decimals are read digit by digit, as a figure is read back over the telephone;
    trailing zeros after the comma are not read. Used to show which number a text was
    read as when it could mean two (``4,450``).
    """
    number = value if isinstance(value, Decimal) else Decimal(value)
    integer, _, fraction = f"{abs(number):f}".partition(".")
    fraction = fraction.rstrip("0")
    whole = int(integer)
    words: list[str] = ["âm"] if number < 0 else []
    if whole == 0:
        words.append(_DIGIT_WORDS[0])
    groups: list[int] = []
    while whole:
        whole, group = divmod(whole, 1000)
        groups.append(group)
    if len(groups) > len(_GROUP_WORDS):  # beyond what bkdesk reads as a number
        return format_number(number)
    for place in range(len(groups) - 1, -1, -1):
        group = groups[place]
        if group == 0:
            continue
        higher = place < len(groups) - 1
        words += _three_digits(group, full=higher)
        if _GROUP_WORDS[place]:
            words.append(_GROUP_WORDS[place])
    if fraction:
        words.append("phẩy")
        words += [_DIGIT_WORDS[int(digit)] for digit in fraction]
    return " ".join(words)
