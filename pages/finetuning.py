"""Supervised fine-tuning, live: teach the story model to answer questions, compare before/after.

Thin: reads widgets, starts ``models.training.finetune.fine_tune_job`` on a private copy of the
selected model (the shipped tiny-stories model by default), and lets ``app.views.finetuning``
draw inside the live panel (``app.ui.live``) and the before/after comparison.
"""

from __future__ import annotations

import streamlit as st

from app import url_state
from app.i18n import LANGUAGES, current_lang, lesson_text, t
from app.resources import current_model, heavy_imports
from app.ui.export import model_download
from app.ui.lesson import lesson_sections, section
from app.ui.live import live_panel
from app.ui.quiz import quiz

with heavy_imports():  # transformers imports lazily: one importing thread at a time
    from app.views import finetuning as view
    from app.views.finetuning import FT_JOB_KEY
    from app.views.training import hyper_controls, run_buttons
    from models.data.dialogues import sft_stories, sft_text
    from models.model.device import device_label, pick_device
    from models.training.finetune import FineTuneSpec, fine_tune_job
    from models.training.sft_data import encode_example

url_state.restore(view.URL)  # a prepared link sets the widgets before they exist
st.title(t("page.finetuning.title"), anchor=False)
url_state.link_button(view.URL)
(_, intro), compare, mask = lesson_sections(lesson_text("finetuning"))
st.markdown(intro)

base = current_model()
if base is None:
    st.info(t("finetuning.no_model"), icon=":material/arrow_back:")
    st.stop()
st.caption(t("finetuning.base", name=base.name, device=device_label(pick_device())))

job = st.session_state.get(FT_JOB_KEY)
names = {code: LANGUAGES[code] for code in LANGUAGES}
lang = st.selectbox(
    t("finetuning.data_lang"),
    list(LANGUAGES),
    index=list(LANGUAGES).index(current_lang()),
    format_func=names.__getitem__,
    key="ft_lang",
)
ft_defaults = FineTuneSpec()
steps, lr, batch = hyper_controls("ft", ft_defaults.steps, ft_defaults.lr, ft_defaults.batch_size)

if run_buttons(job, "ft"):
    with st.spinner(t("finetuning.preparing")):
        try:
            spec = FineTuneSpec(lang=lang, steps=steps, lr=lr, batch_size=batch)
            made = fine_tune_job(base, spec)
        except ValueError as exc:
            made = None
            st.error(t("pretraining.cannot_train", why=str(exc)), icon=":material/error:")
    if made is not None:
        st.session_state[FT_JOB_KEY] = made
        st.rerun()  # redraw the buttons for a running job and start the live panel

if job is None:
    st.info(t("finetuning.press_start"), icon=":material/play_arrow:")
else:
    for note in job.notes:
        st.warning(t("pretraining.clamped_by_trainer", note=note), icon=":material/tune:")
    live_panel(FT_JOB_KEY, view.draw_finetuning, lambda: None)
    if job.curves.steps:
        model_download(lambda: job.export_zip(base_model=base.name), "ft_download")

section(*compare)
view.before_after(base, job, lang)

section(*mask)
example = sft_stories(n=1, langs=(lang,))[0]
ids, labels = encode_example(base.tokenizer, sft_text(example))
st.markdown(view.token_mask_html(base.tokenizer, ids, labels), unsafe_allow_html=True)
st.caption(t("finetuning.mask_legend"))

st.header(t("pretraining.quiz_heading"), anchor=False, divider="gray")
quiz("finetuning", "finetuning_quiz")
url_state.keep_in_step(view.URL)
