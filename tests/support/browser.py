"""Shared real-browser test support: one Streamlit server and one Chromium per test session.

Browser test files use the ``server`` (base URL) and ``browser`` fixtures registered in
``tests/conftest.py``, ``wait_until_idle`` after an action and ``screenshot`` to keep the
page as a test artefact. Never ``playwright install``: we drive Debian's /usr/bin/chromium.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

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


class Runs:
    """Counts the script runs (full and fragment) the server has reported finished to one page,
    read off its websocket: every run ends with a ``script_finished`` message."""

    def __init__(self) -> None:
        self.finished = 0

    def attach(self, ws: Any) -> None:
        ws.on("framereceived", self._frame)

    def _frame(self, payload: str | bytes) -> None:
        if isinstance(payload, bytes):
            msg = ForwardMsg.FromString(payload)
            if msg.WhichOneof("type") == "script_finished":
                self.finished += 1


_RUNS: weakref.WeakKeyDictionary[Any, Runs] = weakref.WeakKeyDictionary()


def _tracked(page: Any) -> Any:
    runs = Runs()
    page.on("websocket", runs.attach)
    _RUNS[page] = runs
    return page


class _Context:
    """A browser context whose pages count their script runs (see ``rerun``)."""

    def __init__(self, context: Any) -> None:
        self._context = context

    def new_page(self, **kw: Any) -> Any:
        return _tracked(self._context.new_page(**kw))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)


class _Browser:
    """Playwright's browser, but every page it opens counts its script runs (``rerun``)."""

    def __init__(self, browser: Any) -> None:
        self._browser = browser

    def new_context(self, **kw: Any) -> _Context:
        return _Context(self._browser.new_context(**kw))

    def new_page(self, **kw: Any) -> Any:
        return _tracked(self._browser.new_page(**kw))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._browser, name)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield _Browser(b)
        b.close()


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
    """Around an action that reruns the script or a fragment: after it, wait until the server
    has reported that run finished (its ``script_finished`` message reached the page) and the
    page has painted it, however long it takes (up to ``timeout_ms``). The page must come from
    the ``browser`` fixture, which counts every page's runs.

    >>> with rerun(page):  # doctest: +SKIP
    ...     page.keyboard.press("Enter")
    """
    runs = _RUNS[page]
    before = runs.finished
    yield
    deadline = time.monotonic() + timeout_ms / 1000
    while runs.finished <= before:  # the counter moves while Playwright handles events
        if time.monotonic() > deadline:
            raise TimeoutError(f"no script run finished within {timeout_ms} ms of the action")
        page.wait_for_timeout(20)
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


def open_page(browser, server: str, page_name: str, lang: str = "en", query: str = ""):
    """A new 1440×900 browser context on ``page_name`` in ``lang`` (``query``: more URL
    parameters, starting with ``&``), waited for until its heading shows and its runs are
    over. Returns (context, page); close the context when done."""
    from app.i18n import text_for

    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(f"{server}/{PAGES[page_name]}?lang={lang}{query}", wait_until="domcontentloaded")
    heading = text_for(lang, "home.heading" if page_name == "home" else f"page.{page_name}.title")
    page.get_by_role("heading", name=heading, exact=True).wait_for(timeout=90_000)
    wait_until_idle(page, 120_000)
    return context, page
