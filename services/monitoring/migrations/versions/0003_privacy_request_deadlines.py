"""Each privacy request's deadline, and whether it passed unanswered (DOS-12).

Revision ID: monitoring_0003
Revises: monitoring_0002
"""

import sqlalchemy as sa
from alembic import op

revision = "monitoring_0003"
down_revision = "monitoring_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "privacy_request_deadlines",
        sa.Column("request_id", sa.String(64), primary_key=True),
        sa.Column("right", sa.String(16), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("overdue_since", sa.DateTime(timezone=True)),
        sa.Column("answered_at", sa.DateTime(timezone=True), index=True),
    )


def downgrade() -> None:
    op.drop_table("privacy_request_deadlines")
