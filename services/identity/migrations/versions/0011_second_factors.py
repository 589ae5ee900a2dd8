"""Staff's authenticator apps (TOTP): the secret and the last step whose code was accepted.

Revision ID: identity_0011
Revises: identity_0010
"""

import sqlalchemy as sa
from alembic import op

revision = "identity_0011"
down_revision = "identity_0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "second_factors",
        sa.Column("account_id", sa.String(64), primary_key=True),
        sa.Column("secret", sa.String(64), nullable=False),
        sa.Column("last_step", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("second_factors")
