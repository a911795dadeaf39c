"""Schema 6: the estimate a printed "so với cùng kỳ" was printed for.

``indicator_values.reported_pct_estimate`` keeps, beside ``reported_pct_last_year`` (the
ratio as an imported table printed it), the estimate it was printed for, so that the ratio
is worked out again once the estimate changes. A row holding a printed ratio gets the
figure it had when the ratio was stored, as the audit log tells it (the newest change of
the figure recorded before the ratio's), else its current figure.
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
    op.execute(
        """
        UPDATE indicator_values SET reported_pct_estimate = COALESCE(
            (
                SELECT a.new FROM audit_log AS a, indicators AS i, periods AS p
                WHERE i.id = indicator_values.indicator_id AND p.id = indicator_values.period_id
                  AND a.indicator_code = i.code AND a.year = p.year AND a.period = p.kind AND a.field = 'value'
                  AND a.id < (
                      SELECT MAX(r.id) FROM audit_log AS r
                      WHERE r.indicator_code = i.code AND r.year = p.year AND r.period = p.kind
                        AND r.field = 'reported_pct_last_year'
                  )
                ORDER BY a.id DESC LIMIT 1
            ),
            text
        )
        WHERE reported_pct_last_year != ''
        """
    )
