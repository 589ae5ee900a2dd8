"""The Alembic environment of every migration tree (shared.eventstore.migrate): it runs one
tree's revisions on the caller's connection, inside the caller's transaction, and records them
in that tree's own version table."""

from alembic import context

attributes = context.config.attributes
context.configure(connection=attributes["connection"], version_table=attributes["version_table"])
with context.begin_transaction():
    context.run_migrations()
