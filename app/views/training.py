"""Widgets and charts both live-training pages share: settings with their ranges, the run's
buttons, its status line and its loss chart.

Computing lives in ``models.training`` (``TrainingJob``, ``Trainer``); each page's own pieces are
in ``app.views.pretraining`` and ``app.views.finetuning``, and the live fragment that advances
a job is ``app.ui.live.live_panel``. Token and user text reaches HTML only through
``app.ui.render``.
"""

from __future__ import annotations

import math
from dataclasses import fields

import streamlit as st

from app.i18n import number, t
from app.ui.charts import FONT, go, styled
from app.ui.palette import BLUE, GREEN, ORANGE, PURPLE, VERMILLION, YELLOW
from app.url_state import Choice, Float, Int
from models.training.config import TrainConfig
from models.training.jobs import ACTIVE
from models.training.pretraining import Curves, TrainingJob

TRAIN_COLOUR, VAL_COLOUR = BLUE, VERMILLION  # colour-blind safe
OLD_COLOURS = (ORANGE, GREEN, PURPLE)

# Ranges for live training, also what a link may set; values outside are clamped with a note.
STEPS = Int(1, 20_000)
LR = Float(1e-5, 1.0)  # up to a rate that makes the loss explode: the run stops and says why
BATCH_CHOICES = (1, 2, 4, 8, 16, 32, 64, 128)
BATCH = Choice(BATCH_CHOICES)


def config_help(name: str) -> str:
    """The help text of a ``TrainConfig`` field (the English tooltips must equal it)."""
    for f in fields(TrainConfig):
        if f.name == name:
            return str(f.metadata.get("help", ""))
    raise KeyError(name)


def clamp_settings(steps: float, lr: float, batch_size: int) -> tuple[int, float, int, list[str]]:
    """``(steps, lr, batch_size, notes)``: each value clamped into the live-training range.

    >>> clamp_settings(0, 100, 16)[:3]
    (1, 1.0, 16)
    """
    notes: list[str] = []

    def clamp(name: str, value: float, lo: float, hi: float) -> float:
        if not math.isfinite(value):
            value = hi
        new = min(max(value, lo), hi)
        if new != value:
            notes.append(t("pretraining.clamped", name=name, value=f"{value:g}", new=f"{new:g}"))
        return new

    s = int(clamp(t("pretraining.steps"), float(steps), STEPS.lo, STEPS.hi))
    r = float(clamp(t("pretraining.lr"), float(lr), LR.lo, LR.hi))
    b = int(
        clamp(t("pretraining.batch"), float(batch_size), min(BATCH_CHOICES), max(BATCH_CHOICES))
    )
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
    running = job is not None and job.status in ACTIVE
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
            x0=start, x1=curves.val_steps[-1], fillcolor=YELLOW, opacity=0.25, line_width=0,
            annotation_text=t("pretraining.overfit_label"), annotation_position="top left",
            annotation_font=FONT,
        )  # fmt: skip
    return styled(
        fig, height=420, xaxis_title=t("pretraining.step"), yaxis_title=t("pretraining.loss_axis"),
        legend={"orientation": "h", "y": -0.2}, title=t("pretraining.chart_title"),
    )  # fmt: skip


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
    c1.metric(t("pretraining.tokens_s"), number(ev.tokens_per_s) if ev and ev.tokens_per_s else "–")
    c2.metric(t("pretraining.elapsed"), _duration(ev.elapsed_s if ev else 0.0))
    eta = ev.eta_s if ev and job.status in ACTIVE else None
    c3.metric(t("pretraining.eta"), _duration(eta))
    c4.metric(t("pretraining.status"), t(f"pretraining.status_{job.status}"))
    if job.status == "error":
        st.error(error_text(job), icon=":material/error:")


def error_text(job: TrainingJob) -> str:
    """Why a run stopped with an error, in the student's language: an exploded loss (with
    the step, the loss, what random guessing scores and the learning rate), else the message."""
    ev = job.history[-1] if job.history else None
    if ev is not None and ev.kind == "error" and ev.lr is not None:
        random_guess = job.trainer.explodes_above / 2
        loss = "NaN" if ev.loss is None else number(ev.loss, 1)
        return t(
            "pretraining.exploded",
            step=ev.step + 1,
            loss=loss,
            guess=number(random_guess, 1),
            lr=number(ev.lr, 3),
        )
    return t("pretraining.nan", message=job.message or "")
