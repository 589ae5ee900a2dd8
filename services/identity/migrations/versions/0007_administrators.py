"""The administrators' accounts, for the rule that one of them stays usable; filled from the
registrations already in the store.

Revision ID: identity_0007
Revises: identity_0006
"""

import sqlalchemy as sa
from alembic import op

revision = "identity_0007"
down_revision = "identity_0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    administrators = op.create_table(
        "administrators", sa.Column("account_id", sa.String(64), primary_key=True)
    )
    events = sa.table("events", sa.column("type", sa.String), sa.column("payload", sa.JSON))
    registered = op.get_bind().execute(
        sa.select(events.c.payload).where(events.c.type == "PortalAccountRegistered")
    )
    admins = {p["account_id"] for (p,) in registered if p.get("role") == "admin"}
    if admins:
        op.bulk_insert(administrators, [{"account_id": a} for a in sorted(admins)])


def downgrade() -> None:
    op.drop_table("administrators")
