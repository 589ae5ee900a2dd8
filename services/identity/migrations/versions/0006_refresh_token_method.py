"""How the session a refresh token continues was opened, so refreshed tokens still say it.

Revision ID: identity_0006
Revises: identity_0005
"""

import sqlalchemy as sa
from alembic import op

revision = "identity_0006"
down_revision = "identity_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("refresh_tokens") as table:
        table.add_column(sa.Column("method", sa.String(16), nullable=False, server_default="pwd"))


def downgrade() -> None:
    with op.batch_alter_table("refresh_tokens") as table:
        table.drop_column("method")
