"""What identity keeps only in its own tables, never in events: password hashes and the
private signing keys."""

from __future__ import annotations

from sqlalchemy import Column, MetaData, String, Table, Text

from shared.eventstore.schema import UtcDateTime

metadata = MetaData()

credentials = Table(
    "credentials",
    metadata,
    Column("login", String(64), primary_key=True),
    Column("account_id", String(64), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),
)

private_keys = Table(
    "private_signing_keys",
    metadata,
    Column("key_id", String(64), primary_key=True),
    Column("private_key_pem", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)
