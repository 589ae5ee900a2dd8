"""DOS-4, DOS-5: a person's GMD and medical agreements (the care projection).

Revision ID: dossier_0006
Revises: dossier_0005

No rebuild: no event sets them yet.
"""

import sqlalchemy as sa
from alembic import op

revision = "dossier_0006"
down_revision = "dossier_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gmds",
        sa.Column("person_id", sa.String(64), primary_key=True),
        sa.Column("booklet_id", sa.String(64), nullable=False, index=True),
        sa.Column("gp_riziv_number", sa.String(16), nullable=False),
        sa.Column("gp_name", sa.String(100), nullable=False),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("advantage", sa.String(32), nullable=False),
        sa.Column("end_date", sa.Date),
    )
    op.create_table(
        "medical_agreements",
        sa.Column("person_id", sa.String(64), primary_key=True),
        sa.Column("agreement_id", sa.String(64), primary_key=True),
        sa.Column("booklet_id", sa.String(64), nullable=False, index=True),
        sa.Column("nomenclature_code", sa.String(16), nullable=False),
        sa.Column("description", sa.String(200), nullable=False),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("valid_to", sa.Date),
        sa.Column("status", sa.String(16), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("medical_agreements")
    op.drop_table("gmds")
