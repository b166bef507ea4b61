"""Streamlit pieces of the tokenization page: chips, the cost bars, the quirks, its URL.

Every token and every piece of user text goes through ``app.ui.render`` (``token_display``,
``escape_text``) before it reaches HTML. Drawing is capped (``MAX_DRAWN``); counting is not.
The page draws no plotly chart: its bars are HTML, like its chips, so a class that opens it
first never waits for the browser to load plotly's 4.7 MB script.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

import streamlit as st

from app.i18n import number, t
from app.ui.palette import CHIP_BACKGROUNDS, OKABE_ITO
from app.ui.render import escape_text, token_display
from app.url_state import Choice, Int, Page, Param, Text
from models.tokenization.bpe_replay import MAX_MERGES, BPERun, train_bpe
from models.tokenization.compare import (
    Encoder,
    Tokenized,
    byte_hex,
    clean_text,
    hf_tokenize,
    text_facts,
    tiktoken_tokenize,
)
from models.tokenization.reference import REFERENCE_ENCODINGS, get_encoding

if TYPE_CHECKING:
    from tokenizers import Tokenizer
    from transformers import PreTrainedTokenizerBase

REFERENCES = ("gpt2", "cl100k_base", "o200k_base")  # beside ours, in age order
MAX_DRAWN = 600  # chips drawn per tokenizer; 4 × 600 spans keep a redraw well under 250 ms
VIEWS = ("text", "ids", "bytes")
OWN_MAX = 500  # characters of the student's own sentence in the cost comparison
MERGES = Int(1, min(300, MAX_MERGES))  # the BPE run's merges slider
URL = Page(
    "tokenization",
    (
        Param("text", "tok_text_{lang}", Text(default="tokenization.sample")),
        Param("view", "tok_view", Choice(VIEWS)),
        Param("own", "tok_own_{lang}", Text(max_chars=OWN_MAX)),
        Param("bpe", "tok_bpe_{lang}", Text(default="tokenization.bpe_sample")),
        Param("merges", "tok_merges", MERGES),
        Param("step", "tok_bpe_step", Int(0, MERGES.hi)),
    ),
)
# One Okabe–Ito colour per tokenizer in the chart (yellow left out: too pale on white).
SERIES_COLOURS = {"ours": OKABE_ITO[5], "gpt2": OKABE_ITO[1], "cl100k_base": OKABE_ITO[2]}
SERIES_COLOURS["o200k_base"] = OKABE_ITO[4]
BAR_SPAN = 80  # % of its track the longest cost bar takes; its count is written after it

_CSS = "".join(
    f".gb-c{k}{{background:{bg};border:1px solid {OKABE_ITO[k]}}}"
    for k, bg in enumerate(CHIP_BACKGROUNDS)
) + (
    ".gb-t{color:#111;border-radius:4px;padding:0 4px;margin:2px 1px;display:inline-block;"
    "min-width:.6em;white-space:pre;unicode-bidi:isolate;font-family:ui-monospace,monospace}"
    ".gb-row{line-height:2.1;font-size:1.05rem}"
)


@st.cache_resource(show_spinner=False)
def reference(name: str):
    """A tiktoken encoding, loaded once per process (tiktoken objects are read-only)."""
    return get_encoding(name)


@st.cache_resource(show_spinner=False, max_entries=16)
def _bpe_run(text: str, n_merges: int) -> BPERun:
    return train_bpe(text, n_merges)


def bpe_run(text: str, n_merges: int) -> BPERun:
    """A BPE training run, shared by every session: read it, never change it.

    Lone surrogates are swapped for U+FFFD first: the cache cannot hash them.
    """
    return _bpe_run(clean_text(text)[0], n_merges)


def _reference_tokenize(name: str, text: str) -> Tokenized:
    return tiktoken_tokenize(reference(name), text, name)


def encoders(ours: PreTrainedTokenizerBase | Tokenizer | None) -> dict[str, Encoder]:
    """Tokenizer name → function text → Tokenized: ours first (if there is one), then the
    references."""
    out: dict[str, Encoder] = {}
    if ours is not None:
        out["ours"] = partial(hf_tokenize, ours)
    for name in REFERENCES:
        out[name] = partial(_reference_tokenize, name)
    return out


_COST_CSS = (
    ".gb-cost{margin:0 0 1rem;display:grid;gap:.75rem 2rem;font-size:1.05rem;"
    "grid-template-columns:repeat(auto-fill,minmax(22rem,1fr))}"
    ".gb-cost figcaption{grid-column:1/-1;font-size:.85rem;opacity:.8}"
    ".gb-cost-group{display:grid;grid-template-columns:max-content 1fr;align-items:center;"
    "gap:0 .6rem;line-height:1.75}"
    ".gb-cost-text{grid-column:1/-1;font-weight:600;font-size:1.15rem;margin-bottom:.2rem}"
    ".gb-cost-sentence{grid-column:1/-1;font-style:italic;margin-bottom:.3rem}"
    ".gb-cost-row{display:contents}"
    ".gb-cost-name{white-space:nowrap}"
    ".gb-cost-track{display:flex;align-items:center;gap:.4rem;height:1.15rem}"
    ".gb-cost-bar{display:block;height:100%;min-width:2px;border-radius:3px}"
    ".gb-cost-n{font-variant-numeric:tabular-nums}"
)


def label(name: str) -> str:
    """Display name of a tokenizer."""
    return t("tokenization.ours") if name == "ours" else REFERENCE_ENCODINGS[name]


def _chip_text(piece: bytes, tid: int, view: str) -> str:
    if view == "ids":
        return str(tid)
    if view == "bytes":
        return byte_hex(piece) or "∅"
    return token_display(piece) or "∅"


def chips_html(ids: list[int], pieces: list[bytes], view: str = "text", cap: int = MAX_DRAWN):
    """Tokens as coloured chips (safe HTML); id and bytes in each chip's tooltip.

    Returns ``(html, drawn)``: at most ``cap`` chips are drawn.
    """
    spans = []
    for i, (tid, piece) in enumerate(zip(ids[:cap], pieces[:cap], strict=True)):
        tip = escape_text(f"id {tid} · {byte_hex(piece)} · {token_display(piece)}")
        spans.append(
            f'<span class="gb-t gb-c{i % len(OKABE_ITO)}" title="{tip}">'
            f"{_chip_text(piece, tid, view)}</span>"
        )
    return f'<style>{_CSS}</style><div class="gb-row">{"".join(spans)}</div>', len(spans)


def show_tokens(tk: Tokenized, view: str, cap: int = MAX_DRAWN) -> None:
    """One tokenizer's card: name, counts, the chips (capped, with a notice when capped)."""
    with st.container(border=True):
        st.markdown(f"**{label(tk.name)}**")
        st.caption(
            t(
                "tokenization.counts",
                tokens=number(tk.n_tokens),
                chars=number(tk.n_chars),
                ratio=number(tk.chars_per_token, 2),
            )
        )
        if not tk.ids:
            st.caption(t("tokenization.no_tokens"))
            return
        html, drawn = chips_html(tk.ids, tk.pieces, view, cap)
        st.markdown(html, unsafe_allow_html=True)
        if drawn < tk.n_tokens:
            st.caption(t("tokenization.capped", drawn=number(drawn), total=number(tk.n_tokens)))


def cost_table(rows: list[dict[str, object]], text_labels: dict[str, str]) -> dict[str, list]:
    """The cost bars as a table: one row per text, one column of token counts per tokenizer."""
    texts = list(dict.fromkeys(str(r["text"]) for r in rows))
    table: dict[str, list] = {t("tokenization.cost_text"): [text_labels[x] for x in texts]}
    for name in dict.fromkeys(str(r["tokenizer"]) for r in rows):
        count = {str(r["text"]): r["tokens"] for r in rows if r["tokenizer"] == name}
        table[label(name)] = [count.get(x) for x in texts]
    return table


def cost_bars_html(
    rows: list[dict[str, Any]],
    text_labels: dict[str, str],
    alt: str,
    sentences: dict[str, str] | None = None,
) -> str:
    """Tokens per text per tokenizer as HTML bars: one group per text (named, and the sentence
    itself under its name when ``sentences`` has it), one named bar per tokenizer (its
    Okabe–Ito colour, its count written beside it), all on one scale.

    The hover title gives the text's code points and bytes. Every label is escaped.
    """
    top = max((int(r["tokens"]) for r in rows), default=0) or 1
    axis = t("tokenization.cost_axis")
    groups = []
    for text in dict.fromkeys(str(r["text"]) for r in rows):
        bars = []
        for r in (r for r in rows if str(r["text"]) == text):
            name, n = str(r["tokenizer"]), int(r["tokens"])
            facts = t("tokenization.facts", chars=r["chars"], bytes=r["bytes"])
            tip = escape_text(f"{label(name)}: {n} {axis} · {facts}")
            colour = SERIES_COLOURS.get(name, OKABE_ITO[6])
            bars.append(
                f'<div class="gb-cost-row" title="{tip}">'
                f'<span class="gb-cost-name">{escape_text(label(name))}</span>'
                f'<span class="gb-cost-track"><span class="gb-cost-bar" '
                f'style="width:{BAR_SPAN * n / top:.1f}%;background:{colour}"></span>'
                f'<span class="gb-cost-n">{n}</span></span></div>'
            )
        head = f'<div class="gb-cost-text">{escape_text(text_labels[text])}</div>'
        if sentences and text in sentences:
            head += f'<div class="gb-cost-sentence">{escape_text(sentences[text])}</div>'
        groups.append(f'<div class="gb-cost-group">{head}{"".join(bars)}</div>')
    return (
        f"<style>{_COST_CSS}</style>"
        f'<figure class="gb-cost" aria-label="{escape_text(alt)}">{"".join(groups)}'
        f"<figcaption>{escape_text(axis)}</figcaption></figure>"
    )


def quirk_table(examples: tuple[str, ...], encs: dict[str, Encoder]) -> str:
    """An HTML table: one example per row, its chips per tokenizer with the token count."""
    head = "".join(f"<th>{escape_text(label(n))}</th>" for n in encs)
    body = []
    for ex in examples:
        cells = []
        for encode in encs.values():
            tk = encode(ex)
            chips, _ = chips_html(tk.ids, tk.pieces)
            cells.append(f"<td>{chips}<small>{tk.n_tokens}</small></td>")
        facts = text_facts(ex)
        about = escape_text(
            t("tokenization.facts", chars=facts.code_points, bytes=facts.utf8_bytes)
        )
        shown = f"<code>{token_display(ex)}</code><br><small>{about}</small>"
        body.append(f"<tr><td>{shown}</td>{''.join(cells)}</tr>")
    corner = f"<th>{escape_text(t('tokenization.quirk_example'))}</th>"
    return f'<table style="font-size:1.05rem"><tr>{corner}{head}</tr>{"".join(body)}</table>'
