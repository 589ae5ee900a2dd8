"""Who did what (ID-9): the actor of each event, and a log of every command handled.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("events", sa.Column("actor", sa.JSON))
    op.create_table(
        "command_log",
        sa.Column("command_id", sa.String(64), primary_key=True),
        sa.Column("type", sa.String(200), nullable=False),
        sa.Column("actor", sa.JSON),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text),
    )


def downgrade() -> None:
    op.drop_table("command_log")
    op.drop_column("events", "actor")
