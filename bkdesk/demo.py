"""The Bắc Kạn 2020 data set (``resources/demo``) as plain objects.

Every row of the seed report's appendix as printed, each indicator with the phòng that
reports it, and the 2021 targets. Storing it is the persistence layer's job.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bkdesk.catalogue import Department, Direction, Indicator, PeriodKind
from bkdesk.tables import Table, TableLine
from bkdesk.verdicts import Verdict, parse_verdict

DEMO_FILE = Path(__file__).resolve().parent.parent / "resources" / "demo" / "bac_kan_2020.json"


@dataclass(frozen=True, slots=True)
class DemoOverride:
    code: str
    year: int
    period: PeriodKind
    verdict: Verdict
    reason: str


@dataclass(frozen=True, slots=True)
class DemoData:
    departments: tuple[Department, ...]
    indicators: tuple[Indicator, ...]
    tables: tuple[Table, ...]
    overrides: tuple[DemoOverride, ...]

    def table(self, year: int) -> Table:
        return next(table for table in self.tables if table.year == year)


def load_demo_data(path: Path = DEMO_FILE) -> dict[str, Any]:
    """The data file as JSON."""
    with open(path, encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def _indicator(item: dict[str, Any]) -> Indicator:
    return Indicator(
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


def _line(indicator: Indicator, row: dict[str, Any]) -> TableLine:
    reported = parse_verdict(row["reported_verdict"]) if row.get("reported_verdict") else None
    return TableLine(
        indicator=indicator,
        target=row.get("target", ""),
        estimate=row.get("estimate"),
        # The seed prints "Không Đạt" and "Vượt "; stored as the verdicts they are.
        reported_verdict=reported.value if reported else row.get("reported_verdict"),
        reported_pct_last_year=row.get("reported_pct_last_year"),
    )


def demo_data(path: Path = DEMO_FILE) -> DemoData:
    data = load_demo_data(path)
    indicators = {item["code"]: _indicator(item) for item in data["indicators"]}
    tables = tuple(
        Table(int(year), tuple(_line(indicators[row["code"]], row) for row in rows))
        for year, rows in sorted(data["years"].items())
    )
    overrides = tuple(
        DemoOverride(
            item["code"], int(item["year"]), PeriodKind(item["period"]), Verdict(item["verdict"]), item["reason"]
        )
        for item in data["overrides"]
    )
    departments = tuple(Department(d["code"], d["name"]) for d in data["departments"])
    return DemoData(departments, tuple(indicators.values()), tables, overrides)
