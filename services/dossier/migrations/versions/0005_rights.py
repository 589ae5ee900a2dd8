"""DOS-12, the member's rights: a person's restriction and consents on the booklet projection;
the privacy requests (a projection), the open ones per person and right (the handlers' index)
and the parts of the copies made for access requests.

Revision ID: dossier_0005
Revises: dossier_0004

No rebuild: no event sets them yet.
"""

import sqlalchemy as sa
from alembic import op

revision = "dossier_0005"
down_revision = "dossier_0004"
branch_labels = None
depends_on = None


def _columns() -> list[sa.Column]:
    return [
        sa.Column("restricted", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("consents", sa.JSON),
    ]


def upgrade() -> None:
    # Batch mode, as in dossier_0002: the downgrade works on SQLite without DROP COLUMN.
    with op.batch_alter_table("booklet_persons") as table:
        for column in _columns():
            table.add_column(column)
    op.create_table(
        "privacy_requests",
        sa.Column("request_id", sa.String(64), primary_key=True),
        sa.Column("person_id", sa.String(64), nullable=False, index=True),
        sa.Column("right", sa.String(16), nullable=False),
        sa.Column("decision", sa.String(32)),
        sa.Column("details", sa.String(2000)),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("outcome", sa.String(8)),
        sa.Column("motivation", sa.String(2000)),
        sa.Column("answered_at", sa.DateTime(timezone=True)),
        sa.Column("overdue_since", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "open_privacy_requests",
        sa.Column("person_id", sa.String(64), primary_key=True),
        sa.Column("right", sa.String(16), primary_key=True),
        sa.Column("decision", sa.String(32), primary_key=True),
        sa.Column("request_id", sa.String(64), nullable=False, unique=True),
        sa.Column("due_on", sa.Date, nullable=False),
    )
    op.create_table(
        "personal_data_exports",
        sa.Column("request_id", sa.String(64), primary_key=True),
        sa.Column("service", sa.String(32), primary_key=True),
        sa.Column("person_id", sa.String(64), nullable=False, index=True),
        sa.Column("part", sa.JSON, nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("personal_data_exports")
    op.drop_table("open_privacy_requests")
    op.drop_table("privacy_requests")
    with op.batch_alter_table("booklet_persons") as table:
        for column in reversed(_columns()):
            table.drop_column(column.name)
