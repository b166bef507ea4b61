"""Streamlit and plotly pieces of the transformer page: attention charts, head roles, embeddings.

Computing lives in ``models/inspection/attention.py``, ``models/inspection/roles.py`` and
``models/inspection/embeddings.py``; this module caches, draws and wires clicks to widgets. Per-user
state lives in ``st.session_state`` under keys starting with ``tf_``. Every token label goes
through ``app.ui.render.token_display`` (plotly shows the escaped entities as plain text).
Every chart has a name for screen readers (``alt``) and its numbers as a table under it
(``data_table``), in ``app.ui.a11y``'s expander, built only while the table is open.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from app import presenter, url_state
from app.i18n import LANGUAGES, number, t
from app.resources import model_version
from app.ui.a11y import data_table
from app.ui.render import token_chips_html
from app.url_state import Choice, Flag, Int, Many, Page, Param, Text
from app.views import transformer_charts as charts
from app.views import transformer_tables as tables
from models.inspection import embeddings as emb
from models.inspection.attention import attention
from models.inspection.roles import ROLES, RoleScores, measure_roles, random_init_twin
from models.model.inputs import Encoded
from models.model.loading import LoadedModel

MAX_DRAWN = 64  # tokens per heatmap: beyond this, labels overlap on a projector
MAX_GRID = 32  # tokens per thumbnail in the all-heads grid (36 heatmaps at once)
ROLE_STORIES = 4  # stories per language for the head-role scores (a few seconds on a CPU)
CONFIG = {"displayModeBar": False}
VIEWS = ("heatmap", "grid", "lines")
LAYER, HEAD, QUERY, VIEW, START = "tf_layer", "tf_head", "tf_query", "tf_view", "tf_start"
ANCHOR, SCROLL_KEY = "gb-attention-top", "tf_scroll_up"  # "open this head" scrolls to ANCHOR
SCROLL_JS = (
    f"<script>document.getElementById('{ANCHOR}')"
    "?.scrollIntoView({behavior: 'smooth', block: 'start'});</script>"
)
URL = Page(
    "transformer",
    (
        Param("random", "tf_random", Flag()),
        Param("text", "tf_text_{lang}", Text(default="transformer.example")),
        Param("view", VIEW, Choice(VIEWS)),
        Param("layer", LAYER, Int(0, 63, offset=1)),
        Param("head", HEAD, Int(0, 63, offset=1)),
        Param("query", QUERY, Int(0, 4095)),
        Param("per_head", "tf_mode", Flag()),
        Param("start", START, Int(0, 4095)),
        Param("words", "tf_words_lang", Choice(tuple(LANGUAGES))),
        Param("sets", "tf_sets", Many(emb.WORD_SETS)),
    ),
)


# ---- caching: once per model version (the checkpoint is rewritten while it trains) ------------
def model_key(lm: LoadedModel) -> str:
    """Folder and newest file time of ``lm``: a new checkpoint gets fresh cached results."""
    if lm.path is None:
        return lm.identity
    return f"{lm.path}:{model_version(str(lm.path))}"


@st.cache_resource(show_spinner=False, max_entries=2)
def random_twin(key: str, _lm: LoadedModel) -> LoadedModel:
    """The same architecture at random initialisation (seed 0): shared, read-only."""
    return random_init_twin(_lm, seed=0)


def model_for(lm: LoadedModel, random_init: bool) -> tuple[str, LoadedModel]:
    """(cache key, model): the trained model or its random-init twin."""
    key = model_key(lm)
    return (key + ":random", random_twin(key, lm)) if random_init else (key, lm)


@st.cache_data(show_spinner=False, max_entries=32)
def attention_data(key: str, text: str, _lm: LoadedModel) -> tuple[Encoded, np.ndarray]:
    """Tokens and attention weights (L, H, T, T) of ``text`` (truncated to the context)."""
    att = attention(_lm, text)
    return att.encoded, att.weights


@st.cache_data(show_spinner=False, max_entries=8)
def role_scores(key: str, _lm: LoadedModel) -> RoleScores:
    return measure_roles(_lm, n_per_lang=ROLE_STORIES)


@st.cache_data(show_spinner=False, max_entries=32)
def word_map(key: str, lang: str, sets: tuple[str, ...], _lm: LoadedModel):
    vectors = emb.word_vectors(_lm, lang, list(sets))
    return vectors, *emb.pca_2d(vectors.vectors)


@st.cache_data(show_spinner=False, max_entries=8)
def positions(key: str, _lm: LoadedModel) -> emb.PositionInfo:
    return emb.position_similarity(_lm)


# ---- Streamlit sections ----------------------------------------------------------------------
def _picked(key: str) -> list:
    """Customdata of the clicked points of the chart with widget key ``key``."""
    state = st.session_state.get(key) or {}
    return [p.get("customdata") for p in state.get("selection", {}).get("points", [])]


def _on_grid_click() -> None:
    """A tile of the all-heads grid was clicked: open that head large."""
    for data in _picked("tf_grid_chart"):
        if isinstance(data, list) and len(data) == 2:
            st.session_state[LAYER], st.session_state[HEAD] = int(data[0]), int(data[1])
            st.session_state[VIEW] = "heatmap"


def _on_token_click() -> None:
    """A token of the head view was clicked: show what it attends to."""
    for data in _picked("tf_lines_chart"):
        value = data[0] if isinstance(data, list) and data else data
        if isinstance(value, int | float):
            st.session_state[QUERY] = int(value) + st.session_state.get("tf_offset", 0)


def _keep_valid(key: str, options: list, default) -> None:
    """Reset a widget's stored value that the current model or text no longer offers."""
    if st.session_state.get(key) not in options:
        st.session_state[key] = default


def _token_window(enc: Encoded) -> tuple[int, int]:
    """The drawn tokens [start, end): all of them, or MAX_DRAWN chosen with a slider."""
    T = len(enc.ids)
    if T <= MAX_DRAWN:
        return 0, T
    st.warning(t("transformer.capped", n=T, m=MAX_DRAWN), icon=":material/zoom_in:")
    _keep_valid(START, list(range(T - MAX_DRAWN + 1)), T - MAX_DRAWN)
    start = st.slider(t("transformer.window", m=MAX_DRAWN), 0, T - MAX_DRAWN, key=START)
    return start, start + MAX_DRAWN


@st.fragment
def attention_section(key: str, lm: LoadedModel, lang: str) -> None:
    """Sentence in, attention out: one head large, all heads as a grid, or the head view."""
    st.html(f'<span id="{ANCHOR}"></span>')  # where "open this head" scrolls to
    if st.session_state.pop(SCROLL_KEY, False):
        st.html(SCROLL_JS, unsafe_allow_javascript=True)  # constant script, no user text
    text = st.text_area(
        t("transformer.input"), value=t("transformer.example"), key=f"tf_text_{lang}", height=80
    )
    enc, w = attention_data(key, text, lm)  # w: (L, H, T, T)
    if not text.strip():
        st.info(t("transformer.empty"), icon=":material/info:")
    if enc.truncated:
        st.warning(t("transformer.truncated", n=enc.n_tokens_total, c=lm.context_length))
    st.markdown(
        token_chips_html([tok.bytes or tok.text for tok in enc.tokens]), unsafe_allow_html=True
    )
    if len(enc.ids) == 1:
        st.info(t("transformer.one_token"), icon=":material/info:")
    s, e = _token_window(enc)
    st.session_state["tf_offset"] = s
    labels = charts.token_labels(enc)
    L, H = w.shape[:2]
    _keep_valid(LAYER, list(range(L)), 0)
    _keep_valid(HEAD, list(range(H)), 0)
    _keep_valid(VIEW, list(VIEWS), "heatmap")
    cols = st.columns([3, 1, 1], vertical_alignment="bottom")
    names = {v: t(f"transformer.view.{v}") for v in VIEWS}  # now: in this run's language
    view = cols[0].radio(
        t("transformer.view_label"), VIEWS, key=VIEW, horizontal=True, format_func=names.get
    )
    layer = cols[1].selectbox(
        t("transformer.layer"), range(L), key=LAYER, format_func=lambda i: str(i + 1)
    )
    head = cols[2].selectbox(
        t("transformer.head"), range(H), key=HEAD, format_func=lambda i: str(i + 1)
    )
    if view == "heatmap":
        title = t("transformer.heat_title", layer=layer + 1, head=head + 1)
        heat = charts.heatmap_html(w[layer, head, s:e, s:e], labels[s:e], title, offset=s)
        st.markdown(heat, unsafe_allow_html=True)  # labels escaped by charts.token_labels
        st.caption(t("transformer.heat_caption"))
        data_table(
            "tf_table_heatmap",
            t("transformer.alt.heatmap"),
            lambda: tables.heatmap_table(w[layer, head, s:e, s:e], labels[s:e]),
            digits=tables.DIGITS,
        )
    elif view == "grid":
        g = max(s, e - MAX_GRID)
        if g > s:
            st.caption(t("transformer.grid_capped", m=MAX_GRID))
        st.plotly_chart(
            presenter.chart(charts.grid_figure(w[:, :, g:e, g:e], (layer, head))),
            config=CONFIG,
            key="tf_grid_chart",
            on_select=_on_grid_click,
            selection_mode="points",
            alt=t("transformer.alt.grid"),
        )
        st.caption(t("transformer.grid_caption"))
        data_table(
            "tf_table_grid",
            t("transformer.alt.grid"),
            lambda: tables.grid_table(w[:, :, g:e, g:e], labels[g:e]),
        )
    else:
        c1, c2 = st.columns(2)
        _keep_valid(QUERY, list(range(s, e)), e - 1)
        query = c1.selectbox(
            t("transformer.query_token"), range(s, e), key=QUERY, format_func=labels.__getitem__
        )
        modes = {False: t("transformer.mode_mean"), True: t("transformer.mode_per_head")}
        per_head = c2.radio(
            t("transformer.mode"),
            (False, True),
            horizontal=True,
            key="tf_mode",
            format_func=modes.get,
        )
        fig = charts.lines_figure(w[layer, :, s:e, s:e], labels[s:e], query - s, per_head)
        st.plotly_chart(
            presenter.chart(fig),
            config=CONFIG,
            key="tf_lines_chart",
            on_select=_on_token_click,
            selection_mode="points",
            alt=t("transformer.alt.lines"),
        )
        st.caption(t("transformer.lines_caption", layer=layer + 1))
        data_table(
            "tf_table_lines",
            t("transformer.alt.lines"),
            lambda: tables.lines_table(w[layer, :, s:e, s:e], labels[s:e], query - s, per_head),
        )
    url_state.keep_in_step(URL)  # this fragment reruns alone: keep its choices in the URL


def _open_head(layer: int, head: int) -> None:
    """Show ``head`` of ``layer`` large in the attention section above, and scroll up to it."""
    st.session_state[LAYER], st.session_state[HEAD], st.session_state[VIEW] = layer, head, "heatmap"
    st.session_state[SCROLL_KEY] = True


def roles_section(key: str, lm: LoadedModel) -> None:
    """The three role scores of every head, measured on generated stories, best heads named."""
    with st.spinner(t("transformer.measuring")):
        scores = role_scores(key, lm)
    st.caption(t("transformer.roles_caption", n=scores.n_stories, links=scores.n_links))
    for role, col in zip(ROLES, st.columns(len(ROLES)), strict=True):
        figure = presenter.chart(charts.roles_figure(scores, role))
        col.plotly_chart(
            figure, config=CONFIG, key=f"tf_role_{role}", alt=t(f"transformer.role.{role}")
        )
        layer, head, value = scores.top(role, 1)[0]
        col.markdown(
            t(
                "transformer.role_best",
                layer=layer + 1,
                head=head + 1,
                score=number(value, 2),
                base=number(scores.baseline[role], 2),
            )
        )
        col.button(
            t("transformer.open_head"),
            key=f"tf_open_{role}",
            on_click=_open_head,
            args=(layer, head),
            icon=":material/arrow_upward:",
        )
    data_table("tf_table_roles", t("transformer.alt.roles"), lambda: tables.roles_table(scores))


@st.fragment
def embeddings_section(key: str, lm: LoadedModel, lang: str) -> None:
    """Word embeddings in 2-D (PCA) for chosen word sets, then position similarity."""
    c1, c2 = st.columns([1, 3])
    words_lang = c1.selectbox(
        t("transformer.words_lang"),
        list(LANGUAGES),
        key="tf_words_lang",
        index=list(LANGUAGES).index(lang),
        format_func=LANGUAGES.__getitem__,
    )
    names = {s: t(f"transformer.set.{s}") for s in emb.WORD_SETS}
    sets = c2.multiselect(
        t("transformer.word_sets"),
        emb.WORD_SETS,
        key="tf_sets",
        default=["nouns", "verbs", "names"],
        format_func=names.__getitem__,
    )
    if not sets:
        st.info(t("transformer.no_sets"))
    else:
        vectors, coords, explained = word_map(key, words_lang, tuple(sets), lm)
        pca = presenter.chart(charts.pca_figure(vectors, coords, explained))
        st.plotly_chart(pca, config=CONFIG, key="tf_pca", alt=t("transformer.alt.pca"))
        single = sum(n == 1 for n in vectors.n_tokens)
        st.caption(t("transformer.pca_caption", single=single, n=len(vectors.words)))
        data_table(
            "tf_table_pca", t("transformer.alt.pca"), lambda: tables.pca_table(vectors, coords)
        )
    info = positions(key, lm)
    st.plotly_chart(
        presenter.chart(charts.position_figure(info)),
        config=CONFIG,
        key="tf_positions",
        alt=t("transformer.alt.positions"),
    )
    st.caption(t(f"transformer.pos_caption.{info.kind}", n=info.n_total))
    data_table(
        "tf_table_positions", t("transformer.alt.positions"), lambda: tables.position_table(info)
    )
    url_state.keep_in_step(URL)


def block_section(lm: LoadedModel) -> None:
    """One block as a labelled diagram with the loaded model's real sizes."""
    shapes = emb.block_shapes(lm)
    st.graphviz_chart(charts.block_dot(shapes), alt=t("transformer.alt.block"))
    st.caption(
        t(
            "transformer.block.caption",
            L=shapes.n_layers,
            D=shapes.d_model,
            H=shapes.n_heads,
            V=shapes.vocab,
            C=shapes.context,
        )
    )
    data_table("tf_table_block", t("transformer.alt.block"), lambda: tables.block_table(shapes))
