"""The letters sent to each complainant, for the portal's inbox (CMP-11).

Revision ID: complaints_0003
Revises: complaints_0002
"""

import sqlalchemy as sa
from alembic import op

revision = "complaints_0003"
down_revision = "complaints_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "complaint_letters",
        sa.Column("event_id", sa.String(36), primary_key=True),
        sa.Column("file_number", sa.String(20), nullable=False, index=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("standard", sa.Boolean, nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("complaint_letters")
