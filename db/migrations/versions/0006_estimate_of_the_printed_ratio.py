"""Schema 6: the estimate a printed "so với cùng kỳ" was printed for.

``indicator_values.reported_pct_estimate`` keeps, beside ``reported_pct_last_year`` (the
ratio as an imported table printed it), the estimate it was printed for, so that the ratio
is worked out again once the estimate changes. Rows holding a printed ratio get their
current figure: the one the ratio has been shown against until now.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("indicator_values") as values:
        values.add_column(sa.Column("reported_pct_estimate", sa.String(64), nullable=False, server_default=""))
    op.execute("UPDATE indicator_values SET reported_pct_estimate = text WHERE reported_pct_last_year != ''")

