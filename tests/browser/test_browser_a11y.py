"""Accessibility in a real headless Chromium: axe-core finds no serious or critical violation.

axe-core (``tests/axe_support.py``) is injected into each page by the test. Every page is
checked in English, one in Japanese, and two states that only appear after an action: a ranking
being edited (icon-only buttons) and a chart's data table opened by keyboard. The pre-training
page after a run (charts, tables, samples) is checked by ``test_browser_training.py``.

Streamlit's own markup that we cannot change is listed in ``axe_support.STREAMLIT_OWN`` (rule,
the element it sits in, and why); anything else fails the test with rule id, impact and
selectors. About 80 s on 2 cores.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.i18n import text_for
from tests.support.axe import axe_violations, report
from tests.support.browser import PAGES, open_page, rerun


@pytest.mark.parametrize(
    ("page_name", "lang"), [(name, "en") for name in PAGES] + [("next_token", "ja")]
)
def test_page_has_no_serious_axe_violation(server: str, browser, page_name: str, lang: str):
    context, page = open_page(browser, server, page_name, lang)
    try:
        violations = axe_violations(page)
        assert not violations, f"{page_name} ({lang}):\n{report(violations)}"
    finally:
        context.close()


def test_ranking_rows_name_their_icon_buttons(server: str, browser) -> None:
    """Ranked rows have icon-only buttons (move up/down, tie, remove): each is named for a
    screen reader by its label, which only sighted users do without."""
    context, page = open_page(browser, server, "rlhf", "en")
    try:
        for i in (0, 1):  # rank two responses, by keyboard
            page.locator(f'.st-key-rl_pick_{i} [data-testid^="stBaseButton"]').first.focus()
            with rerun(page):
                page.keyboard.press("Enter")
        for key in ("rlhf.move_up", "rlhf.move_down", "rlhf.tie_with_above", "rlhf.remove"):
            expect(
                page.get_by_role("button", name=text_for("en", key), exact=True)
            ).not_to_have_count(0)
        label = page.locator('.st-key-rl_up_0 [data-testid="stMarkdownContainer"]').first
        assert label.bounding_box()["width"] <= 1  # hidden from sight, not from readers
        violations = axe_violations(page)
        assert not violations, report(violations)
    finally:
        context.close()


def test_chart_data_table_opens_by_keyboard(server: str, browser) -> None:
    context, page = open_page(browser, server, "next_token", "en")
    try:
        name = text_for("en", "a11y.table_of", name=text_for("en", "next_token.chart_alt"))
        summary = page.locator("summary", has_text=name)
        summary.focus()
        with rerun(page):  # the table is built by the rerun that opening the expander starts
            page.keyboard.press("Enter")
        table = page.locator('[data-testid="stExpander"]', has=summary).locator(
            '[data-testid="stDataFrame"]'
        )
        expect(table).to_be_visible()
        violations = axe_violations(page)
        assert not violations, report(violations)
    finally:
        context.close()
