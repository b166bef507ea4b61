"""Accessibility in a real headless Chromium: axe-core finds no serious or critical violation.

axe-core comes from the npm registry (pinned in ``package.json``; ``make js-deps`` installs it
under ``node_modules/``) and is injected into each page by the test. Every page is checked in
English, one in Japanese, and two states that only appear after an action: a ranking being
edited (icon-only buttons) and a chart's data table opened by keyboard.

Streamlit's own markup that we cannot change is listed in ``STREAMLIT_OWN`` (rule, the element
it sits in, and why); anything else fails the test with rule id, impact and selectors.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.i18n import text_for
from bench.common import ROOT
from tests.browser_support import PAGES, wait_until_idle

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
# (axe rule, CSS selector of Streamlit's element the offending node sits in, why we keep it).
STREAMLIT_OWN: tuple[tuple[str, str, str], ...] = (
    # st.navigation with sections draws <ul><div><li>…</li></div>…</ul>: the section wrapper
    # <div> is not allowed directly in a <ul>, and its <li>s are not directly in the <ul>.
    # That markup is Streamlit's (1.67); our pages only pass it the list of pages.
    ("list", '[data-testid="stSidebarNavItems"]', "Streamlit's sectioned page navigation"),
    ("listitem", '[data-testid="stSidebarNavItems"]', "Streamlit's sectioned page navigation"),
)
RUN_AXE = """async ([blocking, known]) => {
    const result = await axe.run(document, {resultTypes: ['violations']});
    const ours = (rule, target) => {
        if (target.length !== 1) return true;  // inside an iframe or shadow root: keep it
        const el = document.querySelector(target[0]);
        return !known.some(([id, sel]) => id === rule && el && el.closest(sel));
    };
    return result.violations
        .filter(v => blocking.includes(v.impact))
        .map(v => ({id: v.id, impact: v.impact, help: v.help,
                    targets: v.nodes.map(n => n.target).filter(t => ours(v.id, t))}))
        .filter(v => v.targets.length);
}"""


def open_page(browser, server: str, page_name: str, lang: str):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(f"{server}/{PAGES[page_name]}?lang={lang}", wait_until="domcontentloaded")
    heading = text_for(lang, "home.heading" if page_name == "home" else f"page.{page_name}.title")
    page.get_by_role("heading", name=heading, exact=True).wait_for(timeout=90_000)
    wait_until_idle(page, 120_000)
    return context, page


def rerun_done(page) -> None:
    try:  # a fast rerun may finish before we look
        page.locator('[data-testid="stApp"][data-test-script-state="running"]').wait_for(
            timeout=1_500
        )
    except Exception:
        pass
    wait_until_idle(page)


def axe_violations(page) -> list[dict]:
    """Serious and critical axe violations on the whole page, Streamlit's own left out.

    The main area scrolls inside itself, and axe cannot judge the contrast of text outside the
    viewport: the viewport is made as tall as the page first, as for a screenshot.
    """
    if not AXE.is_file():
        pytest.skip(f"{AXE.relative_to(ROOT)} is missing: run `make js-deps`")
    height = page.evaluate(
        "Math.max(...['stMain', 'stSidebarContent'].map("
        "id => document.querySelector(`[data-testid=${id}]`)?.scrollHeight ?? 0))"
    )
    page.set_viewport_size({"width": 1440, "height": max(900, int(height))})
    page.wait_for_timeout(300)
    page.add_script_tag(path=str(AXE))
    known = [[rule, selector] for rule, selector, _ in STREAMLIT_OWN]
    return page.evaluate(RUN_AXE, [list(BLOCKING), known])


def report(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(map(str, v["targets"]))
        for v in violations
    )


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
            page.keyboard.press("Enter")
            rerun_done(page)
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
        page.keyboard.press("Enter")
        table = page.locator('[data-testid="stExpander"]', has=summary).locator(
            '[data-testid="stDataFrame"]'
        )
        expect(table).to_be_visible()
        violations = axe_violations(page)
        assert not violations, report(violations)
    finally:
        context.close()
