"""Starting a new year: the table of a year copied for a later one, its targets left to be entered.

Each December the council passes next year's targets. The synthesis office starts that
year from the one before: every indicator of the source year's table gets a row at the
same place in the new year's table, with an empty target (typed later, or imported with
``import-table``). The catalogue itself (codes, parents, phòng) is global and stays as it
is. "So với cùng kỳ" of the new year needs nothing copied: it reads the year before's
figures when they are looked at (:func:`db.tables.load_rows`), so a final result entered
for the old year afterwards is the one used.

The rows are copied by one ``INSERT … SELECT`` (a catalogue of ten thousand indicators is
one statement, never ten thousand objects), in one transaction with the audit record, in
plain SQL (:mod:`db.plain`): the command never loads SQLAlchemy for a file, which was most
of its time.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.audit_log import AuditBatch
from db.database import Database
from db.errors import InvalidInput, StoreError
from db.file_format import ROLE_KEY, SYNTHESIS_ROLE
from db.plain import Plain, plain_link

FIRST_YEAR = 1900
LAST_YEAR = 9999
ACTION = "tạo năm mới"

_COUNT = "SELECT count(*) FROM targets WHERE year = :year"
_COPY = (
    "INSERT INTO targets (indicator_id, year, position, text) "
    "SELECT indicator_id, :year, position, '' FROM targets WHERE year = :source ORDER BY position, id"
)


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


def _check(plain: Plain, db: Database, source: int, year: int) -> int:
    """Refuse what cannot be made (in the caller's transaction); the source table's row count."""
    role = plain.value("SELECT value FROM settings WHERE key = :key", {"key": ROLE_KEY})
    if role and role != SYNTHESIS_ROLE:
        # A phòng's database: the refusal names the phòng, as every synthesis-only command's does.
        from db.roles import require_synthesis

        with db.read() as session:
            require_synthesis(session, ACTION, db.label)
    check_years(source, year)
    existing = int(plain.value(_COUNT, {"year": year}) or 0)
    if existing:
        raise StoreError(
            f"Năm {year} đã có biểu chỉ tiêu ({existing} chỉ tiêu); không tạo lại để khỏi mất nhiệm vụ "
            f"đã nhập. Hãy mở năm {year} để nhập hoặc nhập biểu (import-table) cho năm đó"
        )
    rows = int(plain.value(_COUNT, {"year": source}) or 0)
    if not rows:
        known = [str(row[0]) for row in plain.rows("SELECT DISTINCT year FROM targets ORDER BY year")]
        which = f"có biểu các năm: {', '.join(known)}" if known else "cơ sở dữ liệu chưa có biểu nào"
        raise StoreError(f"Chưa có biểu chỉ tiêu năm {source} để chép sang năm {year} ({which})")
    return rows


def check_new_year(db: Database, source: int, year: int) -> int:
    """What :func:`create_year` would refuse, said before anything (the backup) is made; the rows it would copy."""
    with plain_link(db) as link, link.read() as plain:
        return _check(plain, db, source, year)


def create_year(db: Database, source: int, year: int, *, actor: str) -> NewYear:
    """Make ``year``'s table from ``source``'s: same indicators at the same places, targets empty; audited."""
    with plain_link(db) as link, link.write() as plain:
        rows = _check(plain, db, source, year)
        plain.run(_COPY, {"year": year, "source": source})
        audit = AuditBatch()
        audit.record(
            actor=actor,
            action=ACTION,
            year=year,
            field="biểu chỉ tiêu",
            old=f"biểu năm {source}",
            new=f"biểu năm {year}: {rows} chỉ tiêu, nhiệm vụ để trống",
        )
        audit.write(plain)
    return NewYear(source, year, rows)
