"""Which complaint each file number names, for the commands that name one (issue 9): until now
they read the registers' events from the event store's table; filled from those events here.

Revision ID: complaints_0004
Revises: complaints_0003
"""

import sqlalchemy as sa
from alembic import op

revision = "complaints_0004"
down_revision = "complaints_0003"
branch_labels = None
depends_on = None

# Rows inserted at a time: a register holds a year of complaints.
BATCH = 1000


def upgrade() -> None:
    file_numbers = op.create_table(
        "complaint_file_numbers",
        sa.Column("file_number", sa.String(20), primary_key=True),
        sa.Column("complaint_id", sa.String(36), nullable=False, unique=True),
    )
    events = sa.table(
        "events",
        sa.column("stream_id", sa.String),
        sa.column("type", sa.String),
        sa.column("payload", sa.JSON),
    )
    # Decoded here rather than in SQL: SQLite and PostgreSQL read JSON fields differently.
    issued = op.get_bind().execute(
        sa.select(events.c.payload).where(
            events.c.type == "ComplaintFileNumberIssued",
            events.c.stream_id.like("complaint-register-%"),
        )
    )
    while batch := issued.fetchmany(BATCH):
        op.bulk_insert(
            file_numbers,
            [
                {"file_number": p["file_number"], "complaint_id": p["complaint_id"]}
                for (p,) in batch
            ],
        )


def downgrade() -> None:
    op.drop_table("complaint_file_numbers")
