"""The dossier's read model and person index.

Revision ID: dossier_0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "dossier_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "person_index",
        sa.Column("national_register_number", sa.String(11), primary_key=True),
        sa.Column("booklet_id", sa.String(64), nullable=False),
    )
    op.create_table(
        "booklet_persons",
        sa.Column("national_register_number", sa.String(11), primary_key=True),
        sa.Column("booklet_id", sa.String(64), nullable=False, index=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("first_name", sa.String(100), nullable=False),
        sa.Column("last_name", sa.String(100), nullable=False),
        sa.Column("birth_date", sa.Date, nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("nationality", sa.String(2), nullable=False),
        sa.Column("regional_fund", sa.String(64), nullable=False),
        sa.Column("email", sa.String(320)),
        sa.Column("phone", sa.String(20)),
        sa.Column("iban", sa.String(34)),
        sa.Column("bic", sa.String(11)),
    )


def downgrade() -> None:
    op.drop_table("booklet_persons")
    op.drop_table("person_index")
