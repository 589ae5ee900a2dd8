"""Until when each account's tokens are revoked (a password changed, a block, the account
closed): tokens issued at or before that time are refused.

Revision ID: access_0003
Revises: access_0002
"""

import sqlalchemy as sa
from alembic import op

revision = "access_0003"
down_revision = "access_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "access_token_revocations",
        sa.Column("account_id", sa.String(64), primary_key=True),
        sa.Column("issued_until", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("access_token_revocations")
