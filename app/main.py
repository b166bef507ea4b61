"""Glassbox entry point: ``streamlit run app/main.py``.

The frame around every page: page config, the router (every page registered explicitly,
titles in the selected language), the shared sidebar, then the selected page.

Nothing imported here pulls in torch: the first page a class opens (home) draws in a couple
of seconds; the model loads in the background once it is drawn (``start_preload``).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # Streamlit puts only app/ on the path; we import app.*, models.*
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from app.i18n import t  # noqa: E402
from app.resources import first_page_drawn, start_preload  # noqa: E402
from app.sidebar import render_sidebar  # noqa: E402

# (section key, [(page file relative to this file, url path, material icon)]), in teaching order.
SECTIONS: list[tuple[str, list[tuple[str, str, str]]]] = [
    ("nav.start", [("../pages/home.py", "home", ":material/map:")]),
    (
        "nav.inside",
        [
            ("../pages/tokenization.py", "tokenization", ":material/text_fields:"),
            ("../pages/transformer.py", "transformer", ":material/hub:"),
            ("../pages/next_token.py", "next-token", ":material/casino:"),
        ],
    ),
    (
        "nav.making",
        [
            ("../pages/pretraining.py", "pretraining", ":material/menu_book:"),
            ("../pages/finetuning.py", "finetuning", ":material/school:"),
            ("../pages/rlhf.py", "rlhf", ":material/thumbs_up_down:"),
        ],
    ),
]


def build_pages() -> dict[str, list[st.Page]]:
    """Every page, grouped by translated section title; home is the default (root URL)."""
    return {
        t(section): [
            st.Page(
                file,
                title=t(f"page.{url.replace('-', '_')}.title"),
                icon=icon,
                url_path=url,
                default=url == "home",
            )
            for file, url, icon in pages
        ]
        for section, pages in SECTIONS
    }


def warm_lessons() -> None:
    """What the first visitor of a lesson would otherwise wait for, beside the model: the
    lessons' modules, and the tokenization page's reference encodings (~0.8 s on 2 cores).
    Run by the background preload once the model is loaded."""
    import app.views.next_token  # noqa: F401
    import app.views.pretraining  # noqa: F401
    import app.views.transformer  # noqa: F401
    from app.views.tokenization import REFERENCES, reference

    for name in REFERENCES:
        reference(name)


# An emoji favicon is drawn locally; a Material one (also the default: the page's icon) is
# fetched from fonts.gstatic.com, which fails offline.
st.set_page_config(page_title="Glassbox", page_icon="🔍", layout="wide")
start_preload(warm=warm_lessons)  # once per process: the server's first page view starts it
page = st.navigation(build_pages())
render_sidebar()
try:
    page.run()
finally:  # also when the page stops or reruns early
    first_page_drawn()
