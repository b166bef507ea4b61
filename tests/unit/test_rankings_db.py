"""The rankings database: round trips, no lost writes under concurrency, class rules, failures.

Real SQLite files under ``tmp_path``; the tests marked by the ``db_url`` fixture also run
against a throwaway PostgreSQL server when ``initdb`` and psycopg are installed.
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import os
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path

import pytest
from sqlalchemy import event

from models.preference.rankings import Ranking
from models.storage.database import StoreError
from models.storage.rankings_store import (
    CSV_COLUMNS,
    AccessDenied,
    ClassClosed,
    LoginLocked,
    NicknameTaken,
    RankingStore,
    StaleRound,
    UnknownClass,
)
from tests.support.databases import sqlite_url

PASS = "correct horse"
TRICKY = [
    "<script>alert('x')</script>",
    "Die Katze saß auf der Matte.",
    "猫はマットの上に座りました。",
    "I ❤️ 🐈‍⬛ and 👩🏽‍🚀!",
    'a "quoted", comma\nnew line',
]


def ranking(i: int = 0, rater: str = "", k: int = 4) -> Ranking:
    responses = [f"response {j} of {i}" for j in range(k)]
    return Ranking.from_order(f"prompt {i}", responses, list(range(k))[::-1], rater=rater)


# ------------------------------------------------------------------------- round trips


def test_submit_round_trips_exactly(db_url):
    store = RankingStore(db_url)
    given = [
        Ranking("<b>prompt</b> 🐈", tuple(TRICKY), ((3,), (0, 2), (4,), (1,)), rater="Zoë"),
        Ranking("p", ("bad", "worse"), ((1,), (0,)), all_bad=True, rater="sim:polite"),
        Ranking("ties", ("a", "b", "c"), ((0, 1, 2),)),
    ]
    ids = [store.submit(r, lang=lang) for r, lang in zip(given, ["de", "ja", "en"], strict=True)]
    got = store.rankings()
    assert [s.ranking for s in got] == given  # order with ties, all_bad, raw text, rater
    assert [s.id for s in got] == ids and len(set(ids)) == 3
    assert [s.lang for s in got] == ["de", "ja", "en"]
    assert all(s.nickname is None and s.student_id is None and not s.archived for s in got)
    assert got[0].ranking.responses[0] == "<script>alert('x')</script>"  # escaped only on render
    assert store.count() == 3


def _read_back(url: str) -> list[str]:
    """In a fresh process: what a restarted server would read."""
    return [s.ranking.to_json() for s in RankingStore(url).rankings()]


def test_data_survives_a_new_process_on_the_same_file(tmp_path):
    url = sqlite_url(tmp_path)
    given = [Ranking("p", tuple(TRICKY), ((4,), (0, 1), (2,), (3,)), rater="Zoë", lang="de")]
    RankingStore(url).submit(given[0])
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        assert pool.apply(_read_back, (url,)) == [r.to_json() for r in given]


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    store = RankingStore(sqlite_url(tmp_path))
    with sqlite3.connect(tmp_path / "g.sqlite") as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
    assert store.url_for_display == sqlite_url(tmp_path)


def test_default_url_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("GLASSBOX_DB_URL", sqlite_url(tmp_path, "env.sqlite"))
    RankingStore().submit(ranking())
    assert (tmp_path / "env.sqlite").exists()


def test_invalid_ranking_is_refused_and_nothing_written(tmp_path):
    store = RankingStore(sqlite_url(tmp_path))
    bad = ranking()
    object.__setattr__(bad, "order", ((0,), (0,), (1,)))  # skip __post_init__'s check
    with pytest.raises(StoreError, match="ranked twice"):
        store.submit(bad)
    with pytest.raises(StoreError, match="longer than"):
        store.submit(Ranking("p", ("x" * 20_001, "y"), ((0,), (1,))))
    assert store.count() == 0


# ------------------------------------------------------------------------- concurrency


def _submit_many(url: str, code: str, nickname: str, n: int) -> list[int]:
    store = RankingStore(url)
    student = store.join(code, nickname).student_id
    return [store.submit(ranking(i, nickname), student_id=student) for i in range(n)]


def test_concurrent_threads_lose_nothing(db_url):
    store = RankingStore(db_url)
    code = store.create_class(PASS)
    with ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(_submit_many, db_url, code, f"t{t}", 50) for t in range(8)]
        ids = [i for f in futures for i in f.result()]
    assert len(ids) == len(set(ids)) == 400
    assert store.count(code) == 400
    assert store.per_student_counts(code) == {f"t{t}": 50 for t in range(8)}


@pytest.mark.slow
def test_concurrent_processes_lose_nothing(db_url):
    store = RankingStore(db_url)
    code = store.create_class(PASS)
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        results = pool.starmap(_submit_many, [(db_url, code, f"p{p}", 50) for p in range(4)])
    ids = [i for r in results for i in r]
    assert len(ids) == len(set(ids)) == 200
    assert store.count(code) == 200
    assert sorted(s.id for s in store.rankings(code)) == sorted(ids)


# --------------------------------------------------------------------------- class flow


def test_class_flow(db_url):
    store = RankingStore(db_url)
    code = store.create_class(PASS, title="  RLHF, 3rd period ")
    assert len(code) == 6 and code.isupper() and not set(code) & set("01OI")
    info = store.class_info(f"  {code.lower()[:3]} {code.lower()[3:]} ")
    assert (info.code, info.title, info.closed) == (code, "RLHF, 3rd period", False)
    assert store.verify_passcode(code, PASS) and not store.verify_passcode(code, PASS + " ")

    joined = store.join(code, "  Zoë 🐈 ")
    zoe = joined.student_id
    # rejoining after a reload, or on another device, with the secret: the same student
    assert store.join(code.lower(), "Zoë 🐈", joined.secret).student_id == zoe
    assert store.rejoin(code, joined.secret) == joined
    assert store.join(code, "<b>Max</b>").student_id != zoe  # stored raw; shown as plain text
    assert list(store.per_student_counts(code)) == ["Zoë 🐈", "<b>Max</b>"]

    store.submit(ranking(1, "Zoë 🐈"), class_code=code, student_id=zoe, lang="de")
    [got] = store.rankings(code)
    assert (got.nickname, got.student_id, got.class_code, got.lang) == ("Zoë 🐈", zoe, code, "de")
    assert store.count(code) == 1 and store.count(code, student_id=zoe) == 1
    assert store.count() == 0  # the solo pool is separate from the class


BAD_NICKNAMES = {
    "": "nickname_empty",
    "   ": "nickname_empty",
    "x" * 25: "nickname_long",
    "two\nlines": "nickname_control",
    "tab\there": "nickname_control",
    "bell\x07": "nickname_control",
    "\u200d": "nickname_letters",  # a zero-width joiner alone
    "\u0301": "nickname_letters",  # a lone combining accent
    "🐈‍⬛": "nickname_letters",  # no letter or digit to tell it by
    "Max\u202egnp.exe": "nickname_bidi",  # a right-to-left override
    "\u2067Zoë": "nickname_bidi",
}


@pytest.mark.parametrize("nickname", BAD_NICKNAMES)
def test_bad_nickname_is_refused_with_a_message(tmp_path, nickname):
    store = RankingStore(sqlite_url(tmp_path))
    code = store.create_class(PASS)
    with pytest.raises(StoreError) as err:
        store.join(code, nickname)
    assert "nickname" in str(err.value) and err.value.code == BAD_NICKNAMES[nickname]
    assert store.per_student_counts(code) == {}


def test_nicknames_are_normalised_so_one_name_is_one_student(tmp_path):
    store = RankingStore(sqlite_url(tmp_path))
    code = store.create_class(PASS)
    composed = store.join(code, "Zo\u00eb")
    with pytest.raises(NicknameTaken):
        store.join(code, "Zoe\u0308")  # the same name, typed as e + combining diaeresis
    assert store.join(code, "Zoe\u0308", composed.secret).student_id == composed.student_id
    assert store.join(code, "👩🏽‍🚀 Ana").nickname == "👩🏽‍🚀 Ana"  # emoji with a letter


def test_a_nickname_in_use_needs_its_rejoin_secret(tmp_path):
    store = RankingStore(sqlite_url(tmp_path))
    code = store.create_class(PASS)
    max_ = store.join(code, "Max")
    for secret in (None, "", "guess", store.join(code, "Mia").secret):
        with pytest.raises(NicknameTaken) as err:
            store.join(code, "Max", secret)
        assert err.value.code == "nickname_taken"
    with pytest.raises(StoreError, match="rejoin key"):
        store.rejoin(code, "guess")
    assert store.rejoin(code, f" {max_.secret} ").student_id == max_.student_id
    assert list(store.per_student_counts(code)) == ["Max", "Mia"]
    stored = store.engine.connect().exec_driver_sql("SELECT secret_hash FROM students").all()
    assert all(max_.secret.encode() not in bytes(h) for (h,) in stored)  # only a hash is kept


def test_simultaneous_joins_under_one_name_make_one_student_and_tell_the_rest(tmp_path):
    url = sqlite_url(tmp_path)
    code = RankingStore(url).create_class(PASS)

    def join() -> str:
        try:
            return f"joined {RankingStore(url).join(code, 'Max').student_id}"
        except NicknameTaken:
            return "taken"

    with ThreadPoolExecutor(10) as pool:
        outcomes = list(pool.map(lambda _: join(), range(10)))
    assert sum(o.startswith("joined") for o in outcomes) == 1
    assert outcomes.count("taken") == 9


def test_a_student_from_before_rejoin_secrets_receives_one(tmp_path):
    store = RankingStore(sqlite_url(tmp_path))
    code = store.create_class(PASS)
    old = store.join(code, "Max")
    with store.engine.begin() as conn:  # as the app before revision 0003 left it
        conn.exec_driver_sql("UPDATE students SET secret_hash = NULL")
    again = store.join(code, "Max")
    assert again.student_id == old.student_id and again.secret != old.secret
    with pytest.raises(NicknameTaken):
        store.join(code, "Max")


# ----------------------------------------------------------------------------- passcodes


def test_a_new_class_needs_an_eight_character_passcode(tmp_path):
    store = RankingStore(sqlite_url(tmp_path))
    with pytest.raises(StoreError) as err:
        store.create_class("1234567")
    assert (err.value.code, err.value.params) == ("passcode_short", {"n": 8})
    assert store.create_class("12345678")


def test_wrong_passcodes_are_slowed_and_then_locked(tmp_path, monkeypatch):
    store = RankingStore(sqlite_url(tmp_path))
    code = store.create_class(PASS)
    slept: list[float] = []
    monkeypatch.setattr("models.storage.classes.time.sleep", slept.append)
    assert [store.verify_passcode(code, f"guess {i}") for i in range(4)] == [False] * 4
    assert slept == [store.fail_delay_s] * 4 and store.fail_delay_s >= 1
    assert store.verify_passcode(code, PASS)  # the right one resets the count
    for i in range(5):
        assert not store.verify_passcode(code, f"guess {i}")
    with pytest.raises(LoginLocked) as err:
        store.verify_passcode(code, PASS)  # locked: even the right passcode waits
    assert err.value.code == "login_locked" and 0 < err.value.params["seconds"] <= 60
    other = store.create_class(PASS)
    assert store.verify_passcode(other, PASS)  # per class
    with store.engine.begin() as conn:  # a minute later
        conn.exec_driver_sql("UPDATE classes SET locked_until = '2000-01-01 00:00:00'")
    assert store.verify_passcode(code, PASS)


def test_unknown_class(tmp_path):
    store = RankingStore(sqlite_url(tmp_path))
    for call in (
        lambda: store.class_info("ZZZZZZ"),
        lambda: store.join("ZZZZZZ", "Max"),
        lambda: store.submit(ranking(), class_code="ZZZZZZ"),
        lambda: store.agreement("ZZZZZZ"),
        lambda: store.archive_all("ZZZZZZ", PASS),
    ):
        with pytest.raises(UnknownClass, match="ZZZZZZ"):
            call()
    assert store.count(include_archived=True) == 0


def test_passcode_is_stored_only_as_a_hash(tmp_path):
    store = RankingStore(sqlite_url(tmp_path))
    store.create_class(PASS)
    with store.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert PASS.encode() not in raw
    with pytest.raises(StoreError, match="at least"):
        store.create_class("abc")


def test_wrong_passcode_changes_nothing(tmp_path):
    store = RankingStore(sqlite_url(tmp_path))
    code = store.create_class(PASS)
    store.submit(ranking(), class_code=code)
    for call in (
        lambda: store.archive_all(code, "wrong"),
        lambda: store.close_class(code, "wrong"),
        lambda: store.publish_round(code, "wrong", "p", ["a", "b"]),
        lambda: store.export_jsonl(code, "wrong"),
        lambda: store.export_csv(code),
    ):
        with pytest.raises(AccessDenied):
            call()
    assert store.count(code) == 1 and not store.class_info(code).closed
    assert store.current_rounds(code) == []


def test_closed_class_refuses_joins_rounds_and_submits(tmp_path):
    store = RankingStore(sqlite_url(tmp_path))
    code = store.create_class(PASS)
    max_ = store.join(code, "Max").student_id
    store.submit(ranking(), student_id=max_)
    store.close_class(code, PASS)
    assert store.class_info(code).closed
    with pytest.raises(ClassClosed):
        store.join(code, "Zoë")
    with pytest.raises(ClassClosed):
        store.submit(ranking(2), student_id=max_)
    with pytest.raises(ClassClosed):
        store.publish_round(code, PASS, "p", ["a", "b"])
    assert store.count(code) == 1 and len(store.rankings(code)) == 1  # still readable
    assert store.export_jsonl(code, PASS).count("\n") == 6


def test_archive_hides_rankings_but_keeps_them(tmp_path):
    store = RankingStore(sqlite_url(tmp_path))
    code = store.create_class(PASS)
    max_ = store.join(code, "Max").student_id
    for i in range(3):
        store.submit(ranking(i), student_id=max_)
    solo = store.submit(ranking(9))
    assert store.archive_all(code, PASS) == 3
    assert store.count(code) == 0 and store.pairs(code) == [] and store.rankings(code) == []
    assert store.per_student_counts(code) == {"Max": 0}
    kept = store.rankings(code, include_archived=True)
    assert len(kept) == 3 and all(s.archived for s in kept)
    assert [s.id for s in store.rankings()] == [solo]  # other data untouched
    store.submit(ranking(4), student_id=max_)  # the class goes on after a reset
    assert store.count(code) == 1 and len(store.pairs(code)) == 6


def test_submit_checks_the_student_belongs_to_the_class(tmp_path):
    store = RankingStore(sqlite_url(tmp_path))
    a, b = store.create_class(PASS), store.create_class(PASS)
    max_ = store.join(a, "Max").student_id
    with pytest.raises(StoreError, match="another class"):
        store.submit(ranking(), class_code=b, student_id=max_)
    with pytest.raises(StoreError, match="Unknown student"):
        store.submit(ranking(), class_code=a, student_id=max_ + 100)
    assert store.count(a) == store.count(b) == 0


# ------------------------------------------------------------------------------ rounds


def test_stale_round_is_refused_and_nothing_written(tmp_path):
    store = RankingStore(sqlite_url(tmp_path))
    code, other = store.create_class(PASS), store.create_class(PASS)
    old = store.publish_round(code, PASS, "Tell a story", ["a", "b", "c"], "en", 0)
    new = store.publish_round(code, PASS, "Tell a story", ["x", "y", "z"], "en", 1)
    assert [r.id for r in store.current_rounds(code)] == [new]  # newest policy only
    assert store.get_round(old).responses == ("a", "b", "c")

    shown_old = Ranking.from_order("Tell a story", ["a", "b", "c"], [2, 0, 1])
    with pytest.raises(StaleRound, match="changed since you loaded them"):
        store.submit(shown_old, class_code=code, round_pk=new)
    with pytest.raises(StaleRound):
        store.submit(shown_old, class_code=other, round_pk=old)  # a round of another class
    assert store.count(code) == store.count(other) == 0

    pk = store.submit(shown_old, class_code=code, round_pk=old)  # same responses: accepted
    assert store.rankings(code)[0].round_pk == old and store.rankings(code)[0].id == pk


# ---------------------------------------------------------------------------- failures


def test_read_only_file_gives_a_store_error(tmp_path):
    url = sqlite_url(tmp_path)
    RankingStore(url).submit(ranking())
    path = tmp_path / "g.sqlite"
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    modes = {p: p.stat().st_mode for p in [*tmp_path.iterdir(), tmp_path]}
    try:
        for p in modes:
            p.chmod(0o555 if p.is_dir() else 0o444)
        if os.access(path, os.W_OK):
            pytest.skip("running as root: chmod does not make the file read-only")
        ro = RankingStore(url, busy_timeout_s=0.5)  # a new engine: no connection opened rw
        with pytest.raises(StoreError) as err:
            ro.submit(ranking(1))
        assert str(path) in str(err.value)
    finally:
        for p, mode in modes.items():
            p.chmod(mode)
    assert RankingStore(url).count() == 1


def test_database_opened_read_only_gives_a_store_error(tmp_path):
    """The same failure as a read-only file, reachable as root too (SQLite's mode=ro)."""
    RankingStore(sqlite_url(tmp_path)).submit(ranking())
    ro = RankingStore(f"sqlite:///file:{tmp_path / 'g.sqlite'}?mode=ro&uri=true")
    assert ro.count() == 1  # reading still works
    with pytest.raises(StoreError, match="read-only, so nothing was saved"):
        ro.submit(ranking(1))
    with pytest.raises(StoreError, match="read-only"):
        ro.create_class(PASS)
    assert RankingStore(sqlite_url(tmp_path)).count() == 1


def test_locked_database_gives_a_store_error_after_the_timeout(tmp_path):
    store = RankingStore(sqlite_url(tmp_path))
    store.submit(ranking())
    impatient = RankingStore(sqlite_url(tmp_path), busy_timeout_s=0.2)
    holder = sqlite3.connect(tmp_path / "g.sqlite", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        start = time.monotonic()
        with pytest.raises(StoreError, match="busy with other writers"):
            impatient.submit(ranking(1))
        assert 0.15 < time.monotonic() - start < 5
        assert impatient.count() == 1  # WAL: reading goes on while a writer holds the lock
    finally:
        holder.rollback()
        holder.close()
    assert store.count() == 1
    impatient.submit(ranking(2))
    assert store.count() == 2


@pytest.mark.parametrize("how", ["deleted", "replaced"])
def test_a_database_file_deleted_or_replaced_under_the_app_is_never_written(tmp_path, how):
    """Open connections would write into the deleted file, where a restart finds nothing: the
    store refuses every transaction instead, with a message, until the app is restarted."""
    url = sqlite_url(tmp_path)
    store = RankingStore(url)
    store.submit(ranking(0))
    path = tmp_path / "g.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    if how == "replaced":
        other = RankingStore(sqlite_url(tmp_path, "other.sqlite"))
        other.engine.dispose()
        (tmp_path / "other.sqlite").rename(path)
    for call in (lambda: store.submit(ranking(1)), store.count):
        with pytest.raises(StoreError) as err:
            call()
        assert err.value.code == "missing" and "restart" in str(err.value)
    if how == "replaced":
        assert sqlite3.connect(path).execute("SELECT count(*) FROM rankings").fetchone() == (0,)


def test_full_disk_gives_a_store_error(tmp_path):
    store = RankingStore(sqlite_url(tmp_path), busy_timeout_s=1.0)  # an engine of its own
    store.submit(ranking())
    with sqlite3.connect(tmp_path / "g.sqlite") as raw:
        pages = raw.execute("PRAGMA page_count").fetchone()[0]

    @event.listens_for(store.engine, "connect")
    def _cap(dbapi_conn, _record):
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages}")

    store.engine.dispose()  # new connections, capped
    big = Ranking("p", ("x" * 15_000, "y" * 15_000), ((0,), (1,)))
    with pytest.raises(StoreError, match="full"):
        store.submit(big)
    assert store.count() == 1


@pytest.mark.parametrize(
    "url",
    [
        "not a database url",
        "sqlite:///{tmp}/a-file/db.sqlite",  # its folder is a file
        "sqlite:///{tmp}",  # a folder, not a file
        "postgresql+psycopg://teacher:s3cret@127.0.0.1:9/glassbox?connect_timeout=3",
    ],
)
def test_unreachable_database_gives_a_store_error(tmp_path, url):
    (tmp_path / "a-file").write_text("")
    with pytest.raises(StoreError) as err:
        RankingStore(url.format(tmp=tmp_path))
    assert "s3cret" not in str(err.value) and "database" in str(err.value)


# --------------------------------------------------------------------------- agreement


def test_agreement_and_disputed_pairs_by_hand(tmp_path):
    store = RankingStore(sqlite_url(tmp_path))
    code = store.create_class(PASS)
    a, b, c, d = (store.join(code, n).student_id for n in "ABCD")
    xyz, uv = ("x", "y", "z"), ("u", "v")

    def rank(student: int, responses: tuple[str, ...], order) -> None:
        store.submit(Ranking("p", responses, order), student_id=student)

    rank(a, xyz, ((2,), (0,), (1,)))  # replaced by A's later ranking of the same round
    rank(a, xyz, ((0,), (1,), (2,)))
    rank(b, xyz, ((0,), (1,), (2,)))
    rank(c, xyz, ((2,), (1,), (0,)))
    rank(d, xyz, ((0, 1), (2,)))  # x ~ y tied: no vote on that pair
    rank(a, uv, ((0,), (1,)))
    rank(b, uv, ((1,), (0,)))
    rank(c, ("only", "me"), ((0,), (1,)))  # one rater: not compared
    store.submit(Ranking("p", xyz, ((2,), (1,), (0,))))  # working alone: not in the class

    got = store.agreement(code)
    # x>y: 2 vs 1 → 1 of 3 rater pairs agree; x>z and y>z: 3 vs 1 → 3 of 6; u>v: 1 vs 1 → 0 of 1
    assert (got.rounds, got.rater_pairs) == (2, 16)
    assert got.rate == pytest.approx(7 / 16)
    # τ over xyz: AB 1, AC −1, AD ⅔, BC −1, BD ⅔, CD −⅔ (sum −⅓); over uv: AB −1
    assert got.tau_pairs == 7
    assert got.mean_tau == pytest.approx((-1 / 3 - 1) / 7)

    top = [(p.a, p.b, p.a_votes, p.b_votes) for p in store.disputed_pairs(code)]
    assert top == [("u", "v", 1, 1), ("x", "y", 2, 1), ("x", "z", 3, 1), ("y", "z", 3, 1)]
    assert len(store.disputed_pairs(code, n=2)) == 2


def test_agreement_of_an_empty_class(tmp_path):
    store = RankingStore(sqlite_url(tmp_path))
    got = store.agreement(store.create_class(PASS))
    assert (got.rate, got.mean_tau, got.rounds) == (None, None, 0)


# ------------------------------------------------------------------------------ export


def test_export_jsonl_and_csv_parse_back(tmp_path):
    store = RankingStore(sqlite_url(tmp_path))
    code = store.create_class(PASS)
    nick = 'Zoë, "the" <b>'
    zoe = store.join(code, nick).student_id
    given = [
        Ranking("p1", tuple(TRICKY[:4]), ((2,), (0,), (3,), (1,))),
        Ranking(TRICKY[4], ("a", "b", "c"), ((0, 1), (2,)), all_bad=True),
        Ranking("p3", ("a", "b", "c"), ((2,), (1,), (0,))),
    ]
    store.submit(given[0], student_id=zoe)
    store.submit(given[1], student_id=zoe)
    store.archive_all(code, PASS)
    store.submit(given[2], student_id=zoe, lang="ja")

    lines = store.export_jsonl(code, PASS).splitlines()
    assert [json.loads(line) for line in lines] == [  # archived rankings are not training data
        {"prompt": "p3", "chosen": c, "rejected": r}
        for c, r in [("c", "b"), ("c", "a"), ("b", "a")]
    ]
    rows = list(csv.DictReader(io.StringIO(store.export_csv(code, PASS))))
    assert tuple(rows[0]) == CSV_COLUMNS
    parsed = [
        Ranking(
            row["prompt"],
            tuple(json.loads(row["responses"])),
            json.loads(row["order"]),
            all_bad=row["all_bad"] == "true",
        )
        for row in rows
    ]
    assert parsed == given
    assert [(r["nickname"], r["lang"], r["archived"]) for r in rows] == [
        (nick, "en", "true"),
        (nick, "en", "true"),
        (nick, "ja", "false"),
    ]
    stored = store.rankings(code, include_archived=True)
    assert [int(r["id"]) for r in rows] == [s.id for s in stored]
    assert [r["created_at"] for r in rows] == [s.created_at.isoformat() for s in stored]


def test_export_pair_counts_and_solo_export(tmp_path):
    store = RankingStore(sqlite_url(tmp_path))
    for k in (2, 3, 5):
        store.submit(ranking(k, "me", k=k))
    store.submit(ranking(9, "someone else"))
    lines = store.export_jsonl(None, rater="me").splitlines()  # no passcode when alone
    assert len(lines) == 1 + 3 + 10  # K·(K−1)/2 per untied ranking
    want = [
        {k: asdict(p)[k] for k in ("prompt", "chosen", "rejected")} for p in store.pairs(rater="me")
    ]
    assert [json.loads(x) for x in lines] == want
    assert all(p.lang == "en" for p in store.pairs(rater="me"))  # the language they were in
    assert len(store.export_jsonl(None).splitlines()) == 14 + 6


def test_join_qr_svg():
    from app.views.class_dashboard import join_qr_svg

    svg = join_qr_svg("https://glassbox.example/?class=ABC234")
    assert svg.startswith("<svg") and "<path" in svg
