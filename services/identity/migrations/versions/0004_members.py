"""The members identity learns from the dossier's events.

Revision ID: identity_0004
Revises: identity_0003
"""

import sqlalchemy as sa
from alembic import op

revision = "identity_0004"
down_revision = "identity_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "members",
        sa.Column("national_register_number", sa.String(11), primary_key=True),
        sa.Column("booklet_id", sa.String(64), nullable=False, index=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("birth_date", sa.Date, nullable=False),
        sa.Column("email", sa.String(320)),
        sa.Column("phone", sa.String(20)),
    )


def downgrade() -> None:
    op.drop_table("members")
