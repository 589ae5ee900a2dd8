"""Alembic revisions of the einvoicing service's own tables."""
