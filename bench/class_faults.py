"""Class-mode faults replayed against a real server: ``python -m bench class_faults``.

Each probe does what the class-mode issue saw go wrong, through the app's websocket as a
browser would (``bench.ws_session``), against one server and one SQLite database, then checks
the database itself. Printed as JSON with the counts that must all be 0:

- ``silent_losses``: a ranking neither stored nor refused on screen;
- ``confirmed_but_missing``: "Stored ranking" on screen, no row in the database;
- ``exceptions``: a Python exception shown on a page;
- ``stale_exports``: an export whose pairs differ from the database at the moment it is shown;
- ``identity_breaches``: a nickname taken over without its rejoin key, a bad nickname
  accepted, a nickname rendered as Markdown, a passcode guess let through.

Cold starts (the first request of a fresh server on each model page) run on servers of their
own. Probes that need the file system's permissions (a read-only database) are not run as
root, where they cannot fail; the unit tests cover them with an injected error.
"""

from __future__ import annotations

import json
import tempfile
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import run_coroutine, serve_app_process, throwaway_database
from bench.ws_session import Session
from models.storage.rankings_store import RankingStore

PASS = "open sesame"
RESPONSES = ["The cat sat.", "The dog ran home.", "A bird sang.", "It rained all day."]
COLD_PAGES = ("rlhf", "next-token", "finetuning")
STORED = "Stored ranking #"


@dataclass
class Tally:
    probes: list[dict] = field(default_factory=list)

    def add(self, name: str, **counts: int) -> None:
        self.probes.append({"probe": name} | counts)

    def total(self, what: str) -> int:
        return sum(p.get(what, 0) for p in self.probes)


def _exceptions(s: Session) -> int:
    return len(s.exceptions())


async def _join(url: str, code: str, nickname: str, query: str = "") -> Session:
    s = Session(url, "rlhf", f"lang=en&class={code}{query}", timeout_s=300)
    await s.__aenter__()
    if nickname:
        await s.set_value(s.widget(key="rl_join_nick"), nickname)
        await s.click(s.widget(key="rl_join"))
    return s


def _joined(s: Session) -> bool:
    return any("You are in class" in t for t in s.texts())


async def _rank_and_submit(s: Session) -> None:
    for i in (3, 2, 1, 0):
        await s.click(s.widget(key=f"rl_pick_{i}"))
    [submit] = [n for n in s.elements() if (n.key or "").startswith("rl_submit_")]
    await s.click(submit)


async def _submit_probe(tally: Tally, name: str, s: Session, db: RankingStore, code: str) -> None:
    """Submit a ranking and judge what the student saw against the database."""
    before = db.count(code) if name != "deleted database" else None
    await _rank_and_submit(s)
    texts = s.texts()
    confirmed = any(STORED in t for t in texts)
    refused = any(
        t.startswith(("This class session is closed", "The database file")) for t in texts
    )
    try:
        stored = db.count(code) > (before or 0) if before is not None else False
    except Exception:  # noqa: BLE001 - the probe deleted the file: nothing can be stored
        stored = False
    tally.add(
        name,
        silent_losses=int(not stored and not confirmed and not refused),
        confirmed_but_missing=int(confirmed and not stored),
        exceptions=_exceptions(s),
    )


async def class_probes(url: str, db_url: str, tally: Tally) -> None:
    db = RankingStore(db_url)
    code = db.create_class(PASS, "faults")
    for prompt in ("Once upon a time", "One day"):  # two rounds: one stored, one refused
        db.publish_round(code, PASS, prompt, RESPONSES)

    for name, nick in (("zero-width nickname", "\u200d"), ("bidi override", "Max\u202egnp")):
        s = await _join(url, code, nick)
        tally.add(name, identity_breaches=int(_joined(s)), exceptions=_exceptions(s))
        await s.close()
    s = await _join(url, code, "![](http://127.0.0.1:9/)")
    # The line goes out as Markdown: the nickname must arrive as character references, which
    # show the brackets; a raw "![](" would make the browser fetch an image.
    line = next((t for t in s.texts() if t.startswith("You are in class")), "")
    as_text = "&#33;&#91;&#93;&#40;" in line and "![](" not in line
    tally.add("markdown nickname", identity_breaches=int(not as_text), exceptions=_exceptions(s))
    await s.close()
    s = await _join(url, code, "x" * 10_000)
    tally.add(
        "10 000-character nickname", identity_breaches=int(_joined(s)), exceptions=_exceptions(s)
    )
    await s.close()

    kim = await _join(url, code, "Kim")
    texts = kim.texts()
    shown = next(i for i, t in enumerate(texts) if t.startswith("Your rejoin key"))
    key = texts[shown + 1].strip()  # the key itself, in the code block under that note
    other = await _join(url, code, "Kim")
    tally.add(
        "same nickname, other browser",
        identity_breaches=int(_joined(other)),
        exceptions=_exceptions(other),
    )
    await other.close()
    back = await _join(url, code, "", f"&key={key}")
    tally.add(
        "rejoin by key", identity_breaches=int(not _joined(back)), exceptions=_exceptions(back)
    )
    await back.close()

    await _submit_probe(tally, "ranking stored", kim, db, code)
    db.close_class(code, PASS)
    await _submit_probe(tally, "class closed before submit", kim, db, code)
    await kim.close()

    code2 = db.create_class(PASS, "guessing")
    teacher = Session(url, "rlhf", "lang=en", timeout_s=300)
    await teacher.__aenter__()
    await teacher.set_value(teacher.widget(key="rl_login_code"), code2)
    for i in range(6):
        await teacher.set_value(teacher.widget(key="rl_login_pass"), f"guess {i}")
        await teacher.click(teacher.widget(key="rl_login"))
        tally.add(f"wrong passcode {i + 1}", exceptions=_exceptions(teacher))
    await teacher.set_value(teacher.widget(key="rl_login_pass"), PASS)
    await teacher.click(teacher.widget(key="rl_login"))
    let_in = not any("Too many wrong passcodes" in t for t in teacher.texts())
    tally.add(
        "right passcode while locked",
        identity_breaches=int(let_in),
        exceptions=_exceptions(teacher),
    )
    await teacher.close()

    teacher = Session(url, "rlhf", "lang=en", timeout_s=300)
    await teacher.__aenter__()
    await teacher.set_value(teacher.widget(key="rl_new_pass"), PASS)
    await teacher.click(teacher.widget(key="rl_create"))
    code3 = next(t.split("class=")[1][:6] for t in teacher.texts() if "class=" in t)
    round_pk = db.publish_round(code3, PASS, "Once upon a time", RESPONSES)
    for n in ("A1", "B2", "C3"):
        student = db.join(code3, n)
        db.submit(_ranking(n), student_id=student.student_id, round_pk=round_pk)
    await teacher.rerun()
    [button] = [n for n in teacher.elements() if n.key == "rl_export_jsonl"]
    body = urllib.request.urlopen(url + button.proto.url, timeout=30).read().decode()
    pairs = len(db.pairs(code3))
    tally.add(
        "export after rankings arrived",
        stale_exports=int(len(body.splitlines()) != pairs),
        exceptions=_exceptions(teacher),
    )
    await teacher.close()

    for page, field_key, text in (
        ("next-token", "nt_prompt", "a " * 50_000),
        ("tokenization", "tok_text_en", "猫" * 20_000),
    ):
        s = Session(url, page, "lang=en", timeout_s=300)
        await s.__aenter__()
        try:
            await s.set_value(s.widget(key=field_key), text)
        except KeyError:
            pass
        tally.add(f"{len(text):,} characters on {page}", exceptions=_exceptions(s))
        await s.close()

    code4 = db.create_class(PASS, "deleted")
    db.publish_round(code4, PASS, "Once upon a time", RESPONSES)
    s = await _join(url, code4, "Lee")
    path = Path(db_url.removeprefix("sqlite:///"))
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    await _submit_probe(tally, "deleted database", s, db, code4)
    await s.close()


def _ranking(rater: str):
    from models.preference.rankings import Ranking

    return Ranking.from_order("Once upon a time", RESPONSES, [3, 2, 1, 0], rater=rater)


async def cold_probe(url: str, page: str) -> int:
    async with Session(url, page, "lang=en", timeout_s=300) as s:
        return _exceptions(s)


def run() -> dict:
    tally = Tally()
    folder = Path(tempfile.mkdtemp(prefix="glassbox-faults-"))
    with throwaway_database(folder) as db_url, serve_app_process(folder / "server.log") as served:
        run_coroutine(class_probes(served.url, db_url, tally))
    for page in COLD_PAGES:  # the very first request of a fresh server, on a model page
        sub = Path(tempfile.mkdtemp(prefix="glassbox-cold-"))
        with throwaway_database(sub), serve_app_process(sub / "server.log") as served:
            tally.add(
                f"cold start on {page}", exceptions=run_coroutine(cold_probe(served.url, page))
            )
    return {
        "probes": len(tally.probes),
        "silent_losses": tally.total("silent_losses"),
        "confirmed_but_missing": tally.total("confirmed_but_missing"),
        "exceptions": tally.total("exceptions"),
        "stale_exports": tally.total("stale_exports"),
        "identity_breaches": tally.total("identity_breaches"),
        "results": tally.probes,
        "not_run": "read-only database (running as root, chmod cannot make it read-only)",
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2, ensure_ascii=False))
