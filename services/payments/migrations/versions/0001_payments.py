"""The payments service's tables: the members it learns from the dossier, the certificates
recorded, what is owed and paid, the transfer files, and the history read model.

Revision ID: payments_0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "payments_0001"
down_revision = None
branch_labels = None
depends_on = None

Money = sa.Numeric(12, 2)


def upgrade() -> None:
    op.create_table(
        "members",
        sa.Column("person_id", sa.String(64), primary_key=True),
        sa.Column("national_register_number", sa.String(11), index=True),
        sa.Column("booklet_id", sa.String(64), nullable=False, index=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("birth_date", sa.Date, nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("regional_fund", sa.String(64)),
        sa.Column("name", sa.String(201)),
        sa.Column("iban", sa.String(34)),
        sa.Column("bic", sa.String(11)),
    )
    op.create_table(
        "member_entitlements",
        sa.Column("person_id", sa.String(64), primary_key=True),
        sa.Column("since", sa.Date, primary_key=True),
        sa.Column("increased_reimbursement", sa.Boolean, nullable=False),
    )
    op.create_table(
        "member_gmds",
        sa.Column("person_id", sa.String(64), primary_key=True),
        sa.Column("start_date", sa.Date, primary_key=True),
        sa.Column("gp_riziv_number", sa.String(11), nullable=False),
        sa.Column("end_date", sa.Date),
    )
    op.create_table(
        "member_agreements",
        sa.Column("person_id", sa.String(64), primary_key=True),
        sa.Column("agreement_id", sa.String(64), primary_key=True),
        sa.Column("code", sa.String(6), nullable=False),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("valid_to", sa.Date),
        sa.Column("status", sa.String(16), nullable=False),
    )
    op.create_table(
        "certificates",
        sa.Column("certificate_id", sa.String(64), primary_key=True),
        sa.Column("person_id", sa.String(64), nullable=False, index=True),
        sa.Column("batch_id", sa.String(128), nullable=False),
    )
    op.create_table(
        "dental_years",
        sa.Column("person_id", sa.String(64), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
    )
    op.create_table(
        "payables",
        sa.Column("item_id", sa.String(160), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("person_id", sa.String(64), nullable=False, index=True),
        sa.Column("booklet_id", sa.String(64), nullable=False),
        sa.Column("amount", Money, nullable=False),
        sa.Column("payee", sa.String(8), nullable=False),
        sa.Column("certificate_id", sa.String(64)),
        sa.Column("care_date", sa.Date),
        sa.Column("provider_riziv_number", sa.String(11)),
        sa.Column("provider_name", sa.String(100)),
        sa.Column("provider_iban", sa.String(34)),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("status", sa.String(8), nullable=False, index=True),
        sa.Column("payment_id", sa.String(36), index=True),
    )
    op.create_table(
        "transfer_files",
        sa.Column("name", sa.String(80), primary_key=True),
        sa.Column("run_id", sa.String(32), nullable=False, index=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("transfers", sa.Numeric(12, 0), nullable=False),
        sa.Column("amount", sa.Numeric(14, 2), nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "history",
        sa.Column("item_id", sa.String(160), primary_key=True),
        sa.Column("person_id", sa.String(64), nullable=False, index=True),
        sa.Column("booklet_id", sa.String(64), nullable=False, index=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("day", sa.Date, nullable=False, index=True),
        sa.Column("certificate_id", sa.String(64)),
        sa.Column("provider_name", sa.String(100)),
        sa.Column("code", sa.String(6)),
        sa.Column("description", sa.String(300)),
        sa.Column("fee_asked", Money),
        sa.Column("legal_fee", Money),
        sa.Column("supplement", Money),
        sa.Column("co_payment", Money),
        sa.Column("amount", Money, nullable=False),
        sa.Column("paid_to", sa.String(8), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("payment_id", sa.String(36), index=True),
        sa.Column("value_date", sa.Date),
    )
    op.create_table(
        "payments",
        sa.Column("payment_id", sa.String(36), primary_key=True),
        sa.Column("run_id", sa.String(32), nullable=False, index=True),
        sa.Column("person_id", sa.String(64), index=True),
        sa.Column("payee_name", sa.String(100), nullable=False),
        sa.Column("iban", sa.String(34), nullable=False),
        sa.Column("amount", Money, nullable=False),
        sa.Column("items", sa.Integer, nullable=False),
        sa.Column("value_date", sa.Date, nullable=False, index=True),
    )
    op.create_table(
        "maf_years",
        sa.Column("booklet_id", sa.String(64), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("counted", Money, nullable=False),
        sa.Column("ceiling", Money),
        sa.Column("bracket", sa.Integer),
        sa.Column("social", sa.Boolean, nullable=False),
        sa.Column("chronic_reduction", Money, nullable=False),
        sa.Column("provisional", sa.Boolean, nullable=False),
        sa.Column("source", sa.Text),
        sa.Column("refunded", Money, nullable=False),
        sa.Column("overpaid", Money, nullable=False),
    )
    op.create_table(
        "payment_runs",
        sa.Column("run_id", sa.String(32), primary_key=True),
        sa.Column("part", sa.Integer, primary_key=True),
        sa.Column("value_date", sa.Date, nullable=False),
        sa.Column("payments", sa.Integer, nullable=False),
        sa.Column("amount", sa.Numeric(14, 2), nullable=False),
        sa.Column("held", sa.Integer, nullable=False),
        sa.Column("transfer_file", sa.String(80)),
    )


def downgrade() -> None:
    for table in (
        "payment_runs",
        "maf_years",
        "payments",
        "history",
        "transfer_files",
        "payables",
        "dental_years",
        "certificates",
        "member_entitlements",
        "members",
    ):
        op.drop_table(table)
