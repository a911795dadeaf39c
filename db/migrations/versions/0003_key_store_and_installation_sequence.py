"""Schema 3: the phòng's key leaves its database; each issued setup counts its own sequence.

``exchange_identity``: ``private_key`` becomes ``legacy_private_key`` (emptied when the key
moves into the key store at its first signing) and ``key_store``, ``sealed_key`` say where
the key now is. ``exchange_issues.last_sequence`` starts at the highest sequence already
received from that installation, or at its ``sequence_start`` if none came yet.

Written with batch operations: SQLite cannot change a column's type, so
``exchange_identity`` is rebuilt (a copy under a temporary name, then renamed), which is
why the upgrade runs with foreign keys off (:func:`db.schema.upgrade`).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("exchange_identity") as identity:
        identity.alter_column(
            "private_key",
            new_column_name="legacy_private_key",
            type_=sa.Text(),
            existing_type=sa.String(64),
            existing_nullable=False,
        )
        identity.add_column(sa.Column("key_store", sa.String(16), nullable=False, server_default=""))
        identity.add_column(sa.Column("sealed_key", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("exchange_issues") as issues:
        issues.add_column(sa.Column("last_sequence", sa.Integer(), nullable=False, server_default="0"))
    op.execute(
        "UPDATE exchange_issues SET last_sequence = coalesce((SELECT max(s.sequence) FROM exchange_submissions s "
        "WHERE s.setup_id = exchange_issues.setup_id AND s.sequence > exchange_issues.sequence_start), sequence_start)"
    )
