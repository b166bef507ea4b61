"""Every page in every language in a real headless Chromium: renders, no exception, no console error.

Run with ``pytest -m browser tests/test_browser.py``. Screenshots land in
``test-output/screenshots/<page>-<lang>.png`` (gitignored) for a human to look at.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.i18n import LANGUAGES, text_for

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
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
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Opened at /<page>, Streamlit's frontend first probes /<page>/_stcore/{health,host-config}
# for a base path (404), then uses the root. Those two expected 404s are not errors of ours.
BASE_PATH_PROBES = ("/_stcore/health", "/_stcore/host-config")

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``streamlit run app/main.py`` on a free port; killed at teardown whatever happens."""
    port = free_port()
    log = (tmp_path_factory.mktemp("streamlit") / "server.log").open("w")
    cmd = [sys.executable, "-m", "streamlit", "run", "app/main.py", "--server.headless", "true"]
    cmd += ["--server.port", str(port), "--browser.gatherUsageStats", "false"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit did not start; see {log.name}") from None
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
@pytest.mark.parametrize("page_name", PAGES)
def test_page_renders_in_browser(server: str, browser, page_name: str, lang: str) -> None:
    heading = text_for(lang, "home.heading" if page_name == "home" else f"page.{page_name}.title")
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    errors: list[str] = []

    def on_console(message) -> None:
        url = message.location.get("url", "")
        probe = PAGES[page_name] and url.split("?")[0].endswith(BASE_PATH_PROBES)
        if message.type == "error" and not probe:
            errors.append(f"{message.text} ({url})")

    page.on("console", on_console)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{server}/{PAGES[page_name]}?lang={lang}", wait_until="domcontentloaded")
        page.locator('[data-testid="stSidebar"]').wait_for(timeout=60_000)
        page.get_by_role("heading", name=heading, exact=True).wait_for(timeout=60_000)
        page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(
            timeout=60_000
        )
        page.wait_for_timeout(300)  # let the last deltas paint
        assert page.locator('[data-testid="stException"]').count() == 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        # The main area scrolls inside its own container: grow the window to show all of it.
        height = page.evaluate(
            "Math.max(...['stMain', 'stSidebarContent'].map("
            "id => document.querySelector(`[data-testid=${id}]`)?.scrollHeight ?? 0))"
        )
        page.set_viewport_size({"width": 1440, "height": max(900, int(height))})
        page.wait_for_timeout(300)
        page.screenshot(path=str(SCREENSHOTS / f"{page_name}-{lang}.png"), full_page=True)
        assert not errors, f"console errors on {page_name} ({lang}): {errors}"
    finally:
        context.close()


def test_home_links_open_their_pages(server: str, browser) -> None:
    page = browser.new_page()
    try:
        page.goto(f"{server}/?lang=de")
        link = page.locator('[data-testid="stPageLink"] a').first
        link.wait_for(timeout=60_000)
        link.click()
        heading = text_for("de", "page.tokenization.title")
        page.get_by_role("heading", name=heading, exact=True).wait_for(timeout=30_000)
        assert page.url.split("?")[0].endswith("/tokenization")
    finally:
        page.close()


def test_language_switch_changes_the_text(server: str, browser) -> None:
    page = browser.new_page()
    try:
        page.goto(f"{server}/pretraining")
        page.get_by_role("heading", name=text_for("en", "page.pretraining.title")).wait_for()
        page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
        page.get_by_role("option", name=LANGUAGES["ja"]).click()
        page.get_by_role("heading", name=text_for("ja", "page.pretraining.title")).wait_for()
        assert page.url.endswith("lang=ja")
    finally:
        page.close()
