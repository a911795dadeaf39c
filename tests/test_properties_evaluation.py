"""Two paths to one answer: the grid's evaluation after an edit equals evaluating the table afresh.

After an edit the grid passes the previous evaluation to
:func:`bkdesk.evaluation.evaluate_table`, which takes over every row whose input is the
very same object and works out only the edited rows and the sums above them. Whatever
is edited, in whatever order, the verdicts, percentages, warnings and the summary must be
those of a fresh evaluation of the same rows.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from bkdesk import rules
from bkdesk.evaluation import Evaluation, Override, RowInput, evaluate_table
from bkdesk.numbers import format_number
from bkdesk.verdicts import Verdict
from tests.fixtures.seed import seed_rows

YEAR = 2020
SEED = tuple(seed_rows(with_overrides=True))
SETTINGS = settings(max_examples=60, deadline=None)

numbers = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False).map(
    lambda value: format_number(value, trim=True)
)
bounds = st.tuples(
    st.sampled_from([">", "≥ ", "<", "≤", "trên ", "dưới ", "không quá ", "khoảng ", "từ "]), numbers
).map(lambda pair: pair[0] + pair[1] + (" trở lên" if pair[0] == "từ " else ""))
ranges = st.tuples(numbers, numbers).map(
    lambda pair: f"{min(pair, key=_value)}-{max(pair, key=_value)}" if _value(pair[0]) != _value(pair[1]) else pair[0]
)
figures = st.one_of(
    numbers,
    numbers,
    bounds,
    ranges,
    st.sampled_from(["", "-", "Hoàn thành", "Phấn đấu giảm 03 tiêu chí", "1.5", "34-33", "12abc", "∞"]),
)
overrides = st.one_of(
    st.none(),
    st.builds(Override, st.sampled_from(list(Verdict)), st.sampled_from(["Theo báo cáo của phòng", "Đã rà soát"])),
)


def _value(text: str) -> Decimal:
    return Decimal(text.replace(".", "").replace(",", "."))


@st.composite
def edits(draw: st.DrawFn) -> tuple[int, dict[str, object]]:
    """One edit of one row, as the grid, an import or the synthesis office makes it."""
    index = draw(st.integers(min_value=0, max_value=len(SEED) - 1))
    field = draw(st.sampled_from(["estimate", "estimate", "target", "last_year", "reported_pct_last_year", "override"]))
    value = draw(overrides) if field == "override" else draw(figures)
    return index, {field: value}


def apply(rows: list[RowInput], edit: tuple[int, dict[str, object]]) -> list[RowInput]:
    """The table after ``edit``: a new object for the edited row, the very same objects for the others."""
    index, changes = edit
    edited = list(rows)
    edited[index] = replace(rows[index], **changes)  # type: ignore[arg-type]
    return edited


def assert_same(incremental: Evaluation, fresh: Evaluation) -> None:
    assert incremental.summary == fresh.summary
    for mine, theirs in zip(incremental.rows, fresh.rows, strict=True):
        assert mine == theirs, mine.code
    assert incremental == fresh


@SETTINGS
@given(st.lists(st.lists(edits(), min_size=1, max_size=4), min_size=1, max_size=5))
def test_edits_evaluated_one_after_another_equal_a_fresh_evaluation(batches: list[list[tuple[int, dict]]]) -> None:
    rows = list(SEED)
    evaluation = evaluate_table(YEAR, rows)
    for batch in batches:  # several cells pasted at once, then the next paste
        for edit in batch:
            rows = apply(rows, edit)
        evaluation = evaluate_table(YEAR, rows, previous=evaluation)
        assert_same(evaluation, evaluate_table(YEAR, rows))


@SETTINGS
@given(st.lists(edits(), min_size=1, max_size=6), st.sampled_from([True, False]))
def test_a_previous_evaluation_under_other_rules_is_not_taken_over(
    batch: list[tuple[int, dict]], exceed_above_point: bool
) -> None:
    other = rules.EvaluationRules(exceed_above_point=exceed_above_point, high_ratio=Decimal(3))
    rows = list(SEED)
    previous = evaluate_table(YEAR, rows, policy=other)
    for edit in batch:
        rows = apply(rows, edit)
    assert_same(evaluate_table(YEAR, rows, previous=previous), evaluate_table(YEAR, rows))


@SETTINGS
@given(
    st.lists(st.integers(min_value=0, max_value=len(SEED) - 1), min_size=1, max_size=8, unique=True),
    st.booleans(),
)
def test_rows_taken_out_of_the_table_leave_the_same_answer(removed: list[int], with_descendants: bool) -> None:
    """A shorter table (rows filtered out, a phòng's share) evaluated against the whole one's evaluation.

    Without its descendants, a removed row leaves them one level higher: their depth changes too.
    """
    previous = evaluate_table(YEAR, list(SEED))
    gone = {SEED[index].indicator.code for index in removed}
    rows = [row for row in SEED if row.indicator.code not in gone and not (with_descendants and _ancestors(row) & gone)]
    assert_same(evaluate_table(YEAR, rows, previous=previous), evaluate_table(YEAR, rows))


def _ancestors(row: RowInput) -> set[str]:
    by_code = {item.indicator.code: item.indicator for item in SEED}
    found: set[str] = set()
    parent = row.indicator.parent
    while parent is not None:
        found.add(parent)
        parent = by_code[parent].parent
    return found
