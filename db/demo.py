"""Installing the Bắc Kạn 2020 data set: a new user sees real figures at once."""

from __future__ import annotations

from bkdesk.demo import demo_data
from db.database import Database
from db.entry import set_override
from db.login import current_user
from db.table_store import TableReport, store_table, upsert_departments

DEMO_SOURCE = "dữ liệu mẫu Bắc Kạn 2020"


def install_demo(db: Database, actor: str | None = None) -> list[TableReport]:
    """Create or refresh the demo catalogue, tables, figures and override."""
    who = actor or current_user()
    data = demo_data()
    reports = []
    with db.begin() as session:
        upsert_departments(session, list(data.departments))
        for table in data.tables:
            reports.append(store_table(session, table, actor=who, source=DEMO_SOURCE))
    for item in data.overrides:
        set_override(db, item.code, item.year, item.verdict, item.reason, kind=item.period, actor=who)
    return reports
