"""A phòng's form: the rows of a year's table it fills in."""

from __future__ import annotations

from collections.abc import Sequence

from bkdesk.catalogue import with_ancestors
from bkdesk.evaluation import RowInput


def restrict_to_department(rows: Sequence[RowInput], department: str) -> list[RowInput]:
    """A phòng's rows and the rows above them in the tree, so its form reads as the table does."""
    own = (r.indicator.code for r in rows if r.indicator.department == department and not r.indicator.is_group)
    keep = with_ancestors((row.indicator for row in rows), own)
    return [row for row in rows if row.indicator.code in keep]
