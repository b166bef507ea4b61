"""Load test: N concurrent sessions using the lessons for T seconds, like a class would.

``python -m bench load`` (or ``python -m bench.load [N] [T]``; defaults 30 sessions, 120 s).

Each session is a real Streamlit session over the websocket (``bench.ws_session``), no
browser. Session *i* opens the page of interaction ``i mod len(INTERACTIONS)`` and repeats
that interaction, waiting a random think time (``THINK_S``) before each. Reported:

- latency per interaction, p50/p95/max in ms: from sending the widget change to receiving
  the end of the run it caused (no browser drawing, see README "Performance" for that),
  and the same for opening the page;
- errors: an exception element anywhere on the page after an action, a timeout, or a
  dropped connection (the first few messages are kept);
- server CPU seconds per page opened and per action, and cores kept busy: on a saturated
  server, the cost per action says how many actions per second it can serve at all;
- server memory: RSS of the server process with 1 session (after it has visited every
  lesson, so the model and the per-process caches are loaded) and with N sessions (each
  having opened its page and done its interaction once), and the difference per added
  session, (RSS_N − RSS_1) / (N − 1); goal ≤ 30 MB, the model being shared.

Adding an interaction (e.g. the RLHF page's ranking submission, once pages/rlhf.py has
it) is one function that does one user action on an open session and returns the
``Run`` of the rerun it caused, registered with the page it needs::

    @interaction("rlhf", "submit_ranking")
    async def submit_ranking(s: Session, i: int) -> Run:
        await s.set_value(s.widget(key="rlhf_rank_0"), "1")  # arrange the ranking
        return await s.click(s.widget(key="rlhf_submit"))  # the timed action

Sessions are then spread over the interactions round robin; no other change is needed.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import quantile, run_coroutine, serve_app_process
from bench.ws_session import Run, Session

SESSIONS = 30
DURATION_S = 120.0
THINK_S = (1.0, 5.0)  # seconds between a session's actions: read, then type or click
GOAL_MB_PER_SESSION = 30
LANG = "en"
SENTENCES = [
    "The little cat found a red ball in the garden and played with it all day.",
    "Once upon a time, a small dragon wanted to learn how to read books.",
    "Tom and his sister built a boat from boxes and sailed across the pond.",
    "The old robot counted the stars every night, but it never got to the end.",
    "Why did the bird sing so early? Because the sun had just come up.",
]


@dataclass
class Interaction:
    """One thing a student does again and again on a page."""

    page: str  # URL path of the page
    name: str
    act: Callable[[Session, int], Awaitable[Run]]  # (session, repetition) → the timed run


INTERACTIONS: list[Interaction] = []


def interaction(page: str, name: str):
    """Register ``act`` as the main interaction of ``page`` (see the module docstring)."""

    def register(act: Callable[[Session, int], Awaitable[Run]]):
        INTERACTIONS.append(Interaction(page, name, act))
        return act

    return register


@interaction("tokenization", "edit_text")
async def edit_text(s: Session, i: int) -> Run:
    """Type a new paragraph into "Your text" (four tokenizers redraw, a fragment run)."""
    paragraph = " ".join(SENTENCES[(i + k) % len(SENTENCES)] for k in range(3))
    return await s.set_value(s.widget(key=f"tok_text_{LANG}"), f"{paragraph} ({i})")


@interaction("transformer", "change_sentence")
async def change_sentence(s: Session, i: int) -> Run:
    """Put another sentence into the attention section (attention recomputed, a fragment run)."""
    return await s.set_value(s.widget(key=f"tf_text_{LANG}"), f"{SENTENCES[i % 5]} ({i})")


@interaction("next-token", "generate")
async def generate(s: Session, i: int) -> Run:
    """Click "Sample": the model writes one more token (a fragment run)."""
    return await s.click(s.widget(key="nt_sample"))


@dataclass
class Stats:
    """Latencies (s) and errors, per interaction name."""

    seconds: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)

    def ok(self, name: str, run: Run, s: Session) -> None:
        self.seconds.setdefault(name, []).append(run.seconds)
        self.errors.setdefault(name, 0)
        if s.exceptions():
            self.error(name, "exception on page: " + s.exceptions()[0])

    def error(self, name: str, message: str) -> None:
        self.errors[name] = self.errors.get(name, 0) + 1
        if len(self.messages) < 10:
            self.messages.append(f"{name}: {message[:300]}")

    def count(self) -> int:
        """Actions timed so far (opening pages included)."""
        return sum(len(v) for v in self.seconds.values())

    def report(self, duration_s: float) -> dict[str, dict]:
        out = {}
        for name in sorted(set(self.seconds) | set(self.errors)):
            ms = [x * 1000 for x in self.seconds.get(name, [])]
            figures: dict[str, float | int] = {"n": len(ms), "errors": self.errors.get(name, 0)}
            if len(ms) >= 2:
                figures |= {"p50_ms": quantile(ms, 0.5), "p95_ms": quantile(ms, 0.95)}
                figures |= {"max_ms": round(max(ms), 1)}
            if name != "open_page":
                figures["per_s"] = round(len(ms) / duration_s, 2)
            out[name] = figures
        return out


def rss_mb(pid: int) -> float:
    """Resident memory of process ``pid`` in MB (psutil if installed, else /proc)."""
    try:
        import psutil

        return psutil.Process(pid).memory_info().rss / 2**20
    except ImportError:
        with open(f"/proc/{pid}/status") as f:
            line = next(x for x in f if x.startswith("VmRSS:"))
        return int(line.split()[1]) / 1024


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) process ``pid`` has used so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def settled_rss(pid: int, wait_s: float = 2.0) -> float:
    """RSS once the server has had ``wait_s`` to finish what the last requests started."""
    await asyncio.sleep(wait_s)
    return round(rss_mb(pid), 1)


async def open_session(url: str, job: Interaction, stats: Stats, i: int) -> Session | None:
    """A session on ``job``'s page that has done ``job`` once; None (an error) if it failed."""
    s = Session(url, job.page, query=f"lang={LANG}")
    try:
        await s.__aenter__()
        stats.ok("open_page", s.first_run, s)
        stats.ok(f"{job.page}.{job.name}", await job.act(s, i), s)
        return s
    except Exception as exc:  # noqa: BLE001 - a load test counts failures, it does not stop
        stats.error("open_page", f"{type(exc).__name__}: {exc}")
        await s.close()
        return None


async def use(s: Session, job: Interaction, stop_at: float, stats: Stats, seed: int) -> None:
    """Repeat ``job`` with think times until ``stop_at`` (time.monotonic())."""
    rng, i, name = random.Random(seed), 1, f"{job.page}.{job.name}"
    while time.monotonic() + THINK_S[0] < stop_at:
        await asyncio.sleep(rng.uniform(*THINK_S))
        try:
            stats.ok(name, await job.act(s, i), s)
        except Exception as exc:  # noqa: BLE001
            stats.error(name, f"{type(exc).__name__}: {exc}")
        i += 1


async def load_test(url: str, pid: int, n: int, duration_s: float) -> dict:
    stats = Stats()
    # Session 0 visits every lesson first, so the model and the per-process caches are in
    # memory before the one-session baseline.
    warm = Stats()
    first = await open_session(url, INTERACTIONS[0], warm, 0)
    if first is None:
        raise RuntimeError(f"the first session failed: {warm.messages}")
    for job in INTERACTIONS[1:]:
        await first.switch_page(job.page)
        await job.act(first, 0)
    await first.switch_page(INTERACTIONS[0].page)
    rss_one = await settled_rss(pid)

    jobs = [INTERACTIONS[i % len(INTERACTIONS)] for i in range(n)]
    t, cpu = time.monotonic(), cpu_s(pid)
    others = await asyncio.gather(*(open_session(url, jobs[i], stats, i) for i in range(1, n)))
    open_all_s, open_cpu_s = time.monotonic() - t, cpu_s(pid) - cpu
    sessions = [(first, jobs[0])] + [(s, j) for s, j in zip(others, jobs[1:], strict=True) if s]
    rss_all = await settled_rss(pid)

    stop_at, cpu, done = time.monotonic() + duration_s, cpu_s(pid), stats.count()
    await asyncio.gather(*(use(s, j, stop_at, stats, k) for k, (s, j) in enumerate(sessions)))
    use_cpu_s, actions = cpu_s(pid) - cpu, stats.count() - done
    rss_end = await settled_rss(pid)
    for s, _ in sessions:
        with contextlib.suppress(Exception):
            await s.close()
    per_session = (rss_all - rss_one) / max(n - 1, 1)
    return {
        "sessions_open": len(sessions),
        "open_all_s": round(open_all_s, 1),
        "server_cpu_s_per_open": round(open_cpu_s / max(n - 1, 1), 3),
        "server_cpu_s_per_action": round(use_cpu_s / max(actions, 1), 3),
        "server_cpu_busy": round(use_cpu_s / duration_s, 2),  # cores kept busy, on average
        "interactions": stats.report(duration_s),
        "error_messages": stats.messages,
        "server_rss_mb": {"1_session": rss_one, f"{n}_sessions": rss_all, "end": rss_end},
        "rss_per_added_session_mb": round(per_session, 1),
        "rss_per_added_session_end_mb": round((rss_end - rss_one) / max(n - 1, 1), 1),
        "goal_mb_per_session": GOAL_MB_PER_SESSION,
    }


def run(sessions: int = SESSIONS, duration_s: float = DURATION_S) -> dict:
    log = Path(tempfile.mkdtemp(prefix="glassbox-load-")) / "server.log"
    before = os.getloadavg()
    with serve_app_process(log) as served:
        report = run_coroutine(load_test(served.url, served.proc.pid, sessions, duration_s))
    text = log.read_text(errors="replace")
    return {
        "sessions": sessions,
        "duration_s": duration_s,
        "think_s": list(THINK_S),
        "load_average_before": [round(x, 2) for x in before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        **report,
        "server_log_tracebacks": text.count("Traceback"),
        "server_log": str(log),
        "latency_is": "request sent → script_finished received, over the websocket",
        "note": f"client and server share the machine ({os.cpu_count()} cores)",
    }


if __name__ == "__main__":
    import json
    import sys

    n = int(sys.argv[1]) if len(sys.argv) > 1 else SESSIONS
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else DURATION_S
    print(json.dumps(run(n, seconds), indent=2))
