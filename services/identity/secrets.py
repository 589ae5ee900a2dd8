"""What identity keeps only in its own tables, never in events: password hashes, the private
signing keys and (hashes of) refresh tokens."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, MetaData, String, Table, Text

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

# A refresh token is used once: using it returns a new one of the same family. A token used a
# second time means it leaked, and the whole family is revoked (OAuth 2.0 Security BCP 4.14).
refresh_tokens = Table(
    "refresh_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("family_id", String(32), nullable=False, index=True),
    Column("account_id", String(64), nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("used", Boolean, nullable=False),
    Column("revoked", Boolean, nullable=False),
)

# Nonces handed to registrations: each answers one assertion, once (replay protection).
registration_nonces = Table(
    "registration_nonces",
    metadata,
    Column("nonce", String(64), primary_key=True),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("used", Boolean, nullable=False),
)
