"""Three-way merge planning, without a database: who changed what since the base decides."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bkdesk.exchange.merge import Figure, MergeItem, Outcome, decide, merge_plan


def test_only_the_phong_changed_it_so_the_phong_wins() -> None:
    assert decide(base="3.050", local="3.050", incoming="3.100") is Outcome.TAKE_INCOMING


def test_only_the_synthesis_office_changed_it_so_it_stays() -> None:
    assert decide(base="3.050", local="3.200", incoming="3.050") is Outcome.KEEP_LOCAL


def test_both_changed_it_the_same_way_so_nothing_to_do() -> None:
    assert decide(base="3.050", local="3.100", incoming="3.100") is Outcome.SAME


def test_both_changed_it_differently_is_a_conflict() -> None:
    assert decide(base="3.050", local="3.200", incoming="3.100") is Outcome.CONFLICT


def test_a_value_cleared_by_the_phong_is_cleared() -> None:
    plan = merge_plan([MergeItem("A.2", Figure("3.050"), Figure("3.050"), Figure(""))])
    assert [(u.code, u.value, u.note) for u in plan.updates] == [("A.2", "", None)]


def test_without_a_base_any_difference_with_a_local_figure_is_a_conflict() -> None:
    plan = merge_plan([MergeItem("A.2", None, Figure("3.050"), Figure("3.100"))])
    assert [(c.code, c.field, c.base, c.local, c.incoming) for c in plan.conflicts] == [
        ("A.2", "value", "", "3.050", "3.100")
    ]
    empty_locally = merge_plan([MergeItem("A.3", None, Figure(""), Figure("460,1"))])
    assert [(u.code, u.value) for u in empty_locally.updates] == [("A.3", "460,1")]


def test_value_and_note_are_merged_separately() -> None:
    plan = merge_plan(
        [MergeItem("A.2", Figure("3.050", "cũ"), Figure("3.200", "cũ"), Figure("3.050", "ghi chú mới của phòng"))]
    )
    assert plan.conflicts == ()
    assert [(u.code, u.value, u.note) for u in plan.updates] == [("A.2", None, "ghi chú mới của phòng")]


def test_agreed_lists_fields_both_sides_now_hold() -> None:
    plan = merge_plan([MergeItem("A.2", Figure("1"), Figure("2", "n"), Figure("2", "n"))])
    assert {(p.code, p.field) for p in plan.agreed} == {("A.2", "value"), ("A.2", "note")}
    assert plan.updates == ()


texts = st.sampled_from(["", "3.050", "3.100", "3.200", ">95", "Hoàn thành"])


@given(base=texts, local=texts, incoming=texts)
def test_the_outcome_never_loses_a_change_silently(base: str, local: str, incoming: str) -> None:
    outcome = decide(base, local, incoming)
    if outcome is Outcome.TAKE_INCOMING:
        assert local == base != incoming  # the local side had not moved
    if outcome is Outcome.KEEP_LOCAL:
        assert incoming == base != local  # the phòng had not moved
    if outcome is Outcome.CONFLICT:
        assert len({base, local, incoming}) == 3
    if local != base and incoming != base and local != incoming:
        assert outcome is Outcome.CONFLICT


@given(base=texts, value=texts)
def test_merging_a_side_with_itself_changes_nothing(base: str, value: str) -> None:
    assert decide(base, value, value) is Outcome.SAME


# ---- a file that says what it edited, against the state it was made from ----------------------


def test_a_figure_not_edited_never_changes_the_citys_even_where_the_city_still_holds_the_base() -> None:
    assert decide("1.424", "1.424", "1.400", edited=False) is Outcome.KEEP_LOCAL
    assert decide("4.100", "4.000", "4.100", edited=False) is Outcome.KEEP_LOCAL  # a conflict kept: not raised again


def test_a_figure_edited_back_to_its_base_is_taken() -> None:
    assert decide("1.400", "1.400", "1.424", edited=True) is Outcome.TAKE_INCOMING


def test_an_edit_where_the_city_moved_since_the_base_is_a_conflict_even_when_it_equals_the_base() -> None:
    assert decide("1.424", "1.400", "1.424", edited=True) is Outcome.CONFLICT
    assert decide("1.424", "1.400", "1.410", edited=True) is Outcome.CONFLICT


def test_a_base_the_office_never_received_takes_nothing_without_a_person() -> None:
    assert decide("", "1.424", "1.400", edited=True, base_known=False) is Outcome.CONFLICT
    assert decide("", "54,47", "57", edited=None, base_known=False) is Outcome.CONFLICT
    assert decide("", "57", "57", edited=True, base_known=False) is Outcome.SAME
    # Untouched since the newest file the office has from that PC: the office already merged it.
    assert decide("13,3", "13,8", "13,3", edited=False, base_known=False) is Outcome.KEEP_LOCAL


def test_edit_marks_are_per_field() -> None:
    item = MergeItem("A.6", Figure("4.100", ""), Figure("4.000", ""), Figure("4.100", "theo Cục"), frozenset({"note"}))
    plan = merge_plan([item])
    assert [(p.field, p.outcome) for p in plan.fields] == [
        ("value", Outcome.KEEP_LOCAL),
        ("note", Outcome.TAKE_INCOMING),
    ]
    assert plan.conflicts == ()


def _first_rule(base: str, local: str, incoming: str) -> Outcome:
    """The rule files without edit marks were merged by before installations."""
    if incoming == local:
        return Outcome.SAME
    if local == base:
        return Outcome.TAKE_INCOMING
    if incoming == base:
        return Outcome.KEEP_LOCAL
    return Outcome.CONFLICT


@given(base=texts, local=texts, incoming=texts, edited=st.none() | st.booleans(), known=st.booleans())
def test_the_rule_with_edit_marks(base: str, local: str, incoming: str, edited: bool | None, known: bool) -> None:
    outcome = decide(base, local, incoming, edited=edited, base_known=known)
    assert (outcome is Outcome.SAME) == (incoming == local)
    if outcome is Outcome.TAKE_INCOMING:
        # Only an edit, made from a state the office holds, over a city figure still at that state.
        assert known and local == base and (edited or (edited is None and incoming != base))
    if edited is False and known:
        assert outcome in (Outcome.SAME, Outcome.KEEP_LOCAL)
    if not known:
        assert outcome in ((Outcome.SAME, Outcome.KEEP_LOCAL) if edited is False else (Outcome.SAME, Outcome.CONFLICT))
    if edited is None and known:
        assert outcome is _first_rule(base, local, incoming)
