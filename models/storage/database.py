"""Open a database by URL, shared per process, with failures a user can read.

``engine_for(url, prepare)`` returns one SQLAlchemy engine per URL and process, so every
Streamlit session shares its connection pool, and prepares its schema once (the rankings
store passes ``models.storage.migrate.migrate``). SQLite files get
WAL mode (readers never block the writer), a busy timeout, enforced foreign keys and
``BEGIN IMMEDIATE`` for writes. ``friendly_errors`` turns driver errors (read-only file,
locked past the timeout, disk full, server unreachable) into a ``StoreError`` that names the
database and says what to do, instead of a SQLAlchemy traceback.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event, exc
from sqlalchemy.engine import Connection, Engine

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]
BUSY_TIMEOUT_S = 10.0  # how long a SQLite writer waits for another before giving up


class StoreError(Exception):
    """The database could not do what was asked; the message is meant for the user.

    ``code`` (with ``params``) names the case, so the app can say it in the user's language
    (``rlhf.store.<code>`` in the lesson strings); the message itself is English, for logs
    and scripts.
    """

    kind: str | None = None  # the code of every error of this class, unless one is given

    def __init__(self, message: str, code: str | None = None, **params: object) -> None:
        super().__init__(message)
        self.code = code or self.kind
        self.params = params


class Conflict(StoreError):
    """A uniqueness rule refused a row (a replica inserted the same thing first)."""

    kind = "conflict"


_ENGINES: dict[tuple[str, float], Engine] = {}
_ENGINES_LOCK = threading.Lock()


def engine_for(
    url: str, prepare: Callable[[Engine], None], busy_timeout_s: float = BUSY_TIMEOUT_S
) -> Engine:
    """One engine per URL per process, so every session shares its connection pool.

    Calls ``prepare(engine)`` (bring the schema up to date) the first time. Raises ``StoreError`` for a URL
    that is not one, a missing driver, or a database that cannot be reached.
    """
    key = (url, busy_timeout_s)
    with _ENGINES_LOCK:
        if key in _ENGINES:
            return _ENGINES[key]
        try:
            engine = sa.create_engine(url)
            if engine.dialect.name == "sqlite":
                _prepare_sqlite(engine, busy_timeout_s)
        except (exc.SQLAlchemyError, ValueError, OSError) as err:
            raise StoreError(
                f"Cannot open the database {describe_url(url)}: {err}",
                "unreachable",
                reason=str(err),
            ) from None
        try:
            prepare(engine)
        except StoreError:
            engine.dispose()  # a later call tries afresh, e.g. once the server is up
            raise
        _ENGINES[key] = engine
        return engine


def default_url() -> str:
    """``GLASSBOX_DB_URL`` if set, else a SQLite file in the repository's ``data/`` folder."""
    return (
        os.environ.get("GLASSBOX_DB_URL") or f"sqlite:///{REPO_ROOT / 'data' / 'glassbox.sqlite'}"
    )


def inserted_id(result: sa.CursorResult) -> int:
    """The primary key of the row an INSERT just made."""
    key = result.inserted_primary_key
    if key is None:
        raise StoreError(
            "The database did not say which row it created; nothing is certain.", "refused"
        )
    return int(key[0])


def describe_url(url: str) -> str:
    """The URL with any password replaced by ``***``, fit to show to a user.

    >>> describe_url("postgresql+psycopg://teacher:s3cret@db.school/glassbox")
    'postgresql+psycopg://teacher:***@db.school/glassbox'
    """
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except exc.ArgumentError:
        return "(not a valid database URL)"


def describe(engine: Engine) -> str:
    """``describe_url`` of an engine's URL."""
    return engine.url.render_as_string(hide_password=True)


def _prepare_sqlite(engine: Engine, busy_timeout_s: float) -> None:
    """WAL (readers never block the writer), a busy timeout, enforced foreign keys, and
    ``BEGIN IMMEDIATE`` for writes.

    Writes take the lock at BEGIN: a deferred transaction that reads and then writes fails at
    once with "database is locked" when another connection wrote in between, without waiting.
    """
    db = engine.url.database
    path = Path(db) if db and db != ":memory:" and not db.startswith("file:") else None
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    opened: list[tuple[int, int]] = []  # the file's (device, inode) once a connection made it

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves, below
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.close()
        if path is not None and not opened:
            st = path.stat()
            opened.append((st.st_dev, st.st_ino))

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Open connections keep writing into a deleted file, where nothing survives a restart:
        # refuse instead, every transaction, when the file is gone or another took its place.
        if path is not None and opened:
            try:
                st = path.stat()
                same = (st.st_dev, st.st_ino) == opened[0]
            except OSError:
                same = False
            if not same:
                raise StoreError(
                    f"The database file {path} was deleted or replaced while the app was "
                    "running, so nothing was saved. Whoever runs the app must restore the file "
                    "or restart the app.",
                    "missing",
                )
        mode = "IMMEDIATE" if conn.get_execution_options().get("glassbox_write") else "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One write transaction: committed as a whole, or rolled back as a whole."""
    with engine.connect().execution_options(glassbox_write=True) as conn, conn.begin():
        yield conn


@contextmanager
def friendly_errors(engine: Engine) -> Iterator[None]:
    """Turn driver errors into a ``StoreError`` naming the database and what to do."""
    try:
        yield
    except exc.IntegrityError:
        raise Conflict(
            f"The database {describe(engine)} refused conflicting data.", "conflict"
        ) from None
    except exc.DBAPIError as err:
        log.warning("database error on %s", describe(engine), exc_info=True)
        raise _message(str(err.orig), describe(engine)) from None
    except (exc.SQLAlchemyError, OSError) as err:
        log.warning("database error on %s", describe(engine), exc_info=True)
        raise StoreError(
            f"The database {describe(engine)} cannot be used: {err}", "refused", reason=str(err)
        ) from None


def _message(reason: str, where: str) -> StoreError:
    low = reason.lower()
    if "readonly" in low or "read-only" in low or "read only" in low:
        return StoreError(
            f"The database {where} is read-only, so nothing was saved. Whoever runs the app "
            "must make the file and its folder writable.",
            "read_only",
        )
    if "locked" in low or "busy" in low or "lock timeout" in low:
        return StoreError(
            f"The database {where} stayed busy with other writers for too long; nothing was "
            "saved. Please try again in a moment.",
            "busy",
        )
    if "full" in low or "no space" in low:
        return StoreError(
            f"The database {where} is full (no space left on disk); nothing was saved.", "full"
        )
    first = reason.splitlines()[0] if reason else ""
    if "unable to open" in low or "could not connect" in low or "connection" in low:
        return StoreError(
            f"Cannot open or reach the database {where}: {first}", "unreachable", reason=first
        )
    return StoreError(
        f"The database {where} refused the operation: {first}", "refused", reason=first
    )
