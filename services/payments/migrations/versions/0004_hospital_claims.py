"""PAY-5: the Neutra insurances persons hold (learnt from the dossier) and the hospital claims
decided on them.

Revision ID: payments_0004
Revises: payments_0003

No rebuild: no event sets them yet.
"""

import sqlalchemy as sa
from alembic import op

revision = "payments_0004"
down_revision = "payments_0003"
branch_labels = None
depends_on = None

Money = sa.Numeric(12, 2)


def upgrade() -> None:
    op.create_table(
        "member_covers",
        sa.Column("person_id", sa.String(64), primary_key=True),
        sa.Column("starts_on", sa.Date, primary_key=True),
        sa.Column("product", sa.String(16), nullable=False),
        sa.Column("received_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date),
        sa.Column("earlier_level", sa.String(16)),
        sa.Column("earlier_starts_on", sa.Date),
        sa.Column("earlier_ends_on", sa.Date),
    )
    op.create_table(
        "hospital_claims",
        sa.Column("person_id", sa.String(64), primary_key=True),
        sa.Column("claim_id", sa.String(64), primary_key=True),
        sa.Column("booklet_id", sa.String(64), nullable=False),
        sa.Column("product", sa.String(16)),
        sa.Column("level", sa.String(16)),
        sa.Column("filed_on", sa.Date, nullable=False),
        sa.Column("care_date", sa.Date, nullable=False),
        sa.Column("care_kind", sa.String(32), nullable=False),
        sa.Column("asked", Money, nullable=False),
        sa.Column("benefit", Money, nullable=False),
        sa.Column("refusal", sa.String(1000)),
        sa.Column("lines", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("hospital_claims")
    op.drop_table("member_covers")
