"""Moments as the exchange shows them: the local clock, dd/mm/yyyy HH:MM."""

from __future__ import annotations

from datetime import UTC, datetime


def local_text(moment: datetime) -> str:
    """``25/11/2026 21:27`` for a UTC moment, on this computer's clock."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone().strftime("%d/%m/%Y %H:%M")


def local_date(moment: datetime) -> str:
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone().strftime("%d/%m/%Y")
