"""What identity keeps only in its own tables, never in events: password hashes, the private
signing keys, (hashes of) refresh tokens, one-time registration codes and app PINs."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

from shared.eventstore.schema import UtcDateTime

metadata = MetaData()

credentials = Table(
    "credentials",
    metadata,
    Column("login", String(64), primary_key=True),
    Column("account_id", String(64), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),
)

# Kept only wrapped by the key-encryption key (signing_keys.py). The clear column is empty: it
# stays so that identity, at start, finds and wraps a key an older version stored in clear.
private_keys = Table(
    "private_signing_keys",
    metadata,
    Column("key_id", String(64), primary_key=True),
    Column("private_key_pem", Text),
    Column("private_key_wrapped", LargeBinary),
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
    # How the session was opened (pwd, pin, eid, …): refreshed access tokens keep saying it.
    Column("method", String(16), nullable=False, server_default="pwd"),
    # The JWK of the key the session's tokens are bound to, if the client gave one.
    Column("session_key", JSON),
)

# Nonces handed to registrations: each answers one assertion, once (replay protection).
registration_nonces = Table(
    "registration_nonces",
    metadata,
    Column("nonce", String(64), primary_key=True),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("used", Boolean, nullable=False),
)

# The account of a member, by their person id: the account a digital key logs in to (ID-3),
# the person a member's account speaks for, the account closed when the person is erased.
member_accounts = Table(
    "member_accounts",
    metadata,
    Column("person_id", String(64), primary_key=True),
    Column("account_id", String(64), nullable=False, unique=True),
)

# One-time codes sent to the dossier's e-mail address or mobile number (ID-1, seed 001 art 4):
# only their hash, for a few minutes, for a few attempts, used once.
registration_codes = Table(
    "registration_codes",
    metadata,
    Column("request_id", String(64), primary_key=True),
    Column("national_register_number", String(11), nullable=False),
    Column("channel", String(8), nullable=False),  # email | sms
    Column("code_hash", String(200), nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("used", Boolean, nullable=False),
)

# The app's PIN per device, set after a login with a digital key (ID-8, seed 000).
app_devices = Table(
    "app_devices",
    metadata,
    Column("device_id", String(128), primary_key=True),
    Column("account_id", String(64), nullable=False, index=True),
    Column("pin_hash", String(200), nullable=False),
    Column("failed_attempts", Integer, nullable=False),
    Column("revoked", Boolean, nullable=False),
)

# The code an administrator hands to a new staff member (or one who forgot their password) to
# set a password with: only its hash, for a few days, a few attempts, once (issue 8 item 2: no
# password travels on Kafka).
activation_codes = Table(
    "activation_codes",
    metadata,
    Column("account_id", String(64), primary_key=True),
    Column("code_hash", String(64), nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("attempts", Integer, nullable=False),
)
