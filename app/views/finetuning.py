"""The fine-tuning page's own pieces: the answer mask shown token by token, the held-out
questions answered before and after, the live chart, and its URL.

The shared settings, buttons and loss chart are ``app.views.training``; the job is a
``models.training.pretraining.TrainingJob`` around the fine-tuning trainer, in this session's
``st.session_state``.
"""

from __future__ import annotations

import streamlit as st

from app.i18n import LANGUAGES, t
from app.resources import model_version
from app.ui.a11y import chart_with_table
from app.ui.palette import BLUE
from app.ui.render import escape_text, token_display
from app.url_state import Choice, Page, Param
from app.views.training import BATCH, LR, STEPS, loss_figure, status_line
from models.model.loading import LoadedModel
from models.training.finetune import answer, heldout_questions
from models.training.jobs import ACTIVE
from models.training.objective import IGNORE
from models.training.pretraining import TrainingJob

FT_JOB_KEY = "ft_job"
URL = Page(
    "finetuning",
    (
        Param("data", "ft_lang", Choice(tuple(LANGUAGES))),
        Param("steps", "ft_steps", STEPS),
        Param("lr", "ft_lr", LR),
        Param("batch", "ft_batch", BATCH),
    ),
)


def token_mask_html(tokenizer, ids: list[int], labels: list[int]) -> str:
    """Tokens as chips: grey where the loss ignores them, highlighted where they are targets."""
    chips = []
    for tid, label in zip(ids, labels, strict=True):
        piece = tokenizer.decode([tid])
        target = label != IGNORE
        style = (
            f"background:{'#B3DDF5' if target else '#EEEEEE'};color:{'#111' if target else '#555'};"
            f"border:1px solid {BLUE if target else '#CCC'};border-radius:4px;"
            "padding:0 3px;margin:1px;display:inline-block;white-space:pre;font-weight:"
            + ("700" if target else "400")
        )
        chips.append(f'<span style="{style}">{token_display(piece)}</span>')
    return (
        "<div style='line-height:2.1;font-family:ui-monospace,monospace;font-size:1.05rem'>"
        + "".join(chips)
        + "</div>"
    )


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
    return [answer(lm.model, lm.tokenizer, q.prompt, lang=q.lang) for q in heldout_questions(lang)]


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
    tuned = job if job is not None and job.curves.steps and job.status not in ACTIVE else None
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
                key = (id(tuned), tuned.trainer.step, lang, i)
                if key not in cache:
                    cache[key] = answer(tuned.trainer.model, tuned.tokenizer, q.prompt, lang=q.lang)
                right.markdown(_answer_html(cache[key]), unsafe_allow_html=True)
            else:
                right.caption(t("finetuning.after_pending"))
            st.caption(t("finetuning.truth", answer=q.truth))


def _answer_html(text: str) -> str:
    return (
        f"<div style='font-size:1.15rem;border-left:4px solid {BLUE};padding-left:8px'>"
        f"<b>B:</b> {escape_text(text)}</div>"
    )
