"""The RLHF page in a real headless Chromium, two browser contexts on one server and database:
the instructor opens a class and publishes a round; a student joins through the link, ranks by
keyboard alone and submits; the ranking appears on the instructor's live dashboard, and the
first export downloaded there holds it.

Screenshots land in ``test-output/screenshots/rlhf-*.png``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from playwright.sync_api import expect

from app.i18n import text_for
from tests.support.browser import PAGES, collect_errors, rerun, screenshot, wait_until_idle


def _open(browser, url: str, title: str):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    errors = collect_errors(page)
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_role("heading", name=title, exact=True).wait_for(timeout=90_000)
    wait_until_idle(page, 90_000)
    return context, page, errors


def _type(page, key: str, text: str) -> None:
    field = page.locator(f".st-key-{key} input")
    field.fill(text)
    with rerun(page):
        field.press("Enter")


def _press(page, key: str) -> None:
    """Operate the button with widget key ``key`` from the keyboard: focus it, press Enter."""
    page.locator(f'.st-key-{key} [data-testid^="stBaseButton"]').first.focus()
    with rerun(page):
        page.keyboard.press("Enter")


def _class_with_a_round(teacher, title: str = "") -> str:
    """Open a class from the instructor's page (``title`` optional), publish a round; its code."""
    if title:
        _type(teacher, "rl_new_title", title)
    _type(teacher, "rl_new_pass", "open sesame")
    _press(teacher, "rl_create")
    link = teacher.locator('[data-testid="stCode"]').first.inner_text()
    code = re.search(r"class=([A-Z0-9]{6})", link).group(1)
    _press(teacher, "rl_publish")
    expect(teacher.get_by_text(text_for("en", "rlhf.published", n=3))).to_be_visible()
    return code


def test_student_ranking_reaches_the_instructor_dashboard(browser, server) -> None:
    title = text_for("en", "page.rlhf.title")
    t_ctx, teacher, t_errors = _open(browser, f"{server}/{PAGES['rlhf']}?lang=en", title)
    code = _class_with_a_round(teacher, "Demo class")

    s_ctx, student, s_errors = _open(
        browser, f"{server}/{PAGES['rlhf']}?lang=en&class={code}", title
    )
    expect(student.locator(".st-key-rl_join_code input")).to_have_value(code)
    _type(student, "rl_join_nick", "<b>Kim</b>")
    _press(student, "rl_join")
    expect(student.get_by_text(text_for("en", "rlhf.round_n", i=1, n=3))).to_be_visible()
    for i in (3, 2, 1, 0):  # keyboard only
        _press(student, f"rl_pick_{i}")
    submit = student.locator('[class*="st-key-rl_submit_"] [data-testid^="stBaseButton"]').first
    submit.focus()
    with rerun(student):
        student.keyboard.press("Enter")
    expect(
        student.get_by_text(re.compile(r"Stored ranking #\d+: 6 chosen/rejected pairs"))
    ).to_be_visible()
    expect(student.get_by_text(text_for("en", "rlhf.round_n", i=2, n=3))).to_be_visible()
    assert student.locator("b", has_text="Kim").count() == 0  # the nickname's markup is text
    screenshot(student, "rlhf-student")

    metric = teacher.locator('[data-testid="stMetricValue"]').first
    expect(metric).to_have_text("1", timeout=20_000)  # the dashboard refreshes itself
    screenshot(teacher, "rlhf-instructor")
    # The ranking reached the teacher only through the live refresh, never a full run of the
    # page: the first download must still hold its 6 pairs.
    with teacher.expect_download() as download:
        teacher.locator('.st-key-rl_export_jsonl [data-testid^="stBaseButton"]').first.click()
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 6 and all(json.loads(line)["prompt"] for line in lines)
    for errors in (t_errors, s_errors):
        assert not errors, errors
    assert teacher.locator('[data-testid="stException"]').count() == 0
    assert student.locator('[data-testid="stException"]').count() == 0
    t_ctx.close()
    s_ctx.close()


def test_a_submit_after_the_class_closed_is_refused_in_the_editor(browser, server) -> None:
    """The submit runs in the editor's fragment: its refusal must show there at once, not wait
    for a full run of the page while the previous "Stored ranking" stays on screen."""
    title = text_for("en", "page.rlhf.title")
    t_ctx, teacher, _ = _open(browser, f"{server}/{PAGES['rlhf']}?lang=en", title)
    code = _class_with_a_round(teacher)

    s_ctx, student, s_errors = _open(
        browser, f"{server}/{PAGES['rlhf']}?lang=en&class={code}", title
    )
    _type(student, "rl_join_nick", "Lee")
    _press(student, "rl_join")
    submit = student.locator('[class*="st-key-rl_submit_"] [data-testid^="stBaseButton"]').first
    stored = student.get_by_text(re.compile(r"Stored ranking #\d+"))
    for round_no in (1, 2):  # the first round is stored; the second is ranked, not yet sent
        for i in (0, 1, 2, 3):
            _press(student, f"rl_pick_{i}")
        if round_no == 1:
            with rerun(student):
                submit.click()
            expect(stored).to_be_visible()
    expect(stored).to_have_count(0)  # ranking the next round replaced the confirmation
    with rerun(teacher):
        teacher.locator('.st-key-rl_close [data-testid^="stBaseButton"]').first.click()
    # the dashboard also refreshes itself: wait for the close itself, not just for a run
    expect(teacher.get_by_text(text_for("en", "rlhf.closed", code=code))).to_be_visible()

    with rerun(student):
        submit.click()
    expect(student.get_by_text(text_for("en", "rlhf.store.closed"))).to_be_visible()
    expect(stored).to_have_count(0)
    assert not s_errors and student.locator('[data-testid="stException"]').count() == 0
    t_ctx.close()
    s_ctx.close()
