"""Tokenization: how text becomes tokens and numbers, four tokenizers side by side, BPE live."""

from __future__ import annotations

from functools import partial

import streamlit as st

from app import url_state
from app.i18n import LANGUAGES, current_lang, lesson_text, number, t, text_for
from app.resources import current_tokenizer, heavy_imports
from app.ui.a11y import data_table
from app.ui.lesson import lesson_sections, section
from app.ui.quiz import quiz

with heavy_imports():  # transformers imports lazily: one importing thread at a time
    from app.views import tokenization as tv
    from app.views.bpe_stepper import bpe_stepper
    from models.tokenization.bpe_replay import MAX_TRAIN_CHARS
    from models.tokenization.compare import QUIRKS, Encoder, clean_text, count_rows

lang = current_lang()
(_, intro), cost, bpe, quirks, check = lesson_sections(lesson_text("tokenization"))

url_state.restore(tv.URL)  # a prepared link sets the widgets before they exist
st.title(t("page.tokenization.title"), anchor=False)
url_state.link_button(tv.URL)
st.markdown(intro)

# --- Your text, four tokenizers side by side -------------------------------------------------
ours = current_tokenizer()  # read from tokenizer.json: this page never waits for the model
if ours is None:
    st.warning(t("tokenization.ours_missing"), icon=":material/info:")
encoders = tv.encoders(ours)


@st.fragment  # an edit reruns only this part, not the chart, the stepper and the quirks below
def your_text(encoders: dict[str, Encoder]) -> None:
    raw = st.text_area(
        t("tokenization.input_label"),
        value=t("tokenization.sample"),
        help=t("tokenization.input_help"),
        key=f"tok_text_{lang}",  # one field per language: switching language shows its sample
        height=120,
    )
    text, n_surrogates = clean_text(raw)
    if n_surrogates:
        st.warning(t("tokenization.surrogates", n=n_surrogates), icon=":material/warning:")
    if not text:
        st.info(t("tokenization.empty"), icon=":material/edit:")
    view = st.segmented_control(
        t("tokenization.view_label"),
        tv.VIEWS,
        format_func=lambda v: t(f"tokenization.view.{v}"),
        default="text",
        key="tok_view",
    )
    columns = st.columns(2)
    for i, encode in enumerate(encoders.values()):
        with columns[i % 2]:
            tv.show_tokens(encode(text), view or "text")
    url_state.keep_in_step(tv.URL)  # this fragment reruns alone: keep the text in the URL


your_text(encoders)

# --- Cost per language -----------------------------------------------------------------------
section(*cost)
own = st.text_input(t("tokenization.own_label"), key=f"tok_own_{lang}", max_chars=tv.OWN_MAX)
sentences = {code: text_for(code, "tokenization.cost_sentence") for code in LANGUAGES}
names = dict(LANGUAGES)
if own.strip():
    sentences["own"], names["own"] = own, t("tokenization.own_name")
rows = count_rows(sentences, encoders)
alt = t("tokenization.cost_alt")
st.markdown(tv.cost_bars_html(rows, names, alt, sentences), unsafe_allow_html=True)
data_table("tok_cost_table", alt, partial(tv.cost_table, rows, names))

# --- Watch BPE learn -------------------------------------------------------------------------
section(*bpe)
bpe_text = st.text_area(
    t("tokenization.bpe_text_label"), value=t("tokenization.bpe_sample"), key=f"tok_bpe_{lang}"
)
n_merges = st.slider(
    t("tokenization.bpe_merges_label"),
    tv.MERGES.lo,
    tv.MERGES.hi,
    40,
    help=t("tokenization.bpe_merges_help"),
    key="tok_merges",
)
if len(bpe_text) > MAX_TRAIN_CHARS:
    st.caption(t("tokenization.bpe_cut", n=number(MAX_TRAIN_CHARS)))
run = tv.bpe_run(bpe_text, n_merges)
if 0 < len(run.merges) < n_merges:  # training stopped early: say why, not just stop
    st.info(
        t("tokenization.bpe_stopped", n=len(run.merges), wanted=n_merges), icon=":material/info:"
    )
if run.merges:
    bpe_stepper(run, tv.URL)
else:
    st.info(t("tokenization.bpe_none"), icon=":material/info:")

# --- Quirks ----------------------------------------------------------------------------------
section(*quirks)
tabs = st.tabs([t(f"tokenization.quirk.{kind}") for kind in QUIRKS])
for tab, (kind, examples) in zip(tabs, QUIRKS.items(), strict=True):
    with tab:
        st.caption(t(f"tokenization.quirk_note.{kind}"))
        st.markdown(tv.quirk_table(examples, encoders), unsafe_allow_html=True)

# --- Check your understanding ----------------------------------------------------------------
section(*check)
quiz("tokenization", "tok_quiz")
url_state.keep_in_step(tv.URL)
