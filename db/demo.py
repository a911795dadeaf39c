"""Installing the Bắc Kạn 2020 data set: a new user sees real figures at once.

The demo is for a new database, or for refreshing one that holds the demo alone. It is
refused on a phòng's database (it would overwrite the phòng's figures and add other
phòng's indicators) and, unless asked to replace them, on a database holding figures
that are not the demo's: entered by hand, imported, or merged.

Everything (the offices, both years' tables and D 5's verdict override) is stored in one
write transaction: a process killed half-way leaves no demo at all, never tables that
score 49/59 for want of the override. A demo the first release left that way (its
override stored in a second transaction that never ran) holds nothing that is not the
demo's, so ``demo`` completes it and says that it added the override.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bkdesk.catalogue import PeriodKind
from bkdesk.demo import DemoData, demo_data
from db.database import Database
from db.entry import Change, write_override
from db.errors import StoreError
from db.login import current_user
from db.models import IndicatorRow, OverrideRow, PeriodRow, TargetRow, ValueRow
from db.roles import refuse_department_database
from db.table_store import TableReport, store_table, upsert_departments

DEMO_SOURCE = "dữ liệu mẫu Bắc Kạn 2020"
_SHOWN = 3  # figures named in the refusal; the rest are counted


@dataclass(frozen=True, slots=True)
class DemoReport:
    """What installing the demo stored: each year's table, and the verdict overrides set or changed."""

    tables: list[TableReport]
    overrides: list[Change]

    @property
    def added(self) -> int:
        return sum(len(report.added) for report in self.tables)

    @property
    def changes(self) -> int:
        return sum(len(report.changes) for report in self.tables)


def install_demo(db: Database, actor: str | None = None, *, replace: bool = False) -> DemoReport:
    """Create or refresh the demo catalogue, tables, figures and override, all in one transaction.

    ``replace``: also when the database holds figures that are not the demo's (the demo's
    own cells are overwritten, with their audit records; other figures stay).
    """
    who = actor or current_user()
    data = demo_data()
    reports = []
    overrides = []
    with db.begin() as session:
        refuse_department_database(
            session,
            "nạp dữ liệu mẫu",
            db.label,
            "dữ liệu mẫu sẽ ghi đè số liệu của phòng và thêm chỉ tiêu của các phòng khác. "
            "Hãy nạp dữ liệu mẫu vào một tệp mới (demo --db tệp-mới.sqlite).",
        )
        if not replace:
            entered = entered_figures(session, data)
            if entered:
                more = len(entered) - _SHOWN
                shown = "; ".join(entered[:_SHOWN]) + (f"; và {more} ô khác" if more > 0 else "")
                raise StoreError(
                    f"Cơ sở dữ liệu {db.label} đã có số liệu không phải của dữ liệu mẫu ({shown}); "
                    "nạp dữ liệu mẫu sẽ ghi đè hoặc trộn lẫn với số liệu đó. "
                    "Nếu đúng là muốn thay bằng số liệu mẫu, hãy chạy lại lệnh với --replace."
                )
        upsert_departments(session, list(data.departments))
        for table in data.tables:
            reports.append(store_table(session, table, actor=who, source=DEMO_SOURCE))
        for item in data.overrides:
            change = write_override(
                session,
                item.code,
                item.year,
                item.verdict,
                item.reason,
                kind=item.period,
                actor=who,
                source=DEMO_SOURCE,
            )
            if change.changed:
                overrides.append(change)
    return DemoReport(reports, overrides)


def entered_figures(session: Session, data: DemoData) -> list[str]:
    """Every stored target, figure, note and verdict override that the demo itself would not have stored there.

    A database holding the demo alone, refreshed or not, has none; one cell typed by hand,
    an imported table or a merged submission shows up here.
    """
    targets = {(line.indicator.code, table.year): line.target or "" for table in data.tables for line in table.lines}
    estimates = {
        (line.indicator.code, table.year, PeriodKind.ESTIMATE.value): line.estimate or ""
        for table in data.tables
        for line in table.lines
    }
    overrides = {(item.code, item.year, item.period.value): item.verdict.value for item in data.overrides}
    found: list[str] = []
    for code, year, text in session.execute(
        select(IndicatorRow.code, TargetRow.year, TargetRow.text)
        .join(IndicatorRow, TargetRow.indicator_id == IndicatorRow.id)
        .where(TargetRow.text != "")
        .order_by(TargetRow.year, TargetRow.position)
    ):
        if targets.get((code, year)) != text:
            found.append(f"{code} năm {year}: nhiệm vụ «{text}»")
    for code, year, kind, text, note in session.execute(
        select(IndicatorRow.code, PeriodRow.year, PeriodRow.kind, ValueRow.text, ValueRow.note)
        .join(IndicatorRow, ValueRow.indicator_id == IndicatorRow.id)
        .join(PeriodRow, ValueRow.period_id == PeriodRow.id)
        .where((ValueRow.text != "") | (ValueRow.note != ""))
        .order_by(PeriodRow.year, PeriodRow.kind, ValueRow.id)
    ):
        label = PeriodKind(kind).label.lower()
        if text and estimates.get((code, year, kind)) != text:
            found.append(f"{code} năm {year}: {label} «{text}»")
        if note:
            found.append(f"{code} năm {year}: ghi chú «{note}»")
    for code, year, kind, verdict in session.execute(
        select(IndicatorRow.code, PeriodRow.year, PeriodRow.kind, OverrideRow.verdict)
        .join(IndicatorRow, OverrideRow.indicator_id == IndicatorRow.id)
        .join(PeriodRow, OverrideRow.period_id == PeriodRow.id)
        .order_by(OverrideRow.id)
    ):
        if overrides.get((code, year, kind)) != verdict:
            found.append(f"{code} năm {year}: đánh giá điều chỉnh «{verdict}»")
    return found
