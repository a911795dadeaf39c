"""Filtering the grid: accent-insensitive search, groups, phòng, rows not yet entered."""

from __future__ import annotations

from collections.abc import Callable

from bkdesk.evaluation import RowInput
from ui.context import AppContext
from ui.entry_model import ESTIMATE, EntryModel
from ui.filters import EntryFilter

TableRows = Callable[[AppContext], list[RowInput]]


def visible_codes(proxy: EntryFilter) -> list[str]:
    model = proxy.entry_model()
    return [model.rows[proxy.mapToSource(proxy.index(r, 0)).row()].code for r in range(proxy.rowCount())]


def make(context: AppContext, rows: TableRows) -> EntryFilter:
    proxy = EntryFilter()
    proxy.setSourceModel(EntryModel(context, rows(context)))
    return proxy


def test_search_without_accents_keeps_the_parents(kt_context: AppContext, table_rows: TableRows) -> None:
    proxy = make(kt_context, table_rows)
    proxy.set_search("dan lon")
    assert visible_codes(proxy) == ["A", "A.8", "A.8.a"]  # "Đàn lợn", "Đàn lợn hiện có" and their group
    proxy.set_search("ĐÀN LỢN xuất")  # every word must be in the name: no row has both
    assert visible_codes(proxy) == []
    proxy.set_search("lon xuat ban")
    assert visible_codes(proxy) == ["A", "A.8", "A.8.b"]  # the parent stays visible above the match
    proxy.set_search("")
    assert proxy.rowCount() == proxy.sourceModel().rowCount()


def test_search_finds_a_child_under_its_header(kt_context: AppContext, table_rows: TableRows) -> None:
    proxy = make(kt_context, table_rows)
    proxy.set_search("tieu chi nang cao")
    assert visible_codes(proxy) == ["A", "A.15", "A.15.a"]


def test_group_and_department_filters(synthesis_context: AppContext, table_rows: TableRows) -> None:
    proxy = make(synthesis_context, table_rows)
    proxy.set_group("D")
    codes = visible_codes(proxy)
    assert codes[0] == "D" and all(code.startswith("D") for code in codes)
    proxy.set_group(None)
    proxy.set_department("CA")
    assert visible_codes(proxy) == ["D", "D.4", "D.4.a", "D.4.b", "D.5"]
    proxy.set_search("an rat")
    assert visible_codes(proxy) == ["D", "D.4", "D.4.b"]
    proxy.clear()
    assert not proxy.active and proxy.rowCount() == proxy.sourceModel().rowCount()


def test_only_rows_not_yet_entered(kt_context: AppContext, table_rows: TableRows) -> None:
    proxy = make(kt_context, table_rows)
    model = proxy.entry_model()
    proxy.set_only_missing(True)
    assert visible_codes(proxy) == []  # the demo has every KT figure
    proxy.set_only_missing(False)
    assert model.edit_cell(model.row_of("A.12"), ESTIMATE, "")  # emptied again
    proxy.set_only_missing(True)
    assert visible_codes(proxy) == ["A", "A.12"]
