"""Every page in every language in a real headless Chromium: renders, no exception, no console error.

Run with ``pytest -m browser tests/test_browser.py``. Screenshots land in
``test-output/screenshots/<page>-<lang>.png`` (gitignored) for a human to look at.
"""

from __future__ import annotations

import pytest

from app.i18n import LANG_KEY, LANGUAGES, text_for
from tests.support.browser import PAGES, collect_errors, screenshot, wait_until_idle


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
@pytest.mark.parametrize("page_name", PAGES)
def test_page_renders_in_browser(server: str, browser, page_name: str, lang: str) -> None:
    heading = text_for(lang, "home.heading" if page_name == "home" else f"page.{page_name}.title")
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    errors = collect_errors(page, ignore_probes=bool(PAGES[page_name]))  # home has no probes
    try:
        page.goto(f"{server}/{PAGES[page_name]}?lang={lang}", wait_until="domcontentloaded")
        page.locator('[data-testid="stSidebar"]').wait_for(timeout=60_000)
        page.get_by_role("heading", name=heading, exact=True).wait_for(timeout=60_000)
        wait_until_idle(page)
        assert page.locator('[data-testid="stException"]').count() == 0
        screenshot(page, f"{page_name}-{lang}")
        assert not errors, f"console errors on {page_name} ({lang}): {errors}"
    finally:
        context.close()


def test_home_links_open_their_pages(server: str, browser) -> None:
    """Each stage card's link opens its page (in the language the home page was in).

    The link is picked by its target, not by its place: while home is first drawn, a later
    card's link can be the first in the page for a frame, and a click there opens that page.
    """
    page = browser.new_page()
    try:
        for name, path in PAGES.items():
            if name == "home":
                continue
            page.goto(f"{server}/?lang=de")
            link = page.locator(f'[data-testid="stPageLink"] a[href$="{path}"]')
            link.wait_for(timeout=60_000)
            link.click()
            heading = text_for("de", f"page.{name}.title")
            page.get_by_role("heading", name=heading, exact=True).wait_for(timeout=30_000)
            assert page.url.split("?")[0].endswith(f"/{path}")
    finally:
        page.close()


def test_language_switch_changes_the_text(server: str, browser) -> None:
    page = browser.new_page()
    try:
        page.goto(f"{server}/pretraining")
        page.get_by_role("heading", name=text_for("en", "page.pretraining.title")).wait_for()
        page.locator(f'.st-key-{LANG_KEY} [data-testid="stSelectbox"]').click()  # by key, not place
        page.get_by_role("option", name=LANGUAGES["ja"]).click()
        page.get_by_role("heading", name=text_for("ja", "page.pretraining.title")).wait_for()
        assert "lang=ja" in page.url.split("?", 1)[1].split("&")  # the page adds its own values
    finally:
        page.close()
