"""Shared real-browser test support: one Streamlit server and one Chromium per test session.

Browser test files use the ``server`` (base URL) and ``browser`` fixtures registered in
``tests/conftest.py``, ``wait_until_idle`` after an action and ``screenshot`` to keep the
page as a test artefact. Never ``playwright install``: we drive Debian's /usr/bin/chromium.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bench.common import CHROMIUM, CHROMIUM_ARGS, ROOT, serve_app, wait_idle

SCREENSHOTS = ROOT / "test-output" / "screenshots"
PAGES = {  # page → url path (home is the root URL)
    "home": "",
    "tokenization": "tokenization",
    "transformer": "transformer",
    "next_token": "next-token",
    "pretraining": "pretraining",
    "finetuning": "finetuning",
    "rlhf": "rlhf",
}
# Opened at /<page>, Streamlit's frontend first probes /<page>/_stcore/{health,host-config}
# for a base path (404), then uses the root. Those two expected 404s are not errors of ours.
BASE_PATH_PROBES = ("/_stcore/health", "/_stcore/host-config")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app served on a free port for the whole session; stopped at teardown whatever happens.

    Its rankings database is a fresh SQLite file (the server inherits ``GLASSBOX_DB_URL``).
    """
    folder = tmp_path_factory.mktemp("streamlit")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GLASSBOX_DB_URL", f"sqlite:///{folder / 'rankings.sqlite'}")
        with serve_app(folder / "server.log") as url:
            yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


# Counts the script runs the page has finished (the app's script state leaving "running"):
# a MutationObserver sees every change of the attribute, however short the run.
COUNT_RUNS_JS = """() => {
  if (window.__gbRuns === undefined) {
    window.__gbRuns = 0;
    const app = document.querySelector('[data-testid="stApp"]');
    let last = app.getAttribute('data-test-script-state');
    new MutationObserver(() => {
      const now = app.getAttribute('data-test-script-state');
      if (last === 'running' && now !== 'running') window.__gbRuns += 1;
      last = now;
    }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
  }
  return window.__gbRuns;
}"""
NEXT_PAINT_JS = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def painted(page) -> None:
    """Wait until the browser has painted what it has (two animation frames)."""
    page.evaluate(NEXT_PAINT_JS)


def wait_until_idle(page, timeout_ms: int = 60_000) -> None:
    """Wait until Streamlit has finished running the script and the last deltas are painted."""
    wait_idle(page, timeout_ms)
    painted(page)


@contextmanager
def rerun(page, timeout_ms: int = 60_000) -> Iterator[None]:
    """Around an action that reruns the script (or a fragment): after it, wait until that run
    has finished and been painted, however long it takes (up to ``timeout_ms``).

    >>> with rerun(page):  # doctest: +SKIP
    ...     page.keyboard.press("Enter")
    """
    before = page.evaluate(COUNT_RUNS_JS)
    yield
    page.wait_for_function(f"() => window.__gbRuns > {before}", timeout=timeout_ms)
    wait_until_idle(page, timeout_ms)


def collect_errors(page, ignore_probes: bool = True) -> list[str]:
    """A list that fills with ``page``'s console errors and uncaught exceptions from now on;
    with ``ignore_probes``, without the expected base-path probes of a page opened at /<page>."""
    errors: list[str] = []

    def on_console(message) -> None:
        url = message.location.get("url", "")
        probe = ignore_probes and url.split("?")[0].endswith(BASE_PATH_PROBES)
        if message.type == "error" and not probe:
            errors.append(f"console: {message.text} ({url})")

    page.on("console", on_console)
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    return errors


def screenshot(page, name: str) -> Path:
    """A full-page screenshot under test-output/screenshots/ (the main area scrolls inside itself)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    height = page.evaluate(
        "Math.max(...['stMain', 'stSidebarContent'].map("
        "id => document.querySelector(`[data-testid=${id}]`)?.scrollHeight ?? 0))"
    )
    page.set_viewport_size({"width": 1440, "height": max(900, int(height))})
    painted(page)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
