"""Fixtures of the unit tier: databases for the storage tests (SQLite, and PostgreSQL when a
throwaway server can start)."""

from tests.support.databases import db_url, pg_database, pg_server  # noqa: F401
