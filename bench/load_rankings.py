"""Ranking load: N students (default 30) each submit R rankings (default 20) at once against
one running server and one database; every ranking sent must be stored (0 lost).

``python -m bench load_rankings`` or ``python -m bench.load_rankings [N] [R]``.

Each student is a real browser-less Streamlit session (``bench.ws_session``) on the RLHF
page: it clicks the four responses into an order (fragment runs, as a student's clicks are)
and presses *Submit ranking*; the submit's latency is from sending the click to the end of the
run it causes (the ranking is written during that run, before the next prompt is sampled).
A ranking counts as sent when the page confirms it ("Stored ranking #…"). Afterwards the
database is counted directly: stored must equal sent.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from pathlib import Path

from bench.common import quantile, run_coroutine, serve_app_process, throwaway_database
from bench.ws_session import Session
from models.storage.rankings_store import RankingStore

STUDENTS, RANKINGS = 30, 20


async def student(url: str, i: int, rankings: int, out: dict) -> None:
    async with Session(url, "rlhf", "lang=en", timeout_s=600) as s:
        for j in range(rankings):
            order = [(i + j + k) % 4 for k in range(4)]
            try:
                for r in order:
                    await s.click(s.widget(key=f"rl_pick_{r}"))
                [submit] = [n for n in s.elements() if (n.key or "").startswith("rl_submit_")]
                run = await s.click(submit)
            except (KeyError, ValueError, TimeoutError, OSError) as exc:
                out["errors"].append(f"student {i}, ranking {j}: {type(exc).__name__}: {exc}")
                continue
            if any(t.startswith("Stored ranking #") for t in s.texts()):
                out["sent"] += 1
                out["submit_s"].append(run.seconds)
            else:
                out["errors"].append(f"student {i}, ranking {j}: no confirmation")
            if s.exceptions():
                out["errors"].append(f"student {i}: {s.exceptions()[0][:200]}")


async def load(url: str, students: int, rankings: int) -> dict:
    out: dict = {"sent": 0, "submit_s": [], "errors": []}
    t0 = time.perf_counter()
    await asyncio.gather(*(student(url, i, rankings, out) for i in range(students)))
    out["wall_s"] = time.perf_counter() - t0
    return out


def run(students: int = STUDENTS, rankings: int = RANKINGS) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="glassbox-rankings-"))
    with throwaway_database(folder) as db_url, serve_app_process(folder / "server.log") as served:
        out = run_coroutine(load(served.url, students, rankings))
    stored = RankingStore(db_url).count()
    lat = sorted(out["submit_s"])
    return {
        "students": students,
        "rankings_each": rankings,
        "sent": out["sent"],
        "stored": stored,
        "lost": out["sent"] - stored,
        "submit_ms_p50": round(1000 * quantile(lat, 0.5)) if lat else None,
        "submit_ms_p95": round(1000 * quantile(lat, 0.95)) if lat else None,
        "wall_s": round(out["wall_s"], 1),
        "errors": len(out["errors"]),
        "first_errors": out["errors"][:5],
        "database": "SQLite (WAL) file, one server process",
        "note": f"clients and server share the machine ({os.cpu_count()} cores); "
        "latency = submit click sent → end of the run that stored it",
    }


if __name__ == "__main__":
    import json
    import sys

    n = int(sys.argv[1]) if len(sys.argv) > 1 else STUDENTS
    r = int(sys.argv[2]) if len(sys.argv) > 2 else RANKINGS
    print(json.dumps(run(n, r), indent=2))
