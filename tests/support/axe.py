"""axe-core in the browser tests: inject it into a page, keep what is ours and serious.

axe-core comes from the npm registry (pinned in ``package.json``; ``make js-deps`` installs it
under ``node_modules/``). ``axe_violations(page)`` returns the serious and critical violations on
the whole page, minus Streamlit's own markup listed in ``STREAMLIT_OWN`` (rule, the element it
sits in, and why); ``report`` lists them with rule id, impact and selectors.
"""

from __future__ import annotations

import pytest

from bench.common import ROOT
from tests.support.browser import painted

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
    painted(page)
    page.add_script_tag(path=str(AXE))
    known = [[rule, selector] for rule, selector, _ in STREAMLIT_OWN]
    return page.evaluate(RUN_AXE, [list(BLOCKING), known])


def report(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(map(str, v["targets"]))
        for v in violations
    )
