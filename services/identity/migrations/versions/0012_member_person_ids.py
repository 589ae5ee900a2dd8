"""Members by their opaque person id (issue 10), as the dossier's events now name them; the
members known so far get the id the dossier's older events stand for (legacy_person_id).

Revision ID: identity_0012
Revises: identity_0011
"""

import sqlalchemy as sa
from alembic import op

from shared.contracts.dossier import legacy_person_id

revision = "identity_0012"
down_revision = "identity_0011"
branch_labels = None
depends_on = None

KEPT = ("national_register_number", "booklet_id", "role", "birth_date", "email", "phone")


def _members(keyed_by_person: bool) -> list[sa.Column]:
    key = (
        [
            sa.Column("person_id", sa.String(64), primary_key=True),
            sa.Column("national_register_number", sa.String(11), nullable=False, index=True),
        ]
        if keyed_by_person
        else [sa.Column("national_register_number", sa.String(11), primary_key=True)]
    )
    return [
        *key,
        sa.Column("booklet_id", sa.String(64), nullable=False, index=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("birth_date", sa.Date, nullable=False),
        sa.Column("email", sa.String(320)),
        sa.Column("phone", sa.String(20)),
    ]


def _recreate(keyed_by_person: bool) -> None:
    # Identity learnt these from Kafka, not from its own store: they are carried over, not
    # rebuilt. Read through a typed table, so dates come back as dates on SQLite too.
    old = sa.Table("members", sa.MetaData(), *_members(not keyed_by_person))
    rows = [
        {name: row._mapping[name] for name in KEPT} for row in op.get_bind().execute(sa.select(old))
    ]
    op.drop_table("members")
    table = op.create_table("members", *_members(keyed_by_person))
    if keyed_by_person:
        rows = [r | {"person_id": legacy_person_id(r["national_register_number"])} for r in rows]
    if rows:
        op.bulk_insert(table, rows)


def upgrade() -> None:
    _recreate(keyed_by_person=True)


def downgrade() -> None:
    _recreate(keyed_by_person=False)
