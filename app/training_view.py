"""Streamlit and plotly pieces of the live-training pages (pre-training and fine-tuning).

Computing lives in ``models/`` (``TrainingJob``, ``Trainer``, ``DialogueData``); this module
reads widgets, keeps the per-user job in ``st.session_state`` (never in a cache) and draws.
The live panel is a fragment that advances the job by a short time slice on every run: a
``run_every`` timer drives it in the browser, and a plain full rerun (what ``AppTest`` does)
advances it just the same. Token and user text reaches HTML only through ``app.render``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import fields

import streamlit as st

from app.a11y import chart_with_table
from app.i18n import t
from app.plotting import go
from app.render import OKABE_ITO, escape_text, token_display
from app.resources import model_version, use_session_model
from models.finetune import answer, heldout_questions
from models.live_training import Curves, RunSpec, TrainingJob
from models.model import LoadedModel
from models.train import TrainConfig

FONT = {"size": 18}  # projector-sized
TRAIN_COLOUR, VAL_COLOUR = OKABE_ITO[4], OKABE_ITO[5]  # blue, vermillion: colour-blind safe
OLD_COLOURS = (OKABE_ITO[0], OKABE_ITO[2], OKABE_ITO[6])  # orange, green, purple
SLICE_S = 0.4  # seconds of training per fragment run: the page stays responsive
TICK_S = 0.5  # how often the running fragment reruns itself in the browser
MAX_RUNS = 3  # finished runs kept for comparison

# Ranges for live training; values outside are clamped with a visible note.
STEP_RANGE = (1, 20_000)
LR_RANGE = (1e-5, 0.1)
BATCH_RANGE = (1, 128)
BATCH_CHOICES = (1, 2, 4, 8, 16, 32, 64, 128)

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


def config_help(name: str) -> str:
    """The help text of a ``TrainConfig`` field (the English tooltips must equal it)."""
    for f in fields(TrainConfig):
        if f.name == name:
            return str(f.metadata.get("help", ""))
    raise KeyError(name)


def clamp_settings(steps: float, lr: float, batch_size: int) -> tuple[int, float, int, list[str]]:
    """``(steps, lr, batch_size, notes)``: each value clamped into the live-training range.

    >>> clamp_settings(0, 100, 16)[:3]
    (1, 0.1, 16)
    """
    notes: list[str] = []

    def clamp(name: str, value: float, lo: float, hi: float) -> float:
        if not math.isfinite(value):
            value = hi
        new = min(max(value, lo), hi)
        if new != value:
            notes.append(t("pretraining.clamped", name=name, value=f"{value:g}", new=f"{new:g}"))
        return new

    s = int(clamp(t("pretraining.steps"), float(steps), *STEP_RANGE))
    r = float(clamp(t("pretraining.lr"), float(lr), *LR_RANGE))
    b = int(clamp(t("pretraining.batch"), float(batch_size), *BATCH_RANGE))
    return s, r, b, notes


def hyper_controls(prefix: str, steps: int, lr: float, batch: int) -> tuple[int, float, int]:
    """Steps, learning rate and batch size widgets, clamped with a visible note.

    The English tooltips are ``TrainConfig``'s help texts (a test keeps them equal).
    """
    c1, c2, c3 = st.columns(3)
    raw_steps = c1.number_input(
        t("pretraining.steps"),
        value=steps,
        step=50,
        key=f"{prefix}_steps",
        help=t("pretraining.help_steps"),
    )
    raw_lr = c2.number_input(
        t("pretraining.lr"),
        value=lr,
        format="%.5f",
        step=5e-4,
        key=f"{prefix}_lr",
        help=t("pretraining.help_lr"),
    )
    raw_batch = c3.select_slider(
        t("pretraining.batch"),
        BATCH_CHOICES,
        value=batch,
        key=f"{prefix}_batch",
        help=t("pretraining.help_batch"),
    )
    s, r, b, notes = clamp_settings(raw_steps, raw_lr, raw_batch)
    for note in notes:
        st.warning(note, icon=":material/tune:")
    return s, r, b


def run_buttons(job: TrainingJob | None, prefix: str) -> bool:
    """Start / Pause / Resume / Stop. Returns True when Start was clicked (the page starts the
    job); the other buttons act on ``job`` and rerun the page so every button is up to date."""
    running = job is not None and job.status in ("ready", "running")
    paused = job is not None and job.status == "paused"
    cols = st.columns(4)
    start = cols[0].button(
        t("pretraining.start"), key=f"{prefix}_start", type="primary", disabled=running
    )
    actions = {
        "pause": cols[1].button(
            t("pretraining.pause"), key=f"{prefix}_pause", disabled=not running
        ),
        "resume": cols[2].button(
            t("pretraining.resume"), key=f"{prefix}_resume", disabled=not paused
        ),
        "stop": cols[3].button(
            t("pretraining.stop"), key=f"{prefix}_stop", disabled=not (running or paused)
        ),
    }
    for name, clicked in actions.items():
        if clicked and job is not None:
            getattr(job, name)()
            st.rerun()
    return start


def overfitting_start(curves: Curves, min_rise: float = 0.05) -> int | None:
    """The step of the best validation loss if validation has risen ``min_rise`` above it since.

    >>> c = Curves(val_steps=[10, 20, 30], val_loss=[3.0, 2.5, 2.7])
    >>> overfitting_start(c)
    20
    """
    if len(curves.val_loss) < 3:
        return None
    best = min(range(len(curves.val_loss)), key=curves.val_loss.__getitem__)
    if curves.val_loss[-1] - curves.val_loss[best] >= min_rise:
        return curves.val_steps[best]
    return None


def loss_figure(curves: Curves, old_runs: list[dict] | None = None) -> go.Figure:
    """Train (line) and validation (dots) loss over steps; earlier runs dashed; overfitting shaded."""
    fig = go.Figure()
    for i, run in enumerate(old_runs or []):
        colour = OLD_COLOURS[i % len(OLD_COLOURS)]
        fig.add_scatter(
            x=run["val_steps"], y=run["val_loss"], mode="lines", name=run["label"],
            line={"color": colour, "dash": "dash", "width": 2},
        )  # fmt: skip
    fig.add_scatter(
        x=curves.steps, y=curves.loss, mode="lines", name=t("pretraining.train_loss"),
        line={"color": TRAIN_COLOUR, "width": 2},
    )  # fmt: skip
    fig.add_scatter(
        x=curves.val_steps, y=curves.val_loss, mode="lines+markers", name=t("pretraining.val_loss"),
        line={"color": VAL_COLOUR, "width": 3}, marker={"size": 9, "symbol": "diamond"},
    )  # fmt: skip
    start = overfitting_start(curves)
    if start is not None:
        fig.add_vrect(
            x0=start, x1=curves.val_steps[-1], fillcolor=OKABE_ITO[3], opacity=0.25, line_width=0,
            annotation_text=t("pretraining.overfit_label"), annotation_position="top left",
            annotation_font={"size": 18},
        )  # fmt: skip
    fig.update_layout(
        font=FONT, height=420, margin={"l": 10, "r": 10, "t": 40, "b": 10},
        xaxis_title=t("pretraining.step"), yaxis_title=t("pretraining.loss_axis"),
        legend={"orientation": "h", "y": -0.2}, title=t("pretraining.chart_title"),
    )  # fmt: skip
    return fig


def bpb_figure(curves: Curves) -> go.Figure:
    """Validation bits per byte over steps."""
    fig = go.Figure()
    fig.add_scatter(
        x=curves.val_steps, y=curves.val_bpb, mode="lines+markers", name=t("pretraining.val_bpb"),
        line={"color": OKABE_ITO[2], "width": 3}, marker={"size": 9},
    )  # fmt: skip
    fig.update_layout(
        font=FONT, height=300, margin={"l": 10, "r": 10, "t": 40, "b": 10},
        xaxis_title=t("pretraining.step"), yaxis_title=t("pretraining.bpb_axis"),
        title=t("pretraining.bpb_title"),
    )  # fmt: skip
    return fig


def _duration(seconds: float | None) -> str:
    """12.3 → '12 s'; 95 → '1:35 min'; None → '–'."""
    if seconds is None:
        return "–"
    seconds = int(round(seconds))
    return f"{seconds} s" if seconds < 60 else f"{seconds // 60}:{seconds % 60:02d} min"


def status_line(job: TrainingJob) -> None:
    """Progress bar, then tokens/s, elapsed, ETA and the job's status in words."""
    ev = job.last
    total = job.trainer.config.steps
    step = ev.step if ev else 0
    st.progress(
        min(step / max(total, 1), 1.0), text=t("pretraining.progress", step=step, total=total)
    )
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(
        t("pretraining.tokens_s"), f"{ev.tokens_per_s:,.0f}" if ev and ev.tokens_per_s else "–"
    )
    c2.metric(t("pretraining.elapsed"), _duration(ev.elapsed_s if ev else 0.0))
    eta = ev.eta_s if ev and job.status in ("running", "ready") else None
    c3.metric(t("pretraining.eta"), _duration(eta))
    c4.metric(t("pretraining.status"), t(f"pretraining.status_{job.status}"))
    if job.status == "error":
        st.error(t("pretraining.nan", message=job.message or ""), icon=":material/error:")


def samples_panel(curves: Curves) -> None:
    """The latest samples, newest first, escaped."""
    if not curves.samples:
        st.caption(t("pretraining.no_sample"))
        return
    for step, text in reversed(curves.samples[-4:]):
        st.markdown(
            f"<div style='font-size:1.15rem;white-space:pre-wrap;border-left:4px solid "
            f"{OKABE_ITO[1]};padding-left:8px;margin-bottom:6px'><b>{t('pretraining.sample_at', step=step)}"
            f"</b> {escape_text(text, keep_newlines=True)}</div>",
            unsafe_allow_html=True,
        )


def live_panel(
    key: str, draw: Callable[[TrainingJob], None], on_finish: Callable[[], None]
) -> None:
    """A fragment that trains ``st.session_state[key]`` for a slice, then calls ``draw(job)``.

    It reruns itself every ``TICK_S`` seconds while the job runs; when the job finishes during
    a run it calls ``on_finish`` and reruns the whole page so the buttons are up to date.
    """
    job = st.session_state.get(key)
    active = job is not None and job.status in ("ready", "running")

    @st.fragment(run_every=TICK_S if active else None)
    def panel() -> None:
        job = st.session_state.get(key)
        if job is None:
            return
        was_active = job.status in ("ready", "running")
        if was_active:
            job.advance(SLICE_S)
        draw(job)
        if was_active and job.finished:
            on_finish()
            st.rerun(scope="app")

    panel()


# -- pre-training -------------------------------------------------------------------------
JOB_KEY = "pt_job"
RUNS_KEY = "pt_runs"  # finished runs: [{"job_id", "label", "val_steps", "val_loss"}], newest last


def make_job(spec: RunSpec) -> TrainingJob | str:
    """A new job, or the reason (for the user) why this text or these settings cannot train."""
    try:
        return TrainingJob(spec)
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
        st.warning(t("pretraining.overfit_note", gap=f"{gap:.2f}"), icon=":material/warning:")
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


def token_mask_html(tokenizer, ids: list[int], labels: list[int]) -> str:
    """Tokens as chips: grey where the loss ignores them, highlighted where they are targets."""
    chips = []
    for tid, label in zip(ids, labels, strict=True):
        piece = tokenizer.decode([tid])
        target = label != -100
        style = (
            f"background:{'#B3DDF5' if target else '#EEEEEE'};color:{'#111' if target else '#555'};"
            f"border:1px solid {OKABE_ITO[4] if target else '#CCC'};border-radius:4px;"
            "padding:0 3px;margin:1px;display:inline-block;white-space:pre;font-weight:"
            + ("700" if target else "400")
        )
        chips.append(f'<span style="{style}">{token_display(piece)}</span>')
    return (
        "<div style='line-height:2.1;font-family:ui-monospace,monospace;font-size:1.05rem'>"
        + "".join(chips)
        + "</div>"
    )


def quiz(prefix: str) -> None:
    """The check-your-understanding question with feedback; the first option is right."""
    options = t(f"{prefix}.quiz_options").split("|")
    choice = st.radio(
        t(f"{prefix}.quiz_question"),
        range(len(options)),
        index=None,
        format_func=options.__getitem__,
        key=f"{prefix}_quiz",
    )
    if choice == 0:
        st.success(t(f"{prefix}.quiz_correct"), icon=":material/check_circle:")
    elif choice is not None:
        st.error(t(f"{prefix}.quiz_wrong"), icon=":material/lightbulb:")


def draw_finetuning(job: TrainingJob) -> None:
    """Everything that changes while a fine-tuning run trains."""
    status_line(job)
    chart_with_table(loss_figure(job.curves), "ft_loss_chart", alt=t("pretraining.chart_title"))


@st.cache_resource(show_spinner=False, max_entries=16)
def _checkpoint_answers(folder: str, version: float, lang: str, _base: LoadedModel) -> list[str]:
    """Greedy answers of the checkpoint in ``folder`` to the held-out questions in ``lang``:
    the same for every student, so computed once per process (read-only, never changed)."""
    return _answers(_base, lang)


def _answers(lm: LoadedModel, lang: str) -> list[str]:
    return [answer(lm.model, lm.tokenizer, q.prompt) for q in heldout_questions(lang)]


def base_answers(base: LoadedModel, lang: str) -> list[str]:
    """The base model's answers: shared when it is a checkpoint folder, else kept per session."""
    if base.path is not None:
        return _checkpoint_answers(str(base.path), model_version(str(base.path)), lang, base)
    cache = st.session_state.setdefault("ft_answers", {})
    key = (base.identity, lang)
    if key not in cache:
        cache[key] = _answers(base, lang)
    return cache[key]


def before_after(base: LoadedModel, job: TrainingJob | None, lang: str) -> None:
    """The same held-out questions answered (greedily) by the base model and the fine-tuned copy.

    Answers are cached (the base model's per process, the tuned copy's per session and step), so
    reruns do not regenerate them.
    """
    tuned = job is not None and job.curves.steps and job.status not in ("ready", "running")
    cache = st.session_state.setdefault("ft_answers", {})
    before = base_answers(base, lang)
    for i, q in enumerate(heldout_questions(lang)):
        with st.container(border=True):
            st.markdown(
                "<div style='font-size:0.95rem;color:#555;white-space:pre-wrap'>"
                f"{escape_text(q.story, keep_newlines=True)}</div>"
                f"<div style='font-size:1.15rem;margin-top:6px'><b>A:</b> {escape_text(q.question)}"
                f"</div>",
                unsafe_allow_html=True,
            )
            left, right = st.columns(2)
            left.markdown(f"**{t('finetuning.before')}**")
            left.markdown(_answer_html(before[i]), unsafe_allow_html=True)
            right.markdown(f"**{t('finetuning.after')}**")
            if tuned:
                key = (id(job), job.trainer.step, lang, i)
                if key not in cache:
                    cache[key] = answer(job.trainer.model, job.tokenizer, q.prompt)
                right.markdown(_answer_html(cache[key]), unsafe_allow_html=True)
            else:
                right.caption(t("finetuning.after_pending"))
            st.caption(t("finetuning.truth", answer=q.truth))


def _answer_html(text: str) -> str:
    return (
        f"<div style='font-size:1.15rem;border-left:4px solid {OKABE_ITO[4]};padding-left:8px'>"
        f"<b>B:</b> {escape_text(text)}</div>"
    )
