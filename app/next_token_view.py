"""Streamlit and plotly pieces of the next-token page: controls, charts, coloured text, panels.

Computing lives in ``models/next_token.py``; this module only draws. Per-user state (the
text being written, the last samples, the demo result) lives in ``st.session_state``
under keys starting with ``nt_``. Token text reaches HTML only through ``app.render``.
"""

from __future__ import annotations

import html
import re
from functools import partial

import streamlit as st

from app import url_state
from app.a11y import chart_with_table
from app.i18n import t
from app.plotting import go
from app.render import OKABE_ITO, escape_text, token_display
from models import next_token as nt
from models.inspection import NextToken
from models.model import LoadedModel
from models.sampling import SamplingSettings

SESSION_KEY = "nt_gen"  # the GenerationSession being written
SAMPLES_KEY = "nt_samples"  # last side-by-side samples: (ids they continue, seed, list of choices)
DEMO_KEY = "nt_demo"  # last hallucination demo: (model path, language, HallucinationDemo)
FONT = {"size": 18}  # projector-sized
BEFORE_COLOUR, AFTER_COLOUR = OKABE_ITO[1], OKABE_ITO[4]  # sky blue, blue: colour-blind safe
# Probability bins for coloured text: surprising (vermillion) … expected (blue), Okabe–Ito tints.
BIN_EDGES = (0.05, 0.25, 0.60)
BIN_COLOURS = ("#ECB78C", "#F4D48C", "#B3DDF5", "#66AAD1")  # vermillion, orange, sky blue, blue


def lesson_sections(markdown: str) -> list[tuple[str, str]]:
    """The lesson as (heading, body) pairs split at ``## `` headings; the intro has heading "".

    >>> lesson_sections("intro\\n## A\\ntext\\n## B\\nmore")
    [('', 'intro'), ('A', 'text'), ('B', 'more')]
    """
    sections = []
    for part in re.split(r"(?m)^(?=## )", markdown):
        head, _, body = part.partition("\n") if part.startswith("## ") else ("", "", part)
        sections.append((head.removeprefix("## ").strip(), body.strip()))
    return sections


def lesson_section(heading: str, body: str) -> None:
    """One lesson section: a header with a divider, then its text."""
    st.header(heading, anchor=False, divider="gray")
    st.markdown(body)


def md_escape(text: str) -> str:
    """Text for a markdown label (buttons): markdown punctuation backslash-escaped.

    >>> md_escape("*hi* :x:")
    '\\\\*hi\\\\* \\\\:x\\\\:'
    """
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~:$&])", r"\\\1", text)


def plotly_label(piece: bytes) -> str:
    """A token for plotly text: ``token_display``, with ``&quot;`` as ``&#34;`` (plotly decodes that).

    >>> plotly_label(b' "<b>')
    '·&#34;&lt;b&gt;'
    """
    return token_display(piece).replace("&quot;", "&#34;")


def button_label(piece: bytes) -> str:
    """A token as a button's markdown label: visible whitespace, hex for partial characters.

    >>> print(button_label(b" *a*"), button_label(b"\\xe3"))
    ·\\*a\\* \\<0xE3\\>
    """
    return md_escape(html.unescape(token_display(piece))) or "∅"


def percent(p: float) -> str:
    """0.1234 → '12.3 %'; tiny values stay visible: 3e-7 → '< 0.001 %'."""
    if p >= 0.001:
        return f"{p * 100:.1f} %"
    return "< 0.001 %" if p < 1e-5 else f"{p * 100:.3f} %"


def bin_colour(p: float) -> str:
    """Background colour of a token chosen with probability ``p`` (see BIN_EDGES)."""
    return BIN_COLOURS[sum(p >= edge for edge in BIN_EDGES)]


# ---- controls and state -----------------------------------------------------------------------
def settings_controls() -> tuple[SamplingSettings, int]:
    """Temperature, top-k, top-p and seed widgets; returns the settings and the seed."""
    c = st.columns(4)
    temperature = c[0].slider(
        t("next_token.temperature"),
        0.0,
        2.0,
        1.0,
        0.05,
        key="nt_temperature",
        help=t("next_token.temperature_help"),
    )
    top_k = c[1].number_input(
        t("next_token.top_k"), 0, 1_000_000, 0, key="nt_top_k", help=t("next_token.top_k_help")
    )
    top_p = c[2].slider(
        t("next_token.top_p"), 0.0, 1.0, 1.0, 0.01, key="nt_top_p", help=t("next_token.top_p_help")
    )
    seed = c[3].number_input(
        t("next_token.seed"), 0, 2**31 - 1, 0, key="nt_seed", help=t("next_token.seed_help")
    )
    return SamplingSettings(float(temperature), int(top_k), float(top_p)), int(seed)


def ensure_session(lm: LoadedModel, prompt: str) -> nt.GenerationSession:
    """The user's writing session; a new one when the prompt or the model changed."""
    source = f"{lm.identity}|{prompt}"
    session = st.session_state.get(SESSION_KEY)
    if not isinstance(session, nt.GenerationSession) or session.source != source:
        session, _ = nt.new_session(lm, prompt, source)
        st.session_state[SESSION_KEY] = session
    return session


def _act(lm: LoadedModel, settings: SamplingSettings, how: str, seed: int, tid: int | None) -> None:
    """Button callback: append a token (picked, sampled or greedy) to the session."""
    nt.step(lm, st.session_state[SESSION_KEY], settings, how, seed, tid)


def _undo() -> None:
    st.session_state[SESSION_KEY].undo()


def _reset() -> None:
    st.session_state[SESSION_KEY].choices.clear()


# ---- drawing ----------------------------------------------------------------------------------
def top_tokens_figure(top: nt.TopTokens) -> go.Figure:
    """Horizontal bars: the model's probability and the probability after the settings, per token."""
    labels = [
        f"{i + 1}. {plotly_label(r.piece)}" + (f" {t('next_token.cut')}" if r.p_after == 0 else "")
        for i, r in enumerate(top.rows)
    ] + [t("next_token.rest")]
    before = [r.p_before for r in top.rows] + [top.rest_before]
    after = [r.p_after for r in top.rows] + [top.rest_after]
    fig = go.Figure()
    for name, values, colour in (
        (t("next_token.before"), before, BEFORE_COLOUR),
        (t("next_token.after"), after, AFTER_COLOUR),
    ):
        fig.add_bar(
            y=labels,
            x=values,
            name=name,
            orientation="h",
            marker_color=colour,
            text=[percent(v) for v in values],
            textposition="outside",
            textfont=FONT,
            cliponaxis=False,
        )
    fig.update_layout(
        barmode="group",
        font=FONT,
        height=90 + 46 * len(labels),
        bargap=0.2,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0, "font": FONT},
        xaxis={"tickformat": ".0%", "range": [0, 1.15], "tickfont": FONT},
        yaxis={"autorange": "reversed", "type": "category", "tickfont": FONT},
    )
    return fig


def coloured_text_html(lm: LoadedModel, prompt_ids: list[int], choices: list[nt.Choice]) -> str:
    """The prompt in grey, then each chosen token on a background by its probability (escaped)."""
    prompt = escape_text(lm.tokenizer.decode(prompt_ids), keep_newlines=True)
    spans = nt.merge_pieces([nt.piece_bytes(lm, c.token_id) for c in choices])
    parts = []
    for text, idx in spans:
        tips = " | ".join(
            t(
                "next_token.token_tip",
                raw=percent(choices[i].prob_raw),
                after=percent(choices[i].prob),
                how=t(f"next_token.how_{choices[i].how}"),
            )
            for i in idx
        )
        p = min(choices[i].prob_raw for i in idx)
        parts.append(
            f'<span title="{escape_text(tips)}" style="background:{bin_colour(p)};'
            f'border-radius:4px;padding:1px 2px">{escape_text(text, keep_newlines=True)}</span>'
        )
    return (
        '<div style="font-size:1.5rem;line-height:2;white-space:pre-wrap;unicode-bidi:isolate">'
        f'<span style="color:#555">{prompt}</span>{"".join(parts)}</div>'
    )


def legend_html() -> str:
    swatches = "".join(
        f'<span style="background:{c};padding:2px 8px;margin:0 4px;border-radius:4px">'
        f"{escape_text(label)}</span>"
        for c, label in zip(BIN_COLOURS, t("next_token.legend_bins").split("|"), strict=True)
    )
    return f'<div style="font-size:1rem">{escape_text(t("next_token.legend"))} {swatches}</div>'


def lens_figure(table: nt.LensTable) -> go.Figure:
    """Heatmap: one row per layer (embeddings at the top), the best guesses left to right."""
    n = len(table.probs) - 1
    rows = [t("next_token.lens_embeddings")] + [str(i) for i in range(1, n)]
    rows += [t("next_token.lens_output", n=n)]
    text = [[plotly_label(p) for p in row] for row in table.pieces]
    fig = go.Figure(
        go.Heatmap(
            z=table.probs,
            x=[f"{t('next_token.lens_rank')} {i + 1}" for i in range(len(text[0]))],
            y=rows,
            text=text,
            texttemplate="%{text}<br>%{z:.0%}",
            colorscale="Cividis",
            zmin=0,
            zmax=1,
            textfont={"size": 18},
            colorbar={"tickformat": ".0%", "tickfont": FONT},
        )
    )
    fig.update_layout(
        font=FONT,
        height=110 + 62 * len(rows),
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis={"tickfont": FONT, "side": "top"},
        yaxis={
            "autorange": "reversed",
            "title": {"text": t("next_token.lens_layer"), "font": FONT},
            "type": "category",
            "tickfont": FONT,
        },
    )
    return fig


def lens_table(table: nt.LensTable) -> dict[str, list[str]]:
    """The logit lens as text: one row per layer, each cell "token (probability)"."""
    n = len(table.probs) - 1
    rows = [t("next_token.lens_embeddings")] + [str(i) for i in range(1, n)]
    rows += [t("next_token.lens_output", n=n)]
    out: dict[str, list[str]] = {t("next_token.lens_layer"): rows}
    for j in range(len(table.pieces[0])):
        out[f"{t('next_token.lens_rank')} {j + 1}"] = [
            f"{html.unescape(token_display(pieces[j]))} ({percent(probs[j])})"
            for pieces, probs in zip(table.pieces, table.probs, strict=True)
        ]
    return out


def _entropy_metrics(dist: NextToken, top: nt.TopTokens) -> None:
    """Entropy before and after the settings, and how many tokens are left (stacked)."""
    help_ = t("next_token.entropy_help")
    for key, value in (
        ("entropy_before", dist.entropy_before),
        ("entropy_after", dist.entropy_after),
    ):
        st.metric(t(f"next_token.{key}"), t("next_token.bits", value=value), help=help_)
    st.metric(t("next_token.kept"), t("next_token.kept_value", n=top.n_kept, vocab=top.vocab_size))


@st.fragment
def writing_panel(
    lm: LoadedModel, settings: SamplingSettings, seed: int, lens: tuple[str, str]
) -> None:
    """Chart, candidates, sample/greedy/undo, the growing text and the logit lens; reruns alone."""
    session: nt.GenerationSession = st.session_state[SESSION_KEY]
    st.caption(t("next_token.text_label"))  # the text first: it shows while the rest computes
    st.markdown(coloured_text_html(lm, session.prompt_ids, session.choices), unsafe_allow_html=True)
    if session.choices:
        st.markdown(legend_html(), unsafe_allow_html=True)
    else:
        st.caption(t("next_token.nothing_yet"))
    dist, table = nt.distribution_and_lens(lm, session.ids, settings)
    top = nt.top_tokens(lm, dist)
    b = st.columns(4)
    b[0].button(
        t("next_token.sample"),
        key="nt_sample",
        type="primary",
        icon=":material/casino:",
        help=t("next_token.sample_help"),
        on_click=_act,
        args=(lm, settings, "sample", seed, None),
    )
    b[1].button(
        t("next_token.greedy"),
        key="nt_greedy",
        icon=":material/trending_up:",
        help=t("next_token.greedy_help"),
        on_click=_act,
        args=(lm, settings, "greedy", seed, None),
    )
    b[2].button(
        t("next_token.undo"),
        key="nt_undo",
        icon=":material/undo:",
        disabled=not session.choices,
        on_click=_undo,
    )
    b[3].button(
        t("next_token.reset"),
        key="nt_reset",
        icon=":material/restart_alt:",
        disabled=not session.choices,
        on_click=_reset,
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
    lesson_section(*lens)
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
    n = c[0].slider(t("next_token.n_samples"), 2, 4, 3, key="nt_n_samples")
    length = c[1].slider(t("next_token.sample_len"), 5, 40, 15, key="nt_sample_len")
    session: nt.GenerationSession = st.session_state[SESSION_KEY]
    if c[2].button(
        t("next_token.run_samples"), key="nt_run_samples", icon=":material/view_column:"
    ):
        runs = nt.sample_continuations(lm, session.ids, settings, n, length, seed)
        st.session_state[SAMPLES_KEY] = (session.ids, seed, runs)
    stored = st.session_state.get(SAMPLES_KEY)
    if stored and stored[0] == session.ids:
        ids, first_seed, runs = stored
        for i, (col, run) in enumerate(zip(st.columns(len(runs)), runs, strict=True)):
            with col.container(border=True):
                st.markdown(f"**{t('next_token.sample_title', i=i + 1, seed=first_seed + i)}**")
                st.markdown(coloured_text_html(lm, ids, run), unsafe_allow_html=True)
    url_state.keep_in_step("next_token")  # this fragment reruns alone: keep its sliders in the URL


def hallucination_panel(lm: LoadedModel, lang: str) -> None:
    """The guided demo: a story about a known name next to one about a name never seen."""
    if st.button(t("next_token.run_demo"), key="nt_run_demo", icon=":material/psychology_alt:"):
        st.session_state[DEMO_KEY] = (lm.identity, lang, nt.hallucination_demo(lm, lang))
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
            name_ids = lm.tokenizer.encode(probe.name, add_special_tokens=False)
            text = coloured_text_html(lm, name_ids, probe.continuation)
            st.markdown(text, unsafe_allow_html=True)
            st.markdown(t("next_token.confidence", p=percent(probe.mean_prob)))


def quiz() -> None:
    """The check-your-understanding question with feedback; the first option is right."""
    options = t("next_token.quiz_options").split("|")
    choice = st.radio(
        t("next_token.quiz_question"),
        range(len(options)),
        index=None,
        format_func=options.__getitem__,
        key="nt_quiz",
    )
    if choice == 0:
        st.success(t("next_token.quiz_correct"), icon=":material/check_circle:")
    elif choice is not None:
        st.error(t("next_token.quiz_wrong"), icon=":material/lightbulb:")
