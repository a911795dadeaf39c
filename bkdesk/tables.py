"""A year's table as it arrives from outside (the demo data, an imported workbook).

Each :class:`TableLine` is one row, its indicator already matched to the catalogue
(``code`` set); ``None`` in a figure means "keep what is stored", never "delete".
"""

from __future__ import annotations

from dataclasses import dataclass

from bkdesk.catalogue import Indicator
from bkdesk.verdicts import Verdict


@dataclass(frozen=True, slots=True)
class TableLine:
    indicator: Indicator
    target: str | None = None
    estimate: str | None = None
    reported_verdict: str | None = None
    reported_pct_last_year: str | None = None
    last_year: str | None = None
    note: str | None = None
    # Last year's estimate, where last year has no final figure (a setup file brings it).
    last_year_estimate: str | None = None
    # The estimate a printed "so với cùng kỳ" was printed for, when it is not this line's own estimate.
    reported_pct_estimate: str | None = None
    # A verdict the synthesis office adjusted, with its reason (bkdesk's own report workbook carries them).
    override: tuple[Verdict | None, str] | None = None


@dataclass(frozen=True, slots=True)
class Table:
    """Lines of one year's table, in printed order."""

    year: int
    lines: tuple[TableLine, ...]
