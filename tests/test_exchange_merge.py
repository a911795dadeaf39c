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
