"""Prepared links and the presenter view in a real headless Chromium.

Opens instructor URLs for the next-token and the transformer page and checks that the widgets
show the values from the URL; then checks that presenter view enlarges the body text and folds
the sidebar away. Run with ``pytest -m browser tests/test_browser_url_presets.py``; screenshots
land in ``test-output/screenshots/url-*.png``.
"""

from __future__ import annotations

from urllib.parse import urlencode

from playwright.sync_api import expect

from app.i18n import text_for
from tests.support.browser import PAGES, screenshot, wait_until_idle

SCRIPT = "<script>alert(1)</script>"
BODY_FONT_JS = (  # the computed size of the lesson's first paragraph, in px
    "() => parseFloat(getComputedStyle(document.querySelector("
    "'[data-testid=stMain] [data-testid=stMarkdown] p')).fontSize)"
)


def open_url(browser, server: str, page_name: str, query: dict[str, str], lang: str):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: errors.append(f"a script opened a dialog: {d.message}"))
    url = f"{server}/{PAGES[page_name]}?{urlencode({'lang': lang} | query)}"
    page.goto(url, wait_until="domcontentloaded")
    heading = text_for(lang, f"page.{page_name}.title")
    page.get_by_role("heading", name=heading, exact=True).wait_for(timeout=90_000)
    wait_until_idle(page, 120_000)
    return context, page, errors


def widget(page, key: str):
    return page.locator(f".st-key-{key}")


def no_exception(page) -> bool:
    return page.locator('[data-testid="stException"]').count() == 0


def test_next_token_link_restores_prompt_and_sampling(server: str, browser) -> None:
    query = {"prompt": f"{SCRIPT} Es war einmal", "temp": "0.7", "top_k": "20", "top_p": "0.9",
             "seed": "42", "n": "4", "len": "9"}  # fmt: skip
    context, page, errors = open_url(browser, server, "next_token", query, "de")
    try:
        # Text fields fill in a moment after they are drawn: wait for the value, don't look once.
        expect(widget(page, "nt_prompt").locator("textarea")).to_have_value(query["prompt"])
        thumb = '[data-testid="stSliderThumbValue"]'
        assert widget(page, "nt_temperature").locator(thumb).inner_text() == "0.70"
        assert widget(page, "nt_top_p").locator(thumb).inner_text() == "0.90"
        expect(widget(page, "nt_top_k").locator("input")).to_have_value("20")
        expect(widget(page, "nt_seed").locator("input")).to_have_value("42")
        assert widget(page, "nt_n_samples").locator(thumb).inner_text() == "4"
        assert widget(page, "nt_sample_len").locator(thumb).inner_text() == "9"
        assert "temp=0.7" in page.url and "seed=42" in page.url  # the address bar keeps them
        assert no_exception(page) and not errors, errors
        screenshot(page, "url-next_token-de")
    finally:
        context.close()


def test_transformer_link_restores_view_layer_and_head(server: str, browser) -> None:
    query = {"text": "Mia has a red ball. She throws it to Tom.", "view": "lines",
             "layer": "2", "head": "3", "per_head": "1", "words": "ja", "sets": "numbers"}  # fmt: skip
    context, page, errors = open_url(browser, server, "transformer", query, "en")
    try:
        expect(widget(page, "tf_text_en").locator("textarea")).to_have_value(query["text"])
        lines = text_for("en", "transformer.view.lines")
        assert widget(page, "tf_view").get_by_role("radio", name=lines).is_checked()
        per_head = text_for("en", "transformer.mode_per_head")
        assert widget(page, "tf_mode").get_by_role("radio", name=per_head).is_checked()
        combobox = 'input[role="combobox"]'
        expect(widget(page, "tf_layer").locator(combobox)).to_have_value("2")
        expect(widget(page, "tf_head").locator(combobox)).to_have_value("3")
        expect(widget(page, "tf_words_lang").locator(combobox)).to_have_value("日本語")
        caption = text_for("en", "transformer.lines_caption", layer=2)
        page.get_by_text(caption).wait_for(timeout=30_000)
        assert no_exception(page) and not errors, errors
        screenshot(page, "url-transformer-en")
    finally:
        context.close()


def test_presenter_view_enlarges_text_and_folds_the_sidebar(server: str, browser) -> None:
    context, page, errors = open_url(browser, server, "next_token", {}, "ja")
    try:
        normal = page.evaluate(BODY_FONT_JS)
        sidebar = page.locator('[data-testid="stSidebar"]')
        assert sidebar.get_attribute("data-collapsed") == "false"
        page.get_by_text(text_for("ja", "presenter.toggle"), exact=True).click()
        leave = page.get_by_role("button", name=text_for("ja", "presenter.leave"))
        leave.wait_for(timeout=30_000)
        wait_until_idle(page)
        # The style arrives with the rerun's last messages: wait for it rather than look once.
        page.wait_for_function(f"() => ({BODY_FONT_JS})() >= {normal * 1.25}", timeout=30_000)
        big = page.evaluate(BODY_FONT_JS)
        page.locator('[data-testid="stSidebar"][data-collapsed="true"]').wait_for(
            state="attached", timeout=30_000
        )
        assert "presenter=1" in page.url
        screenshot(page, "url-presenter-ja")

        leave.click()
        wait_until_idle(page)
        page.wait_for_function(f"() => ({BODY_FONT_JS})() < {big}", timeout=30_000)
        assert page.evaluate(BODY_FONT_JS) == normal
        page.locator('[data-testid="stSidebar"][data-collapsed="false"]').wait_for(
            state="attached", timeout=30_000
        )
        assert "presenter" not in page.url
        assert no_exception(page) and not errors, errors
    finally:
        context.close()
