"""DOS-1: each person's address, codes gerechtigde CG1/CG2 and VT status on the booklet.

Revision ID: dossier_0002
Revises: dossier_0001

The columns are nullable: persons enrolled before these were kept have none.
"""

import sqlalchemy as sa
from alembic import op

revision = "dossier_0002"
down_revision = "dossier_0001"
branch_labels = None
depends_on = None


def _columns() -> list[sa.Column]:
    return [
        sa.Column("address_country", sa.String(2)),
        sa.Column("address_street", sa.String(100)),
        sa.Column("address_house_number", sa.String(10)),
        sa.Column("address_box", sa.String(10)),
        sa.Column("address_postal_code", sa.String(20)),
        sa.Column("address_municipality", sa.String(100)),
        sa.Column("cg1", sa.String(3)),
        sa.Column("cg2", sa.String(3)),
        sa.Column("increased_reimbursement", sa.Boolean),
        sa.Column("increased_reimbursement_since", sa.Date),
    ]


def upgrade() -> None:
    # Batch mode so that the downgrade works on SQLite builds without DROP COLUMN (< 3.35);
    # on PostgreSQL it is plain ALTER TABLE.
    with op.batch_alter_table("booklet_persons") as table:
        for column in _columns():
            table.add_column(column)


def downgrade() -> None:
    with op.batch_alter_table("booklet_persons") as table:
        for column in reversed(_columns()):
            table.drop_column(column.name)
