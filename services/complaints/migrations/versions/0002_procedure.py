"""The complaint procedure in the read model: status, handler, deadlines, breaches, the
complainant's person, category and outcome (CMP-3 … CMP-12); the recommendations (CMP-9).

Revision ID: complaints_0002
Revises: complaints_0001

The projection is rebuildable: rows of complaints registered before this migration get the
new columns' defaults until it is rebuilt (`mutualis projections rebuild complaints
complaints`).
"""

import sqlalchemy as sa
from alembic import op

revision = "complaints_0002"
down_revision = "complaints_0001"
branch_labels = None
depends_on = None


def _columns() -> list[sa.Column]:
    false = sa.false()
    return [
        sa.Column("complainant_person", sa.String(11)),
        sa.Column("anonymous", sa.Boolean, nullable=False, server_default=false),
        sa.Column("category", sa.String(40)),
        sa.Column("reference_kind", sa.String(16)),
        sa.Column("assignee", sa.String(64)),
        sa.Column("outcome", sa.String(20)),
        sa.Column("acknowledgement_due_on", sa.Date),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True)),
        sa.Column("acknowledgement_overdue", sa.Boolean, nullable=False, server_default=false),
        sa.Column("next_status_due_on", sa.Date),
        sa.Column("status_update_overdue", sa.Boolean, nullable=False, server_default=false),
        sa.Column("missed_status_updates", sa.Integer, nullable=False, server_default="0"),
        sa.Column("answered_at", sa.DateTime(timezone=True)),
        sa.Column("escalated_at", sa.DateTime(timezone=True)),
        sa.Column("closed_at", sa.DateTime(timezone=True)),
    ]


def upgrade() -> None:
    # Batch mode so that the downgrade works on SQLite builds without DROP COLUMN (< 3.35);
    # on PostgreSQL it is plain ALTER TABLE.
    with op.batch_alter_table("complaints") as table:
        for column in _columns():
            table.add_column(column)
    op.create_index("ix_complaints_complainant_person", "complaints", ["complainant_person"])
    op.create_table(
        "complaint_recommendations",
        sa.Column("recommendation_id", sa.String(36), primary_key=True),
        sa.Column("complaint_id", sa.String(36), nullable=False, index=True),
        sa.Column("file_number", sa.String(20), nullable=False),
        sa.Column("category", sa.String(40)),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("recommendation", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("complaint_recommendations")
    op.drop_index("ix_complaints_complainant_person", "complaints")
    with op.batch_alter_table("complaints") as table:
        for column in reversed(_columns()):
            table.drop_column(column.name)
