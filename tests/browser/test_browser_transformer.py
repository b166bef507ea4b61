"""The transformer page in a real headless Chromium: type a sentence, see attention, go random.

Run with ``pytest -m browser tests/test_browser_transformer.py``; screenshots land in
``test-output/screenshots/transformer-*.png``.
"""

from __future__ import annotations

import pytest

from app.i18n import text_for
from tests.support.browser import screenshot, wait_until_idle

HEATMAP = ".gb-heat"  # one head, drawn as an HTML grid
PLOTLY = '[data-testid="stPlotlyChart"] .js-plotly-plot'


def open_transformer(browser, server: str, lang: str):
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto(f"{server}/transformer?lang={lang}", wait_until="domcontentloaded")
    page.get_by_role("heading", name=text_for(lang, "page.transformer.title"), exact=True).wait_for(
        timeout=90_000
    )
    wait_until_idle(page, timeout_ms=120_000)
    return page


def no_exception(page) -> bool:
    return page.locator('[data-testid="stException"]').count() == 0


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_sentence_heatmap_and_random_init(server: str, browser, lang: str) -> None:
    page = open_transformer(browser, server, lang)
    try:
        page.locator(HEATMAP).first.wait_for(timeout=30_000)
        assert no_exception(page)
        screenshot(page, f"transformer-{lang}")

        box = page.get_by_label(text_for(lang, "transformer.input"))
        sentence = "Mia has a red ball. She throws it to Tom. <script>alert(1)</script> 🐈"
        box.fill(sentence)
        box.press("Control+Enter")
        wait_until_idle(page)
        assert no_exception(page)
        heat = page.locator(HEATMAP).first
        heat.wait_for(timeout=30_000)
        assert "<script>alert(1)</script>" not in page.content()  # shown, never run
        assert heat.locator(".k").count() > 10  # a key label per token (and the axis name)
        assert heat.locator("b").count() > 0  # the causal mask: grey cells above the diagonal

        page.get_by_text(text_for(lang, "transformer.random_toggle")).click()
        wait_until_idle(page, timeout_ms=120_000)
        page.locator(HEATMAP).first.wait_for(timeout=30_000)
        assert no_exception(page)
        screenshot(page, f"transformer-{lang}-random")
    finally:
        page.close()


def test_grid_view_draws_every_head(server: str, browser) -> None:
    page = open_transformer(browser, server, "en")
    try:
        page.get_by_text(text_for("en", "transformer.view.grid"), exact=True).click()
        wait_until_idle(page)
        grid = page.locator(PLOTLY).first
        grid.wait_for(timeout=30_000)
        assert grid.locator(".heatmaplayer image, .hm image").count() >= 1
        assert no_exception(page)
        screenshot(page, "transformer-grid")
        # Click the tile of layer 2, head 3 (subplot 6 * 1 + 3 = 9): it opens large.
        grid.locator('.nsewdrag[data-subplot="x9y9"]').click()
        title = text_for("en", "transformer.heat_title", layer=2, head=3)
        page.get_by_text(title, exact=True).wait_for(timeout=30_000)
        page.locator(HEATMAP).first.wait_for(timeout=30_000)
        wait_until_idle(page)
        page.get_by_text(text_for("en", "transformer.view.lines"), exact=True).click()
        wait_until_idle(page)
        assert no_exception(page)
        screenshot(page, "transformer-lines")
    finally:
        page.close()


UNNAMED_CONTROLS = """() => {
    // Controls in the page body with no accessible name (icon glyphs are aria-hidden).
    const sel = 'button, a[href], input, select, textarea, summary, [role=button], [role=radio],'
        + ' [role=combobox], [role=slider], [role=switch], [tabindex]:not([tabindex="-1"])';
    return [...document.querySelectorAll('[data-testid="stMain"] :is(' + sel + ')')].filter(e => {
        const text = e.cloneNode(true);
        text.querySelectorAll('[aria-hidden="true"]').forEach(x => x.remove());
        const by = (e.getAttribute('aria-labelledby') || '').split(' ').filter(Boolean);
        return !(e.getAttribute('aria-label') || text.textContent.trim() || e.title
            || (e.labels && e.labels.length) || by.some(id => document.getElementById(id)));
    }).map(e => e.outerHTML.slice(0, 120));
}"""


def test_every_control_is_named_and_each_chart_opens_as_a_table(server: str, browser) -> None:
    page = open_transformer(browser, server, "en")
    try:
        for view in ("grid", "lines", "heatmap"):
            assert page.evaluate(UNNAMED_CONTROLS) == [], view
            page.get_by_text(text_for("en", f"transformer.view.{view}"), exact=True).click()
            wait_until_idle(page)
        heat = page.locator(HEATMAP).first
        assert heat.get_attribute("role") == "img"  # one picture for a screen reader, named:
        assert text_for("en", "transformer.heat_title", layer=1, head=1) in heat.get_attribute(
            "aria-label"
        )
        prefix = text_for("en", "a11y.table_of", name="")
        tables = page.locator('[data-testid="stExpander"]').filter(has_text=prefix)
        assert tables.count() == 5  # attention, head roles, word map, positions, block
        assert page.locator('[data-testid="stDataFrame"]').count() == 0  # built when opened
        tables.first.locator("summary").click()
        tables.first.locator('[data-testid="stDataFrame"]').wait_for(timeout=30_000)
        wait_until_idle(page)
        assert no_exception(page)
        screenshot(page, "transformer-table")
    finally:
        page.close()
