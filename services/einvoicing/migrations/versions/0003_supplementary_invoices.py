"""INV-7: a supplementary invoice names the month's invoice it adds to.

Revision ID: einvoicing_0003
Revises: einvoicing_0002
"""

import sqlalchemy as sa
from alembic import op

revision = "einvoicing_0003"
down_revision = "einvoicing_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("invoices") as table:
        table.add_column(sa.Column("supplements", sa.String(10)))


def downgrade() -> None:
    with op.batch_alter_table("invoices") as table:
        table.drop_column("supplements")
