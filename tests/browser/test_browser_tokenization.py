"""The tokenization page in a real headless Chromium: typing, chips, the BPE stepper, no XSS.

Run with ``pytest -m browser tests/test_browser_tokenization.py``; screenshots land in
``test-output/screenshots/tokenization-*.png``.
"""

from __future__ import annotations

import time

import pytest

from app.i18n import text_for
from tests.support.browser import screenshot, wait_until_idle

XSS = "<script>alert(1)</script>"


def open_page(browser, server: str, lang: str):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{server}/tokenization?lang={lang}", wait_until="domcontentloaded")
    heading = text_for(lang, "page.tokenization.title")
    page.get_by_role("heading", name=heading, exact=True).wait_for(timeout=60_000)
    wait_until_idle(page)
    page.locator(".gb-t").first.wait_for(timeout=30_000)
    return context, page, dialogs


def type_text(page, label: str, text: str) -> float:
    """Replace a text area's content, commit it (Ctrl+Enter) and wait until the first row of
    chips spells the new text's start; returns the seconds from commit to painted chips."""
    box = page.get_by_label(label, exact=True)
    box.fill(text)
    start = time.perf_counter()
    box.press("Control+Enter")
    page.wait_for_function(
        """prefix => {
            const row = document.querySelector('.gb-row');
            return row && row.innerText.replace(/[\\s·↵]+/g, '').startsWith(prefix);
        }""",
        arg="".join(text[:12].split()),
        timeout=30_000,
    )
    elapsed = time.perf_counter() - start
    wait_until_idle(page)
    return elapsed


def test_typing_xss_draws_chips_and_runs_nothing(server: str, browser) -> None:
    context, page, dialogs = open_page(browser, server, "en")
    try:
        type_text(page, text_for("en", "tokenization.input_label"), XSS)
        chips = page.locator(".gb-row").first.locator(".gb-t").all_inner_texts()
        assert "".join(chips) == XSS  # drawn as text, every character accounted for
        assert page.locator("script", has_text="alert(1)").count() == 0
        assert page.locator('[data-testid="stException"]').count() == 0
        assert not dialogs, dialogs
        screenshot(page, "tokenization-xss-en")
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_bpe_stepper_steps(server: str, browser, lang: str) -> None:
    context, page, dialogs = open_page(browser, server, lang)
    try:
        step = page.get_by_role("button", name=text_for(lang, "tokenization.step_next"))
        merge = text_for(lang, "tokenization.step_info").split("{k}")[0]
        for k in (1, 2):  # one click, one merge: wait for each before the next click
            step.click()
            page.get_by_text(f"{merge}{k}", exact=False).first.wait_for(timeout=15_000)
        page.get_by_role("button", name=text_for(lang, "tokenization.play")).click()
        page.get_by_text(f"{merge}4", exact=False).first.wait_for(timeout=15_000)  # plays on
        page.get_by_role("button", name=text_for(lang, "tokenization.pause")).click()
        wait_until_idle(page)
        assert page.locator('[data-testid="stException"]').count() == 0
        assert not dialogs, dialogs
        screenshot(page, f"tokenization-stepper-{lang}")
    finally:
        context.close()


def test_an_edit_of_2000_chars_redraws_every_tokenizer(server: str, browser) -> None:
    """Edit → rerun → chips repainted (its speed is measured by bench/tokenization.py)."""
    context, page, _ = open_page(browser, server, "en")
    label = text_for("en", "tokenization.input_label")
    base = ("The little cat found a red ball. Die Katze fand einen Ball. 猫が見つけた。 " * 40)[
        :2000
    ]
    try:
        for i in range(2):
            type_text(page, label, f"{i} {base}"[:2000])
        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.locator(".gb-row").count() >= 4  # one row of chips per tokenizer
    finally:
        context.close()


def test_own_sentence_adds_its_cost_bars_drawn_as_text(server: str, browser) -> None:
    context, page, dialogs = open_page(browser, server, "de")
    try:
        groups = page.locator(".gb-cost .gb-cost-group")
        assert groups.count() == 3  # en, de, ja
        box = page.get_by_label(text_for("de", "tokenization.own_label"), exact=True)
        box.fill('<img src=x onerror="alert(1)"> Grüße')
        box.press("Enter")
        groups.nth(3).wait_for(timeout=30_000)
        wait_until_idle(page)
        own = groups.nth(3)
        assert own.locator(".gb-cost-text").inner_text() == text_for("de", "tokenization.own_name")
        assert own.locator(".gb-cost-bar").count() == 4  # one bar per tokenizer
        assert page.locator(".gb-cost img").count() == 0 and not dialogs
        assert page.locator('[data-testid="stException"]').count() == 0
        screenshot(page, "tokenization-cost-de")
    finally:
        context.close()
