"""The public key a session's tokens are bound to (shared.command_proof), kept with its
refresh tokens so that refreshed access tokens stay bound to it.

Revision ID: identity_0008
Revises: identity_0007
"""

import sqlalchemy as sa
from alembic import op

revision = "identity_0008"
down_revision = "identity_0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("refresh_tokens") as table:
        table.add_column(sa.Column("session_key", sa.JSON))


def downgrade() -> None:
    with op.batch_alter_table("refresh_tokens") as table:
        table.drop_column("session_key")
