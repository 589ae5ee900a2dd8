"""Whose file each account may act on: the account's own person, and identity's grants.

Revision ID: access_0002
Revises: access_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "access_0002"
down_revision = "access_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "access_accounts",
        sa.Column("account_id", sa.String(64), primary_key=True),
        sa.Column("national_register_number", sa.String(11), nullable=False, index=True),
    )
    op.create_table(
        "access_grants",
        sa.Column("holder", sa.String(11), primary_key=True),
        sa.Column("person", sa.String(11), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("access_grants")
    op.drop_table("access_accounts")
