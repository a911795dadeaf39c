"""Opening the database and choosing the table to show: the work done off the GUI thread at start-up.

Everything here runs in a worker (:mod:`ui.workers`). The window has been painted before
any of it starts. A bkdesk file of this version that already has a table is read with
Python's own sqlite3 (:mod:`db.first_screen`), so that the grid fills before SQLAlchemy,
the slowest import on the way, is loaded; :mod:`ui.database_layer` loads it right after, in
the background. Anything else (a new file, an older schema, a URL) goes through the database
layer at once, which installs the Bắc Kạn demo into an empty database, migrates an older
one and says what is wrong with a bad one.

Which user and year, in order: the command line (``--role``, ``--year``, ``--period``), then
the remembered choice, then for the year the newest one whose table already has figures
for the period (2020 in the demo: the 2021 table has targets only), else the newest table.
A phòng's database (made from its setup file) opens as that phòng and no one else.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bkdesk.catalogue import Department, PeriodKind
from bkdesk.evaluation import RowInput
from bkdesk.forms import restrict_to_department
from ui import database_layer
from ui.context import SYNTHESIS_ROLE, AppContext
from ui.options import AppOptions
from ui.settings_store import Choice, choice_from_raw
from ui.workers import Job

if TYPE_CHECKING:
    from db.database import Database
    from ui.exchange_actions import ExchangeState


@dataclass
class Opened:
    """An open database and what the chooser needs to know of it."""

    db: Database
    departments: list[Department]
    years: list[int]
    user: str
    demo_installed: bool = False
    owner: Department | None = None  # the phòng a phòng's database belongs to; None: the synthesis office's
    _rows: dict[tuple[int, PeriodKind], list[RowInput]] = field(default_factory=dict, repr=False)
    # Reads the rows without the database layer while the start-up task runs (db.first_screen).
    reader: Callable[[int, PeriodKind], list[RowInput]] | None = field(default=None, repr=False)

    @property
    def choosable(self) -> list[Department]:
        """The phòng the chooser offers: all of them, or on a phòng's database that phòng alone."""
        return [self.owner] if self.owner is not None else list(self.departments)

    def department_name(self, code: str) -> str:
        for department in self.departments:
            if department.code == code:
                return department.name
        return code

    def all_rows(self, year: int, period: PeriodKind) -> list[RowInput]:
        key = (year, period)
        if key not in self._rows:
            if self.reader is not None:
                self._rows[key] = self.reader(year, period)
            else:
                from db import tables

                self._rows[key] = tables.load_rows(self.db, year, period)
        return self._rows[key]

    def forget_rows(self) -> None:
        self._rows.clear()


@dataclass
class Loaded:
    context: AppContext
    rows: list[RowInput]


@dataclass
class StartResult:
    opened: Opened
    loaded: Loaded | None = None
    problem: str = ""  # shown before the chooser
    proposal: Choice | None = None  # what the chooser starts with
    # With the rows read from the file alone (db.first_screen): what the exchange menu shows
    # (whose database, the lock, the open conflicts); the database layer is still to load.
    state: ExchangeState | None = None


def open_store(options: AppOptions, job: Job | None = None) -> Opened:
    """Open (or create) the database; a database without any indicator gets the demo."""
    database_layer.load()
    from db import tables
    from db.login import current_user
    from db.roles import database_role
    from db.schema import open_database

    if job is not None:
        job.status("Đang mở cơ sở dữ liệu…")
    db = open_database(options.db, options.db_url)
    installed = False
    if not tables.years(db) and not tables.catalogue(db):
        if job is not None:
            job.status("Cơ sở dữ liệu mới: đang nạp dữ liệu mẫu Bắc Kạn 2020…")
        from db.demo import install_demo

        install_demo(db)
        installed = True
    owner = database_role(db).department
    return Opened(db, tables.departments(db), tables.years(db), current_user(), installed, owner)


def default_year(opened: Opened, period: PeriodKind) -> int | None:
    """The newest year whose table has figures for ``period``, else the newest table."""
    for year in reversed(opened.years):
        if any(row.estimate for row in opened.all_rows(year, period)):
            return year
    return opened.years[-1] if opened.years else None


def role_codes(opened: Opened) -> list[str]:
    if opened.owner is not None:
        return [opened.owner.code]
    return [SYNTHESIS_ROLE, *(department.code for department in opened.departments)]


def match_role(opened: Opened, role: str) -> str | None:
    """The role as stored (``kt`` finds ``KT``), or ``None`` when no phòng has that code."""
    wanted = role.strip().casefold()
    for code in role_codes(opened):
        if code.casefold() == wanted:
            return code
    return None


def unknown_role_message(opened: Opened, role: str) -> str:
    valid = [f"{SYNTHESIS_ROLE} (Văn phòng tổng hợp)"] + [f"{d.code} ({d.name})" for d in opened.departments]
    return f"Không có phòng nào mã «{role}».\n\nCác mã hợp lệ:\n" + "\n".join(f"• {item}" for item in valid)


def other_role_message(opened: Opened, role: str) -> str:
    assert opened.owner is not None
    owner = f"{opened.owner.name} ({opened.owner.code})"
    return (
        f"Cơ sở dữ liệu {opened.db.label} là của {owner}, được tạo từ tệp thiết lập của phòng: "
        f"chỉ mở được với vai trò {owner}, không mở được với vai trò «{role}».\n\n"
        "Để làm việc với vai trò khác, hãy mở cơ sở dữ liệu của vai trò đó (--db)."
    )


def unknown_year_message(opened: Opened, year: int) -> str:
    known = ", ".join(map(str, opened.years))
    return f"Chưa có biểu chỉ tiêu năm {year} (có biểu các năm: {known})."


def resolve(opened: Opened, options: AppOptions, remembered: Choice | None) -> tuple[Choice | None, str, Choice | None]:
    """The choice to open straight away (or ``None``), the problem to tell, the chooser's proposal."""
    period = remembered.period if remembered is not None else PeriodKind.ESTIMATE
    if options.period:
        period = PeriodKind(options.period)
    if not opened.years:
        return None, f"Cơ sở dữ liệu {opened.db.label} chưa có biểu chỉ tiêu nào.", None
    problem = ""
    year: int | None = None
    if options.year is not None:
        if options.year in opened.years:
            year = options.year
        else:
            problem = unknown_year_message(opened, options.year)
    if year is None and remembered is not None and remembered.year in opened.years:
        year = remembered.year
    if year is None:  # looked for only when needed: it may read a table or two
        year = default_year(opened, period) or opened.years[-1]
    role: str | None = None
    if options.role:
        role = match_role(opened, options.role)
        if role is None:
            if opened.owner is not None:
                problem = other_role_message(opened, options.role)
            else:
                problem = unknown_role_message(opened, options.role)
    elif opened.owner is not None:
        role = opened.owner.code  # whatever was chosen last on another database
    elif remembered is not None:
        role = match_role(opened, remembered.role)
    fallback = opened.owner.code if opened.owner is not None else SYNTHESIS_ROLE
    proposal = Choice(role or (remembered.role if remembered and opened.owner is None else fallback), year, period)
    if problem or role is None:
        return None, problem, proposal
    return Choice(role, year, period), "", proposal


def load(opened: Opened, choice: Choice) -> Loaded:
    context = AppContext(
        db=opened.db,
        role=choice.role,
        year=choice.year,
        period=choice.period,
        user=opened.user,
        department_name="" if choice.role == SYNTHESIS_ROLE else opened.department_name(choice.role),
    )
    rows = opened.all_rows(choice.year, choice.period)
    opened.forget_rows()  # the grid owns the rows from here; a later load reads them fresh
    if not context.is_synthesis:
        rows = restrict_to_department(rows, choice.role)
    return Loaded(context, list(rows))


def start_task(options: AppOptions, remembered_raw: tuple[str, int, str]) -> Callable[[Job], StartResult]:
    """The start-up task; the remembered choice comes as stored (read on the GUI thread)."""

    def task(job: Job) -> StartResult:
        remembered = choice_from_raw(remembered_raw)
        quick = quick_start(options, remembered)
        if quick is not None:
            return quick
        opened = open_store(options, job)
        choice, problem, proposal = resolve(opened, options, remembered)
        if choice is None:
            return StartResult(opened, None, problem, proposal)
        job.status("Đang tải các chỉ tiêu…")
        return StartResult(opened, load(opened, choice), "", proposal)

    return task


def quick_start(options: AppOptions, remembered: Choice | None) -> StartResult | None:
    """The start-up from the file alone, without the database layer; ``None`` when the layer must do it.

    Only for a bkdesk file of this schema version that has a table: creating, migrating,
    installing the demo and explaining a bad file are the database layer's.
    """
    import sqlite3

    from db.database import check_file, file_database
    from db.errors import StoreError
    from db.first_screen import FirstScreenReader
    from db.login import current_user

    if options.db_url:
        return None
    try:
        file = check_file(options.db)
        reader = FirstScreenReader.open(file.path, file.read_access) if file.version is not None else None
        if reader is None:
            return None
        with reader:
            years = reader.years()
            if not years:
                return None
            opened = Opened(file_database(file), reader.departments(), years, current_user(), owner=reader.owner())
            opened.reader = reader.rows
            try:
                choice, problem, proposal = resolve(opened, options, remembered)
                if choice is None:
                    return StartResult(opened, None, problem, proposal)
                loaded = load(opened, choice)
                from ui.exchange_actions import ExchangeState

                lock = reader.lock(choice.year, choice.period)
                conflicts = reader.open_conflicts(choice.year) if opened.owner is None else 0
                choices = reader.pending_choices() if opened.owner is not None else 0
                state = ExchangeState(opened.owner, lock.locked, lock.reason, conflicts, choices)
                return StartResult(opened, loaded, "", proposal, state=state)
            finally:  # from here on, rows are read through the database layer
                opened.reader = None
                opened.forget_rows()
    except (StoreError, OSError, sqlite3.Error):
        return None  # the database layer opens it again and says what is wrong


def load_task(opened: Opened, choice: Choice) -> Callable[[Job], Loaded]:
    def task(job: Job) -> Loaded:
        job.status("Đang tải các chỉ tiêu…")
        database_layer.load()
        opened.forget_rows()
        return load(opened, choice)

    return task


def department_names(departments: Sequence[Department]) -> dict[str, str]:
    return {department.code: department.name for department in departments}
