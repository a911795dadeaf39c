"""What the app remembers between starts (QSettings, organisation "bkdesk").

An INI file on every platform (not the Windows registry), so it can be copied or
reset by hand, and so tests can point it at a folder of their own (``QSettings.setPath``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QByteArray, QSettings

if TYPE_CHECKING:
    from bkdesk.catalogue import PeriodKind

ORGANISATION = "bkdesk"
APPLICATION = "bkdesk"


class Choice(NamedTuple):
    """Who the user is and which period they work on."""

    role: str
    year: int
    period: PeriodKind


def choice_from_raw(raw: tuple[str, int, str]) -> Choice | None:
    from bkdesk.catalogue import PeriodKind  # not needed for the first paint

    role, year, period = raw
    if not role or not year:
        return None
    try:
        kind = PeriodKind(period) if period else PeriodKind.ESTIMATE
    except ValueError:
        kind = PeriodKind.ESTIMATE
    return Choice(role, year, kind)


def open_settings() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APPLICATION)


class SettingsStore:
    def __init__(self, settings: QSettings | None = None) -> None:
        self._settings = settings if settings is not None else open_settings()

    @property
    def file_name(self) -> str:
        return self._settings.fileName()

    def raw_choice(self) -> tuple[str, int, str]:
        """The remembered role, year and period as stored (cheap: no import of the core)."""
        role = self._settings.value("session/role", "", str)
        year = self._settings.value("session/year", 0, int)
        period = self._settings.value("session/period", "", str)
        return str(role), year if isinstance(year, int) else 0, str(period)

    def choice(self) -> Choice | None:
        """The remembered user and period, or ``None`` before the first choice."""
        return choice_from_raw(self.raw_choice())

    def save_choice(self, choice: Choice) -> None:
        self._settings.setValue("session/role", choice.role)
        self._settings.setValue("session/year", choice.year)
        self._settings.setValue("session/period", choice.period.value)
        self._settings.sync()

    def database(self) -> str:
        """The database file the app opened last by the user's choice (a phòng's, after its setup), or ``""``."""
        return str(self._settings.value("session/database", "", str) or "")

    def save_database(self, path: str) -> None:
        self._settings.setValue("session/database", path)
        self._settings.sync()

    def exchange_folder(self) -> str:
        """Where exchange files were last read or written (a USB stick, a mail folder), or ``""``."""
        return str(self._settings.value("exchange/folder", "", str) or "")

    def save_exchange_folder(self, folder: str) -> None:
        self._settings.setValue("exchange/folder", folder)
        self._settings.sync()

    def clean_close(self) -> tuple[str, str]:
        """The database file the app last closed cleanly after a sound check, and its size and time then."""
        database = self._settings.value("integrity/database", "", str)
        stamp = self._settings.value("integrity/stamp", "", str)
        return str(database or ""), str(stamp or "")

    def save_clean_close(self, database: str, stamp: str) -> None:
        self._settings.setValue("integrity/database", database)
        self._settings.setValue("integrity/stamp", stamp)
        self._settings.sync()

    def window_geometry(self) -> QByteArray | None:
        value = self._settings.value("window/geometry")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def save_window_geometry(self, geometry: QByteArray) -> None:
        self._settings.setValue("window/geometry", geometry)
        self._settings.sync()
