"""Alembic's environment for bkdesk: always online, on the connection :mod:`db.migrations` hands over.

The caller has begun the transaction (``BEGIN IMMEDIATE``, foreign keys off for the
batch operations that rebuild a SQLite table); Alembic runs every step inside it.
"""

from __future__ import annotations

from alembic import context

from db.migrations import mirror_schema_version

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("bkdesk's revisions run on a connection given by db.migrations, never from the alembic command")

context.configure(
    connection=connection,
    target_metadata=context.config.attributes.get("target_metadata"),
    render_as_batch=True,  # SQLite alters a table by rebuilding it: drafts of new revisions use batch operations
    on_version_apply=mirror_schema_version,
)
with context.begin_transaction():
    context.run_migrations()
