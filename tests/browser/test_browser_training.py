"""The pre-training page in a real headless Chromium: a short run on the nano preset completes
while the fragment redraws by itself, the loss chart has points, and axe-core finds nothing
serious on the page it leaves (charts, their tables, samples).

Run with ``pytest -m browser tests/test_browser_training.py``; the screenshot lands in
``test-output/screenshots/pretraining-run.png``.
"""

from __future__ import annotations

import re

from app.i18n import text_for
from tests.support.axe import axe_violations, report
from tests.support.browser import PAGES, screenshot, wait_until_idle

STEPS = 30


def test_a_short_run_completes_and_the_chart_has_points(server: str, browser) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    try:
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{server}/{PAGES['pretraining']}?lang=en", wait_until="domcontentloaded")
        page.get_by_role(
            "heading", name=text_for("en", "page.pretraining.title"), exact=True
        ).wait_for(timeout=90_000)
        wait_until_idle(page, 90_000)

        steps = page.locator(".st-key-pt_steps input")
        steps.fill(str(STEPS))
        steps.press("Enter")
        wait_until_idle(page)
        page.locator('.st-key-pt_start [data-testid^="stBaseButton"]').click()

        # The run_every fragment trains and redraws on its own; no clicks needed until "done".
        done = text_for("en", "pretraining.status_done")
        page.locator('[data-testid="stMetricValue"]', has_text=done).wait_for(timeout=180_000)
        wait_until_idle(page)
        points = page.evaluate(
            "Array.from(document.querySelectorAll('.js-plotly-plot'))"
            ".map(d => (d.data || []).reduce((n, tr) => n + (tr.x ? tr.x.length : 0), 0))"
        )
        assert points and points[0] >= STEPS, points  # train loss per step + validation points
        assert page.get_by_text(
            text_for("en", "pretraining.progress", step=STEPS, total=STEPS)
        ).count()
        assert page.locator('[data-testid="stException"]').count() == 0
        assert not errors, errors
        violations = axe_violations(page)  # the charts, their tables, the samples
        assert not violations, report(violations)
        screenshot(page, "pretraining-run")
    finally:
        context.close()


def _open(browser, server: str, page_name: str):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(f"{server}/{PAGES[page_name]}?lang=en", wait_until="domcontentloaded")
    title = text_for("en", f"page.{page_name}.title")
    page.get_by_role("heading", name=title, exact=True).wait_for(timeout=90_000)
    wait_until_idle(page, 90_000)
    return context, page


def _button(page, key: str):
    return page.locator(f'.st-key-{key} [data-testid^="stBaseButton"]').first


def test_stop_in_the_middle_of_a_run_stops_it_cleanly(server: str, browser) -> None:
    """Stop pressed while a slice trains (the click's script run and the fragment's run are
    two threads): the run stops, the page stays whole and Start works again at once."""
    for page_name, prefix in (("pretraining", "pt"), ("finetuning", "ft")):
        context, page = _open(browser, server, page_name)
        try:
            errors: list[str] = []
            page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
            _button(page, f"{prefix}_start").click()
            # the run has trained a few steps: its progress text moved past step 0
            page.get_by_text(re.compile(r"Step [1-9][0-9]* of")).first.wait_for(timeout=120_000)
            _button(page, f"{prefix}_stop").click()
            stopped = text_for("en", "pretraining.status_stopped")
            page.locator('[data-testid="stMetricValue"]', has_text=stopped).wait_for(timeout=60_000)
            wait_until_idle(page)
            assert _button(page, f"{prefix}_start").is_enabled()
            assert not _button(page, f"{prefix}_stop").is_enabled()
            assert page.locator('[data-testid="stException"]').count() == 0, page_name
            section = text_for("en", "pretraining.quiz_heading")  # the lesson below is still there
            assert page.get_by_role("heading", name=section).count() == 1, page_name
            assert not errors, errors
        finally:
            context.close()
