"""The next-token page in a real headless Chromium: type, click a candidate, sample, the text grows.

Run with ``pytest -m browser tests/test_browser_next_token.py``; screenshots land in
``test-output/screenshots/next_token-*.png``.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.i18n import text_for
from tests.browser_support import PAGES, screenshot, wait_until_idle

pytestmark = pytest.mark.browser

TEXT = '[data-testid="stMarkdownContainer"] div[style*="pre-wrap"]'  # the growing, coloured text


def _open(browser, server: str, lang: str):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(f"{server}/{PAGES['next_token']}?lang={lang}", wait_until="domcontentloaded")
    page.get_by_role("heading", name=text_for(lang, "page.next_token.title"), exact=True).wait_for(
        timeout=90_000
    )
    wait_until_idle(page, 90_000)
    return context, page


def _click(page, key: str) -> None:
    """Click the button with widget key ``key`` and wait until the rerun it starts has finished."""
    page.locator(f'.st-key-{key} [data-testid^="stBaseButton"]').first.click()
    try:  # a fast rerun may finish before we look; then there is nothing to wait for
        page.locator('[data-testid="stApp"][data-test-script-state="running"]').wait_for(
            timeout=1_500
        )
    except Exception:
        pass
    wait_until_idle(page)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_type_click_sample_undo(server: str, browser, lang: str) -> None:
    context, page = _open(browser, server, lang)
    try:
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        prompt = page.locator("textarea").first
        prompt.fill("<script>alert(1)</script> " + text_for(lang, "next_token.default_prompt"))
        prompt.press("Control+Enter")
        text = page.locator(TEXT).first
        # The rerun may not have started yet when we look: wait for its result, not for idle.
        expect(text).to_contain_text("<script>alert(1)</script>", timeout=30_000)  # shown as text
        wait_until_idle(page)
        start = len(text.inner_text())

        _click(page, "nt_cand_0")  # click the most likely candidate
        after_click = len(page.locator(TEXT).first.inner_text())
        assert after_click > start

        _click(page, "nt_sample")
        _click(page, "nt_greedy")
        grown = len(page.locator(TEXT).first.inner_text())
        assert grown >= after_click
        screenshot(page, f"next_token-writing-{lang}")

        _click(page, "nt_undo")
        assert len(page.locator(TEXT).first.inner_text()) <= grown

        _click(page, "nt_run_samples")
        page.get_by_text(text_for(lang, "next_token.sample_title", i=3, seed=2)).wait_for()
        _click(page, "nt_run_demo")
        page.get_by_text(text_for(lang, "next_token.in_data", share="")).first.wait_for()
        assert page.locator('[data-testid="stException"]').count() == 0
        assert not errors, errors
        screenshot(page, f"next_token-full-{lang}")
    finally:
        context.close()
