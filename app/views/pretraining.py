"""The pre-training page's own pieces: what to train (corpus, preset), the overfitting demo,
the run's charts and samples, the runs kept for comparison, and its URL.

The shared settings, buttons and loss chart are ``app.views.training``; the job itself is a
``models.training.pretraining.TrainingJob`` in this session's ``st.session_state``.
"""

from __future__ import annotations

import streamlit as st

from app.i18n import number, t
from app.resources import use_session_model
from app.ui.a11y import chart_with_table
from app.ui.charts import go, styled
from app.ui.palette import GREEN, SKY_BLUE
from app.ui.render import escape_text
from app.url_state import Choice, Flag, Page, Param, Text
from app.views.training import BATCH, LR, STEPS, loss_figure, overfitting_start, status_line
from models.training.pretraining import Curves, RunSpec, TrainingJob, pretraining_job

MAX_RUNS = 3  # finished runs kept for comparison
CORPUS_CHOICES = ("tiny-stories-en", "tiny-stories-de", "tiny-stories-ja", "shakespeare", "own")
PRESET_CHOICES = (RunSpec.preset, "nano", "small", "gpu")  # the first is the default run's
SAMPLE_PROMPTS = {
    "tiny-stories-en": "Once upon a time",
    "tiny-stories-de": "Es war einmal",
    "tiny-stories-ja": "むかしむかし",
    "shakespeare": "ROMEO:\n",
}
# Tiny data (≈ 3 000 training tokens), bigger model, many passes over it. Measured on one CPU
# thread (2-core machine): validation loss is lowest near step 40 (3.84, ≈ 30 s), then climbs to
# ≈ 4.9 by step 130 (≈ 90 s) while training loss falls from 2.4 to 0.2. In the served app (one
# thread, redraws, samples) 150 steps took 2:16 min, so the run stops at 110 steps (≈ 100 s),
# well after the turn (validation ≈ 4.3 there, training ≈ 0.8).
OVERFIT_SPEC = RunSpec(
    corpus="tiny-stories-en",
    preset="small",
    n_chars=8_000,
    vocab_size=512,
    steps=110,
    lr=3e-3,
    batch_size=16,
    eval_every=10,
    sample_every=50,
)

OVERFIT_START = "pt_overfit_start"  # set by the overfitting button: start OVERFIT_SPEC
JOB_KEY = "pt_job"
RUNS_KEY = "pt_runs"  # finished runs: [{"job_id", "label", "val_steps", "val_loss"}], newest last
URL = Page(
    "pretraining",
    (
        Param("corpus", "pt_corpus", Choice(CORPUS_CHOICES)),
        Param("text", "pt_text", Text()),
        Param("preset", "pt_preset", Choice(PRESET_CHOICES)),
        Param("cpu", "pt_cpu", Flag()),
        Param("steps", "pt_steps", STEPS),
        Param("lr", "pt_lr", LR),
        Param("batch", "pt_batch", BATCH),
    ),
)


def bpb_figure(curves: Curves) -> go.Figure:
    """Validation bits per byte over steps."""
    fig = go.Figure()
    fig.add_scatter(
        x=curves.val_steps, y=curves.val_bpb, mode="lines+markers", name=t("pretraining.val_bpb"),
        line={"color": GREEN, "width": 3}, marker={"size": 9},
    )  # fmt: skip
    return styled(
        fig, height=300, xaxis_title=t("pretraining.step"), yaxis_title=t("pretraining.bpb_axis"),
        title=t("pretraining.bpb_title"),
    )  # fmt: skip


def samples_panel(curves: Curves) -> None:
    """The latest samples, newest first, escaped."""
    if not curves.samples:
        st.caption(t("pretraining.no_sample"))
        return
    for step, text in reversed(curves.samples[-4:]):
        st.markdown(
            f"<div style='font-size:1.15rem;white-space:pre-wrap;border-left:4px solid "
            f"{SKY_BLUE};padding-left:8px;margin-bottom:6px'><b>{t('pretraining.sample_at', step=step)}"
            f"</b> {escape_text(text, keep_newlines=True)}</div>",
            unsafe_allow_html=True,
        )


def make_job(spec: RunSpec) -> TrainingJob | str:
    """A new job, or the reason (for the user) why this text or these settings cannot train."""
    try:
        return pretraining_job(spec)
    except ValueError as exc:  # CorpusError is a ValueError too; so is "shorter than one block"
        return t("pretraining.cannot_train", why=str(exc))


def remember_run() -> None:
    """Keep the finished pre-training run's validation curve for comparison (last MAX_RUNS)."""
    job = st.session_state.get(JOB_KEY)
    if job is None or not job.curves.steps:
        return
    runs = st.session_state.setdefault(RUNS_KEY, [])
    if runs and runs[-1].get("job_id") == id(job):
        return
    runs.append(
        {
            "job_id": id(job),
            "label": job.spec.label(),
            # validation points when there are some, else the training curve
            "val_steps": list(job.curves.val_steps or job.curves.steps),
            "val_loss": list(job.curves.val_loss or job.curves.loss),
        }
    )
    del runs[:-MAX_RUNS]


def draw_pretraining(job: TrainingJob) -> None:
    """Everything that changes while a pre-training run trains."""
    status_line(job)
    old = [r for r in st.session_state.get(RUNS_KEY, []) if r.get("job_id") != id(job)]
    chart_with_table(
        loss_figure(job.curves, old), "pt_loss_chart", alt=t("pretraining.chart_title")
    )
    if overfitting_start(job.curves) is not None:
        gap = job.curves.val_loss[-1] - job.curves.loss[-1]
        st.warning(t("pretraining.overfit_note", gap=number(gap, 2)), icon=":material/warning:")
    left, right = st.columns([2, 3])
    with left:
        chart_with_table(bpb_figure(job.curves), "pt_bpb_chart", alt=t("pretraining.bpb_title"))
    with right:
        st.subheader(t("pretraining.samples"), anchor=False)
        samples_panel(job.curves)


def use_in_lessons(job: TrainingJob) -> None:
    """Let the other lessons use this run's model for the rest of the session (kept in memory)."""
    use_session_model(job.as_loaded_model(name=t("pretraining.session_model_name")))


# -- fine-tuning --------------------------------------------------------------------------
FT_JOB_KEY = "ft_job"


def choose_overfitting() -> None:
    """The overfitting button's callback: put ``OVERFIT_SPEC``'s settings into the widgets, so
    they show what is trained, and ask the page to start it."""
    spec = OVERFIT_SPEC
    st.session_state.update(
        pt_corpus=spec.corpus,
        pt_preset=spec.preset,
        pt_steps=spec.steps,
        pt_lr=spec.lr,
        pt_batch=spec.batch_size,
    )
    st.session_state[OVERFIT_START] = True
