"""Activation codes: how a staff account gets its password without one travelling on Kafka.

Revision ID: identity_0009
Revises: identity_0008
"""

import sqlalchemy as sa
from alembic import op

revision = "identity_0009"
down_revision = "identity_0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "activation_codes",
        sa.Column("account_id", sa.String(64), primary_key=True),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("activation_codes")
