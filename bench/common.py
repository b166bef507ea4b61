"""What every benchmark (and the browser tests) share: timing, and serving the app locally."""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def median_ms(fn: Callable[[], object], repeat: int = 20) -> float:
    """Median wall time of ``fn()`` in milliseconds, after one warm-up call."""
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return round(statistics.median(times), 2)


def quantile(xs: list[float], q: float) -> float:
    """The ``q`` quantile (0 < q < 1) of ``xs``, rounded to 0.1.

    >>> quantile([1.0, 2.0, 3.0, 4.0, 5.0], 0.5)
    3.0
    """
    return round(statistics.quantiles(xs, n=100, method="inclusive")[round(q * 100) - 1], 1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Served:
    """A running ``streamlit run``: its base URL, its process, and when that process started."""

    url: str
    proc: subprocess.Popen
    started: float  # time.monotonic() just before the process was spawned


@contextmanager
def serve_app_process(
    log_path: Path | None = None, timeout_s: float = 90, poll_s: float = 0.3
) -> Iterator[Served]:
    """``streamlit run app/main.py`` on a free loopback port, yielded once its health check
    answers (asked every ``poll_s`` seconds); always stopped on the way out."""
    port = free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", "app/main.py", "--server.headless", "true"]
    cmd += ["--server.port", str(port), "--server.address", "127.0.0.1"]
    cmd += ["--browser.gatherUsageStats", "false"]
    log = log_path.open("w") if log_path else subprocess.DEVNULL
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit did not start (log: {log_path})") from None
                time.sleep(poll_s)
        yield Served(url, proc, started)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if log_path:
            log.close()


@contextmanager
def throwaway_database(folder: Path) -> Iterator[str]:
    """A fresh SQLite rankings database in ``folder``: its URL is yielded and set as
    ``GLASSBOX_DB_URL`` (which a server started meanwhile inherits), then restored."""
    url = f"sqlite:///{folder / 'rankings.sqlite'}"
    old = os.environ.get("GLASSBOX_DB_URL")
    os.environ["GLASSBOX_DB_URL"] = url
    try:
        yield url
    finally:
        if old is None:
            os.environ.pop("GLASSBOX_DB_URL", None)
        else:
            os.environ["GLASSBOX_DB_URL"] = old


@contextmanager
def serve_app(log_path: Path | None = None, timeout_s: float = 90) -> Iterator[str]:
    """``streamlit run app/main.py`` on a free loopback port; yields its base URL; always stops it."""
    with serve_app_process(log_path, timeout_s) as served:
        yield served.url


def wait_idle(page, timeout_ms: int = 120_000) -> None:
    """Wait until the Streamlit script has finished running in ``page``."""
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(
        timeout=timeout_ms
    )


def time_edits(
    url: str, label: str, texts: list[str], redrawn_js: str, arg_of: Callable[[str], object]
) -> list[float]:
    """Milliseconds from committing each text in the field ``label`` to the redraw.

    Opens ``url`` in headless Chromium; for each text fills the field, presses Ctrl+Enter
    and waits until ``redrawn_js`` (a JS function of one argument, ``arg_of(text)``) is true.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(url)
        box = page.get_by_label(label, exact=True)
        box.wait_for(timeout=120_000)
        wait_idle(page)
        times = []
        for text in texts:
            box.fill(text)
            t = time.perf_counter()
            box.press("Control+Enter")
            page.wait_for_function(redrawn_js, arg=arg_of(text), polling="raf", timeout=60_000)
            times.append((time.perf_counter() - t) * 1000)
            wait_idle(page)
            page.wait_for_timeout(200)
        browser.close()
    return times


def edit_redraw_figures(
    path: str,
    label: str,
    texts: list[str],
    redrawn_js: str,
    arg_of: Callable[[str], object],
    name: str,
) -> dict:
    """Serve the app, time ``texts`` edited into ``label`` on page ``path``; p50/p95 as ``name``."""
    if not CHROMIUM.exists():
        return {"browser": f"skipped: {CHROMIUM} missing"}
    with serve_app() as url:
        times = time_edits(f"{url}{path}", label, texts, redrawn_js, arg_of)
    return {
        f"{name}_ms_p50": quantile(times, 0.5),
        f"{name}_ms_p95": quantile(times, 0.95),
        "edits": len(texts),
    }


def run_coroutine(coro):  # noqa: ANN001, ANN201 - any coroutine, its result
    """``asyncio.run(coro)``, also where this thread already runs an event loop (Playwright's
    sync API does, in the test session): then in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()
