"""The Bắc Kạn 2020 data set (resources/demo): a new user sees real figures at once."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bkdesk.catalogue import Department, Direction, Indicator, PeriodKind
from bkdesk.tables import Table, TableLine
from bkdesk.verdicts import Verdict
from db import audit
from db.database import Database
from db.entry import set_override
from db.table_store import TableReport, store_table, upsert_departments

DEMO_FILE = Path(__file__).resolve().parent.parent / "resources" / "demo" / "bac_kan_2020.json"
DEMO_SOURCE = "dữ liệu mẫu Bắc Kạn 2020"


def load_demo_data(path: Path = DEMO_FILE) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def demo_tables(data: dict[str, Any]) -> list[Table]:
    indicators = {
        item["code"]: Indicator(
            code=item["code"],
            group=item["group"],
            stt=item["stt"],
            name=item["name"],
            unit=item["unit"],
            parent=item["parent"],
            department=item["department"],
            direction=Direction(item["direction"]),
            counted=item["counted"],
            sum_of_children=item["sum_of_children"],
        )
        for item in data["indicators"]
    }
    tables = []
    for year, rows in sorted(data["years"].items()):
        lines = tuple(
            TableLine(
                indicator=indicators[row["code"]],
                target=row.get("target", ""),
                estimate=row.get("estimate"),
                reported_verdict=row.get("reported_verdict"),
                reported_pct_last_year=row.get("reported_pct_last_year"),
            )
            for row in rows
        )
        tables.append(Table(int(year), lines))
    return tables


def install_demo(db: Database, actor: str | None = None) -> list[TableReport]:
    """Create or refresh the demo catalogue, tables, figures and override."""
    who = actor or audit.current_user()
    data = load_demo_data()
    reports = []
    with db.begin() as session:
        upsert_departments(session, [Department(d["code"], d["name"]) for d in data["departments"]])
        for table in demo_tables(data):
            lines = tuple(_canonical_verdicts(line) for line in table.lines)
            reports.append(store_table(session, Table(table.year, lines), actor=who, source=DEMO_SOURCE))
    for item in data["overrides"]:
        set_override(
            db,
            item["code"],
            int(item["year"]),
            Verdict(item["verdict"]),
            item["reason"],
            kind=PeriodKind(item["period"]),
            actor=who,
        )
    return reports


def _canonical_verdicts(line: TableLine) -> TableLine:
    from dataclasses import replace

    from bkdesk.verdicts import parse_verdict

    reported = parse_verdict(line.reported_verdict) if line.reported_verdict else None
    return replace(line, reported_verdict=reported.value if reported else line.reported_verdict)
