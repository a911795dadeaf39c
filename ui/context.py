"""Who is using the app, on which database and period: handed to every widget.

Widgets get this context (and through it the ``db`` services), never the whole
application, so each can be built and tested on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bkdesk.catalogue import PeriodKind

if TYPE_CHECKING:
    from db.database import Database

SYNTHESIS_ROLE = "tonghop"


@dataclass
class AppContext:
    db: Database
    role: str
    year: int
    period: PeriodKind = PeriodKind.ESTIMATE
    user: str = ""
    department_name: str = ""

    @property
    def is_synthesis(self) -> bool:
        return self.role == SYNTHESIS_ROLE

    @property
    def role_label(self) -> str:
        if self.is_synthesis:
            return "Văn phòng tổng hợp"
        return self.department_name or self.role

    @property
    def actor(self) -> str:
        """How the audit log names the person: login name and office."""
        return f"{self.user} ({self.role_label})" if self.user else self.role_label
