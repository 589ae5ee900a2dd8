"""What changes as an item is paid moves beside it (PAY-6): the unpaid items in the order a run
pays them, which a run deletes from, and the payment of each paid item, which a run inserts
into, instead of a status and a payment id updated on every item's row; and in the history
read model (PAY-1) the payment of each line likewise.

Revision ID: payments_0007
Revises: payments_0006
"""

import sqlalchemy as sa
from alembic import op

revision = "payments_0007"
down_revision = "payments_0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "unpaid_items",
        sa.Column("item_id", sa.String(160), primary_key=True),
        sa.Column("payee", sa.String(8), nullable=False),
        sa.Column("booklet_id", sa.String(64), nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("held", sa.Boolean, nullable=False),
    )
    op.create_index("ix_unpaid_items_order", "unpaid_items", ["payee", "booklet_id", "item_id"])
    op.create_table(
        "paid_items",
        sa.Column("item_id", sa.String(160), primary_key=True),
        sa.Column("payment_id", sa.String(36), nullable=False, index=True),
    )
    op.execute(
        "INSERT INTO unpaid_items (item_id, payee, booklet_id, due_on, held) "
        "SELECT item_id, payee, booklet_id, due_on, status = 'held' FROM payables "
        "WHERE status IN ('due', 'held')"
    )
    op.execute(
        "INSERT INTO paid_items (item_id, payment_id) "
        "SELECT item_id, payment_id FROM payables WHERE status = 'paid'"
    )
    op.drop_index("ix_payables_unpaid", "payables")
    with op.batch_alter_table("payables") as table:
        table.drop_index("ix_payables_status")
        table.drop_index("ix_payables_payment_id")
        table.drop_column("status")
        table.drop_column("payment_id")
    op.create_table(
        "history_paid",
        sa.Column("item_id", sa.String(160), primary_key=True),
        sa.Column("payment_id", sa.String(36), nullable=False, index=True),
        sa.Column("value_date", sa.Date, nullable=False),
    )
    op.execute(
        "INSERT INTO history_paid (item_id, payment_id, value_date) "
        "SELECT item_id, payment_id, value_date FROM history WHERE payment_id IS NOT NULL"
    )
    with op.batch_alter_table("history") as table:
        table.drop_index("ix_history_payment_id")
        table.drop_column("payment_id")
        table.drop_column("value_date")


def downgrade() -> None:
    with op.batch_alter_table("history") as table:
        table.add_column(sa.Column("payment_id", sa.String(36)))
        table.add_column(sa.Column("value_date", sa.Date))
        table.create_index("ix_history_payment_id", ["payment_id"])
    op.execute(
        "UPDATE history SET "
        "payment_id = (SELECT payment_id FROM history_paid p WHERE p.item_id = history.item_id), "
        "value_date = (SELECT value_date FROM history_paid p WHERE p.item_id = history.item_id)"
    )
    op.drop_table("history_paid")
    with op.batch_alter_table("payables") as table:
        table.add_column(sa.Column("status", sa.String(8), nullable=False, server_default="due"))
        table.add_column(sa.Column("payment_id", sa.String(36)))
        table.create_index("ix_payables_status", ["status"])
        table.create_index("ix_payables_payment_id", ["payment_id"])
    op.execute(
        "UPDATE payables SET status = 'paid', payment_id = (SELECT payment_id FROM paid_items "
        "WHERE paid_items.item_id = payables.item_id) "
        "WHERE item_id IN (SELECT item_id FROM paid_items)"
    )
    op.execute(
        "UPDATE payables SET status = 'held' "
        "WHERE item_id IN (SELECT item_id FROM unpaid_items WHERE held)"
    )
    unpaid = sa.text("status IN ('due', 'held')")
    op.create_index(
        "ix_payables_unpaid",
        "payables",
        ["payee", "booklet_id", "item_id"],
        postgresql_where=unpaid,
        sqlite_where=unpaid,
    )
    op.drop_table("paid_items")
    op.drop_table("unpaid_items")
