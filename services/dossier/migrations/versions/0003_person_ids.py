"""Persons by their opaque id (issue 10): the booklet projection is keyed by person id, and is
built again from the events, which name every person by id since MemberEnrolled v3.

Revision ID: dossier_0003
Revises: dossier_0002
"""

import sqlalchemy as sa
from alembic import op

revision = "dossier_0003"
down_revision = "dossier_0002"
branch_labels = None
depends_on = None

PROJECTION_CHECKPOINT = "projection:booklets"


def _persons(key: str) -> list[sa.Column]:
    identified = [
        sa.Column("person_id", sa.String(64), primary_key=True),
        sa.Column("national_register_number", sa.String(11), nullable=False, index=True),
    ]
    if key == "national_register_number":
        identified = [sa.Column("national_register_number", sa.String(11), primary_key=True)]
    return [
        *identified,
        sa.Column("booklet_id", sa.String(64), nullable=False, index=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("first_name", sa.String(100), nullable=False),
        sa.Column("last_name", sa.String(100), nullable=False),
        sa.Column("birth_date", sa.Date, nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("nationality", sa.String(2), nullable=False),
        sa.Column("regional_fund", sa.String(64), nullable=False),
        sa.Column("email", sa.String(320)),
        sa.Column("phone", sa.String(20)),
        sa.Column("iban", sa.String(34)),
        sa.Column("bic", sa.String(11)),
        sa.Column("address_country", sa.String(2)),
        sa.Column("address_street", sa.String(100)),
        sa.Column("address_house_number", sa.String(10)),
        sa.Column("address_box", sa.String(10)),
        sa.Column("address_postal_code", sa.String(20)),
        sa.Column("address_municipality", sa.String(100)),
        sa.Column("cg1", sa.String(3)),
        sa.Column("cg2", sa.String(3)),
        sa.Column("increased_reimbursement", sa.Boolean),
        sa.Column("increased_reimbursement_since", sa.Date),
    ]


def _rebuild(key: str) -> None:
    # A projection: emptied and refilled from the store by the projector at the next start.
    op.drop_table("booklet_persons")
    op.create_table("booklet_persons", *_persons(key))
    op.execute(sa.text(f"DELETE FROM checkpoints WHERE name = '{PROJECTION_CHECKPOINT}'"))


def upgrade() -> None:
    _rebuild("person_id")


def downgrade() -> None:
    _rebuild("national_register_number")
