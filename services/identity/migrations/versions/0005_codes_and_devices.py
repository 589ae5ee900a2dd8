"""Logins by national register number, one-time registration codes, app devices' PINs.

Revision ID: identity_0005
Revises: identity_0004
"""

import sqlalchemy as sa
from alembic import op

revision = "identity_0005"
down_revision = "identity_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "national_register_logins",
        sa.Column("national_register_number", sa.String(11), primary_key=True),
        sa.Column("account_id", sa.String(64), nullable=False, unique=True),
    )
    op.create_table(
        "registration_codes",
        sa.Column("request_id", sa.String(64), primary_key=True),
        sa.Column("national_register_number", sa.String(11), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("code_hash", sa.String(200), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("used", sa.Boolean, nullable=False),
    )
    op.create_table(
        "app_devices",
        sa.Column("device_id", sa.String(128), primary_key=True),
        sa.Column("account_id", sa.String(64), nullable=False, index=True),
        sa.Column("pin_hash", sa.String(200), nullable=False),
        sa.Column("failed_attempts", sa.Integer, nullable=False),
        sa.Column("revoked", sa.Boolean, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("app_devices")
    op.drop_table("registration_codes")
    op.drop_table("national_register_logins")
