"""On a phòng's PC: make (or refresh) its database from the setup file the synthesis office issued."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bkdesk.catalogue import Department, PeriodKind, is_assigned
from bkdesk.exchange.files import FileRefused, read_limited
from bkdesk.exchange.setup_file import Setup, read_setup
from bkdesk.exchange.times import local_date
from bkdesk.tables import Table, TableLine
from db import audit
from db.database import Database
from db.entry import write_value
from db.errors import StoreError
from db.exchange_models import DepartmentIdentity, IssuedSetup
from db.models import DepartmentRow, IndicatorRow
from db.roles import role_in, set_department_role
from db.table_store import store_table, upsert_departments


@dataclass(frozen=True, slots=True)
class SetupResult:
    department: Department
    year: int
    rows: int
    values_changed: int
    next_sequence: int
    already_installed: bool
    replaced: bool


def read_setup_file(path: Path) -> Setup:
    try:
        return read_setup(read_limited(path).data)
    except FileRefused as exc:
        raise StoreError(f"Tệp thiết lập {path.name}: {exc.message}") from exc


def install_setup(db: Database, path: Path, *, actor: str) -> SetupResult:
    """Make the database ready for the phòng named in the setup file, and that phòng alone."""
    setup = read_setup_file(path)
    source = f"tệp thiết lập {path.name}"
    with db.begin() as session:
        role = role_in(session)
        if role.department is not None and role.department.code != setup.department.code:
            raise StoreError(
                f"Cơ sở dữ liệu {db.label} thuộc {role.label}; tệp {path.name} dành cho phòng "
                f"{setup.department.code}. Hãy dùng một tệp cơ sở dữ liệu khác (--db)."
            )
        if role.is_synthesis and _has_data(session):
            raise StoreError(
                f"Cơ sở dữ liệu {db.label} là của văn phòng tổng hợp (đã có danh mục chỉ tiêu); "
                "tệp thiết lập chỉ cài vào cơ sở dữ liệu mới của phòng. Hãy chỉ định tệp mới bằng --db."
            )
        identity = session.scalar(select(DepartmentIdentity).order_by(DepartmentIdentity.id.desc()))
        own = setup.own_rows()
        assigned = sum(1 for row in own if is_assigned(row.indicator, setup.department.code, row.target))
        if identity is not None and identity.setup_id == setup.setup_id:
            next_sequence = identity.last_sequence + 1
            return SetupResult(setup.department, setup.year, assigned, 0, next_sequence, True, False)
        if identity is not None and identity.issued_at > setup.issued_at:
            raise StoreError(
                f"Tệp thiết lập {path.name} cấp ngày {local_date(setup.issued_at)} cũ hơn tệp đã cài "
                f"(cấp ngày {local_date(identity.issued_at)}); hãy dùng tệp thiết lập mới nhất"
            )
        owners = {d.code: d for d in (*setup.departments, setup.department)}
        upsert_departments(session, list(owners.values()))
        lines = tuple(
            TableLine(
                indicator=row.indicator,
                target=row.target,
                estimate=row.figures[PeriodKind.ESTIMATE].value if PeriodKind.ESTIMATE in row.figures else None,
                note=row.figures[PeriodKind.ESTIMATE].note if PeriodKind.ESTIMATE in row.figures else None,
            )
            for row in setup.rows
        )
        report = store_table(session, Table(setup.year, lines), actor=actor, source=source)
        changed = {change.code for change in report.changes if change.field in ("value", "note")}
        for row in own:
            result = row.figures.get(PeriodKind.RESULT)
            if result is not None:
                changes = write_value(
                    session,
                    row.indicator.code,
                    setup.year,
                    PeriodKind.RESULT,
                    result.value,
                    note=result.note,
                    actor=actor,
                    source=source,
                )
                changed.update(change.code for change in changes)
        last = identity.last_sequence if identity is not None else 0
        session.execute(delete(DepartmentIdentity))
        session.add(
            DepartmentIdentity(
                department_code=setup.department.code,
                department_name=setup.department.name,
                setup_id=setup.setup_id,
                legacy_private_key=setup.private_key,
                key_id=setup.key_id,
                issued_at=setup.issued_at,
                last_sequence=max(last, setup.sequence),
            )
        )
        set_department_role(session, setup.department.code)
        audit.record(
            session,
            actor=actor,
            action="cài tệp thiết lập",
            year=setup.year,
            new=f"phòng {setup.department.code}, khóa {setup.key_id}",
            source=source,
        )
        return SetupResult(
            setup.department,
            setup.year,
            assigned,
            len(changed),
            max(last, setup.sequence) + 1,
            already_installed=False,
            replaced=identity is not None,
        )


def _has_data(session: Session) -> bool:
    """A database with a catalogue or issued setups is in use: not for a phòng's setup."""
    for model in (IndicatorRow, DepartmentRow, IssuedSetup):
        if session.scalar(select(model.id).limit(1)) is not None:
            return True
    return False
