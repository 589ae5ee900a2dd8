"""Monitoring's view of the invoices: issued per month, paid, overdue, and credits that matched
no invoice (issue 12 item 8).

Revision ID: monitoring_0005
Revises: monitoring_0004
"""

import sqlalchemy as sa
from alembic import op

revision = "monitoring_0005"
down_revision = "monitoring_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "invoices_seen",
        sa.Column("number", sa.String(10), primary_key=True),
        sa.Column("period", sa.Date, nullable=False, index=True),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("total", sa.Numeric(12, 2), nullable=False),
        sa.Column("paid", sa.Boolean, nullable=False),
    )
    op.create_table(
        "unmatched_credits",
        sa.Column("entry_id", sa.String(140), primary_key=True),
        sa.Column("booked_on", sa.Date, nullable=False),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("unmatched_credits")
    op.drop_table("invoices_seen")
