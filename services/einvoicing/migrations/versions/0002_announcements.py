"""INV-5, INV-6: maintenance and terms changes announced to every member.

Revision ID: einvoicing_0002
Revises: einvoicing_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "einvoicing_0002"
down_revision = "einvoicing_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "announcements",
        sa.Column("notice_id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True)),
        sa.Column("ends_at", sa.DateTime(timezone=True)),
        sa.Column("effect", sa.String(16)),
        sa.Column("terms_version", sa.String(32)),
        sa.Column("takes_effect_on", sa.Date),
        sa.Column("text_nl", sa.String(1000), nullable=False),
        sa.Column("text_fr", sa.String(1000), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("announcements")
