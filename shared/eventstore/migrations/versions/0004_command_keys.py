"""The keys commands on Kafka are sealed for (shared.privacy.command_keys).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "command_keys",
        sa.Column("service", sa.String(64), primary_key=True),
        sa.Column("epoch", sa.String(10), primary_key=True),
        sa.Column("public_key", sa.LargeBinary, nullable=False),
        sa.Column("wrapped", sa.LargeBinary),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("destroyed_at", sa.DateTime(timezone=True)),
        sa.Column("published_on", sa.String(64)),
    )


def downgrade() -> None:
    op.drop_table("command_keys")
