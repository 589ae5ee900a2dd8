"""Each household's legal co-payments per year, its maximum bill's counter (DOS-6), counted per
import batch instead of on the household's stream. Years before this migration are filled from
the maximum bills as the history projection shows them.

Revision ID: payments_0005
Revises: payments_0004
"""

import sqlalchemy as sa
from alembic import op

revision = "payments_0005"
down_revision = "payments_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "household_co_payments",
        sa.Column("booklet_id", sa.String(64), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("total", sa.Numeric(12, 2), nullable=False),
    )
    op.execute(
        "INSERT INTO household_co_payments (booklet_id, year, total) "
        "SELECT booklet_id, year, counted FROM maf_years WHERE counted <> 0"
    )


def downgrade() -> None:
    op.drop_table("household_co_payments")
