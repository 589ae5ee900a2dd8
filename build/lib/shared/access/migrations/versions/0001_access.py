"""The access projection every service keeps.

Revision ID: access_0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "access_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "access_signing_keys",
        sa.Column("key_id", sa.String(64), primary_key=True),
        sa.Column("public_key_pem", sa.Text, nullable=False),
    )
    op.create_table(
        "access_blocked_accounts",
        sa.Column("account_id", sa.String(64), primary_key=True),
        sa.Column("reason", sa.String(64), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("access_blocked_accounts")
    op.drop_table("access_signing_keys")
