"""Transformer & self-attention: what each token looks at, which heads have a job, and why.

The page reads widgets and calls ``app.views.transformer``; computing lives in ``models/``.
Every section can switch between the trained model and the same one at random init.
"""

from __future__ import annotations

import streamlit as st

from app import url_state
from app.i18n import current_lang, lesson_text, t
from app.resources import current_model, heavy_imports
from app.ui.lesson import lesson_sections, section, with_model_facts
from app.ui.quiz import quiz

with heavy_imports():  # transformers imports lazily: one importing thread at a time
    from app.views import transformer as tv

url_state.restore(tv.URL)  # a prepared link sets the widgets before they exist
st.title(t("page.transformer.title"), anchor=False)
url_state.link_button(tv.URL)
lm = current_model()
if lm is None:
    st.info(t("transformer.no_model"), icon=":material/info:")
    st.stop()

lang = current_lang()
sections = lesson_sections(with_model_facts(lesson_text("transformer"), lm))
st.markdown(sections[0][1])

random_init = st.toggle(
    t("transformer.random_toggle"), key="tf_random", help=t("transformer.random_help")
)
with st.spinner(t("transformer.measuring")):
    key, model = tv.model_for(lm, random_init)
if random_init:
    st.caption(t("transformer.random_note"))

renderers = [
    lambda: tv.attention_section(key, model, lang),
    lambda: tv.roles_section(key, model),
    lambda: tv.embeddings_section(key, model, lang),
    lambda: tv.block_section(model),
    lambda: quiz("transformer", "tf_quiz"),
]
for (heading, body), render in zip(sections[1:], renderers, strict=False):
    section(heading, body)
    render()
url_state.keep_in_step(tv.URL)
