"""One Excel cell as bkdesk reads it: Vietnamese text out, or a Vietnamese refusal.

An Excel number becomes the text an officer would have typed (3050 → ``3.050``,
56.7 → ``56,7``, 0.953 in a ``%`` cell → ``95,3``); text goes through the same checks
as anything typed in the app. Formulas, Excel errors, TRUE/FALSE and dates in a
figure are refused: bkdesk stores what the office reports, not what a sheet computed.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any, Protocol

from bkdesk.entry import EntryError, check_name, check_note, check_value
from bkdesk.numbers import MAX_INTEGER_DIGITS, format_number
from bkdesk.quantities import Kind, QuantityError, parse_quantity
from bkdesk.rules import EMPTY_MARKS
from bkdesk.text import clean, describe_forbidden, forbidden_character
from bkdesk.verdicts import VerdictError, parse_verdict

# Excel keeps 15 significant digits; what lies beyond is binary noise (92.23000000000001).
EXCEL_DIGITS = 15

# Quoted literals, escaped characters and [colour]/[locale] sections of a number format
# do not scale the value; only a bare % does.
_FORMAT_LITERALS = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')
# "00" shows 1 as 01: offices write small counts so ("Trường: 01") and the table prints it.
_ZERO_PADDED = re.compile(r"0{2,}")


class ExcelCell(Protocol):
    """What bkdesk needs of an openpyxl cell (a protocol, so tests can hand in anything alike)."""

    value: Any
    data_type: str
    number_format: str


class CellError(ValueError):
    """A cell bkdesk will not read; ``message`` is Vietnamese, without the cell's place."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def is_blank(cell: ExcelCell | None) -> bool:
    """Nothing in the cell (spaces count as nothing; a formula or an error is something)."""
    if cell is None:
        return True
    if cell.data_type in ("f", "e"):
        return False
    value = cell.value
    return value is None or (isinstance(value, str) and not clean(value))


def _refuse_non_values(cell: ExcelCell) -> None:
    if cell.data_type == "f":
        raise CellError(f"ô có công thức «{_shortened(cell.value)}»; hãy dán giá trị (Paste Values)")
    if cell.data_type == "e":
        raise CellError(f"ô báo lỗi Excel {_shortened(cell.value)}; hãy sửa hoặc xóa ô này")
    if isinstance(cell.value, bool):
        shown = "TRUE" if cell.value else "FALSE"
        raise CellError(f"ô chứa giá trị đúng/sai ({shown}), không phải số hay chữ")


def _shortened(value: object, limit: int = 60) -> str:
    text = clean(str(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _is_date(value: object) -> bool:
    return isinstance(value, (datetime, date, time, timedelta))


def _date_shown(value: object) -> str:
    """A date or time as the sheet shows it to a Vietnamese reader (dd/mm/yyyy)."""
    if isinstance(value, datetime) and value.time() != time():
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, (datetime, date)):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return str(value)


def is_percent_format(number_format: str) -> bool:
    """Whether Excel shows this cell ×100 with a % sign (``0.0%`` yes, ``0.0"%"`` no)."""
    return "%" in _FORMAT_LITERALS.sub("", number_format or "")


def number_text(value: int | float | Decimal, number_format: str = "General") -> str:
    """An Excel number as Vietnamese text, exactly as Excel holds it (15 significant digits)."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CellError("ô chứa số không hữu hạn (NaN hoặc vô cùng); hãy nhập số cụ thể")
        number = Decimal(repr(value))
        if number:
            number = number.quantize(Decimal(1).scaleb(number.adjusted() - EXCEL_DIGITS + 1), ROUND_HALF_EVEN)
    else:
        number = Decimal(value)
    if is_percent_format(number_format):
        number *= 100
    if number and number.adjusted() >= MAX_INTEGER_DIGITS:
        raise CellError(f"số quá lớn: phần nguyên tối đa {MAX_INTEGER_DIGITS} chữ số")
    number = number.normalize()
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
        if _ZERO_PADDED.fullmatch(number_format or "") and number >= 0 and len(str(number)) < len(number_format):
            return str(number).zfill(len(number_format))
    return format_number(number)


def _as_text(cell: ExcelCell) -> str:
    """The cell's content as text for checking: numbers in Vietnamese form."""
    value = cell.value
    if isinstance(value, (int, float, Decimal)):
        return number_text(value, cell.number_format)
    return clean(value)


def figure(cell: ExcelCell | None) -> str | None:
    """A target, estimate or last year's result; ``None`` when not entered."""
    if is_blank(cell):
        return None
    assert cell is not None
    _refuse_non_values(cell)
    if _is_date(cell.value):
        raise CellError(
            f"ô chứa ngày tháng {_date_shown(cell.value)}, không phải số; hãy định dạng ô là Số (Number) hoặc "
            "Văn bản (Text) rồi nhập lại"
        )
    try:
        text = check_value(_as_text(cell))
    except EntryError as exc:
        raise CellError(exc.message) from exc
    return text or None


def typed_figure(cell: ExcelCell | None) -> str:
    """A figure typed into an input cell of a bkdesk template, as text not yet checked ("" when empty).

    A number comes back as the person saw it (0.953 shown as ``95,3%`` → ``95,3``);
    a formula, an Excel error, TRUE/FALSE or a date is refused: none is a figure typed.
    """
    if is_blank(cell):
        return ""
    assert cell is not None
    _refuse_non_values(cell)
    if _is_date(cell.value):
        raise CellError(
            f"ô chứa ngày tháng {_date_shown(cell.value)}, không phải số liệu (Excel tự đổi số vừa gõ thành ngày?); "
            "hãy định dạng ô là Văn bản (Text) rồi nhập lại"
        )
    return _as_text(cell)


def typed_note(cell: ExcelCell | None) -> str:
    """A note typed into an input cell of a bkdesk template ("" when empty); a date in it is written dd/mm/yyyy."""
    if is_blank(cell):
        return ""
    assert cell is not None
    _refuse_non_values(cell)
    value = cell.value
    if isinstance(value, (datetime, date)):
        return _date_shown(value)
    if _is_date(value):
        raise CellError(f"ô chứa giờ {_date_shown(value)}; hãy định dạng ô là Văn bản (Text) rồi nhập lại")
    return _as_text(cell)


def verdict(cell: ExcelCell | None) -> str | None:
    """A reported verdict in its canonical form (``Không Đạt`` → ``Không đạt``)."""
    if is_blank(cell):
        return None
    assert cell is not None
    _refuse_non_values(cell)
    if not isinstance(cell.value, str):
        raise CellError(f'"{cell.value}": đánh giá phải là Vượt, Đạt hoặc Không đạt (Chưa đạt)')
    try:
        found = parse_verdict(cell.value)
    except VerdictError as exc:
        raise CellError(str(exc)) from exc
    return found.value if found is not None else None


def same_period(cell: ExcelCell | None) -> str | None:
    """The "so với cùng kỳ" figure as written: a number (``%`` dropped) or words (``Duy trì``)."""
    if is_blank(cell):
        return None
    assert cell is not None
    _refuse_non_values(cell)
    if _is_date(cell.value):
        raise CellError(
            f"ô chứa ngày tháng {_date_shown(cell.value)}, không phải tỷ lệ %; "
            "hãy định dạng ô là Số (Number) rồi nhập lại"
        )
    try:
        text = check_value(_as_text(cell))
    except EntryError as exc:
        raise CellError(exc.message) from exc
    if text in EMPTY_MARKS:
        return None
    try:
        quantity = parse_quantity(text)
    except QuantityError as exc:
        raise CellError(str(exc)) from exc
    if quantity.kind in (Kind.QUALITATIVE, Kind.EMPTY):
        return quantity.text or None
    return clean(quantity.text.replace("%", " "))


def plain_text(cell: ExcelCell | None, *, what: str) -> str:
    """A name, unit, STT or code: text as written; a number as Vietnamese text."""
    if is_blank(cell):
        return ""
    assert cell is not None
    _refuse_non_values(cell)
    if _is_date(cell.value):
        raise CellError(f"ô {what} chứa ngày tháng; hãy định dạng ô là Văn bản (Text) rồi nhập lại")
    if isinstance(cell.value, str):
        found = forbidden_character(cell.value)
        if found is not None:
            raise CellError(f"ô {what} {describe_forbidden(found)}; hãy xóa ký tự đó")
    return _as_text(cell)


def name(cell: ExcelCell | None) -> str:
    """An indicator's name (with its sub-row mark, if written): at most 500 characters, never a formula."""
    text = plain_text(cell, what="tên chỉ tiêu")
    try:
        return check_name(text)
    except EntryError as exc:
        raise CellError(exc.message) from exc


def stt_text(cell: ExcelCell | None) -> str:
    """The STT as written; a number keeps its dots (1.1 stays ``1.1``, never ``1,1``)."""
    if is_blank(cell):
        return ""
    assert cell is not None
    _refuse_non_values(cell)
    value = cell.value
    if _is_date(value):
        raise CellError(
            "ô STT bị Excel đổi thành ngày tháng; hãy định dạng cột STT là Văn bản (Text) rồi gõ lại số thứ tự"
        )
    if isinstance(value, float) and math.isfinite(value):
        number = Decimal(repr(value))
        return str(number.quantize(Decimal(1))) if number == number.to_integral_value() else str(number)
    return clean(value)


def note(cell: ExcelCell | None) -> str | None:
    """A note; a date in it is written dd/mm/yyyy."""
    if is_blank(cell):
        return None
    assert cell is not None
    _refuse_non_values(cell)
    value = cell.value
    text = value.strftime("%d/%m/%Y") if isinstance(value, (datetime, date)) else _as_text(cell)
    try:
        return check_note(text) or None
    except EntryError as exc:
        raise CellError(exc.message) from exc
