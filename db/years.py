"""Starting a new year: the table of a year copied for a later one, its targets left to be entered.

Each December the council passes next year's targets. The synthesis office starts that
year from the one before: every indicator of the source year's table gets a row at the
same place in the new year's table, with an empty target (typed later, or imported with
``import-table``). The catalogue itself (codes, parents, phòng) is global and stays as it
is. "So với cùng kỳ" of the new year needs nothing copied: it reads the year before's
figures when they are looked at (:func:`db.tables.load_rows`), so a final result entered
for the old year afterwards is the one used.

The rows are copied by one ``INSERT … SELECT`` (a catalogue of ten thousand indicators is
one statement, never ten thousand objects), in one transaction with the audit record.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, insert, literal, select
from sqlalchemy.orm import Session

from db import audit
from db.database import Database
from db.errors import InvalidInput, StoreError
from db.models import TargetRow
from db.roles import require_synthesis

FIRST_YEAR = 1900
LAST_YEAR = 9999
ACTION = "tạo năm mới"

_COPY = insert(TargetRow.__table__)


@dataclass(frozen=True, slots=True)
class NewYear:
    """What ``new-year`` made: ``year``'s table, copied from ``source``'s, with ``indicators`` rows."""

    source: int
    year: int
    indicators: int


def check_years(source: int, year: int) -> None:
    """The two years as numbers alone: each a real year, the new one later than the source."""
    for value, what in ((source, "Năm nguồn"), (year, "Năm mới")):
        if not FIRST_YEAR <= value <= LAST_YEAR:
            raise InvalidInput(f"{what} {value} không hợp lệ: năm phải từ {FIRST_YEAR} đến {LAST_YEAR}")
    if year <= source:
        raise InvalidInput(
            f"Năm mới ({year}) phải sau năm nguồn ({source}): năm mới được tạo từ biểu của một năm trước nó"
        )


def _years_text(session: Session) -> str:
    known = list(session.scalars(select(TargetRow.year).distinct().order_by(TargetRow.year)))
    return f"có biểu các năm: {', '.join(map(str, known))}" if known else "cơ sở dữ liệu chưa có biểu nào"


def _check(session: Session, source: int, year: int, label: str) -> int:
    """Refuse what cannot be made (on the caller's transaction); the source table's row count."""
    require_synthesis(session, ACTION, label)
    check_years(source, year)
    existing = session.scalar(select(func.count()).select_from(TargetRow).where(TargetRow.year == year)) or 0
    if existing:
        raise StoreError(
            f"Năm {year} đã có biểu chỉ tiêu ({existing} chỉ tiêu); không tạo lại để khỏi mất nhiệm vụ "
            f"đã nhập. Hãy mở năm {year} để nhập hoặc nhập biểu (import-table) cho năm đó"
        )
    rows = session.scalar(select(func.count()).select_from(TargetRow).where(TargetRow.year == source)) or 0
    if not rows:
        raise StoreError(f"Chưa có biểu chỉ tiêu năm {source} để chép sang năm {year} ({_years_text(session)})")
    return rows


def check_new_year(db: Database, source: int, year: int) -> int:
    """What :func:`create_year` would refuse, said before anything (the backup) is made; the rows it would copy."""
    with db.read() as session:
        return _check(session, source, year, db.label)


def create_year(db: Database, source: int, year: int, *, actor: str) -> NewYear:
    """Make ``year``'s table from ``source``'s: same indicators at the same places, targets empty; audited."""
    with db.begin() as session:
        rows = _check(session, source, year, db.label)
        copied = (
            select(TargetRow.indicator_id, literal(year), TargetRow.position, literal(""))
            .where(TargetRow.year == source)
            .order_by(TargetRow.position, TargetRow.id)
        )
        session.execute(_COPY.from_select(["indicator_id", "year", "position", "text"], copied))
        audit.record(
            session,
            actor=actor,
            action=ACTION,
            year=year,
            field="biểu chỉ tiêu",
            old=f"biểu năm {source}",
            new=f"biểu năm {year}: {rows} chỉ tiêu, nhiệm vụ để trống",
        )
    return NewYear(source, year, rows)
