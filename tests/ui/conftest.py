"""Fixtures of the window tests: settings and logs in a fresh folder, contexts on the demo database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from bkdesk.catalogue import PeriodKind
from bkdesk.evaluation import RowInput
from bkdesk.forms import restrict_to_department
from db.database import Database
from db.tables import load_rows
from ui.context import SYNTHESIS_ROLE, AppContext

OUT = Path(__file__).resolve().parent.parent / "out"


@pytest.fixture(autouse=True)
def _fresh_qsettings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """QSettings caches its folder per process, so each test sets its own."""
    folder = tmp_path_factory.mktemp("qsettings")
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    yield folder


@pytest.fixture
def kt_context(demo_db: Database) -> AppContext:
    return AppContext(demo_db, "KT", 2020, PeriodKind.ESTIMATE, user="can_bo", department_name="Phòng Kinh tế")


@pytest.fixture
def synthesis_context(demo_db: Database) -> AppContext:
    return AppContext(demo_db, SYNTHESIS_ROLE, 2020, PeriodKind.ESTIMATE, user="tong_hop")


@pytest.fixture
def read_row() -> Callable[[Database, str], RowInput]:
    """The row of an indicator as the database has it now (read back through ``load_rows``)."""

    def read(db: Database, code: str, year: int = 2020) -> RowInput:
        return next(row for row in load_rows(db, year) if row.indicator.code == code)

    return read


@pytest.fixture
def table_rows() -> Callable[[AppContext], list[RowInput]]:
    """The rows a context's grid shows: the whole table, or a phòng's rows with their parents."""

    def rows(context: AppContext) -> list[RowInput]:
        loaded = load_rows(context.db, context.year, context.period)
        return loaded if context.is_synthesis else restrict_to_department(loaded, context.role)

    return rows
