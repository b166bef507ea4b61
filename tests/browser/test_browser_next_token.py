"""The next-token page in a real headless Chromium: type, click a candidate, sample, the text grows;
the same step by step by keyboard alone.

Run with ``pytest -m browser tests/test_browser_next_token.py``; screenshots land in
``test-output/screenshots/next_token-*.png``.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.i18n import text_for
from tests.support.browser import PAGES, rerun, screenshot, wait_until_idle

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
    with rerun(page):
        page.locator(f'.st-key-{key} [data-testid^="stBaseButton"]').first.click()


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


# The widget key of the button that has the keyboard focus, or None.
FOCUSED_BUTTON = """() => {
    const el = document.activeElement;
    if (!el || el.tagName !== 'BUTTON' || !el.closest('[data-testid="stButton"]')) return null;
    const box = el.closest('[class*="st-key-"]');
    return box ? [...box.classList].find(c => c.startsWith('st-key-')).slice(7) : null;
}"""


def _tab_to(page, key: str, back: bool = False, max_presses: int = 60) -> None:
    """Press Tab (Shift+Tab with ``back``) until the button with widget key ``key`` has focus."""
    for _ in range(max_presses):
        if page.evaluate(FOCUSED_BUTTON) == key:
            return
        page.keyboard.press("Shift+Tab" if back else "Tab")
    raise AssertionError(f"{key} cannot be reached by {'Shift+' if back else ''}Tab")


def _press(page, key: str) -> None:
    with rerun(page):
        page.keyboard.press(key)


def test_step_by_step_writing_by_keyboard_alone(server: str, browser) -> None:
    """Tab to the prompt and type, Tab to Sample and press Enter, then Space; Tab on to a
    candidate; Shift+Tab back to Undo. The focus stays put across each rerun."""
    context, page = _open(browser, server, "en")
    try:
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        prompt = page.locator(".st-key-nt_prompt textarea")
        for _ in range(60):  # from the top of the page to the prompt
            if prompt.evaluate("el => el === document.activeElement"):
                break
            page.keyboard.press("Tab")
        else:
            raise AssertionError("the prompt cannot be reached by Tab")
        page.keyboard.press("Control+A")
        page.keyboard.type("Once upon a time, a cat")
        _press(page, "Control+Enter")
        text = page.locator(TEXT).first
        expect(text).to_have_text("Once upon a time, a cat")
        lengths = [len(text.inner_text())]

        _tab_to(page, "nt_sample")
        for key in ("Enter", "Space"):  # a button answers both
            _press(page, key)
            assert page.evaluate(FOCUSED_BUTTON) == "nt_sample"  # still there for the next press
            lengths.append(len(page.locator(TEXT).first.inner_text()))
        _tab_to(page, "nt_cand_0")
        _press(page, "Enter")
        lengths.append(len(page.locator(TEXT).first.inner_text()))
        assert lengths == sorted(lengths) and lengths[-1] > lengths[0], lengths
        assert len(set(lengths)) >= 3, lengths  # sampled tokens may be one character long

        _tab_to(page, "nt_undo", back=True)
        _press(page, "Enter")
        assert len(page.locator(TEXT).first.inner_text()) < lengths[-1]
        assert page.locator('[data-testid="stException"]').count() == 0
        assert not errors, errors
    finally:
        context.close()
