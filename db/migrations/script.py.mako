"""Schema ${int(up_revision)}: ${message}.

Drafted by ``python -m db.migrations``: read every line, fill the new columns of the
rows already there, and say here what changes for the user's data.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
${imports if imports else ""}
revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = None
depends_on = None


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}
