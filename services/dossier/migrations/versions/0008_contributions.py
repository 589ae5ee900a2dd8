"""DOS-3: the household invoices the dossier learns from einvoicing, for the contribution status.

Revision ID: dossier_0008
Revises: dossier_0007

No rebuild: no event sets them yet.
"""

import sqlalchemy as sa
from alembic import op

revision = "dossier_0008"
down_revision = "dossier_0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "household_invoices",
        sa.Column("number", sa.String(10), primary_key=True),
        sa.Column("booklet_id", sa.String(64), nullable=False, index=True),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("balance", sa.Numeric(12, 2), nullable=False),
        sa.Column("paid", sa.Boolean, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("household_invoices")
