"""The einvoicing service's tables: the households and covers it learns from the dossier, who
chose the inbox (INV-1), and the invoices read model (INV-2).

Revision ID: einvoicing_0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "einvoicing_0001"
down_revision = None
branch_labels = None
depends_on = None

Money = sa.Numeric(12, 2)


def upgrade() -> None:
    op.create_table(
        "invoiced_persons",
        sa.Column("person_id", sa.String(64), primary_key=True),
        sa.Column("booklet_id", sa.String(64), nullable=False, index=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("birth_date", sa.Date, nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("regional_fund", sa.String(64)),
        sa.Column("name", sa.String(201)),
        sa.Column("street", sa.String(120)),
        sa.Column("postal_code", sa.String(20)),
        sa.Column("municipality", sa.String(100)),
        sa.Column("country", sa.String(2)),
        sa.Column("email", sa.String(320)),
        sa.Column("phone", sa.String(20)),
    )
    op.create_table(
        "einvoicing_choices",
        sa.Column("person_id", sa.String(64), primary_key=True),
        sa.Column("electronic", sa.Boolean, nullable=False),
        sa.Column("notify", sa.Boolean, nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("email", sa.String(320)),
        sa.Column("phone", sa.String(20)),
    )
    op.create_table(
        "invoiced_covers",
        sa.Column("person_id", sa.String(64), primary_key=True),
        sa.Column("starts_on", sa.Date, primary_key=True),
        sa.Column("booklet_id", sa.String(64), nullable=False, index=True),
        sa.Column("product", sa.String(16), nullable=False),
        sa.Column("ends_on", sa.Date),
    )
    op.create_table(
        "invoices",
        sa.Column("invoice_id", sa.String(80), primary_key=True),
        sa.Column("number", sa.String(10), nullable=False, unique=True),
        sa.Column("communication", sa.String(20), nullable=False),
        sa.Column("booklet_id", sa.String(64), nullable=False, index=True),
        sa.Column("payer_person_id", sa.String(64), nullable=False, index=True),
        sa.Column("period", sa.Date, nullable=False),
        sa.Column("issued_on", sa.Date, nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("total", Money, nullable=False),
        sa.Column("balance", Money, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("provisional", sa.Boolean, nullable=False),
        sa.Column("electronic", sa.Boolean, nullable=False),
        sa.Column("reminders", sa.Integer, nullable=False),
        sa.Column("paid_on", sa.Date),
        sa.Column("lines", sa.JSON, nullable=False),
    )
    op.create_table(
        "incoming_payments",
        sa.Column("entry_id", sa.String(140), primary_key=True),
        sa.Column("statement_id", sa.String(140), nullable=False),
        sa.Column("booked_on", sa.Date, nullable=False),
        sa.Column("amount", Money, nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False, index=True),
        sa.Column("invoice_number", sa.String(10)),
        sa.Column("matched_by", sa.String(40)),
        sa.Column("reason", sa.String(1000), nullable=False),
        sa.Column("payer_name", sa.String(140)),
        sa.Column("payer_iban", sa.String(34)),
    )
    op.create_table(
        "household_accounts",
        sa.Column("booklet_id", sa.String(64), primary_key=True),
        sa.Column("iban", sa.String(34), primary_key=True, index=True),
    )


def downgrade() -> None:
    for table in (
        "household_accounts",
        "incoming_payments",
        "invoices",
        "invoiced_covers",
        "einvoicing_choices",
        "invoiced_persons",
    ):
        op.drop_table(table)
