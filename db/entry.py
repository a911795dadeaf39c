"""Writing figures: one value, target or verdict override per transaction, audited.

The checks are the core's (``bkdesk.entry``); this module only stores what passed
them, so the app, ``set-value`` and imports refuse exactly the same things.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bkdesk.catalogue import Indicator, PeriodKind
from bkdesk.entry import EntryError, Field, check_note, check_reason, check_value, heading_refusal
from bkdesk.verdicts import Verdict
from db import audit
from db.database import Database
from db.errors import InvalidInput, StoreError
from db.models import IndicatorRow, OverrideRow, PeriodRow, TargetRow, ValueRow, utcnow
from db.roles import refuse_other_department
from db.tables import ensure_period, find_indicator


@dataclass(frozen=True, slots=True)
class Change:
    """What a write did: the stored text before and after (equal when nothing changed)."""

    code: str
    field: str
    old: str
    new: str

    @property
    def changed(self) -> bool:
        return self.old != self.new


def refuse_locked(period: PeriodRow) -> None:
    if period.locked:
        label = PeriodKind(period.kind).label.lower()
        reason = f" ({period.lock_reason})" if period.lock_reason else ""
        raise StoreError(f"Số liệu {label} năm {period.year} đã được chốt{reason}; cần mở khóa trước khi sửa")


def _in_table(session: Session, indicator: IndicatorRow, year: int) -> TargetRow:
    target = session.scalar(select(TargetRow).where(TargetRow.indicator_id == indicator.id, TargetRow.year == year))
    if target is None:
        raise StoreError(f"Chỉ tiêu {indicator.code} ({indicator.name}) không có trong biểu năm {year}")
    return target


def refuse_figure_on_heading(session: Session, indicator: IndicatorRow) -> None:
    """Figures go on rows that take them: never on a group A–E or a heading of the catalogue.

    A heading has no unit and no target in any year; the unit is looked at first, so a
    row with one costs no query.
    """
    group = indicator.parent_id is None and indicator.stt == indicator.group
    if not group:
        if indicator.unit.strip():
            return
        query = select(TargetRow.id).where(TargetRow.indicator_id == indicator.id, TargetRow.text != "").limit(1)
        if session.scalar(query) is not None:
            return
    row = Indicator(indicator.code, indicator.group, indicator.stt, indicator.name, parent=None if group else "")
    raise InvalidInput(heading_refusal(row, Field.VALUE, f"{indicator.code} {indicator.name}"))


def _checked(func, *args):  # type: ignore[no-untyped-def]
    try:
        return func(*args)
    except EntryError as exc:
        raise InvalidInput(exc.message) from exc


@dataclass
class Prepared:
    """Rows a caller writing many values of one period in one transaction has already loaded.

    ``write_value`` then looks nothing up that is here (an indicator missing from
    ``indicators`` or ``in_table`` is still looked up and checked), and leaves the
    flush to the caller, so the whole batch goes to the database at once.
    """

    indicators: dict[str, IndicatorRow]
    in_table: set[int]
    period: PeriodRow
    values: dict[int, ValueRow]


def write_value(
    session: Session,
    code: str,
    year: int,
    kind: PeriodKind,
    text: str,
    *,
    note: str | None,
    actor: str,
    reason: str = "",
    source: str = audit.BY_HAND,
    prepared: Prepared | None = None,
) -> list[Change]:
    """Store a value (and note) inside the caller's transaction; returns what changed."""
    indicator = prepared.indicators.get(code) if prepared is not None else None
    if indicator is None:
        indicator = find_indicator(session, code)
    if prepared is None or indicator.id not in prepared.in_table:
        _in_table(session, indicator, year)
    stored = _checked(check_value, text, f"{indicator.code} {indicator.name}")
    if stored:
        refuse_figure_on_heading(session, indicator)
    period = prepared.period if prepared is not None else ensure_period(session, year, kind)
    refuse_locked(period)
    if prepared is not None:
        value = prepared.values.get(indicator.id)
    else:
        value = session.scalar(
            select(ValueRow).where(ValueRow.indicator_id == indicator.id, ValueRow.period_id == period.id)
        )
    if value is None:
        value = ValueRow(indicator_id=indicator.id, period_id=period.id, text="", note="")
        session.add(value)
        if prepared is not None:
            prepared.values[indicator.id] = value
    changes = [Change(code, "value", value.text or "", stored)]
    if note is not None:
        changes.append(Change(code, "note", value.note or "", _checked(check_note, note, f"{code} {indicator.name}")))
    changes = [c for c in changes if c.changed]
    if not changes:
        return []
    for change in changes:
        if change.field == "value":
            value.text = change.new
        else:
            value.note = change.new
        audit.record(
            session,
            actor=actor,
            action="sửa giá trị" if change.field == "value" else "sửa ghi chú",
            indicator_code=code,
            year=year,
            period=kind.value,
            field=change.field,
            old=change.old,
            new=change.new,
            reason=reason,
            source=source,
        )
    if value.reported_verdict and any(c.field == "value" for c in changes):
        # The verdict an imported table printed was for the old figure; kept, it would
        # show a disagreement with a figure it never saw.
        audit.record(
            session,
            actor=actor,
            action="bỏ đánh giá trong biểu",
            indicator_code=code,
            year=year,
            period=kind.value,
            field="reported_verdict",
            old=value.reported_verdict,
            new="",
            reason="giá trị đã thay đổi",
            source=source,
        )
        value.reported_verdict = ""
    value.updated_by = actor
    value.updated_at = utcnow()
    value.source = source
    if prepared is None:
        session.flush()
    return changes


def set_value(
    db: Database,
    code: str,
    year: int,
    text: str,
    *,
    kind: PeriodKind = PeriodKind.ESTIMATE,
    note: str | None = None,
    actor: str,
    reason: str = "",
    source: str = audit.BY_HAND,
) -> list[Change]:
    """Enter one value in its own transaction, with the audit record.

    On a phòng's database only that phòng's indicators may be entered.
    """
    with db.begin() as session:
        refuse_other_department(session, find_indicator(session, code))
        return write_value(session, code, year, kind, text, note=note, actor=actor, reason=reason, source=source)


def set_target(db: Database, code: str, year: int, text: str, *, actor: str, reason: str = "") -> Change:
    """Change a target (synthesis office only; the caller checks the role)."""
    with db.begin() as session:
        indicator = find_indicator(session, code)
        target = _in_table(session, indicator, year)
        stored = _checked(check_value, text, f"{indicator.code} {indicator.name}")
        for kind in PeriodKind:
            period = session.scalar(select(PeriodRow).where(PeriodRow.year == year, PeriodRow.kind == kind.value))
            if period is not None:
                refuse_locked(period)
        change = Change(code, "target", target.text, stored)
        if change.changed:
            target.text = stored
            audit.record(
                session,
                actor=actor,
                action="sửa nhiệm vụ",
                indicator_code=code,
                year=year,
                field="target",
                old=change.old,
                new=change.new,
                reason=reason,
            )
        return change


def set_override(
    db: Database,
    code: str,
    year: int,
    verdict: Verdict | None,
    reason: str,
    *,
    kind: PeriodKind = PeriodKind.ESTIMATE,
    actor: str,
) -> Change:
    """Override the verdict (``None`` removes the override); a reason is required."""
    why = _checked(check_reason, reason)
    with db.begin() as session:
        indicator = find_indicator(session, code)
        _in_table(session, indicator, year)
        period = ensure_period(session, year, kind)
        refuse_locked(period)
        existing = session.scalar(
            select(OverrideRow).where(OverrideRow.indicator_id == indicator.id, OverrideRow.period_id == period.id)
        )
        old = existing.verdict if existing else ""
        new = verdict.value if verdict else ""
        if existing is not None and verdict is None:
            session.delete(existing)
        elif existing is None and verdict is not None:
            session.add(
                OverrideRow(indicator_id=indicator.id, period_id=period.id, verdict=new, reason=why, set_by=actor)
            )
        elif existing is not None and verdict is not None:
            existing.verdict, existing.reason, existing.set_by, existing.set_at = new, why, actor, utcnow()
        audit.record(
            session,
            actor=actor,
            action="điều chỉnh đánh giá" if verdict else "bỏ điều chỉnh đánh giá",
            indicator_code=code,
            year=year,
            period=kind.value,
            field="verdict",
            old=old,
            new=new,
            reason=why,
        )
        return Change(code, "verdict", old, new)
