"""Streamlit pieces of the next-token page: controls, the writing panel, samples, the demo.

Computing lives in ``models/generation/``; figures and HTML in ``app.views.next_token_charts``.
Per-user state (the text being written, the last samples, the demo result) lives in
``st.session_state`` under keys starting with ``nt_``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import streamlit as st

from app import url_state
from app.i18n import number, t
from app.ui.a11y import chart_with_table
from app.ui.lesson import section
from app.url_state import Float, Int, Page, Param, Text
from app.views.next_token_charts import (
    button_label,
    coloured_text_html,
    legend_html,
    lens_figure,
    lens_table,
    md_escape,
    percent,
    top_tokens_figure,
)
from models.generation.distribution import NextToken, TopTokens, distribution_and_lens, top_tokens
from models.generation.hallucination import hallucination_demo
from models.generation.sampling import SamplingSettings
from models.generation.writing import GenerationSession, new_session, sample_continuations, step
from models.model.loading import LoadedModel

SESSION_KEY = "nt_gen"  # the GenerationSession being written
SAMPLES_KEY = "nt_samples"  # last side-by-side samples: (ids they continue, seed, list of choices)
DEMO_KEY = "nt_demo"  # last hallucination demo: (model path, language, HallucinationDemo)
# The widgets' ranges, also what a link may set.
TEMPERATURE, TOP_K, TOP_P = Float(0.0, 2.0), Int(0, 1_000_000), Float(0.0, 1.0)
SEED, N_SAMPLES, SAMPLE_LEN = Int(0, 2**31 - 1), Int(2, 4), Int(5, 40)
URL = Page(
    "next_token",
    (
        Param("prompt", "nt_prompt", Text(default="next_token.default_prompt")),
        Param("temp", "nt_temperature", TEMPERATURE),
        Param("top_k", "nt_top_k", TOP_K),
        Param("top_p", "nt_top_p", TOP_P),
        Param("seed", "nt_seed", SEED),
        Param("n", "nt_n_samples", N_SAMPLES),
        Param("len", "nt_sample_len", SAMPLE_LEN),
    ),
)


# ---- controls and state -----------------------------------------------------------------------
def settings_controls() -> tuple[SamplingSettings, int]:
    """Temperature, top-k, top-p and seed widgets; returns the settings and the seed."""
    c = st.columns(4)
    temperature = c[0].slider(
        t("next_token.temperature"),
        TEMPERATURE.lo,
        TEMPERATURE.hi,
        1.0,
        0.05,
        key="nt_temperature",
        help=t("next_token.temperature_help"),
    )
    top_k = c[1].number_input(
        t("next_token.top_k"),
        TOP_K.lo,
        TOP_K.hi,
        0,
        key="nt_top_k",
        help=t("next_token.top_k_help"),
    )
    top_p = c[2].slider(
        t("next_token.top_p"),
        TOP_P.lo,
        TOP_P.hi,
        1.0,
        0.01,
        key="nt_top_p",
        help=t("next_token.top_p_help"),
    )
    seed = c[3].number_input(
        t("next_token.seed"), SEED.lo, SEED.hi, 0, key="nt_seed", help=t("next_token.seed_help")
    )
    return SamplingSettings(float(temperature), int(top_k), float(top_p)), int(seed)


def ensure_session(lm: LoadedModel, prompt: str, lang: str) -> GenerationSession:
    """The user's writing session; a new one when the prompt, the language or the model changed.
    A model trained with language tags writes after ``lang``'s tag."""
    source = f"{lm.identity}|{lang}|{prompt}"
    session = st.session_state.get(SESSION_KEY)
    if not isinstance(session, GenerationSession) or session.source != source:
        session, _ = new_session(lm, prompt, source, lang)
        st.session_state[SESSION_KEY] = session
    return session


def _act(lm: LoadedModel, settings: SamplingSettings, how: str, seed: int, tid: int | None) -> None:
    """Button callback: append a token (picked, sampled or greedy) to the session."""
    step(lm, st.session_state[SESSION_KEY], settings, how, seed, tid)


def _undo() -> None:
    st.session_state[SESSION_KEY].undo()


def _reset() -> None:
    st.session_state[SESSION_KEY].choices.clear()


def _entropy_metrics(dist: NextToken, top: TopTokens) -> None:
    """Entropy before and after the settings, and how many tokens are left (stacked)."""
    help_ = t("next_token.entropy_help")
    for key, value in (
        ("entropy_before", dist.entropy_before),
        ("entropy_after", dist.entropy_after),
    ):
        st.metric(t(f"next_token.{key}"), t("next_token.bits", value=number(value, 2)), help=help_)
    st.metric(t("next_token.kept"), t("next_token.kept_value", n=top.n_kept, vocab=top.vocab_size))


@st.fragment
def writing_panel(
    lm: LoadedModel, settings: SamplingSettings, seed: int, lens: tuple[str, str]
) -> None:
    """Chart, candidates, sample/greedy/undo, the growing text and the logit lens; reruns alone."""
    session: GenerationSession = st.session_state[SESSION_KEY]
    st.caption(t("next_token.text_label"))  # the text first: it shows while the rest computes
    st.markdown(coloured_text_html(lm, session.prompt_ids, session.choices), unsafe_allow_html=True)
    if session.choices:
        st.markdown(legend_html(), unsafe_allow_html=True)
    else:
        st.caption(t("next_token.nothing_yet"))
    dist, table = distribution_and_lens(lm, session.ids, settings)
    top = top_tokens(lm, dist)
    actions: tuple[tuple[str, str, Callable[..., None], tuple, bool], ...] = (
        # (name, icon, callback, its arguments, needs a chosen token)
        ("sample", ":material/casino:", _act, (lm, settings, "sample", seed, None), False),
        ("greedy", ":material/trending_up:", _act, (lm, settings, "greedy", seed, None), False),
        ("undo", ":material/undo:", _undo, (), True),
        ("reset", ":material/restart_alt:", _reset, (), True),
    )
    for col, (name, icon, callback, args, needs_text) in zip(st.columns(4), actions, strict=True):
        col.button(
            t(f"next_token.{name}"),
            key=f"nt_{name}",
            type="primary" if name == "sample" else "secondary",
            icon=icon,
            help=None if needs_text else t(f"next_token.{name}_help"),
            on_click=callback,
            args=args,
            disabled=needs_text and not session.choices,
        )
    st.markdown(f"**{t('next_token.pick_caption')}**")
    cols = st.columns(6)
    for i, row in enumerate(top.rows):
        cut = f" {t('next_token.cut')}" if row.p_after == 0 else ""
        cols[i % 6].button(
            f"{button_label(row.piece)} · {percent(row.p_before)}{cut}",
            key=f"nt_cand_{i}",
            width="stretch",
            on_click=_act,
            args=(lm, settings, "pick", seed, row.token_id),
        )
    st.subheader(t("next_token.chart_title"), anchor=False)
    chart, metrics = st.columns([3, 1])
    with metrics:
        _entropy_metrics(dist, top)
    with chart:
        chart_with_table(
            top_tokens_figure(top),
            "nt_chart",
            alt=t("next_token.chart_alt"),
            index_name=t("a11y.token"),
        )
        st.caption(t("next_token.cut_note"))
    section(*lens)
    if table is None:
        st.info(t("next_token.lens_unavailable"))
    else:
        chart_with_table(
            lens_figure(table),
            "nt_lens",
            alt=t("next_token.lens_alt"),
            table=partial(lens_table, table),
        )


@st.fragment
def samples_panel(lm: LoadedModel, settings: SamplingSettings, seed: int) -> None:
    """Several continuations of the current text with seeds seed, seed+1, …, side by side."""
    c = st.columns([1, 1, 1])
    n = c[0].slider(t("next_token.n_samples"), N_SAMPLES.lo, N_SAMPLES.hi, 3, key="nt_n_samples")
    length = c[1].slider(
        t("next_token.sample_len"), SAMPLE_LEN.lo, SAMPLE_LEN.hi, 15, key="nt_sample_len"
    )
    session: GenerationSession = st.session_state[SESSION_KEY]
    if c[2].button(
        t("next_token.run_samples"), key="nt_run_samples", icon=":material/view_column:"
    ):
        runs = sample_continuations(lm, session.ids, settings, n, length, seed)
        st.session_state[SAMPLES_KEY] = (session.ids, seed, runs)
    stored = st.session_state.get(SAMPLES_KEY)
    if stored and stored[0] == session.ids:
        ids, first_seed, runs = stored
        for i, (col, run) in enumerate(zip(st.columns(len(runs)), runs, strict=True)):
            with col.container(border=True):
                st.markdown(f"**{t('next_token.sample_title', i=i + 1, seed=first_seed + i)}**")
                st.markdown(coloured_text_html(lm, ids, run), unsafe_allow_html=True)
    url_state.keep_in_step(URL)  # this fragment reruns alone: keep its sliders in the URL


def hallucination_panel(lm: LoadedModel, lang: str) -> None:
    """The guided demo: the same question about a known name and about a name never seen, each
    answered by the model from the start of an answer."""
    if st.button(t("next_token.run_demo"), key="nt_run_demo", icon=":material/psychology_alt:"):
        st.session_state[DEMO_KEY] = (lm.identity, lang, hallucination_demo(lm, lang))
    stored = st.session_state.get(DEMO_KEY)
    if not stored or stored[:2] != (lm.identity, lang):
        return
    demo = stored[2]
    st.markdown(t("next_token.question", question=md_escape(demo.question)))
    for col, probe, title in zip(
        st.columns(2),
        (demo.known, demo.unknown),
        (t("next_token.known"), t("next_token.unknown")),
        strict=True,
    ):
        with col.container(border=True):
            st.markdown(f"**{title}: {md_escape(probe.name)}**")
            share = percent(probe.in_data) if probe.in_data else t("next_token.never")
            st.markdown(
                f"{t('next_token.in_data', share=share)}  \n"
                f"{t('next_token.name_prob', p=percent(probe.name_prob))}"
            )
            text = coloured_text_html(lm, probe.stem_ids, probe.continuation)
            st.markdown(text, unsafe_allow_html=True)
            st.markdown(t("next_token.confidence", p=percent(probe.mean_prob)))
