"""Pre-training, live: choose text, model and settings, train, watch loss and samples improve.

Thin: reads widgets, builds a ``RunSpec``, keeps the ``TrainingJob`` in ``st.session_state``
and lets ``app.views.pretraining`` draw inside the live panel (``app.ui.live``).
"""

from __future__ import annotations

import streamlit as st

from app import url_state
from app.i18n import format_params, lesson_text, t
from app.resources import heavy_imports
from app.ui.export import model_download
from app.ui.lesson import lesson_sections, section
from app.ui.live import live_panel
from app.ui.quiz import quiz

with heavy_imports():  # transformers imports lazily: one importing thread at a time
    from app.views import pretraining as view
    from app.views.pretraining import JOB_KEY
    from app.views.training import hyper_controls, run_buttons
    from models.data.corpora import CorpusError, validate_user_text
    from models.model.device import device_label, pick_device
    from models.training.pretraining import RunSpec, parameter_count

url_state.restore(view.URL)  # a prepared link sets the widgets before they exist
st.title(t("page.pretraining.title"), anchor=False)
url_state.link_button(view.URL)
(_, intro), *sections = lesson_sections(lesson_text("pretraining"))
st.markdown(intro)

job = st.session_state.get(JOB_KEY)
left, right = st.columns(2)
with left:
    # labels built now, not inside format_func, so they are in this run's language
    labels = {c: t(f"pretraining.corpus_{c.replace('-', '_')}") for c in view.CORPUS_CHOICES}
    corpus = st.selectbox(
        t("pretraining.corpus"),
        view.CORPUS_CHOICES,
        format_func=labels.__getitem__,
        key="pt_corpus",
    )
    user_text, text_error = None, None
    if corpus == "own":
        pasted = st.text_area(t("pretraining.paste"), key="pt_text", height=120)
        upload = st.file_uploader(t("pretraining.upload"), type=None, key="pt_upload")
        try:
            if upload is not None:
                user_text = validate_user_text(upload.getvalue())
            elif pasted.strip():
                user_text = validate_user_text(pasted)
            else:
                text_error = t("pretraining.need_text")
        except CorpusError as exc:
            text_error = t("pretraining.cannot_train", why=str(exc))
        if text_error:
            st.warning(text_error, icon=":material/description:")
with right:
    sizes = {p: f"{p} · {format_params(parameter_count(p))}" for p in view.PRESET_CHOICES}
    preset = st.selectbox(
        t("pretraining.preset"), view.PRESET_CHOICES, format_func=sizes.__getitem__, key="pt_preset"
    )
    st.caption(t(f"pretraining.preset_{preset.replace('-', '_')}"))
    force_cpu = st.checkbox(t("pretraining.force_cpu"), key="pt_cpu")
    st.caption(t("pretraining.device", device=device_label(pick_device(force_cpu))))

pt_defaults = RunSpec()
steps, lr, batch = hyper_controls("pt", pt_defaults.steps, pt_defaults.lr, pt_defaults.batch_size)
spec = RunSpec(
    corpus="tiny-stories-en" if corpus == "own" else corpus,
    preset=preset,
    steps=steps,
    lr=lr,
    batch_size=batch,
    eval_every=max(5, steps // 20),
    sample_every=max(10, steps // 6),
    sample_prompt=view.SAMPLE_PROMPTS.get(corpus, user_text[:20] if user_text else ""),
    force_cpu=force_cpu,
    user_text=user_text,
)

start = run_buttons(job, "pt")
st.button(
    t("pretraining.overfit_button"),
    key="pt_overfit",
    help=t("pretraining.overfit_help"),
    on_click=view.choose_overfitting,  # the widgets show the run's settings, then it starts
)
if st.session_state.pop(view.OVERFIT_START, False):
    start, spec = True, view.OVERFIT_SPEC
if start:
    if spec.user_text is None and corpus == "own" and spec is not view.OVERFIT_SPEC:
        st.error(text_error or t("pretraining.need_text"), icon=":material/error:")
    else:
        with st.spinner(t("pretraining.preparing")):
            made = view.make_job(spec)
        if isinstance(made, str):
            st.error(made, icon=":material/error:")
        else:
            view.remember_run()
            st.session_state[JOB_KEY] = made
            st.rerun()  # redraw the buttons for a running job and start the live panel

if job is None:
    st.info(t("pretraining.press_start"), icon=":material/play_arrow:")
else:
    st.caption(job.spec.label())
    for note in job.notes:
        st.warning(t("pretraining.clamped_by_trainer", note=note), icon=":material/tune:")
    live_panel(JOB_KEY, view.draw_pretraining, view.remember_run)
    if job.curves.steps:
        c1, c2 = st.columns(2)
        model_download(job.export_zip, "pt_download", c1)
        c2.button(
            t("pretraining.use_model"), key="pt_use", on_click=view.use_in_lessons, args=(job,)
        )
        c2.caption(t("pretraining.use_model_help"))

for heading, body in sections:
    section(heading, body)
st.header(t("pretraining.quiz_heading"), anchor=False, divider="gray")
quiz("pretraining", "pretraining_quiz")
url_state.keep_in_step(view.URL)
