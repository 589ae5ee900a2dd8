"""DOS-13: how and when each person's membership ended, on the booklet projection.

Revision ID: dossier_0004
Revises: dossier_0003

Nullable: a membership that has not ended has none. No rebuild: no event sets them yet.
"""

import sqlalchemy as sa
from alembic import op

revision = "dossier_0004"
down_revision = "dossier_0003"
branch_labels = None
depends_on = None


def _columns() -> list[sa.Column]:
    return [
        sa.Column("membership_ended_on", sa.Date),
        sa.Column("membership_end", sa.String(16)),
        sa.Column("left_for", sa.String(64)),
    ]


def upgrade() -> None:
    # Batch mode, as in dossier_0002: the downgrade works on SQLite without DROP COLUMN.
    with op.batch_alter_table("booklet_persons") as table:
        for column in _columns():
            table.add_column(column)


def downgrade() -> None:
    with op.batch_alter_table("booklet_persons") as table:
        for column in reversed(_columns()):
            table.drop_column(column.name)
