"""Bring a rankings database to the newest schema with Alembic (``migrations/``).

``migrate(engine)`` runs at start-up (``engine_for`` calls it once per URL and process), on
SQLite and PostgreSQL alike: a new database gets every table, a database made by older code
gets the revisions it lacks, rows untouched. It writes only when something is missing, so a
read-only database already at the newest revision stays usable. Replicas starting together
take turns: SQLite's ``BEGIN IMMEDIATE`` and a PostgreSQL advisory lock let one migrate while
the others wait, and then find nothing left to do.

    python -m models.storage.migrate [URL]    # by hand; default GLASSBOX_DB_URL or data/
"""

from __future__ import annotations

import sys
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

from models.storage.database import (
    default_url,
    describe,
    engine_for,
    friendly_errors,
    write_transaction,
)

MIGRATIONS = Path(__file__).with_name("migrations")
PG_LOCK_KEY = 0x61A55B0C  # any constant: the advisory lock all replicas agree on


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision in ``migrations/versions``."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "migrations/versions holds no revision"
    return head


def current_revision(conn: Connection) -> str | None:
    """The revision the database is at; None for a new one or one made before migrations."""
    return MigrationContext.configure(conn).get_current_revision()


def migrate(engine: Engine) -> None:
    """Apply every missing revision in one write transaction (see the module docstring).
    Raises ``StoreError`` (via ``friendly_errors``) when the database cannot be changed."""
    head = head_revision()
    with friendly_errors(engine):
        with engine.connect() as conn:
            if current_revision(conn) == head:
                return
        with write_transaction(engine) as conn:
            if engine.dialect.name == "postgresql":
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_LOCK_KEY})")
            command.upgrade(alembic_config(conn), "head")  # re-reads the revision under the lock


if __name__ == "__main__":
    engine = engine_for(sys.argv[1] if len(sys.argv) > 1 else default_url(), migrate)
    with engine.connect() as conn:
        print(f"{describe(engine)} is at revision {current_revision(conn)}")
