"""Private signing keys kept only wrapped by the key-encryption key (issue 8 item 8).

The migration cannot read the KEK (it is a setting of the running service), so it only makes
room: identity wraps a key it finds in clear when it starts, and empties the clear column
(services/identity/signing_keys.py).

Revision ID: identity_0010
Revises: identity_0009
"""

import sqlalchemy as sa
from alembic import op

revision = "identity_0010"
down_revision = "identity_0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("private_signing_keys") as table:
        table.add_column(sa.Column("private_key_wrapped", sa.LargeBinary))
        table.alter_column("private_key_pem", existing_type=sa.Text, nullable=True)


def downgrade() -> None:
    # Going back would need the keys in clear, which this revision exists to forbid.
    raise NotImplementedError("identity_0010 cannot be downgraded: the keys stay wrapped")
