"""Data keys of personal data (shared.privacy).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "data_keys",
        sa.Column("owner", sa.String(64), primary_key=True),
        sa.Column("subject", sa.String(64), primary_key=True),
        sa.Column("category", sa.String(32), primary_key=True),
        sa.Column("wrapped", sa.LargeBinary),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("shredded_at", sa.DateTime(timezone=True)),
        sa.Column("shared_on", sa.String(64)),
    )
    op.create_index("ix_data_keys_sharing", "data_keys", ["owner", "shared_on"])


def downgrade() -> None:
    op.drop_table("data_keys")
