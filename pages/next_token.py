"""Next-token prediction: the model's probabilities, you as the sampler, logit lens, hallucination.

Thin: reads widgets, calls ``models.generation`` through ``app.views.next_token``, renders.
"""

from __future__ import annotations

import streamlit as st

from app import url_state
from app.i18n import current_lang, lesson_text, t
from app.resources import current_model, heavy_imports
from app.ui.lesson import lesson_sections, section
from app.ui.quiz import quiz

with heavy_imports():  # transformers imports lazily: one importing thread at a time
    from app.views import next_token as view
    from models.model.inputs import encode

url_state.restore(view.URL)  # a prepared link sets the widgets before they exist
st.title(t("page.next_token.title"), anchor=False)
url_state.link_button(view.URL)
(_, intro), write, samples, lens, hallucination = lesson_sections(lesson_text("next_token"))
st.markdown(intro)

lm = current_model()
if lm is None:
    st.info(t("next_token.no_model"), icon=":material/arrow_back:")
    st.stop()

prompt = st.text_area(
    t("next_token.prompt"), value=t("next_token.default_prompt"), key="nt_prompt", height=90
)
settings, seed = view.settings_controls()
session = view.ensure_session(lm, prompt, current_lang())
encoded = encode(lm, prompt)
if encoded.truncated:
    st.warning(
        t("next_token.truncated", total=encoded.n_tokens_total, kept=len(encoded.ids)),
        icon=":material/content_cut:",
    )
if not prompt:
    st.caption(t("next_token.empty_prompt"))

section(*write)
view.writing_panel(lm, settings, seed, lens)

section(*samples)
view.samples_panel(lm, settings, seed)

section(*hallucination)
view.hallucination_panel(lm, current_lang())

st.header(t("next_token.quiz_heading"), anchor=False, divider="gray")
quiz("next_token", "nt_quiz")
url_state.keep_in_step(view.URL)
