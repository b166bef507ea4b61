"""Next-token prediction: the model's probabilities, you as the sampler, logit lens, hallucination.

Thin: reads widgets, calls ``models.next_token`` through ``app.next_token_view``, renders.
"""

from __future__ import annotations

import streamlit as st

from app import next_token_view as view
from app import url_state
from app.i18n import current_lang, lesson_text, t
from app.resources import current_model
from models.inspection import encode

url_state.restore("next_token")  # a prepared link sets the widgets before they exist
st.title(t("page.next_token.title"), anchor=False)
url_state.link_button("next_token")
(_, intro), write, samples, lens, hallucination = view.lesson_sections(lesson_text("next_token"))
st.markdown(intro)

lm = current_model()
if lm is None:
    st.info(t("next_token.no_model"), icon=":material/arrow_back:")
    st.stop()

prompt = st.text_area(
    t("next_token.prompt"), value=t("next_token.default_prompt"), key="nt_prompt", height=90
)
settings, seed = view.settings_controls()
session = view.ensure_session(lm, prompt)
encoded = encode(lm, prompt)
if encoded.truncated:
    st.warning(
        t("next_token.truncated", total=encoded.n_tokens_total, kept=len(encoded.ids)),
        icon=":material/content_cut:",
    )
if not prompt:
    st.caption(t("next_token.empty_prompt"))

view.lesson_section(*write)
view.writing_panel(lm, settings, seed, lens)

view.lesson_section(*samples)
view.samples_panel(lm, settings, seed)

view.lesson_section(*hallucination)
view.hallucination_panel(lm, current_lang())

st.header(t("next_token.quiz_heading"), anchor=False, divider="gray")
view.quiz()
url_state.keep_in_step("next_token")
