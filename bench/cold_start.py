"""Cold start: seconds from ``streamlit run`` to the first page fully drawn in Chromium.

Each run starts a fresh server process and a fresh browser context (empty cache, as a
student's first visit), opens the page as soon as the health check answers, and stops
the clock when the page is fully drawn: the sidebar's language and model pickers and the
page's own content are present and the app is idle (no script running). A separate clock
runs until the sidebar names the loaded model, which is when a lesson can use it.

``python -m bench cold_start``; goal: ≤ 4 s on 2 cores, for the home page and for a lesson
opened first from a prepared link (tokenization: it tokenizes with our tokenizer.json and
tiktoken, never waiting for torch or the model).
"""

from __future__ import annotations

import statistics
import time

from app.i18n import text_for
from bench.common import CHROMIUM, CHROMIUM_ARGS, serve_app_process, wait_idle

RUNS = 5
SIDEBAR_READY = '[data-testid="stSidebar"] [data-testid="stTextInput"]'  # the model path field
MODEL_CAPTION = '[data-testid="stSidebar"] [data-testid="stCaptionContainer"]'
# page → (url path, selectors that must all be present for the page to count as drawn)
PAGES = {
    "home": (
        "/?lang=en",
        ['[data-testid="stMain"] [data-testid="stAlert"]'],  # the last element: home.remember
    ),
    "tokenization": (
        "/tokenization?lang=en",
        [".gb-row", ".gb-cost"],  # the chips, the cost bars
    ),
}


def cold_start_once(browser, page_name: str) -> dict[str, float]:
    """One fresh server and browser context; seconds from process start to each milestone."""
    path, selectors = PAGES[page_name]
    params_word = text_for("en", "sidebar.params", n="").strip()  # "M parameters"
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    try:
        with serve_app_process(poll_s=0.02) as served:
            answered = time.monotonic() - served.started
            page.goto(served.url + path, wait_until="commit")
            page.locator(SIDEBAR_READY).wait_for(timeout=120_000)
            for selector in selectors:
                page.locator(selector).first.wait_for(timeout=120_000)
            wait_idle(page)
            drawn = time.monotonic() - served.started
            assert page.locator('[data-testid="stException"]').count() == 0, "exception on page"
            page.locator(MODEL_CAPTION, has_text=params_word).wait_for(timeout=120_000)
            model_shown = time.monotonic() - served.started
    finally:
        context.close()
    return {"server_answers_s": answered, "page_drawn_s": drawn, "model_caption_s": model_shown}


def cold_starts(page_name: str, runs: int = RUNS) -> dict:
    """Median (and all runs) of each milestone over ``runs`` cold starts of ``page_name``."""
    from playwright.sync_api import sync_playwright

    samples = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for _ in range(runs):
                samples.append(cold_start_once(browser, page_name))
        finally:
            browser.close()
    report: dict[str, object] = {}
    for key in samples[0]:
        values = [s[key] for s in samples]
        report[f"{key}_median"] = round(statistics.median(values), 2)
        report[f"{key}_runs"] = [round(v, 2) for v in values]
    return report


def load_average() -> list[float]:
    """The machine's 1/5/15-minute load averages (timings are only comparable on a quiet one)."""
    with open("/proc/loadavg") as f:
        return [float(x) for x in f.read().split()[:3]]


def run(runs: int = RUNS) -> dict:
    if not CHROMIUM.exists():
        return {"browser": f"skipped: {CHROMIUM} missing"}
    report: dict[str, object] = {"runs": runs, "load_average_before": load_average()}
    for name in PAGES:
        report[name] = cold_starts(name, runs)
    report["load_average_after"] = load_average()
    report["goal_s"] = 4.0  # for any page opened first
    return report


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(run(int(sys.argv[1]) if len(sys.argv) > 1 else RUNS), indent=2))
