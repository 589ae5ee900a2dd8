"""The copies a service made for access requests (DOS-12), by request and person.

Revision ID: exports_0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "exports_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "exports_made",
        sa.Column("request_id", sa.String(64), primary_key=True),
        sa.Column("person_id", sa.String(64), nullable=False, index=True),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("exports_made")
