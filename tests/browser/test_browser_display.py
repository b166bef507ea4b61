"""What a student or a class sees, checked where it is drawn: in Chromium.

Navigation labels fit the sidebar in every language; German numbers use a decimal comma;
presenter view enlarges the charts' labels, not only the text; "open this head" scrolls up to
the heatmap; the BPE stepper stops with a word why; the cost chart shows the sentences it
compares; a ranking marked "all bad" can be sent without ordering every response.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app.i18n import LANGUAGES, text_for
from tests.support.browser import PAGES, open_page, rerun

# Font size of a chart's tick labels (px), the largest of the first chart on the page.
TICK_FONT_JS = """() => {
  const ticks = document.querySelectorAll('.js-plotly-plot .xtick text, .js-plotly-plot .ytick text');
  return Math.max(0, ...Array.from(ticks).map(t => parseFloat(t.style.fontSize || '0')));
}"""


def button(page, key: str):
    return page.locator(f'.st-key-{key} [data-testid^="stBaseButton"]').first


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_every_navigation_label_fits_the_sidebar(server: str, browser, lang: str) -> None:
    context, page = open_page(browser, server, "home", lang)
    try:
        links = page.locator('[data-testid="stSidebarNav"] a span')
        expect(links.first).to_be_visible()
        cut = page.evaluate(
            """() => Array.from(document.querySelectorAll('[data-testid="stSidebarNav"] a span'))
                 .filter(s => s.scrollWidth > s.clientWidth + 1).map(s => s.textContent)"""
        )
        assert cut == [], f"cut off in {lang}: {cut}"
        titles = [text_for(lang, f"page.{p}.title") for p in PAGES]
        shown = links.all_inner_texts()
        assert all(any(title == s.strip() for s in shown) for title in titles), shown
    finally:
        context.close()


def test_german_numbers_have_a_decimal_comma(server: str, browser) -> None:
    context, page = open_page(browser, server, "tokenization", "de")
    try:
        per_token = text_for("de", "tokenization.counts").split("{ratio}")[1].strip()
        caption = page.get_by_text(per_token).first
        expect(caption).to_be_visible()
        assert re.search(r"\d,\d\d " + re.escape(per_token), caption.inner_text()), caption
    finally:
        context.close()


def test_presenter_view_enlarges_the_charts_labels(server: str, browser) -> None:
    sizes = {}
    for presenter in ("0", "1"):
        context, page = open_page(browser, server, "next_token", query=f"&presenter={presenter}")
        try:
            page.locator(".js-plotly-plot .xtick text").first.wait_for(timeout=60_000)
            sizes[presenter] = page.evaluate(TICK_FONT_JS)
        finally:
            context.close()
    assert sizes["0"] >= 16 and sizes["1"] >= 1.3 * sizes["0"], sizes


def test_open_this_head_scrolls_up_to_the_heatmap(server: str, browser) -> None:
    context, page = open_page(browser, server, "transformer")
    try:
        open_button = button(page, "tf_open_previous")
        open_button.scroll_into_view_if_needed()
        anchor = page.locator("#gb-attention-top")
        assert not anchor.evaluate(
            "a => a.getBoundingClientRect().top >= 0 && a.getBoundingClientRect().top < innerHeight"
        )
        with rerun(page):
            open_button.click()
        page.wait_for_function(
            """() => { const r = document.getElementById('gb-attention-top').getBoundingClientRect();
                       return r.top >= -5 && r.top < innerHeight; }""",
            timeout=10_000,
        )
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        context.close()


def test_the_bpe_stepper_says_why_it_stops_and_does_not_offer_a_next_step(
    server: str, browser
) -> None:
    context, page = open_page(browser, server, "tokenization", "en", "&merges=300")
    try:
        stopped = text_for("en", "tokenization.bpe_stopped").split("{n}")[0]
        expect(page.get_by_text(stopped, exact=False)).to_be_visible()
        slider = page.locator('.st-key-tok_bpe_step input[type="range"]')
        last = slider.get_attribute("max")
        assert last is not None and 0 < int(last) < 300
        with rerun(page):  # jump to the last merge
            slider.focus()
            page.keyboard.press("End")
        expect(slider).to_have_value(last)
        assert not button(page, "tok_bpe_next").is_enabled()
        assert button(page, "tok_bpe_back").is_enabled()
    finally:
        context.close()


def test_the_cost_chart_shows_the_sentences_it_compares(server: str, browser) -> None:
    context, page = open_page(browser, server, "tokenization", "en")
    try:
        sentences = page.locator(".gb-cost-sentence").all_inner_texts()
        for lang in LANGUAGES:
            assert text_for(lang, "tokenization.cost_sentence") in sentences, sentences
    finally:
        context.close()


def test_all_bad_can_be_sent_without_ordering_every_response(server: str, browser) -> None:
    context, page = open_page(browser, server, "rlhf", "en")
    try:
        submit = page.locator('[class*="st-key-rl_submit_"] [data-testid^="stBaseButton"]').first
        assert not submit.is_enabled()  # nothing ranked yet: the button waits, and says why
        expect(page.get_by_text(text_for("en", "rlhf.incomplete", k=4, n=4))).to_be_visible()
        with rerun(page):
            button(page, "rl_pick_2").click()
        with rerun(page):
            page.get_by_text(text_for("en", "rlhf.all_bad"), exact=True).click()
        assert submit.is_enabled()
        with rerun(page):
            submit.click()
        expect(
            page.get_by_text(re.compile(r"Stored ranking #\d+: 3 chosen/rejected pairs"))
        ).to_be_visible()
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        context.close()
