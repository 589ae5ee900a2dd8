"""Monitoring's view of the money: payment runs, payments waiting for an account, households
past their MAF ceiling.

Revision ID: monitoring_0004
Revises: monitoring_0003
"""

import sqlalchemy as sa
from alembic import op

revision = "monitoring_0004"
down_revision = "monitoring_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "payment_runs",
        sa.Column("run_id", sa.String(32), primary_key=True),
        sa.Column("part", sa.Integer, primary_key=True),
        sa.Column("value_date", sa.Date, nullable=False),
        sa.Column("payments", sa.Integer, nullable=False),
        sa.Column("amount", sa.Numeric(14, 2), nullable=False),
        sa.Column("held", sa.Integer, nullable=False),
    )
    op.create_table(
        "payments_waiting",
        sa.Column("person_id", sa.String(64), primary_key=True),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
        sa.Column("since", sa.Date, nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
    )
    op.create_table(
        "maf_ceilings_passed",
        sa.Column("booklet_id", sa.String(64), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("refunded", sa.Numeric(12, 2), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("maf_ceilings_passed")
    op.drop_table("payments_waiting")
    op.drop_table("payment_runs")
