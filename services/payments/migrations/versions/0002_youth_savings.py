"""Youth savings (DOS-7): the read model of each young member's saving and the deposits received.

Revision ID: payments_0002
Revises: payments_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "payments_0002"
down_revision = "payments_0001"
branch_labels = None
depends_on = None

Money = sa.Numeric(12, 2)


def upgrade() -> None:
    op.create_table(
        "youth_savings",
        sa.Column("person_id", sa.String(64), primary_key=True),
        sa.Column("since", sa.Date, nullable=False),
        sa.Column("yearly_amount", Money, nullable=False),
        sa.Column("saved", Money, nullable=False),
        sa.Column("ends_on", sa.Date, nullable=False),
        sa.Column("end_reason", sa.String(16)),
        sa.Column("payout_amount", Money),
    )
    op.create_table(
        "youth_savings_deposits",
        sa.Column("event_id", sa.String(36), primary_key=True),
        sa.Column("person_id", sa.String(64), nullable=False, index=True),
        sa.Column("received_on", sa.Date, nullable=False),
        sa.Column("amount", Money, nullable=False),
        sa.Column("reference", sa.String(35)),
    )


def downgrade() -> None:
    op.drop_table("youth_savings_deposits")
    op.drop_table("youth_savings")
