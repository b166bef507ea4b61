"""Presenter view: large type, high contrast, the sidebar out of the way, charts for a projector.

Switched per session by a sidebar toggle or ``?presenter=1`` in the URL (kept in step, so a
prepared link opens in presenter view). ``app.sidebar.render_sidebar`` calls ``toggle()`` in
the sidebar and ``apply()`` after it. In presenter view ``apply`` collapses the sidebar once
(its arrow still opens it, to change page or language), injects ``CSS`` (constants only, no
user text) and puts a "Leave presenter view" button at the top of the page. Pages pass their
plotly figures through ``chart(fig)``, which scales every font by ``FONT_SCALE`` in presenter
view and returns the figure untouched otherwise.

>>> import plotly.graph_objects as go
>>> fig = go.Figure(go.Bar(x=[1], textfont={"size": 10}), layout={"font": {"size": 18}})
>>> big = scale_fonts(fig, 1.5)
>>> big.layout.font.size, big.data[0].textfont.size, fig.layout.font.size
(27, 15, 18)
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import streamlit as st

from app.i18n import t
from app.url_state import Flag

PRESENTER_KEY = "presenter"  # the toggle's widget key, and the ``?presenter=1`` query parameter
SHOWN_KEY = "_presenter_shown"  # session_state: the mode the sidebar was last collapsed/opened for
FONT_SCALE = 1.35  # chart fonts in presenter view; text grows by BODY_PX / 16
BODY_PX = 22  # root font size in presenter view (Streamlit sizes nearly everything in rem)
PLOTLY_DEFAULT_FONT = 12  # plotly's font size where a figure sets none

# High contrast for a projector: black on white, no greyed-out captions, thicker rules.
CSS = f"""<style>
html {{ font-size: {BODY_PX}px !important; }}
[data-testid="stApp"], [data-testid="stMain"], [data-testid="stHeader"] {{
  background: #ffffff !important; color: #000000 !important;
}}
[data-testid="stMain"] :is(p, li, h1, h2, h3, h4, label, span),
[data-testid="stMain"] [data-testid="stCaptionContainer"],
[data-testid="stMain"] [data-testid="stWidgetLabel"] {{ color: #000000 !important; }}
[data-testid="stMain"] [data-testid="stCaptionContainer"] {{ opacity: 1 !important; }}
[data-testid="stMain"] a {{ color: #00307a !important; text-decoration: underline; }}
[data-testid="stMain"] hr {{ border-top: 2px solid #000000 !important; }}
.gb-heat {{ font-size: 20px !important; }}
</style>"""


def is_on() -> bool:
    """Whether this session shows the presenter view."""
    return bool(st.session_state.get(PRESENTER_KEY, False))


def toggle() -> None:
    """The sidebar switch; on a session's first run it starts from ``?presenter=``."""
    if PRESENTER_KEY not in st.session_state:
        wanted = Flag().parse(st.query_params.get(PRESENTER_KEY, ""))
        st.session_state[PRESENTER_KEY] = bool(wanted)
    on = st.toggle(t("presenter.toggle"), key=PRESENTER_KEY, help=t("presenter.toggle_help"))
    if on and st.query_params.get(PRESENTER_KEY) != "1":
        st.query_params[PRESENTER_KEY] = "1"
    elif not on and PRESENTER_KEY in st.query_params:
        del st.query_params[PRESENTER_KEY]


def _leave() -> None:
    st.session_state[PRESENTER_KEY] = False


def apply() -> None:
    """Presenter view for this run (call after ``toggle``, before the page draws)."""
    on = is_on()
    shown = st.session_state.get(SHOWN_KEY)
    if on != shown:  # only when the mode changes: a sidebar the user opened stays open
        st.session_state[SHOWN_KEY] = on
        if on:
            st.set_page_config(initial_sidebar_state="collapsed")
        elif shown:
            st.set_page_config(initial_sidebar_state="expanded")
    if not on:
        return
    st.html(CSS)  # only a <style>: Streamlit puts it in the event container, it takes no space
    st.button(
        t("presenter.leave"),
        key="presenter_leave",
        icon=":material/close_fullscreen:",
        type="tertiary",
        on_click=_leave,
    )


def _scale(node: Any, factor: float, in_font: bool = False) -> None:
    """Multiply, in place, every ``size`` inside a ``…font`` dict of a figure's JSON."""
    if isinstance(node, list):
        for item in node:
            _scale(item, factor, in_font)
    elif isinstance(node, dict):
        for key, value in node.items():
            if in_font and key == "size":
                if isinstance(value, int | float):
                    node[key] = round(value * factor)
                elif isinstance(value, list):
                    node[key] = [round(v * factor) for v in value]
            else:
                _scale(value, factor, key.endswith("font"))


def scale_fonts(fig: go.Figure, factor: float) -> go.Figure:
    """A copy of ``fig`` with every font (layout, axes, legend, text, annotations) ``factor``
    times larger, and as much taller. ``fig`` itself is left as it was."""
    spec = fig.to_dict()
    layout = spec.setdefault("layout", {})
    layout.setdefault("font", {}).setdefault("size", PLOTLY_DEFAULT_FONT)
    _scale(spec, factor)
    if isinstance(layout.get("height"), int | float):
        layout["height"] = round(layout["height"] * factor)
    return go.Figure(spec)


def chart(fig: go.Figure) -> go.Figure:
    """``fig`` as this session should see it: projector-sized in presenter view."""
    return scale_fonts(fig, FONT_SCALE) if is_on() else fig
