"""Rankings schema migrations (Alembic): a database made before migrations existed keeps every
row, every database ends at ``schema.py``'s shape, and start-up migrates only what is missing.

``tests/data/rankings-before-migrations.sqlite`` was written by the app as it was before
migrations (``metadata.create_all``; commit cb12545): a class, two students, a round, two class
rankings and one solo ranking. Tests taking ``db_url`` also run on a throwaway PostgreSQL.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from models.storage.database import _ENGINES
from models.storage.migrate import alembic_config, current_revision, head_revision
from models.storage.rankings_store import RankingStore
from models.storage.schema import metadata
from tests.support.databases import sqlite_url

OLD_DB = Path(__file__).parents[1] / "data" / "rankings-before-migrations.sqlite"
TABLES = ("classes", "students", "rounds", "rankings")  # in foreign-key order


def rows(engine: sa.Engine) -> dict[str, list[tuple]]:
    """Every row of every table, by primary key."""
    with engine.connect() as conn:
        return {
            t: [tuple(r) for r in conn.execute(sa.text(f"SELECT * FROM {t} ORDER BY 1"))]
            for t in TABLES
        }


def make_old_database(url: str, tmp_path: Path) -> dict[str, list[tuple]]:
    """The pre-migration database at ``url``: the committed SQLite file itself, or (PostgreSQL)
    the tables that code made (revision 0001, which is them) filled with that file's rows.
    Returns its rows."""
    old = sa.create_engine(f"sqlite:///{OLD_DB}")
    before = rows(old)
    if url.startswith("sqlite"):
        shutil.copy(OLD_DB, tmp_path / "g.sqlite")
        old.dispose()
        return before
    engine = sa.create_engine(url)
    with old.connect() as src, engine.begin() as dst:
        command.upgrade(alembic_config(dst), "0001")  # the tables create_all made back then ...
        dst.exec_driver_sql("DROP TABLE alembic_version")  # ... with no trace of Alembic
        then = sa.MetaData()
        then.reflect(dst)
        for name in TABLES:
            table = then.tables[name]
            dst.execute(table.insert(), [dict(r._mapping) for r in src.execute(table.select())])
        for name in ("students", "rounds", "rankings"):  # ids were given, not drawn
            dst.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))"
            )
    engine.dispose()
    old.dispose()
    return rows(sa.create_engine(url))


def index_names(engine: sa.Engine, table: str) -> set[str]:
    return {ix["name"] for ix in sa.inspect(engine).get_indexes(table)}


def schema_differences(engine: sa.Engine) -> list:
    with engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn), metadata)


def test_a_database_from_before_migrations_keeps_every_row(db_url, tmp_path):
    before = make_old_database(db_url, tmp_path)
    assert sum(map(len, before.values())) == 1 + 2 + 1 + 3
    assert "ix_rankings_round_pk" not in index_names(sa.create_engine(db_url), "rankings")

    store = RankingStore(db_url)  # start-up migrates
    after = rows(store.engine)  # new columns come after the old ones
    assert {t: [r[: len(before[t][0])] for r in after[t]] for t in TABLES} == before
    assert [r[-2:] for r in after["classes"]] == [(0, None)]  # no failed logins, no lock
    assert "ix_rankings_round_pk" in index_names(store.engine, "rankings")
    with store.engine.connect() as conn:
        assert current_revision(conn) == head_revision()
    assert schema_differences(store.engine) == []

    # and the app works on it: the old rankings read back, a new one is added after them
    code = before["classes"][0][0]
    assert [s.ranking.rater for s in store.rankings(code)] == ["Zoë", "山田"]
    student = store.join(code, "Neu").student_id
    ranking = store.rankings(code)[0].ranking
    new_id = store.submit(ranking, student_id=student, round_pk=before["rounds"][0][0])
    assert new_id > max(r[0] for r in before["rankings"])
    assert len(store.rankings(code)) == 3


def test_a_new_database_gets_the_newest_schema(db_url):
    store = RankingStore(db_url)
    assert schema_differences(store.engine) == []
    with store.engine.connect() as conn:
        assert current_revision(conn) == head_revision() == "0003"


def test_migrations_go_down_and_up_again_without_losing_a_row(tmp_path):
    shutil.copy(OLD_DB, tmp_path / "g.sqlite")
    store = RankingStore(sqlite_url(tmp_path))
    before = rows(store.engine)
    with store.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0001")
    assert "ix_rankings_round_pk" not in index_names(store.engine, "rankings")
    assert "secret_hash" not in {
        c["name"] for c in sa.inspect(store.engine).get_columns("students")
    }
    with store.engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    assert rows(store.engine) == before and schema_differences(store.engine) == []


def test_start_up_writes_nothing_to_a_database_already_at_the_newest_revision(tmp_path):
    RankingStore(sqlite_url(tmp_path)).engine.dispose()  # made and migrated
    path = tmp_path / "g.sqlite"
    stamp = path.stat().st_mtime_ns
    _ENGINES.clear()  # a new process would open it afresh
    store = RankingStore(sqlite_url(tmp_path))
    assert store.rankings() == []
    assert path.stat().st_mtime_ns == stamp


@pytest.mark.parametrize("revision", ["0001", "0002"])
def test_schema_of_each_older_revision_differs_from_schema_py(tmp_path, revision):
    """The check above can fail: at an older revision, what is missing is seen."""
    engine = sa.create_engine(sqlite_url(tmp_path))
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), revision)
    assert schema_differences(engine) != []
