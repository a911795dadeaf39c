"""What the exchange services share: a year's rows by phòng, issued keys, sequences, merge bases.

Every function works inside the caller's session (one transaction per operation).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bkdesk.catalogue import Indicator, is_assigned
from bkdesk.exchange.merge import Figure
from db.errors import StoreError
from db.exchange_models import ImportedSubmission, Installation, IssuedSetup
from db.models import DepartmentRow, IndicatorRow, PeriodRow, TargetRow, ValueRow
from db.tables import indicator_query, targeted_ids, to_indicator


@dataclass(frozen=True, slots=True)
class YearRow:
    """A row of a year's table with its target; ``indicator_id`` keys the stored figures."""

    indicator_id: int
    indicator: Indicator
    target: str
    target_other_year: bool = False

    @property
    def takes_value(self) -> bool:
        """A row a phòng is asked to fill: not a group heading."""
        return not self.indicator.is_group

    @property
    def assigned(self) -> bool:
        """Counted among its phòng's indicators (:func:`bkdesk.catalogue.is_assigned`)."""
        return is_assigned(self.indicator, self.indicator.department or "", self.target, self.target_other_year)


def year_rows(session: Session, year: int) -> list[YearRow]:
    """The rows of ``year``'s table in printed order."""
    query = (
        indicator_query()
        .add_columns(TargetRow.text)
        .join(TargetRow, TargetRow.indicator_id == IndicatorRow.id)
        .where(TargetRow.year == year)
        .order_by(TargetRow.position)
    )
    elsewhere = targeted_ids(session, other_than=year)
    return [
        YearRow(row.id, to_indicator(row, parent_code, department), target or "", row.id in elsewhere)
        for row, parent_code, department, target in session.execute(query)
    ]


def require_year(session: Session, year: int) -> None:
    if session.scalar(select(TargetRow.id).where(TargetRow.year == year).limit(1)) is None:
        raise StoreError(f"Chưa có biểu chỉ tiêu năm {year}")


def department_row(session: Session, code: str) -> DepartmentRow:
    row = session.scalar(select(DepartmentRow).where(DepartmentRow.code == code))
    if row is None:
        known = ", ".join(session.scalars(select(DepartmentRow.code).order_by(DepartmentRow.id)))
        hint = f" (có: {known})" if known else ""
        raise StoreError(f"Không có phòng mã {code} trong danh mục{hint}")
    return row


def own_rows(rows: Iterable[YearRow], department: str) -> list[YearRow]:
    """The rows a phòng reports: its own, without group headings."""
    return [row for row in rows if row.indicator.department == department and row.takes_value]


def department_table(session: Session, code: str, year: int) -> tuple[DepartmentRow, list[YearRow], list[YearRow]]:
    """The phòng, ``year``'s whole table and the phòng's own rows of it; refused when it has none."""
    require_year(session, year)
    department = department_row(session, code)
    rows = year_rows(session, year)
    mine = own_rows(rows, department.code)
    if not mine:
        raise StoreError(f"Phòng {department.code} ({department.name}) không có chỉ tiêu nào trong biểu năm {year}")
    return department, rows, mine


def figures(session: Session, period: PeriodRow | None, indicator_ids: Iterable[int]) -> dict[int, ValueRow]:
    if period is None:
        return {}
    ids = list(indicator_ids)
    if not ids:
        return {}
    query = select(ValueRow).where(ValueRow.period_id == period.id, ValueRow.indicator_id.in_(ids))
    return {value.indicator_id: value for value in session.scalars(query)}


def figure_of(value: ValueRow | None) -> Figure:
    return Figure(value.text or "", value.note or "") if value is not None else Figure()


def issues_of(session: Session, department_id: int) -> list[IssuedSetup]:
    """Setups issued to a phòng, newest first."""
    query = select(IssuedSetup).where(IssuedSetup.department_id == department_id).order_by(IssuedSetup.id.desc())
    return list(session.scalars(query))


def last_sequence(session: Session, department_id: int) -> int:
    """The highest sequence number received from (or issued onwards to) a phòng, over all its installations; 0
    before any. A re-issue starts above it."""
    of_phong = IssuedSetup.department_id == department_id
    started = select(func.max(IssuedSetup.sequence_start)).where(of_phong).scalar_subquery()
    taken = select(func.max(IssuedSetup.last_sequence)).where(of_phong).scalar_subquery()
    received = select(func.max(ImportedSubmission.sequence)).where(ImportedSubmission.department_id == department_id)
    row = session.execute(received.add_columns(started, taken)).one()
    return max(row[0] or 0, row[1] or 0, row[2] or 0)


def installation_of(session: Session, department_id: int, key_id: str) -> IssuedSetup | None:
    """The setup issued to a phòng whose key has id ``key_id`` (one installation), if this database knows it."""
    query = select(IssuedSetup).where(IssuedSetup.department_id == department_id, IssuedSetup.key_id == key_id)
    return session.scalars(query.order_by(IssuedSetup.id.desc()).limit(1)).first()


@dataclass(frozen=True, slots=True)
class InstallationView:
    """One installation of a phòng's setup file as the synthesis office knows it, from the files it sent.

    ``installation_id`` is empty for the files of the first format (no installation named):
    together they count as one installation. ``current`` is false once the phòng's setup
    file was issued again (its key no longer signs). ``setup_file`` and ``setup_issued_at``
    name the setup file installed; ``last_received_at`` is when its newest file arrived.
    """

    installation_id: str
    setup_id: str
    first_file_at: datetime
    last_sequence: int
    last_file_name: str
    current: bool
    setup_file: str = ""
    setup_issued_at: datetime | None = None
    last_received_at: datetime | None = None


def installations_of(session: Session, department_id: int) -> list[InstallationView]:
    """A phòng's installations, in the order their first files arrived."""
    return installations_by_department(session, department_ids=[department_id]).get(department_id, [])


def installations_by_department(
    session: Session, *, year: int | None = None, department_ids: Iterable[int] | None = None
) -> dict[int, list[InstallationView]]:
    """The installations of every phòng (or of ``department_ids``) in a few selects, by department id; with
    ``year``, only those of the setup files issued for that year."""
    wanted = set(department_ids) if department_ids is not None else None
    issued_query = select(IssuedSetup).order_by(IssuedSetup.id)
    installed_query = (
        select(Installation, ImportedSubmission.file_name, ImportedSubmission.imported_at)
        .outerjoin(ImportedSubmission, ImportedSubmission.id == Installation.last_submission_id)
        .order_by(Installation.first_file_at, Installation.id)
    )
    first_format = select(ImportedSubmission).where(
        ImportedSubmission.signed.is_(True), ImportedSubmission.installation_id.is_(None)
    )
    if wanted is not None:
        issued_query = issued_query.where(IssuedSetup.department_id.in_(wanted))
        installed_query = installed_query.where(Installation.department_id.in_(wanted))
        first_format = first_format.where(ImportedSubmission.department_id.in_(wanted))
    setups: dict[str, IssuedSetup] = {}
    current: dict[int, str] = {}  # the newest setup issued to each phòng, whatever its year
    for setup in session.scalars(issued_query):
        setups[setup.setup_id] = setup
        current[setup.department_id] = setup.setup_id

    def of_year(setup_id: str | None) -> bool:
        setup = setups.get(setup_id or "")
        return year is None or (setup is not None and setup.year == year)

    def view(
        installation_id: str, setup_id: str, first: datetime, sequence: int, name: str, last: datetime | None
    ) -> InstallationView:
        setup = setups.get(setup_id)
        return InstallationView(
            installation_id,
            setup_id,
            first,
            sequence,
            name,
            setup_id == current.get(setup.department_id if setup is not None else -1),
            setup.file_name if setup is not None else "",
            setup.issued_at if setup is not None else None,
            last,
        )

    found: dict[int, list[InstallationView]] = {}
    old_files: dict[int, list[ImportedSubmission]] = {}
    for submission in session.scalars(first_format.order_by(ImportedSubmission.id)):
        if of_year(submission.setup_id):
            old_files.setdefault(submission.department_id, []).append(submission)
    for department_id, files in old_files.items():
        last = max(files, key=lambda f: f.sequence or 0)
        found[department_id] = [
            view("", last.setup_id or "", files[0].imported_at, last.sequence or 0, last.file_name, last.imported_at)
        ]
    for row, name, received in session.execute(installed_query):
        if of_year(row.setup_id):
            found.setdefault(row.department_id, []).append(
                view(row.installation_id, row.setup_id, row.first_file_at, row.last_sequence, name or "", received)
            )
    return found


def write_file_atomically(path: Path, data: bytes, *, private: bool = False) -> None:
    """Write the whole file or nothing: a crash never leaves half a submission behind."""
    target = path.expanduser()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as exc:
        raise StoreError(f"Không ghi được tệp {target}: {exc.strerror}") from exc
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if not private:
            os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise StoreError(f"Không ghi được tệp {target}: {exc.strerror}") from exc
