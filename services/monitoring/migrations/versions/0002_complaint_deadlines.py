"""Each complaint's state and how its deadlines were kept (CMP-12).

Revision ID: monitoring_0002
Revises: monitoring_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "monitoring_0002"
down_revision = "monitoring_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "complaint_deadlines",
        sa.Column("complaint_id", sa.String(36), primary_key=True),
        sa.Column("file_number", sa.String(20), nullable=False),
        sa.Column("state", sa.String(32), nullable=False, index=True),
        sa.Column("acknowledged", sa.String(8)),
        sa.Column("acknowledgement_overdue", sa.Boolean, nullable=False),
        sa.Column("status_updates_on_time", sa.Integer, nullable=False),
        sa.Column("status_updates_overdue", sa.Integer, nullable=False),
        sa.Column("overdue_since", sa.DateTime(timezone=True)),
    )


def downgrade() -> None:
    op.drop_table("complaint_deadlines")
