"""Complainants by person id (issue 10): the read model's complainant person becomes the id the
older events stand for (legacy_person_id), and the file numbers say whose person filed each
complaint, so that erasing the person finds their complaints.

Revision ID: complaints_0005
Revises: complaints_0004
"""

import sqlalchemy as sa
from alembic import op

from shared.contracts.dossier import legacy_person_id

revision = "complaints_0005"
down_revision = "complaints_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("complaints") as table:
        table.alter_column("complainant_person", existing_type=sa.String(11), type_=sa.String(64))
    with op.batch_alter_table("complaint_file_numbers") as table:
        table.add_column(sa.Column("complainant_person", sa.String(64)))
        table.create_index("ix_complaint_file_numbers_complainant_person", ["complainant_person"])
    bind = op.get_bind()
    filed = bind.execute(
        sa.text(
            "SELECT complaint_id, complainant_person FROM complaints "
            "WHERE complainant_person IS NOT NULL"
        )
    ).all()
    for complaint_id, number in filed:
        # Not a number: erased, or not readable here; no person to link.
        person = legacy_person_id(number) if number.isdigit() else None
        for table in ("complaints", "complaint_file_numbers"):
            bind.execute(
                sa.text(
                    f"UPDATE {table} SET complainant_person = :person "  # noqa: S608
                    "WHERE complaint_id = :complaint_id"
                ),
                {"person": person, "complaint_id": complaint_id},
            )


def downgrade() -> None:
    with op.batch_alter_table("complaint_file_numbers") as table:
        table.drop_index("ix_complaint_file_numbers_complainant_person")
        table.drop_column("complainant_person")
    # A person id does not give the number back: the link goes.
    op.execute("UPDATE complaints SET complainant_person = NULL")
    with op.batch_alter_table("complaints") as table:
        table.alter_column("complainant_person", existing_type=sa.String(64), type_=sa.String(11))
