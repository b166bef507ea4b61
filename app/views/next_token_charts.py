"""Figures and HTML of the next-token page: the probability bars, the coloured text, the lens.

Pure builders (numbers in, plotly figure or escaped HTML out); no widgets. Token text reaches
HTML only through ``app.ui.render``.
"""

from __future__ import annotations

import html
import re

from app.i18n import percent as i18n_percent
from app.i18n import t
from app.ui.charts import FONT, go, styled
from app.ui.palette import BLUE, SKY_BLUE
from app.ui.render import escape_text, token_display
from models.generation.distribution import TopTokens
from models.generation.writing import Choice
from models.inspection.lens import LensTable
from models.model.inputs import merge_pieces, piece_bytes
from models.model.loading import LoadedModel

BEFORE_COLOUR, AFTER_COLOUR = SKY_BLUE, BLUE  # colour-blind safe
# Probability bins for coloured text: surprising (vermillion) … expected (blue), Okabe–Ito tints.
BIN_EDGES = (0.05, 0.25, 0.60)
BIN_COLOURS = ("#ECB78C", "#F4D48C", "#B3DDF5", "#66AAD1")  # vermillion, orange, sky blue, blue


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
    """A probability as the page shows it, in the language's own way: 0.1234 → '12.3%';
    exactly 0 (cut by a filter) → '0%'; tiny values stay visible: 3e-7 → '< 0.001%'."""
    if p == 0:
        return i18n_percent(0.0)
    if p >= 0.001:
        return i18n_percent(p, 1)
    return "< " + i18n_percent(0.00001, 3) if p < 1e-5 else i18n_percent(p, 3)


def bin_colour(p: float) -> str:
    """Background colour of a token chosen with probability ``p`` (see BIN_EDGES)."""
    return BIN_COLOURS[sum(p >= edge for edge in BIN_EDGES)]


def top_tokens_figure(top: TopTokens) -> go.Figure:
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
    return styled(
        fig,
        height=90 + 46 * len(labels),
        top=10,
        barmode="group",
        bargap=0.2,
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0, "font": FONT},
        xaxis={"tickformat": ".0%", "range": [0, 1.15], "tickfont": FONT},
        yaxis={"autorange": "reversed", "type": "category", "tickfont": FONT},
    )


def coloured_text_html(lm: LoadedModel, prompt_ids: list[int], choices: list[Choice]) -> str:
    """The prompt in grey, then each chosen token on a background by its probability (escaped)."""
    shown = lm.tokenizer.decode(prompt_ids, skip_special_tokens=True)  # not the language tag
    prompt = escape_text(shown, keep_newlines=True)
    spans = merge_pieces([piece_bytes(lm, c.token_id) for c in choices])
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


def lens_figure(table: LensTable) -> go.Figure:
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
            textfont=FONT,
            colorbar={"tickformat": ".0%", "tickfont": FONT},
        )
    )
    return styled(
        fig,
        height=110 + 62 * len(rows),
        top=10,
        xaxis={"tickfont": FONT, "side": "top"},
        yaxis={
            "autorange": "reversed",
            "title": {"text": t("next_token.lens_layer"), "font": FONT},
            "type": "category",
            "tickfont": FONT,
        },
    )


def lens_table(table: LensTable) -> dict[str, list[str]]:
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
