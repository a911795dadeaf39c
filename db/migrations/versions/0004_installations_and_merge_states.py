"""Schema 4: installations, and the states each file is merged against.

A phòng's database gets ``exchange_identity.installation_id`` (empty until a setup file
is installed again: its files keep the first format, merged as before) and
``exchange_sent``, what each value was when last sent or received. The synthesis
office's gets ``exchange_installations`` and ``exchange_submissions.installation_id``
(empty for the files already imported: they count as one installation of their phòng).
The existing merge bases stay as they are: they are the per-phòng base first-format
files are still merged against.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("exchange_identity") as identity:
        identity.add_column(sa.Column("installation_id", sa.String(36), nullable=False, server_default=""))
    with op.batch_alter_table("exchange_submissions") as submissions:
        submissions.add_column(sa.Column("installation_id", sa.String(36), nullable=True))
    op.create_table(
        "exchange_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("based_at", sa.DateTime(), nullable=False),
        sa.Column("state", sa.String(80), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("indicator_id", "period_id"),
        sa.ForeignKeyConstraint(["indicator_id"], ["indicators.id"]),
        sa.ForeignKeyConstraint(["period_id"], ["periods.id"]),
    )
    op.create_table(
        "exchange_installations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("installation_id", sa.String(36), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("setup_id", sa.String(64), nullable=False),
        sa.Column("first_file_at", sa.DateTime(), nullable=False),
        sa.Column("last_sequence", sa.Integer(), nullable=False),
        sa.Column("last_submission_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("installation_id"),
        sa.ForeignKeyConstraint(["department_id"], ["departments.id"]),
        sa.ForeignKeyConstraint(["last_submission_id"], ["exchange_submissions.id"]),
    )
    op.create_index("ix_exchange_installations_department_id", "exchange_installations", ["department_id"])
