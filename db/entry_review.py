"""What a person's figure would be stored as, and what to ask about it, for one row of a year's table.

The checks and questions are the core's (:func:`bkdesk.entry.review_entry`); this module
only reads the row they need: its indicator, this year's target and whether it is a heading.
"""

from __future__ import annotations

from sqlalchemy import select

from bkdesk.catalogue import is_heading
from bkdesk.entry import EntryError, EntryReview, Field, review_entry
from db.database import Database
from db.errors import InvalidInput
from db.models import IndicatorRow, TargetRow
from db.roles import refuse_other_department
from db.tables import find_indicator, indicator_query, to_indicator


def review_value(db: Database, code: str, year: int, text: str) -> EntryReview:
    """Review a figure typed for ``code`` in ``year``'s table; a refusal is :class:`InvalidInput`.

    A row that is not in the table is left to the write, which says so.
    """
    with db.read() as session:
        found_row = find_indicator(session, code)
        refuse_other_department(session, found_row)  # said first, as the write says it
        indicator_id = found_row.id
        found = session.execute(
            indicator_query()
            .add_columns(TargetRow.text)
            .join(TargetRow, TargetRow.indicator_id == IndicatorRow.id)
            .where(IndicatorRow.id == indicator_id, TargetRow.year == year)
        ).first()
        if found is None:
            return EntryReview(text)
        row, parent, department, target = found
        elsewhere = session.scalar(
            select(TargetRow.id)
            .where(TargetRow.indicator_id == indicator_id, TargetRow.year != year, TargetRow.text != "")
            .limit(1)
        )
    indicator = to_indicator(row, parent, department)
    heading = is_heading(indicator, target, elsewhere is not None)
    try:
        return review_entry(indicator, Field.VALUE, text, target=target, heading=heading)
    except EntryError as exc:
        raise InvalidInput(exc.message) from exc
