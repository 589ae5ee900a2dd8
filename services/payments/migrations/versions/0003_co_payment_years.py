"""Each person's legal co-payments per year, for the chronic-illness reduction of the maximum bill
(DOS-6): two years at or above the thresholds. Years before this migration are filled from the
history of reimbursements.

Revision ID: payments_0003
Revises: payments_0002
"""

from collections import defaultdict
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

revision = "payments_0003"
down_revision = "payments_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "co_payment_years",
        sa.Column("person_id", sa.String(64), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("total", sa.Numeric(12, 2), nullable=False),
    )
    totals: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    reimbursed = op.get_bind().execute(
        sa.text(
            "SELECT person_id, day, co_payment FROM history "
            "WHERE kind = 'reimbursement' AND co_payment IS NOT NULL"
        )
    )
    for person_id, day, co_payment in reimbursed:
        # SQLite hands a date back as its text: the year is its first four characters.
        totals[(person_id, int(str(day)[:4]))] += Decimal(str(co_payment))
    rows = [{"person_id": p, "year": y, "total": t} for (p, y), t in totals.items() if t]
    if rows:
        op.bulk_insert(table, rows)


def downgrade() -> None:
    op.drop_table("co_payment_years")
