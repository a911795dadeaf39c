"""Two paths to one answer: the first screen read with ``sqlite3`` equals ``db.tables`` on any table.

:mod:`db.first_screen` fills the grid from the file before SQLAlchemy is imported, in plain
SQL that mirrors :func:`db.tables.load_rows` and its neighbours. ``tests/test_first_screen.py``
compares the two on the demo and on hand-made cases; here the tables are generated: groups,
rows and sub-rows of every kind, several years stored in pieces (so the printed order is
built up as an import builds it), both periods, last year's figures, notes, the verdicts
a table printed, overrides and locks.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bkdesk.catalogue import Department, Direction, Indicator, PeriodKind
from bkdesk.numbers import format_number
from bkdesk.tables import Table, TableLine
from bkdesk.verdicts import Verdict
from db.database import Database
from db.entry import set_override, set_value
from db.first_screen import FirstScreenReader
from db.locking import lock_period
from db.schema import open_database
from db.table_store import store_table, upsert_departments
from db.tables import departments, load_rows, lock_state, years

ACTOR = "kiểm thử"
DEPARTMENTS = (Department("KT", "Phòng Kinh tế"), Department("YT", "Phòng Y tế"), Department("CA", "Công an thành phố"))
YEARS = (2019, 2020, 2021)

numbers = st.decimals(min_value=0, max_value=10**6, places=1, allow_nan=False, allow_infinity=False).map(
    lambda value: format_number(value, trim=True)
)
figures = st.one_of(
    numbers,
    numbers.map(lambda text: f"≥ {text}"),
    numbers.map(lambda text: f"dưới {text}"),
    st.sampled_from(["", "33-34", "khoảng 4", "Phấn đấu giảm 03 tiêu chí", "Hoàn thành", "01"]),
)
units = st.sampled_from(["%", "Tỷ đồng", "con", "Triệu đồng/người"])
names = st.sampled_from(
    ["Tổng mức bán lẻ hàng hóa", "Đàn lợn", "Tỷ lệ hộ nghèo", "Số xã đạt chuẩn NTM", "Thu ngân sách"]
)
notes = st.sampled_from(["", "Số liệu tháng 11", "Theo báo cáo của Chi cục Thống kê", "Ước tính"])
verdict_texts = st.sampled_from([verdict.value for verdict in Verdict])


@st.composite
def catalogues(draw: st.DrawFn) -> list[Indicator]:
    """Groups, numbered rows and their sub-rows, in printed order (a parent before its rows).

    Every row under a group has a unit: a row without one and without a target is a heading,
    which takes no figure (``db.entry.refuse_figure_on_heading``), as a group row takes none.
    """
    indicators: list[Indicator] = []
    department = st.one_of(st.none(), st.sampled_from([d.code for d in DEPARTMENTS]))
    for group in draw(st.lists(st.sampled_from("ABCDE"), min_size=1, max_size=3, unique=True)):
        indicators.append(Indicator(group, group, group, f"Nhóm chỉ tiêu {group}", department=draw(department)))
        for number in range(1, draw(st.integers(0, 3)) + 1):
            code = f"{group}.{number}"
            kids = draw(st.integers(0, 3))
            indicators.append(
                Indicator(
                    code,
                    group,
                    str(number),
                    draw(names),
                    unit=draw(units),
                    parent=group,
                    department=draw(department),
                    direction=draw(st.sampled_from(list(Direction))),
                    counted=draw(st.booleans()),
                    sum_of_children=kids > 0 and draw(st.booleans()),
                )
            )
            for kid in range(kids):
                indicators.append(
                    Indicator(
                        f"{code}.{chr(ord('a') + kid)}",
                        group,
                        draw(st.sampled_from(["+", "-", ""])),
                        draw(names),
                        unit=draw(units),
                        parent=code,
                        department=draw(department),
                        direction=draw(st.sampled_from(list(Direction))),
                    )
                )
    return indicators


def with_parents(indicators: list[Indicator], chosen: set[str]) -> list[Indicator]:
    """``chosen`` and every parent they need, in the catalogue's order (a table never holds an orphan)."""
    by_code = {indicator.code: indicator for indicator in indicators}
    kept = set()
    for code in chosen:
        while code is not None and code not in kept:
            kept.add(code)
            code = by_code[code].parent  # type: ignore[assignment]
    return [indicator for indicator in indicators if indicator.code in kept]


@st.composite
def tables(draw: st.DrawFn, indicators: list[Indicator]) -> Table:
    """One piece of a year's table, as an import stores it: some rows, some of their figures."""
    codes = [indicator.code for indicator in indicators]
    chosen = draw(st.sets(st.sampled_from(codes), min_size=1))
    optional = st.one_of(st.none(), figures)
    nothing = st.none()
    lines = tuple(
        TableLine(
            indicator,
            target=draw(nothing if heading else st.one_of(st.none(), figures)),
            estimate=draw(nothing if heading else optional),
            reported_verdict=draw(nothing if heading else st.one_of(st.none(), verdict_texts)),
            reported_pct_last_year=draw(nothing if heading else st.one_of(st.none(), numbers)),
            last_year=draw(nothing if heading else st.one_of(st.none(), numbers)),
            note=draw(st.one_of(st.none(), notes)),
        )
        for indicator in with_parents(indicators, chosen)
        for heading in [indicator.parent is None]
    )
    return Table(draw(st.sampled_from(YEARS)), lines)


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[Table], list[tuple[str, int, PeriodKind, str]], list[tuple], list[tuple]]:
    indicators = draw(catalogues())
    pieces = draw(st.lists(tables(indicators), min_size=1, max_size=4))
    stored = [(line.indicator.code, table.year) for table in pieces for line in table.lines]
    figured = [(code, year) for code, year in stored if "." in code]  # a group row takes no figure
    kinds = st.sampled_from(list(PeriodKind))
    results = draw(st.lists(st.tuples(st.sampled_from(figured), kinds, figures), max_size=4)) if figured else []
    overrides = draw(
        st.lists(st.tuples(st.sampled_from(stored), kinds, st.sampled_from(list(Verdict)), notes), max_size=3)
    )
    locks = draw(st.lists(st.tuples(st.sampled_from([table.year for table in pieces]), kinds), max_size=2))
    return pieces, [(code, year, kind, text) for (code, year), kind, text in results], overrides, locks


def build(path: Path, history: tuple) -> Database:  # type: ignore[type-arg]
    pieces, results, overrides, locks = history
    db = open_database(path)
    with db.begin() as session:
        upsert_departments(session, list(DEPARTMENTS))
    for piece in pieces:  # each piece in its own transaction, as separate imports
        with db.begin() as session:
            store_table(session, piece, actor=ACTOR, source="kiểm thử")
    for code, year, kind, text in results:
        set_value(db, code, year, text, kind=kind, actor=ACTOR)
    for (code, year), kind, verdict, reason in overrides:
        set_override(db, code, year, verdict, reason or "Theo báo cáo", kind=kind, actor=ACTOR)
    for year, kind in locks:
        lock_period(db, year, [kind], "Đã trình Thành ủy", actor=ACTOR)
    return db


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("generated")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(history=histories())
def test_the_first_screen_reads_every_generated_table_as_the_database_layer_does(folder: Path, history: tuple) -> None:  # type: ignore[type-arg]
    path = folder / f"bkdesk-{len(list(folder.iterdir()))}.sqlite"
    db = build(path, history)
    try:
        reader = FirstScreenReader.open(path)
        assert reader is not None
        with reader:
            assert reader.years() == years(db)
            assert reader.departments() == departments(db)
            assert reader.owner() is None
            for year in (YEARS[0] - 1, *YEARS, YEARS[-1] + 1):
                for kind in PeriodKind:
                    assert reader.rows(year, kind) == load_rows(db, year, kind), (year, kind)
                    assert reader.lock(year, kind) == lock_state(db, year, kind), (year, kind)
    finally:
        db.dispose()
