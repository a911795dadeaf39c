"""SQLAlchemy 2.0 typed models of bkdesk's database (schema version in ``meta``).

Figures are stored as the text the officer wrote ("3.050", ">95", "Hoàn thành"),
which is exact and prints as written; the core parses them into Decimals.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite keeps no time zone of its own)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UtcDateTime(), str: String(255)}

    if TYPE_CHECKING:
        # Every model is declared by ``__tablename__``, so its ``__table__`` is a Table
        # (DeclarativeBase allows any FromClause); the bulk statements insert into it.
        __table__: ClassVar[Table]


class Meta(Base):
    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class DepartmentRow(Base):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str]


class IndicatorRow(Base):
    __tablename__ = "indicators"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    group: Mapped[str] = mapped_column("group_code", String(8))
    stt: Mapped[str] = mapped_column(String(16), default="")
    name: Mapped[str] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(String(64), default="")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("indicators.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    direction: Mapped[str] = mapped_column(String(8), default="higher")
    counted: Mapped[bool] = mapped_column(Boolean, default=False)
    sum_of_children: Mapped[bool] = mapped_column(Boolean, default=False)

    parent: Mapped[IndicatorRow | None] = relationship(remote_side=[id])
    department: Mapped[DepartmentRow | None] = relationship()


class PeriodRow(Base):
    """A year's estimate (``uoc``) or final result (``thuc-hien``)."""

    __tablename__ = "periods"
    __table_args__ = (UniqueConstraint("year", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    lock_reason: Mapped[str] = mapped_column(Text, default="")


class TargetRow(Base):
    """An indicator's place and target in a year's table (its row of the appendix)."""

    __tablename__ = "targets"
    __table_args__ = (UniqueConstraint("indicator_id", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"))
    year: Mapped[int]
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text, default="")

    indicator: Mapped[IndicatorRow] = relationship()


class ValueRow(Base):
    """An indicator's figure for a period, with its note and where it came from."""

    __tablename__ = "indicator_values"
    __table_args__ = (UniqueConstraint("indicator_id", "period_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"))
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id"))
    text: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    reported_verdict: Mapped[str] = mapped_column(String(16), default="")
    reported_pct_last_year: Mapped[str] = mapped_column(String(64), default="")
    # The estimate the printed ratio was printed for: once the estimate changes, the ratio is
    # worked out again from the two (schema 6). A server default, since the bulk writers of
    # figures name their columns and leave this one out.
    reported_pct_estimate: Mapped[str] = mapped_column(String(64), default="", server_default="")
    updated_by: Mapped[str] = mapped_column(default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    source: Mapped[str] = mapped_column(Text, default="")

    indicator: Mapped[IndicatorRow] = relationship()
    period: Mapped[PeriodRow] = relationship()


class OverrideRow(Base):
    """A verdict set by the synthesis office, with its reason."""

    __tablename__ = "verdict_overrides"
    __table_args__ = (UniqueConstraint("indicator_id", "period_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"))
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id"))
    verdict: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    set_by: Mapped[str] = mapped_column(default="")
    set_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditRow(Base):
    """One change: old → new, who, when, why, and by which hand or file."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(default="")
    action: Mapped[str] = mapped_column(String(32))
    indicator_code: Mapped[str] = mapped_column(String(64), default="", index=True)
    year: Mapped[int | None] = mapped_column(index=True)
    period: Mapped[str] = mapped_column(String(16), default="")
    field: Mapped[str] = mapped_column(String(32), default="")
    old: Mapped[str] = mapped_column(Text, default="")
    new: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")


class SettingRow(Base):
    """Report settings and other per-database preferences."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


def put_setting(session: Session, key: str, value: str) -> None:
    """Store a setting inside the caller's transaction, its row added the first time."""
    row = session.get(SettingRow, key)
    if row is None:
        session.add(SettingRow(key=key, value=value))
    else:
        row.value = value
