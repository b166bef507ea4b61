"""Alembic migrations of the rankings database; ``models.storage.database.engine_for`` applies
them at start-up (``python -m models.storage.migrate URL`` does it by hand).

Each revision in ``versions/`` changes the schema one step; ``schema.py`` always describes the
result of the newest. To add a column: change ``schema.py``, write the next revision (copy the
newest, set ``down_revision`` to its id), and ``tests/unit/test_migrations.py`` checks that a
database migrated from every older state matches ``schema.py``.
"""
