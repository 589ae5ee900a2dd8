"""Staff's TOTP secrets kept only wrapped by the KEK (issue 10): a column for the wrapped
secret; identity wraps the ones in clear when it next starts (a migration has no KEK).

Revision ID: identity_0013
Revises: identity_0012
"""

import sqlalchemy as sa
from alembic import op

revision = "identity_0013"
down_revision = "identity_0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("second_factors") as table:
        table.add_column(sa.Column("secret_wrapped", sa.LargeBinary))
        table.alter_column("secret", existing_type=sa.String(64), nullable=True)


def downgrade() -> None:
    # Secrets wrapped since cannot be unwrapped here: such a downgrade needs them enrolled again.
    op.execute(sa.text("DELETE FROM second_factors WHERE secret IS NULL"))
    with op.batch_alter_table("second_factors") as table:
        table.alter_column("secret", existing_type=sa.String(64), nullable=False)
        table.drop_column("secret_wrapped")
