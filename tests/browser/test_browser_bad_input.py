"""Bad input typed into every text field of every page in a real headless Chromium: nothing
runs, nothing crashes, nothing logs an error.

The AppTest page tests feed each lesson's bad-input list to the script; this replays it
through the browser: markup that would run script if it were ever put into the page as HTML,
emoji with joiners, right-to-left text with a bidi override, a control character, and (where
a field has no character cap) a text of several thousand characters. Each field is committed
as a user commits it (Enter, or Ctrl+Enter in a text area). The sidebar's model-path field is
the same on every page: it is checked once, on the overview page. About 80 s on 2 cores.
"""

from __future__ import annotations

import pytest

from app.i18n import text_for
from tests.support.browser import PAGES, collect_errors, rerun, wait_until_idle

PWNED = "<script>window.__pwned=1</script>"
HOSTILE = (
    f'{PWNED}<img src=x onerror="window.__pwned=1"><b>bold?</b> '
    "👨‍👩‍👧‍👦 👩🏽‍🚀 🏳️‍🌈 猫が座った。 مرحبا \u202eevil\u202c bell\x07"
)
LONG = ("The cat sat on the mat. 猫が座った。 " * 300) + PWNED  # ≈ 9 000 characters
FIELDS = ':is([data-testid="stTextInput"] input, [data-testid="stTextArea"] textarea):enabled'
# Where the text fields of a page are, and the query that shows all of them.
WHERE = {"home": '[data-testid="stSidebar"]'}  # other pages: the main area
QUERY = {"pretraining": "&corpus=own"}  # the own-text area appears for this corpus only
NO_TEXT_FIELDS = {"finetuning"}  # numbers and choices only (their bad values: AppTest tests)
# Then use what was typed: press this button, wait for that widget (a class with that title
# and passcode, and its dashboard) or for the message refusing it (a title over 60 characters).
THEN_PRESS = {"rlhf": ("rl_create", "rl_publish")}


def _commit(page, field, text: str) -> None:
    """Replace the field's text and commit it as a user does; wait for the rerun. A field that
    keeps its value (a character cap refused the text) has nothing to rerun for."""
    before = field.input_value()
    field.fill(text)
    is_area = field.evaluate("el => el.tagName === 'TEXTAREA'")
    if field.input_value() == before:
        field.press("Control+Enter" if is_area else "Enter")
        return
    with rerun(page, 120_000):
        field.press("Control+Enter" if is_area else "Enter")


@pytest.mark.parametrize("page_name", [p for p in PAGES if p not in NO_TEXT_FIELDS])
def test_bad_input_in_every_text_field_runs_nothing(server: str, browser, page_name: str):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    errors = collect_errors(page)
    page.on("dialog", lambda d: (errors.append(f"dialog: {d.message}"), d.dismiss()))
    try:
        query = QUERY.get(page_name, "")
        page.goto(f"{server}/{PAGES[page_name]}?lang=en{query}", wait_until="domcontentloaded")
        title = "home.heading" if page_name == "home" else f"page.{page_name}.title"
        page.get_by_role("heading", name=text_for("en", title), exact=True).wait_for(timeout=90_000)
        wait_until_idle(page, 120_000)
        fields = page.locator(f"{WHERE.get(page_name, '[data-testid=stMain]')} {FIELDS}")
        fields.first.wait_for(timeout=60_000)  # drawn a moment after the script is idle
        wait_until_idle(page)
        n = fields.count()
        for i in range(n):
            capped = fields.nth(i).get_attribute("maxlength") is not None
            for text in (HOSTILE,) if capped else (HOSTILE, LONG):  # a cap cuts LONG short
                if i < fields.count():  # a commit may redraw the form
                    _commit(page, fields.nth(i), text)
        if page_name in THEN_PRESS:
            button, shown = THEN_PRESS[page_name]
            with rerun(page, 120_000):
                page.locator(f'.st-key-{button} [data-testid^="stBaseButton"]').first.press("Enter")
            page.locator(f'.st-key-{shown}, [data-testid="stAlert"]').first.wait_for(timeout=30_000)
        assert page.evaluate("window.__pwned") is None, "user text ran as script"
        assert page.locator("img[src=x], b:text('bold?')").count() == 0  # shown as text
        assert page.locator('[data-testid="stException"]').count() == 0
        assert not errors, errors
    finally:
        context.close()
