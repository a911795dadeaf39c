"""Schema 5: the synthesis office's signing key and the return files it sends to each phòng.

The synthesis office's database gets ``exchange_office_key`` (made with the first setup
file issued from now on) and ``exchange_feedback`` (each return file made), and
``exchange_issues.office_key_id`` (empty for the setups issued before: those phòng need
a new setup file to take return files). A phòng's database gets the office's public key
and the last return file taken on ``exchange_identity`` (empty until a setup file that
carries the key is installed), and ``exchange_feedback_choices``, the figures a return
file would replace that the phòng edited since its last file.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("exchange_identity") as identity:
        identity.add_column(sa.Column("office_key_id", sa.String(32), nullable=False, server_default=""))
        identity.add_column(sa.Column("office_public_key", sa.String(64), nullable=False, server_default=""))
        identity.add_column(sa.Column("feedback_id", sa.String(36), nullable=False, server_default=""))
        identity.add_column(sa.Column("feedback_issued_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("exchange_issues") as issues:
        issues.add_column(sa.Column("office_key_id", sa.String(32), nullable=False, server_default=""))
    op.create_table(
        "exchange_office_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.String(32), nullable=False),
        sa.Column("public_key", sa.String(64), nullable=False),
        sa.Column("key_store", sa.String(16), nullable=False),
        sa.Column("sealed_key", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key_id"),
    )
    op.create_table(
        "exchange_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feedback_id", sa.String(36), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.String(32), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("issued_by", sa.String(), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("feedback_id"),
        sa.ForeignKeyConstraint(["department_id"], ["departments.id"]),
    )
    op.create_index("ix_exchange_feedback_department_id", "exchange_feedback", ["department_id"])
    op.create_table(
        "exchange_feedback_choices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("feedback_id", sa.String(36), nullable=False),
        sa.Column("fields", sa.String(16), nullable=False),
        sa.Column("city_value", sa.Text(), nullable=False),
        sa.Column("city_note", sa.Text(), nullable=False),
        sa.Column("own_value", sa.Text(), nullable=False),
        sa.Column("own_note", sa.Text(), nullable=False),
        sa.Column("base_value", sa.Text(), nullable=False),
        sa.Column("base_note", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("indicator_id", "period_id"),
        sa.ForeignKeyConstraint(["indicator_id"], ["indicators.id"]),
        sa.ForeignKeyConstraint(["period_id"], ["periods.id"]),
    )
