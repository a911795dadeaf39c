"""Schema 2: bkdesk's marker in the SQLite header (``PRAGMA application_id``, :mod:`db.file_format`).

The marker is part of the file's first page, so it is written inside the upgrade's
transaction and rolled back with it: a failed upgrade leaves the header as it was.
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# The value of db.file_format.APPLICATION_ID ("BKDK") when this revision shipped.
APPLICATION_ID = 0x424B444B


def upgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        op.execute(f"PRAGMA application_id = {APPLICATION_ID}")
