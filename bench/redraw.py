"""Click-to-redraw in a real browser on the training and ranking pages.

The issue's goal for every page: p50 ≤ 250 ms, p95 ≤ 600 ms from an action in Chromium to
the redrawn element. The reading pages have their own figures (``tokenization``,
``transformer``, ``next_token``); this one times the three pages that train:

- pre-training: choosing a model preset (its description is redrawn), and pause ↔ resume
  while a run trains (the buttons flip; the fragment is training 0.4 s slices meanwhile);
- fine-tuning: choosing the data language (the answer-mask example is redrawn), and
  pause ↔ resume while fine-tuning;
- RLHF: "rank next" ↔ "remove" on a response (the ranked list is redrawn).

Each starts its own Streamlit server (on a throwaway rankings database) and headless Chromium.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.common import (
    CHROMIUM,
    CHROMIUM_ARGS,
    quantile,
    serve_app,
    throwaway_database,
    wait_idle,
)

N_ACTIONS = 20  # timed actions of each kind
BUTTON = '[data-testid^="stBaseButton"]'
FLIPPED_JS = """([pause, resume]) =>
    document.querySelector(pause)?.disabled === %s &&
    document.querySelector(resume)?.disabled === %s"""


def _button(key: str) -> str:
    return f".st-key-{key} {BUTTON}"


def _figures(name: str, times: list[float]) -> dict:
    return {
        f"{name}_ms_p50": quantile(times, 0.5),
        f"{name}_ms_p95": quantile(times, 0.95),
        f"{name}_n": len(times),
    }


def _time(page, act: Callable[[], None], done_js: str, arg: object, settle: bool = True) -> float:
    """Milliseconds from ``act()`` to ``done_js(arg)`` being true; then, with ``settle``, wait
    for the script run to end (a training fragment never rests: it only gets a pause)."""
    t = time.perf_counter()
    act()
    page.wait_for_function(done_js, arg=arg, polling="raf", timeout=60_000)
    ms = (time.perf_counter() - t) * 1000
    if settle:
        wait_idle(page)
    page.wait_for_timeout(300)
    return ms


def _select_redraws(page, key: str, options: list[str], done: Callable[[int], tuple]) -> list:
    """Alternate the selectbox ``key`` between ``options``; ``done(j)`` gives the JS predicate
    and its argument that say option ``j`` has been drawn. The list opens before the clock
    starts: only the choice is timed."""
    times = []
    for i in range(N_ACTIONS):
        j = (i + 1) % len(options)
        page.locator(f".st-key-{key} [data-testid='stSelectbox']").click()
        option = page.get_by_role("option", name=options[j]).first
        option.wait_for()
        times.append(_time(page, option.click, *done(j)))
    return times


def _pause_resume(page, prefix: str) -> list[float]:
    """Alternate pause and resume on a running job; done when the buttons have flipped."""
    pause, resume = _button(f"{prefix}_pause"), _button(f"{prefix}_resume")
    page.wait_for_function(
        "(s) => document.querySelector(s)?.disabled === false", arg=pause, timeout=120_000
    )
    times = []
    for i in range(N_ACTIONS):
        if i % 2 == 0:  # running → paused
            js, act = FLIPPED_JS % ("true", "false"), page.locator(pause).click
        else:  # paused → running
            js, act = FLIPPED_JS % ("false", "true"), page.locator(resume).click
        times.append(_time(page, act, js, [pause, resume], settle=i % 2 == 0))
    page.locator(_button(f"{prefix}_stop")).click()
    wait_idle(page)
    return times


def _open(browser, url: str, ready: str):  # noqa: ANN202 - a Playwright page
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto(url)
    page.locator(ready).first.wait_for(timeout=120_000)
    wait_idle(page)
    return page


def _train_and_toggle(page, prefix: str) -> dict:
    """Start a long run (timed to its first progress bar), then pause ↔ resume it."""
    steps = page.locator(f".st-key-{prefix}_steps input")
    steps.fill("5000")
    steps.press("Enter")
    wait_idle(page)
    t = time.perf_counter()
    page.locator(_button(f"{prefix}_start")).click()
    page.locator('[data-testid="stProgress"]').first.wait_for(timeout=120_000)
    start_ms = (time.perf_counter() - t) * 1000
    return {
        **_figures("pause_resume_while_training", _pause_resume(page, prefix)),
        "start_to_progress_bar_ms": round(start_ms, 1),
    }


def pretraining(browser, url: str) -> dict:
    """Choose a preset (done when its description shows), then train and pause ↔ resume."""
    from app.i18n import text_for

    page = _open(browser, f"{url}/pretraining?lang=en", _button("pt_start"))
    presets = ["nano", "small"]
    shown = [text_for("en", f"pretraining.preset_{p}") for p in presets]
    select = _select_redraws(
        page,
        "pt_preset",
        [f"{p} ·" for p in presets],
        lambda j: ("(s) => document.body.innerText.includes(s)", shown[j]),
    )
    out = {**_figures("choose_preset", select), **_train_and_toggle(page, "pt")}
    page.close()
    return out


MASK = "div[style*='line-height'][style*='2.1']"  # the answer-mask example's chips


def finetuning(browser, url: str) -> dict:
    """Choose the data language (done when the answer-mask example changes), then fine-tune
    and pause ↔ resume."""
    page = _open(browser, f"{url}/finetuning?lang=en", _button("ft_start"))

    def changed(_: int) -> tuple:
        old = page.locator(MASK).first.inner_text()
        js = "([s, old]) => { const e = document.querySelector(s); return e && e.innerText !== old; }"
        return js, [MASK, old]

    select = _select_redraws(page, "ft_lang", ["English", "Deutsch"], changed)
    out = {**_figures("choose_data_language", select), **_train_and_toggle(page, "ft")}
    page.close()
    return out


def rlhf(browser, url: str) -> dict:
    """ "Rank next" on the first response, then "remove" it (done when the other button shows)."""
    page = _open(browser, f"{url}/rlhf?lang=en", _button("rl_pick_0"))
    swapped = "([gone, shown]) => !document.querySelector(gone) && !!document.querySelector(shown)"
    times = []
    for i in range(N_ACTIONS):
        click, appears = ("rl_pick_0", "rl_rm_0") if i % 2 == 0 else ("rl_rm_0", "rl_pick_0")
        act = page.locator(_button(click)).first.click
        times.append(_time(page, act, swapped, [_button(click), _button(appears)]))
    page.close()
    return _figures("rank_next_or_remove", times)


def run() -> dict:
    if not CHROMIUM.exists():
        return {"browser": f"skipped: {CHROMIUM} missing"}
    from playwright.sync_api import sync_playwright

    out = {}
    with tempfile.TemporaryDirectory() as tmp, throwaway_database(Path(tmp)):
        with serve_app() as url, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            for name, fn in (("pretraining", pretraining), ("finetuning", finetuning)):
                out[name] = fn(browser, url)
            out["rlhf"] = rlhf(browser, url)
            browser.close()
    out["actions_each"] = N_ACTIONS
    out["goal_ms"] = {"p50": 250, "p95": 600}
    return out


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
