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


# An emoji favicon is drawn locally; a Material one (also the default: the page's icon) is
# fetched from fonts.gstatic.com, which fails offline.
st.set_page_config(page_title="Glassbox", page_icon="🔍", layout="wide")
start_preload()  # once per process: the first page view of the server starts it
page = st.navigation(build_pages())
render_sidebar()
try:
    page.run()
finally:  # also when the page stops or reruns early
    first_page_drawn()
