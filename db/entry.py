"""Writing figures, one field at a time, knowing what each write overwrites.

The fields are the figure (``value``: an estimate or a result), its note, the target,
last year's result (stored as last year's final figure, synthesis office only), and the
verdict override; an imported table also stores the "so với cùng kỳ" it printed, which
nobody types. A write changes the field it names and nothing else: a note never sends
the figure back.

Each write runs in a write transaction (:meth:`db.database.Database.begin` holds the
write lock from its start), reads the stored value there and takes the audit's old
value from that read. A person's write (the grid, a dialog, ``set-value --expect``) also
carries the value the person saw, ``expected``: if the stored value has changed since,
nothing is written and :class:`~db.errors.StaleValue` says who changed it, to what and
when. ``expected=None`` writes without that check: an imported table overwrites, and a
merge has decided from values it read in the same transaction.

The checks are the core's (``bkdesk.entry``); this module only stores what passed
them, so the app, ``set-value`` and imports refuse exactly the same things.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import NamedTuple, ParamSpec

from sqlalchemy import select
from sqlalchemy.orm import Session

from bkdesk.catalogue import PeriodKind
from bkdesk.entry import EntryError, check_note, check_reason, check_value
from bkdesk.text import clean
from bkdesk.verdicts import Verdict
from db import audit
from db.database import Database
from db.errors import InvalidInput, StaleField, StaleValue, StoreError
from db.figure_rules import FIELD_LABELS as FIELD_LABELS
from db.figure_rules import FIGURE_ACTIONS as FIGURE_ACTIONS
from db.figure_rules import LAST_YEAR as LAST_YEAR
from db.figure_rules import NOTE as NOTE
from db.figure_rules import PRINTED_RATIO as PRINTED_RATIO
from db.figure_rules import REPORTED_VERDICT as REPORTED_VERDICT
from db.figure_rules import TARGET as TARGET
from db.figure_rules import VALUE as VALUE
from db.figure_rules import VERDICT as VERDICT
from db.figure_rules import VERDICT_DROPPED as VERDICT_DROPPED
from db.figure_rules import VERDICT_DROPPED_REASON as VERDICT_DROPPED_REASON
from db.figure_rules import refuse_heading
from db.figure_rules import refuse_locked as refuse_locked
from db.models import AuditRow, IndicatorRow, OverrideRow, PeriodRow, TargetRow, ValueRow, utcnow
from db.roles import refuse_other_department, role_in
from db.tables import ensure_period, find_indicator

_P = ParamSpec("_P")

# The columns of an indicator's figure row (``ValueRow``) that each field is stored in.
_COLUMNS = {VALUE: "text", NOTE: "note", PRINTED_RATIO: "reported_pct_last_year", REPORTED_VERDICT: "reported_verdict"}


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


class CellWrite(NamedTuple):
    """One field of one indicator to store.

    ``field`` is ``VALUE``, ``NOTE``, ``TARGET`` or ``LAST_YEAR`` (an import also writes
    ``PRINTED_RATIO``); ``new`` the text to store (checked here); ``expected`` the stored
    text the person saw, or ``None`` to overwrite whatever is stored.
    """

    code: str
    field: str
    new: str
    expected: str | None = None


def _in_table(session: Session, indicator: IndicatorRow, year: int) -> TargetRow:
    # FOR UPDATE: on a server database the row stays as read until the commit (SQLite's
    # write transaction already holds the whole file).
    target = session.scalar(
        select(TargetRow).where(TargetRow.indicator_id == indicator.id, TargetRow.year == year).with_for_update()
    )
    if target is None:
        raise StoreError(f"Chỉ tiêu {indicator.code} ({indicator.name}) không có trong biểu năm {year}")
    return target


def refuse_figure_on_heading(session: Session, indicator: IndicatorRow) -> None:
    """Figures go on rows that take them (:func:`db.figure_rules.refuse_heading`)."""

    def has_target() -> bool:
        query = select(TargetRow.id).where(TargetRow.indicator_id == indicator.id, TargetRow.text != "").limit(1)
        return session.scalar(query) is not None

    refuse_heading(indicator, has_target)


def _checked(func: Callable[_P, str], *args: _P.args, **kwargs: _P.kwargs) -> str:
    try:
        return func(*args, **kwargs)
    except EntryError as exc:
        raise InvalidInput(exc.message) from exc


def _place(indicator: IndicatorRow) -> str:
    return f"{indicator.code} {indicator.name}"


def _check(field: str, text: str, indicator: IndicatorRow) -> str:
    """The text to store in ``field``, or :class:`InvalidInput` naming the row."""
    if field in (VALUE, TARGET):
        return _checked(check_value, text, _place(indicator))
    if field == NOTE:
        return _checked(check_note, text, _place(indicator))
    if field in (PRINTED_RATIO, REPORTED_VERDICT):
        return clean(text)
    raise ValueError(f"unknown field {field!r}")


def _same(field: str, stored: str, seen: str) -> bool:
    """Whether the person saw what is stored (``21246`` saw ``21.246``: the same figure)."""
    if stored == seen:
        return True
    try:
        if field in (VALUE, TARGET):
            return check_value(seen) == stored
        if field == NOTE:
            return check_note(seen) == stored
    except EntryError:
        return False
    return clean(seen) == stored


@dataclass
class Prepared:
    """Rows a caller writing many values of one period in one transaction has already loaded.

    ``write_value`` then looks nothing up that is here (an indicator missing from
    ``indicators`` or ``in_table`` is still looked up and checked), and leaves the
    flush to the caller, so the whole batch goes to the database at once. The caller
    loaded them in the same write transaction, so they are the stored values.
    """

    indicators: dict[str, IndicatorRow]
    in_table: set[int]
    period: PeriodRow
    values: dict[int, ValueRow]


def write_fields(
    session: Session,
    year: int,
    kind: PeriodKind,
    writes: Sequence[CellWrite],
    *,
    actor: str,
    reason: str = "",
    source: str = audit.BY_HAND,
    prepared: Prepared | None = None,
    action: str | None = None,
    own_rows_only: bool = False,
) -> list[Change]:
    """Store ``writes`` inside the caller's write transaction, all or none; returns what changed.

    Every text is checked and every ``expected`` compared with the value read here before
    anything is written: a refusal (:class:`InvalidInput`, :class:`StaleValue`, a lock)
    leaves the transaction without a change of this call's. ``action`` replaces the
    audit's usual wording of a figure row's change (``"nhập từ biểu"``); ``own_rows_only``
    refuses, on a phòng's database, figures of another phòng's indicators.
    """
    # Written for the merges' pace too (ten thousand figures a minute's import): one pass
    # over the writes, and nothing looked up that ``prepared`` already holds.
    indicators = _indicators(session, writes, prepared)
    has_target = has_figure = has_expected = False
    for write in writes:
        if write.field == TARGET:
            has_target = True
        else:
            has_figure = True
        if write.expected is not None:
            has_expected = True
    if own_rows_only:
        _refuse_other_departments(session, [indicators[w.code] for w in writes if w.field != TARGET])
    if prepared is None:
        targets = _targets(session, year, list(indicators.values()))
    elif has_target:
        target_codes = {write.code for write in writes if write.field == TARGET}
        in_table = prepared.in_table
        outside = [i for code, i in indicators.items() if code in target_codes or i.id not in in_table]
        targets = _targets(session, year, outside)
    else:
        in_table = prepared.in_table
        outside = [i for i in indicators.values() if i.id not in in_table]
        targets = _targets(session, year, outside) if outside else {}
    checked = [(w, indicators[w.code], _check(w.field, w.new, indicators[w.code])) for w in writes]
    for write, indicator, new in checked:
        if write.field == VALUE and new:
            refuse_figure_on_heading(session, indicator)
    period: PeriodRow | None = None
    values: dict[int, ValueRow] = {}
    if has_figure:
        period = prepared.period if prepared is not None else ensure_period(session, year, kind)
        refuse_locked(period)
        values = prepared.values if prepared is not None else _value_rows(session, period, checked)
    if has_target:
        _refuse_locked_year(session, year)

    if has_expected:
        stale = [
            (write, indicator, now)
            for write, indicator, new in checked
            if write.expected is not None
            and (now := _stored(write.field, indicator, targets, values)) != new
            and not _same(write.field, now, write.expected)
        ]
        if stale:
            raise _stale_error(session, year, kind, stale, values, len(checked))

    changes: list[Change] = []
    touched: dict[int, tuple[ValueRow, str, bool]] = {}  # figure row → (row, code, whether the figure changed)
    for write, indicator, new in checked:
        field = write.field
        if field == TARGET:
            target = targets[indicator.id]
            old = target.text or ""
            if old == new:
                continue
            target.text = new
            changes.append(Change(write.code, field, old, new))
            audit.record(
                session,
                actor=actor,
                action="sửa nhiệm vụ",
                indicator_code=write.code,
                year=year,
                field=TARGET,
                old=old,
                new=new,
                reason=reason,
                source=source,
            )
            continue
        assert period is not None
        ident = indicator.id
        value = values.get(ident)
        column = _COLUMNS[field]
        old = (getattr(value, column) or "") if value is not None else ""
        if old == new:
            continue
        if value is None:
            value = values[ident] = _new_value_row(session, indicator, period, prepared)
        setattr(value, column, new)
        changes.append(Change(write.code, field, old, new))
        audit.record(
            session,
            actor=actor,
            action=action or FIGURE_ACTIONS[field],
            indicator_code=write.code,
            year=year,
            period=kind.value,
            field=field,
            old=old,
            new=new,
            reason=reason,
            source=source,
        )
        earlier = touched.get(ident)
        touched[ident] = (value, write.code, field == VALUE or (earlier is not None and earlier[2]))
    for value, code, figure_changed in touched.values():
        if figure_changed and value.reported_verdict:
            # The verdict an imported table printed was for the old figure; kept, it would
            # show a disagreement with a figure it never saw.
            audit.record(
                session,
                actor=actor,
                action=VERDICT_DROPPED,
                indicator_code=code,
                year=year,
                period=kind.value,
                field=REPORTED_VERDICT,
                old=value.reported_verdict,
                new="",
                reason=VERDICT_DROPPED_REASON,
                source=source,
            )
            value.reported_verdict = ""
        value.updated_by = actor
        value.updated_at = utcnow()
        value.source = source
    if prepared is None and changes:
        session.flush()
    return changes


def _stored(field: str, indicator: IndicatorRow, targets: dict[int, TargetRow], values: dict[int, ValueRow]) -> str:
    if field == TARGET:
        return targets[indicator.id].text or ""
    value = values.get(indicator.id)
    return (getattr(value, _COLUMNS[field]) or "") if value is not None else ""


def _indicators(session: Session, writes: Sequence[CellWrite], prepared: Prepared | None) -> dict[str, IndicatorRow]:
    """The catalogue rows of the writes' indicators, looked up together, or a refusal naming the first unknown one."""
    known = prepared.indicators if prepared is not None else {}
    found: dict[str, IndicatorRow] = {}
    missing: list[str] = []
    for write in writes:
        code = write.code
        if code not in found:
            row = known.get(code)
            if row is not None:
                found[code] = row
            elif code not in missing:
                missing.append(code)
    if missing:
        query = select(IndicatorRow).where(IndicatorRow.code.in_(missing))
        found.update((row.code, row) for row in session.scalars(query))
        for code in missing:
            if code not in found:
                find_indicator(session, code)  # raises with the catalogue's own message
    return found


def _targets(session: Session, year: int, indicators: Sequence[IndicatorRow]) -> dict[int, TargetRow]:
    """The year's table rows of ``indicators``, or a refusal naming the first not in it."""
    if not indicators:
        return {}
    # FOR UPDATE: on a server database the rows stay as read until the commit (SQLite's
    # write transaction already holds the whole file).
    query = (
        select(TargetRow)
        .where(TargetRow.year == year, TargetRow.indicator_id.in_([indicator.id for indicator in indicators]))
        .with_for_update()
    )
    targets = {target.indicator_id: target for target in session.scalars(query)}
    for indicator in indicators:
        if indicator.id not in targets:
            raise StoreError(f"Chỉ tiêu {indicator.code} ({indicator.name}) không có trong biểu năm {year}")
    return targets


def _refuse_other_departments(session: Session, indicators: Sequence[IndicatorRow]) -> None:
    if indicators and not role_in(session).is_synthesis:
        for indicator in dict.fromkeys(indicators):
            refuse_other_department(session, indicator)


def _refuse_locked_year(session: Session, year: int) -> None:
    """A target belongs to both periods of its year: either one locked refuses it."""
    for period in session.scalars(select(PeriodRow).where(PeriodRow.year == year).order_by(PeriodRow.id)):
        refuse_locked(period)


def _value_rows(
    session: Session, period: PeriodRow, checked: Sequence[tuple[CellWrite, IndicatorRow, str]]
) -> dict[int, ValueRow]:
    ids = {indicator.id for write, indicator, _ in checked if write.field != TARGET}
    query = select(ValueRow).where(ValueRow.period_id == period.id, ValueRow.indicator_id.in_(ids)).with_for_update()
    return {value.indicator_id: value for value in session.scalars(query)}


def _new_value_row(session: Session, indicator: IndicatorRow, period: PeriodRow, prepared: Prepared | None) -> ValueRow:
    # Every column set here: a row made in a batch has no column defaults until its flush.
    value = ValueRow(
        indicator_id=indicator.id,
        period_id=period.id,
        text="",
        note="",
        reported_verdict="",
        reported_pct_last_year="",
        reported_pct_estimate="",
    )
    session.add(value)
    if prepared is not None:
        prepared.values[indicator.id] = value
    return value


def _stale_error(
    session: Session,
    year: int,
    kind: PeriodKind,
    stale: Sequence[tuple[CellWrite, IndicatorRow, str]],
    values: dict[int, ValueRow],
    total: int,
) -> StaleValue:
    fields = []
    for write, indicator, now in stale:
        actor, at = _last_change(session, write.code, year, kind, write.field, now)
        if not actor and write.field != TARGET and indicator.id in values:
            row = values[indicator.id]
            actor, at = row.updated_by or "", row.updated_at
        fields.append(
            StaleField(
                code=write.code,
                place=_place(indicator),
                field=write.field,
                label=FIELD_LABELS[write.field],
                expected=write.expected or "",
                stored=now,
                actor=actor,
                at=at,
            )
        )
    return StaleValue(fields, total)


def _last_change(
    session: Session, code: str, year: int, kind: PeriodKind, field: str, now: str
) -> tuple[str, datetime | None]:
    """Who made the stored value what it is, and when: the newest audit record that wrote it."""
    query = select(AuditRow.actor, AuditRow.at).where(
        AuditRow.indicator_code == code, AuditRow.year == year, AuditRow.field == field, AuditRow.new == now
    )
    if field != TARGET:
        query = query.where(AuditRow.period == kind.value)
    found = session.execute(query.order_by(AuditRow.id.desc()).limit(1)).first()
    return (found.actor, found.at) if found is not None else ("", None)


def write_value(
    session: Session,
    code: str,
    year: int,
    kind: PeriodKind,
    text: str | None,
    *,
    note: str | None,
    actor: str,
    reason: str = "",
    source: str = audit.BY_HAND,
    prepared: Prepared | None = None,
    expected: str | None = None,
    own_rows_only: bool = False,
) -> list[Change]:
    """Store a figure and/or its note (``None`` leaves that field as stored) inside the caller's transaction.

    ``expected`` is the figure the person saw (see :func:`write_fields` for the rest).
    """
    writes = []
    if text is not None:
        writes.append(CellWrite(code, VALUE, text, expected))
    if note is not None:
        writes.append(CellWrite(code, NOTE, note))
    try:
        return write_fields(
            session,
            year,
            kind,
            writes,
            actor=actor,
            reason=reason,
            source=source,
            prepared=prepared,
            own_rows_only=own_rows_only,
        )
    except StaleValue as exc:
        raise StaleValue(exc.stale) from None  # one entry, figure and note: "chưa lưu", not "chưa lưu ô nào"


def write_cells(
    db: Database,
    year: int,
    kind: PeriodKind,
    cells: Sequence[CellWrite],
    *,
    actor: str,
    reason: str = "",
    source: str = audit.BY_HAND,
) -> list[Change]:
    """Store a block of cells (a paste, a cleared selection, an undo) in one transaction: all or none.

    One cell whose stored value is no longer its ``expected`` refuses the whole block
    with one :class:`StaleValue`. On a phòng's database only its own figures may be entered.
    """
    printed = [cell for cell in cells if cell.field in (PRINTED_RATIO, REPORTED_VERDICT)]
    if printed:
        # What a table printed is stored by its import; a person enters last year's result instead.
        raise InvalidInput(f"{FIELD_LABELS[printed[0].field].capitalize()} chỉ nhập được từ biểu, không sửa tay")
    this_year = [cell for cell in cells if cell.field != LAST_YEAR]
    last_year = [cell for cell in cells if cell.field == LAST_YEAR]
    with db.begin() as session:
        changes = (
            write_fields(session, year, kind, this_year, actor=actor, reason=reason, source=source, own_rows_only=True)
            if this_year
            else []
        )
        if last_year:
            changes.extend(write_last_year(session, year, last_year, actor=actor, reason=reason, source=source))
        return changes


def write_last_year(
    session: Session,
    year: int,
    cells: Sequence[CellWrite],
    *,
    actor: str,
    reason: str = "",
    source: str = audit.BY_HAND,
) -> list[Change]:
    """Store last year's result of ``year``'s rows (synthesis office only), inside the caller's transaction.

    It is year-1's final (thực hiện) figure, as an imported "Thực hiện năm Y-1" column is: a
    row not yet in year-1's table gets its place there first, at its place in ``year``'s. The
    changes come back as ``LAST_YEAR``; the audit records them as year-1's figures.
    """
    role = role_in(session)
    if not role.is_synthesis:
        raise StoreError(f"Chỉ văn phòng tổng hợp nhập thực hiện năm trước; cơ sở dữ liệu này thuộc {role.label}")
    # It moves this year's "so với cùng kỳ": a locked period of this year refuses it, as a target.
    _refuse_locked_year(session, year)
    previous = year - 1
    indicators = _indicators(session, cells, None)
    placed = _targets(session, year, list(indicators.values()))
    query = select(TargetRow.indicator_id).where(
        TargetRow.year == previous, TargetRow.indicator_id.in_([i.id for i in indicators.values()])
    )
    there = set(session.scalars(query))
    for indicator in indicators.values():
        if indicator.id not in there:
            session.add(TargetRow(indicator_id=indicator.id, year=previous, position=placed[indicator.id].position))
    session.flush()
    writes = [CellWrite(cell.code, VALUE, cell.new, cell.expected) for cell in cells]
    try:
        changes = write_fields(session, previous, PeriodKind.RESULT, writes, actor=actor, reason=reason, source=source)
    except StaleValue as exc:
        label = FIELD_LABELS[LAST_YEAR]
        raise StaleValue([replace(item, field=LAST_YEAR, label=label) for item in exc.stale], exc.total) from None
    return [replace(change, field=LAST_YEAR) for change in changes]


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
    expected: str | None = None,
) -> list[Change]:
    """Enter one figure (and a note, if given) in its own transaction, with the audit record.

    ``expected``: the figure the person saw; if another one is stored now, nothing is
    written (:class:`StaleValue`). On a phòng's database only that phòng's indicators
    may be entered.
    """
    with db.begin() as session:
        return write_value(
            session,
            code,
            year,
            kind,
            text,
            note=note,
            actor=actor,
            reason=reason,
            source=source,
            expected=expected,
            own_rows_only=True,
        )


def set_field(
    db: Database,
    code: str,
    year: int,
    field: str,
    text: str,
    *,
    kind: PeriodKind = PeriodKind.ESTIMATE,
    actor: str,
    reason: str = "",
    expected: str | None = None,
) -> Change | None:
    """Change one field of a period's row alone (``NOTE``; ``LAST_YEAR``: last year's result, ``3.050``), the
    figure not sent; ``None`` when it was already so."""
    changes = write_cells(db, year, kind, [CellWrite(code, field, text, expected)], actor=actor, reason=reason)
    return changes[0] if changes else None


def set_target(
    db: Database, code: str, year: int, text: str, *, actor: str, reason: str = "", expected: str | None = None
) -> Change:
    """Change a target (synthesis office only; the caller checks the role)."""
    with db.begin() as session:
        changes = write_fields(
            session, year, PeriodKind.ESTIMATE, [CellWrite(code, TARGET, text, expected)], actor=actor, reason=reason
        )
        if changes:
            return changes[0]
        unchanged = _check(TARGET, text, find_indicator(session, code))
        return Change(code, TARGET, unchanged, unchanged)


def set_override(
    db: Database,
    code: str,
    year: int,
    verdict: Verdict | None,
    reason: str,
    *,
    kind: PeriodKind = PeriodKind.ESTIMATE,
    actor: str,
    expected: str | None = None,
) -> Change:
    """Override the verdict (``None`` removes the override) in its own transaction; a reason is required.

    ``expected``: the override the person saw (a verdict's text, ``""`` for none); if
    another one is stored now, nothing is written (:class:`StaleValue`).
    """
    why = _checked(check_reason, reason)
    with db.begin() as session:
        return write_override(session, code, year, verdict, why, kind=kind, actor=actor, expected=expected)


def write_override(
    session: Session,
    code: str,
    year: int,
    verdict: Verdict | None,
    reason: str,
    *,
    kind: PeriodKind = PeriodKind.ESTIMATE,
    actor: str,
    expected: str | None = None,
    source: str = audit.BY_HAND,
) -> Change:
    """:func:`set_override` inside the caller's write transaction (the demo stores its override with its tables).

    The same verdict with the same reason is already stored: nothing is written or recorded.
    """
    why = _checked(check_reason, reason)
    indicator = find_indicator(session, code)
    _in_table(session, indicator, year)
    period = ensure_period(session, year, kind)
    refuse_locked(period)
    existing = session.scalar(
        select(OverrideRow)
        .where(OverrideRow.indicator_id == indicator.id, OverrideRow.period_id == period.id)
        .with_for_update()
    )
    old = existing.verdict if existing else ""
    new = verdict.value if verdict else ""
    if expected is not None and old not in (expected, new):
        actor_then, at = _last_change(session, code, year, kind, VERDICT, old)
        if not actor_then and existing is not None:
            actor_then, at = existing.set_by, existing.set_at
        item = StaleField(code, _place(indicator), VERDICT, FIELD_LABELS[VERDICT], expected, old, actor_then, at)
        raise StaleValue([item])
    if old == new and (existing is None or existing.reason == why):
        return Change(code, VERDICT, old, new)
    if existing is not None and verdict is None:
        session.delete(existing)
    elif existing is None and verdict is not None:
        session.add(OverrideRow(indicator_id=indicator.id, period_id=period.id, verdict=new, reason=why, set_by=actor))
    elif existing is not None and verdict is not None:
        existing.verdict, existing.reason, existing.set_by, existing.set_at = new, why, actor, utcnow()
    audit.record(
        session,
        actor=actor,
        action="điều chỉnh đánh giá" if verdict else "bỏ điều chỉnh đánh giá",
        indicator_code=code,
        year=year,
        period=kind.value,
        field=VERDICT,
        old=old,
        new=new,
        reason=why,
        source=source,
    )
    return Change(code, VERDICT, old, new)
