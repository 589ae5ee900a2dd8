"""DOS-8: the Neutra insurances persons hold (the insurances projection).

Revision ID: dossier_0007
Revises: dossier_0006

No rebuild: no event sets them yet.
"""

import sqlalchemy as sa
from alembic import op

revision = "dossier_0007"
down_revision = "dossier_0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "insurances",
        sa.Column("person_id", sa.String(64), primary_key=True),
        sa.Column("starts_on", sa.Date, primary_key=True),
        sa.Column("booklet_id", sa.String(64), nullable=False, index=True),
        sa.Column("product", sa.String(16), nullable=False),
        sa.Column("received_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date),
        sa.Column("earlier_level", sa.String(16)),
        sa.Column("earlier_starts_on", sa.Date),
        sa.Column("earlier_ends_on", sa.Date),
    )


def downgrade() -> None:
    op.drop_table("insurances")
