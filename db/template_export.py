"""At the synthesis office: the Excel template for a phòng without bkdesk, filled with the current figures."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from bkdesk import __version__
from bkdesk.catalogue import Department, PeriodKind, depth_of
from bkdesk.exchange.template import TemplateInfo, TemplateRow, write_template
from db.database import Database
from db.exchange import department_table, figure_of, figures, write_file_atomically
from db.models import utcnow
from db.roles import require_synthesis
from db.tables import find_period


@dataclass(frozen=True, slots=True)
class TemplateResult:
    department: Department
    year: int
    kind: PeriodKind
    path: Path
    rows: int


def export_template(db: Database, code: str, year: int, kind: PeriodKind, out: Path) -> TemplateResult:
    with db.read() as session:
        require_synthesis(session, "xuất biểu mẫu Excel cho phòng", db.label)
        department, rows, mine = department_table(session, code, year)
        depths = depth_of([row.indicator for row in rows])
        stored = figures(session, find_period(session, year, kind), (row.indicator_id for row in mine))
        info = TemplateInfo(
            template_id=str(uuid.uuid4()),
            department=Department(department.code, department.name),
            year=year,
            kind=kind,
            created_at=utcnow(),
            app_version=__version__,
        )
        table = [
            TemplateRow(
                code=row.indicator.code,
                stt=row.indicator.stt,
                name=row.indicator.name,
                unit=row.indicator.unit,
                target=row.target,
                figure=figure_of(stored.get(row.indicator_id)),
                depth=depths.get(row.indicator.code, 0),
            )
            for row in mine
        ]
    write_file_atomically(out, write_template(info, table))
    return TemplateResult(info.department, year, kind, out, sum(1 for row in mine if row.assigned))
