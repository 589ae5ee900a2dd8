"""DOS-12: whether a member's processing is restricted (GDPR art. 18), learnt from the dossier's
ProcessingRestricted and ProcessingRestrictionLifted; while it is, identity takes no automated
access decision about them.

Revision ID: identity_0015
Revises: identity_0014

False for every member known so far: no event restricted anyone before.
"""

import sqlalchemy as sa
from alembic import op

revision = "identity_0015"
down_revision = "identity_0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("members") as table:
        table.add_column(
            sa.Column("restricted", sa.Boolean, nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("members") as table:
        table.drop_column("restricted")
