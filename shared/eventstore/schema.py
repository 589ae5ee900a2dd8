"""Tables every service database has. Created and changed only by the migrations beside this."""

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator):
    """Timezone-aware in and out on every backend (SQLite stores no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetimes are not stored")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


# SQLite only gives an auto-incrementing rowid to an INTEGER PRIMARY KEY.
Serial = BigInteger().with_variant(Integer(), "sqlite")

metadata = MetaData()


class current_transaction_id(FunctionElement):
    """The writing transaction's id on PostgreSQL (see store.py); 0 on SQLite."""

    type = BigInteger()
    inherit_cache = True


@compiles(current_transaction_id)
def _no_transaction_id(element, compiler, **kw) -> str:
    return "0"


@compiles(current_transaction_id, "postgresql")
def _transaction_id(element, compiler, **kw) -> str:
    return "(pg_current_xact_id()::text::bigint)"


events = Table(
    "events",
    metadata,
    Column("position", Serial, primary_key=True, autoincrement=True),
    # PostgreSQL: the writing transaction's id (see store.py for why); SQLite: always 0.
    Column("transaction_id", BigInteger, nullable=False, server_default=current_transaction_id()),
    Column("event_id", String(36), nullable=False, unique=True),
    Column("stream_id", String(200), nullable=False),
    Column("stream_version", Integer, nullable=False),
    Column("type", String(200), nullable=False),
    Column("version", Integer, nullable=False),
    Column("occurred_at", UtcDateTime, nullable=False),
    Column("correlation_id", String(64), nullable=False),
    Column("causation_id", String(64)),
    Column("producer", String(64), nullable=False),
    Column("actor", JSON),
    Column("payload", JSON, nullable=False),
    UniqueConstraint("stream_id", "stream_version", name="uq_events_stream_version"),
)
Index("ix_events_global_order", events.c.transaction_id, events.c.position)

checkpoints = Table(
    "checkpoints",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("transaction_id", BigInteger, nullable=False),
    Column("position", BigInteger, nullable=False),
)

processed_messages = Table(
    "processed_messages",
    metadata,
    Column("consumer", String(200), primary_key=True),
    Column("message_id", String(64), primary_key=True),
    Column("processed_at", UtcDateTime, nullable=False),
)

timers = Table(
    "timers",
    metadata,
    Column("timer_id", String(200), primary_key=True),
    Column("kind", String(200), nullable=False),
    Column("due_at", UtcDateTime, nullable=False),
    Column("payload", JSON, nullable=False),
    Column("correlation_id", String(64), nullable=False),
    Column("status", String(16), nullable=False),  # scheduled | fired | cancelled
    Column("settled_at", UtcDateTime),
)
Index("ix_timers_due", timers.c.status, timers.c.due_at)

# Every command a service handled, accepted or not: who sent it, how they proved it, when
# (ID-9). Payloads are left out: some carry secrets (a new password).
command_log = Table(
    "command_log",
    metadata,
    Column("command_id", String(64), primary_key=True),
    Column("type", String(200), nullable=False),
    Column("actor", JSON),
    Column("issued_at", UtcDateTime, nullable=False),
    Column("handled_at", UtcDateTime, nullable=False),
    Column("status", String(16), nullable=False),
    Column("reason", Text),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Serial, primary_key=True, autoincrement=True),
    Column("topic", String(249), nullable=False),
    Column("key", String(200)),
    Column("value", LargeBinary, nullable=False),
    Column("headers", JSON, nullable=False),
)

# The data keys personal fields are sealed with (shared.privacy): one per subject (a person, a
# complaint), category and the service that made it, wrapped by this service's KEK. A shredded
# key keeps its row, without the key: "erased" is then told apart from "not received yet".
data_keys = Table(
    "data_keys",
    metadata,
    Column("owner", String(64), primary_key=True),
    Column("subject", String(64), primary_key=True),
    Column("category", String(32), primary_key=True),
    Column("wrapped", LargeBinary),  # None: shredded
    Column("created_at", UtcDateTime, nullable=False),
    Column("shredded_at", UtcDateTime),
    # The Kafka cluster its present state (the key, or its shredding) was shared on, for the
    # keys this service shares with others (shared.privacy.sharing); None: not shared yet.
    Column("shared_on", String(64)),
)
# The relay looks, on every round, for the keys it has yet to share on the current cluster.
Index("ix_data_keys_sharing", data_keys.c.owner, data_keys.c.shared_on)

# The keys commands on Kafka are sealed for (shared.privacy.command_keys): one X25519 key pair
# per service and epoch (a UTC day), the private key wrapped by this service's KEK. A destroyed
# key keeps its row without the private key: the commands sealed for it are unreadable.
command_keys = Table(
    "command_keys",
    metadata,
    Column("service", String(64), primary_key=True),
    Column("epoch", String(10), primary_key=True),
    Column("public_key", LargeBinary, nullable=False),
    Column("wrapped", LargeBinary),  # None: destroyed
    Column("valid_from", UtcDateTime, nullable=False),
    Column("valid_until", UtcDateTime, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("destroyed_at", UtcDateTime),
    # The Kafka cluster its present state (the key, or its destruction) was published on
    # (`<service>.command-keys`); None: not published yet.
    Column("published_on", String(64)),
)

# The state of an aggregate whose streams grow long (shared.aggregate's `snapshot_every`) at a
# version of its stream: loading it reads the events after. `schema` is the aggregate's
# `snapshot_schema`: a snapshot of another shape is ignored and the stream read whole. Only
# aggregates whose state holds no sealed field keep one: erasure shreds keys, not snapshots.
snapshots = Table(
    "snapshots",
    metadata,
    Column("stream_id", String(200), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("schema", Integer, nullable=False),
    Column("state", JSON, nullable=False),
)
