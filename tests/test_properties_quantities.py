"""Two paths to one answer: a plain figure read by the fast path equals the full parser's reading.

Most stored figures are plain numbers (``3.050``, ``95,3``, ``01``), so
:func:`bkdesk.quantities.parse_text` reads them with one pattern and one ``Decimal``; any
other text goes through the full analysis (bounds, ranges, words) and
:func:`bkdesk.numbers.parse_number`. Whatever an officer types, the two must agree on the
number, on its places and on the text bkdesk stores and prints.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bkdesk import quantities
from bkdesk.numbers import MAX_DECIMAL_PLACES, MAX_INTEGER_DIGITS, NumberError, format_number, parse_number
from bkdesk.quantities import Kind, Quantity, QuantityError, parse_quantity

FAST = settings(max_examples=300, deadline=None)

# What the fast path takes: exactly the texts its own pattern accepts.
fast_texts = st.from_regex(quantities._PLAIN_NUMBER, fullmatch=True)


@st.composite
def typed_numbers(draw: st.DrawFn) -> str:
    """Numbers as officers type them, near the fast path's limits: signs, leading zeros, groups, long tails."""
    sign = draw(st.sampled_from(["", "", "-", "+", "\u2212"]))
    digits = draw(st.text("0123456789", min_size=1, max_size=MAX_INTEGER_DIGITS + 2))
    if draw(st.booleans()) and len(digits) > 3:
        head = len(digits) % 3 or 3
        digits = digits[:head] + "".join("." + digits[i : i + 3] for i in range(head, len(digits), 3))
    fraction = draw(st.text("0123456789", max_size=MAX_DECIMAL_PLACES + 1))
    return sign + digits + ("," + fraction if fraction else "")


def full_path(text: str) -> Quantity:
    """The reading of ``text`` by the full analysis, as a text that is not a plain number gets it."""
    cleaned = quantities.clean(text)
    return quantities._parse_numeric(cleaned, cleaned.casefold())


def exactly(quantity: Quantity) -> tuple[object, ...]:
    """Everything a reader can see of a quantity, the places of its numbers included (``1,50`` is not ``1,5``)."""
    return (
        quantity.kind,
        quantity.text,
        str(quantity.low),
        str(quantity.high),
        quantity.low_open,
        quantity.high_open,
    )


@FAST
@given(fast_texts)
@example("-0")
@example("-0,00")
@example("01")
@example("1234")
@example("999.999.999.999.999,999999")
def test_the_fast_path_reads_a_plain_number_as_the_full_parser_does(text: str) -> None:
    assert exactly(quantities._plain(text)) == exactly(full_path(text))
    assert exactly(parse_quantity(text)) == exactly(full_path(text))


@FAST
@given(typed_numbers())
@example("0.123")
@example("001.234")
@example("-0.500")
def test_any_typed_number_reads_the_same_on_either_path(text: str) -> None:
    """Whichever path a text takes, the answer (or the refusal) is the full parser's."""
    try:
        expected = full_path(text)
    except (QuantityError, NumberError):
        try:
            parse_quantity(text)
        except QuantityError as refused:
            assert refused.message  # refused with the full parser's Vietnamese message
        else:
            raise AssertionError(f"{text!r} is refused by the full parser but taken by the fast path")
        return
    assert exactly(parse_quantity(text)) == exactly(expected)


@FAST
@given(fast_texts)
@example("٠")  # digits of another script, pasted from elsewhere: written back as 0-9
@example("１.２３４,５")
def test_a_figure_with_a_percent_sign_is_the_same_figure(text: str) -> None:
    """``95,3%`` takes the full path, ``95,3`` the fast one: the same figure either way."""
    assert exactly(parse_quantity(text + "%")) == exactly(parse_quantity(text))


@FAST
@given(fast_texts)
def test_the_stored_text_reads_back_to_the_same_number(text: str) -> None:
    quantity = parse_quantity(text)
    assert quantity.kind is Kind.REACH
    assert parse_number(quantity.text) == quantity.low == parse_number(text)
    assert exactly(parse_quantity(quantity.text)) == exactly(quantity)  # storing it again changes nothing
    assert format_number(quantity.low) == format_number(parse_number(text))  # type: ignore[arg-type]
    assert quantity.low == Decimal(text.replace(".", "").replace(",", "."))
