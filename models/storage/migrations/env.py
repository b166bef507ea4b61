"""Alembic's entry point: run the revisions on the connection ``migrate`` hands over (already
inside our write transaction, holding the write lock)."""

from __future__ import annotations

from alembic import context

from models.storage.schema import metadata

context.configure(
    connection=context.config.attributes["connection"],
    target_metadata=metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
)
with context.begin_transaction():
    context.run_migrations()
