"""Members' accounts and holders' access by person id (issue 10), as the events now name them:
the table of accounts by national register number becomes one by person id, and each holder's
access stream (its id was made of the two numbers) and its pending timers move to the id made of
the two person ids. A number identity knows as a member gets that member's person id; one it
does not, the id the older events stand for (legacy_person_id).

Revision ID: identity_0014
Revises: identity_0013
"""

import json
import uuid

import sqlalchemy as sa
from alembic import op

from shared.contracts.dossier import legacy_person_id

revision = "identity_0014"
down_revision = "identity_0013"
branch_labels = None
depends_on = None

TIMER = "access.reconsider"


def _stream(holder: str, person: str) -> str:
    # HolderAccess.stream, frozen here: the migration must not change when the code does.
    return f"holder-access-{uuid.uuid5(uuid.NAMESPACE_URL, f'{holder}/{person}')}"


def _payload(value):
    return json.loads(value) if isinstance(value, str) else value


def upgrade() -> None:
    bind = op.get_bind()
    person_of = dict(
        bind.execute(sa.text("SELECT national_register_number, person_id FROM members")).all()
    )

    def person(number: str) -> str:
        return person_of.get(number) or legacy_person_id(number)

    accounts = [
        {"person_id": person(number), "account_id": account_id}
        for number, account_id in bind.execute(
            sa.text("SELECT national_register_number, account_id FROM national_register_logins")
        )
    ]
    op.drop_table("national_register_logins")
    table = op.create_table(
        "member_accounts",
        sa.Column("person_id", sa.String(64), primary_key=True),
        sa.Column("account_id", sa.String(64), nullable=False, unique=True),
    )
    if accounts:
        op.bulk_insert(table, accounts)

    renamed: dict[str, str] = {}
    for stream_id, payload in bind.execute(
        sa.text(
            "SELECT stream_id, payload FROM events "
            "WHERE stream_id LIKE 'holder-access-%' AND stream_version = 1"
        )
    ):
        numbers = _payload(payload)
        renamed[stream_id] = _stream(person(numbers["holder"]), person(numbers["person"]))
    for old, new in renamed.items():
        bind.execute(
            sa.text("UPDATE events SET stream_id = :new WHERE stream_id = :old"),
            {"new": new, "old": old},
        )
    for timer_id, payload in bind.execute(
        sa.text("SELECT timer_id, payload FROM timers WHERE kind = :kind AND status = 'scheduled'"),
        {"kind": TIMER},
    ):
        numbers = _payload(payload)
        holder, who = person(numbers["holder"]), person(numbers["person"])
        old_stream = _stream(numbers["holder"], numbers["person"])
        bind.execute(
            sa.text(
                "UPDATE timers SET timer_id = :new, payload = :payload WHERE timer_id = :old"
            ).bindparams(sa.bindparam("payload", type_=sa.JSON)),
            {
                "new": timer_id.replace(old_stream, _stream(holder, who)),
                "payload": {"holder": holder, "person": who},
                "old": timer_id,
            },
        )


def downgrade() -> None:
    # A person id does not give the number back: the older table comes back empty, and the
    # streams keep their new ids.
    op.drop_table("member_accounts")
    op.create_table(
        "national_register_logins",
        sa.Column("national_register_number", sa.String(11), primary_key=True),
        sa.Column("account_id", sa.String(64), nullable=False, unique=True),
    )
