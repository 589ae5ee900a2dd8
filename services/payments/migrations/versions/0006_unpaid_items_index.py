"""The unpaid items in the order a payment run pays them (PAY-6): each part of a run reads the
next ones from this index instead of sorting every item due.

Revision ID: payments_0006
Revises: payments_0005
"""

import sqlalchemy as sa
from alembic import op

revision = "payments_0006"
down_revision = "payments_0005"
branch_labels = None
depends_on = None

UNPAID = sa.text("status IN ('due', 'held')")


def upgrade() -> None:
    op.create_index(
        "ix_payables_unpaid",
        "payables",
        ["payee", "booklet_id", "item_id"],
        postgresql_where=UNPAID,
        sqlite_where=UNPAID,
    )


def downgrade() -> None:
    op.drop_index("ix_payables_unpaid", "payables")
