"""Accounts and grants name persons by their opaque person id (issue 10), as identity's events
now do; the rows known so far get the id the older events stand for (legacy_person_id).

Revision ID: access_0004
Revises: access_0003
"""

import sqlalchemy as sa
from alembic import op

from shared.contracts.dossier import legacy_person_id

revision = "access_0004"
down_revision = "access_0003"
branch_labels = None
depends_on = None


def _tables(person: sa.types.TypeEngine, person_column: str) -> tuple[list, list]:
    accounts = [
        sa.Column("account_id", sa.String(64), primary_key=True),
        sa.Column(person_column, person, nullable=False, index=True),
    ]
    grants = [
        sa.Column("holder", person, primary_key=True),
        sa.Column("person", person, primary_key=True),
    ]
    return accounts, grants


def upgrade() -> None:
    bind = op.get_bind()
    accounts = [
        {"account_id": account_id, "person_id": legacy_person_id(nrn)}
        for account_id, nrn in bind.execute(
            sa.text("SELECT account_id, national_register_number FROM access_accounts")
        )
    ]
    grants = [
        {"holder": legacy_person_id(holder), "person": legacy_person_id(person)}
        for holder, person in bind.execute(sa.text("SELECT holder, person FROM access_grants"))
    ]
    op.drop_table("access_grants")
    op.drop_table("access_accounts")
    account_columns, grant_columns = _tables(sa.String(64), "person_id")
    new_accounts = op.create_table("access_accounts", *account_columns)
    new_grants = op.create_table("access_grants", *grant_columns)
    if accounts:
        op.bulk_insert(new_accounts, accounts)
    if grants:
        op.bulk_insert(new_grants, grants)


def downgrade() -> None:
    # A person id does not give the number back: the older tables come back empty.
    op.drop_table("access_grants")
    op.drop_table("access_accounts")
    account_columns, grant_columns = _tables(sa.String(11), "national_register_number")
    op.create_table("access_accounts", *account_columns)
    op.create_table("access_grants", *grant_columns)
