"""Report settings (issuing body, report number and date), kept in the ``settings`` table.

Saving is one transaction with one audit record per changed field, so the history
shows who changed the heading of the printed appendix and when.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bkdesk.reports.settings import ReportSettings, format_date
from bkdesk.text import clean, describe_forbidden, forbidden_character
from db import audit
from db.database import Database
from db.errors import InvalidInput
from db.models import SettingRow, put_setting

ACTION = "sửa thiết lập báo cáo"
KEYS = {"issuer": "report.issuer", "number": "report.number", "date": "report.date"}
LABELS = {"issuer": "cơ quan ban hành", "number": "số báo cáo", "date": "ngày báo cáo"}
MAX_LENGTH = 500


def _stored(settings: ReportSettings) -> dict[str, str]:
    """The settings as the table stores them: cleaned text, the date as ISO ``yyyy-mm-dd``."""
    return {
        KEYS["issuer"]: clean(settings.issuer),
        KEYS["number"]: clean(settings.number),
        KEYS["date"]: settings.date.isoformat() if settings.date is not None else "",
    }


def _read(session: Session) -> dict[str, str]:
    rows = session.scalars(select(SettingRow).where(SettingRow.key.in_(KEYS.values())))
    return {row.key: row.value for row in rows}


def _date(text: str) -> date | None:
    # A stored date that does not read (edited by hand in the file) prints as dots rather
    # than blocking the report, and the next save through the app replaces it.
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def load_report_settings(db: Database) -> ReportSettings:
    """The stored settings; anything never set is empty (printed as dots)."""
    with db.read() as session:
        stored = _read(session)
    return ReportSettings(
        issuer=stored.get(KEYS["issuer"], ""),
        number=stored.get(KEYS["number"], ""),
        date=_date(stored.get(KEYS["date"], "")),
    )


def _shown(key: str, value: str) -> str:
    """What the audit log shows: the date as dd/mm/yyyy, like everywhere else."""
    if key != KEYS["date"] or not value:
        return value
    try:
        return format_date(date.fromisoformat(value))
    except ValueError:  # a damaged old value is still recorded as it was
        return value


def save_report_settings(db: Database, settings: ReportSettings, *, actor: str) -> None:
    """Store ``settings`` in one transaction, auditing each field that changed."""
    new = _stored(settings)
    for field in fields(ReportSettings):
        value = new[KEYS[field.name]]
        if len(value) > MAX_LENGTH:
            raise InvalidInput(f"Thiết lập báo cáo: {LABELS[field.name]} dài quá {MAX_LENGTH} ký tự")
        found = forbidden_character(value)
        if found is not None:
            raise InvalidInput(f"Thiết lập báo cáo: {LABELS[field.name]} {describe_forbidden(found)}")
    with db.begin() as session:
        old = _read(session)
        for key, value in new.items():
            before = old.get(key, "")
            if before == value:
                continue
            put_setting(session, key, value)
            audit.record(
                session,
                actor=actor,
                action=ACTION,
                field=key,
                old=_shown(key, before),
                new=_shown(key, value),
            )
