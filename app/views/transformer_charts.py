"""Figures of the transformer page: attention heatmaps, the all-heads grid, head view lines,
head-role maps, embedding PCA, position similarity and the block diagram.

Pure builders (numbers in, plotly figure or Graphviz source out); no widgets, no caching.
Every token label goes through ``app.ui.render.token_display`` (plotly shows entities as text).
"""

from __future__ import annotations

import numpy as np
from plotly.colors import sample_colorscale
from plotly.subplots import make_subplots

from app.i18n import current_lang, number, percent, t
from app.ui.charts import SEQUENTIAL, go, styled
from app.ui.palette import OKABE_ITO
from app.ui.render import escape_text, token_display
from models.inspection import embeddings as emb
from models.inspection.roles import RoleScores
from models.model.inputs import Encoded, merge_pieces


def token_labels(enc: Encoded) -> list[str]:
    """Escaped, whitespace-visible labels; the position keeps repeated tokens apart. A
    character split over several tokens (座 is 3 bytes, maybe 2 tokens) is named on each of
    them, with which part it is, instead of its bytes in hex.

    >>> from models.model.inputs import TokenInfo
    >>> token_labels(Encoded([1], [TokenInfo(1, "<b>", b"<b>", 0, 3)], False, 1))
    ['0 &lt;b&gt;']
    >>> za = "座".encode()
    >>> token_labels(Encoded([1, 2], [TokenInfo(1, "", za[:2], 0, 1), TokenInfo(2, "", za[2:], 0, 1)], False, 2))
    ['0 座 (1/2)', '1 座 (2/2)']
    """
    if not enc.tokens:
        return [f"{i} {tid}" for i, tid in enumerate(enc.ids)]
    pieces = [tok.bytes or tok.text.encode() for tok in enc.tokens]
    shown: list[str] = []
    for text, idx in merge_pieces(pieces):
        if len(idx) == 1:
            shown.append(token_display(pieces[idx[0]]))
        else:
            shown += [f"{token_display(text)} ({k + 1}/{len(idx)})" for k in range(len(idx))]
    return [f"{i} {label}" for i, label in enumerate(shown)]


def _viridis_lut(n: int = 64) -> list[str]:
    """``n`` hex colours along Viridis (sequential, colour-blind safe), dark → bright."""
    rgb = sample_colorscale(SEQUENTIAL, [i / (n - 1) for i in range(n)])
    return ["#{:02x}{:02x}{:02x}".format(*map(int, c[4:-1].split(","))) for c in rgb]


_LUT = _viridis_lut()
_HEAT_CSS = (
    ".gb-heat{display:grid;gap:1px;width:max-content;font-size:14px;line-height:1}"
    ".gb-heat i,.gb-heat b{display:block;aspect-ratio:1}"
    ".gb-heat b{background:#f1f1f1}"
    ".gb-heat .k{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap;"
    "padding-bottom:4px;align-self:end;justify-self:center}"
    # Japanese reads top to bottom in vertical writing, its characters upright: no turning
    ".gb-heat.gb-upright .k{transform:none;align-self:start}"
    ".gb-heat .q{white-space:nowrap;padding-right:6px;align-self:center;justify-self:end}"
    ".gb-bar{height:14px;width:260px;border-radius:3px}"
)


def heatmap_html(w: np.ndarray, labels: list[str], title: str, offset: int = 0) -> str:
    """One head's attention (T, T) as an HTML grid: queries down, keys across, values on hover.

    ``labels`` are already escaped (``token_labels``). Cells above the diagonal are the causal
    mask: drawn grey, never coloured. Plain HTML redraws far faster than a plotly heatmap.
    A screen reader reads the grid as one image named by ``title`` and pointing to the table
    (``transformer_tables.heatmap_table``) that the page shows under it.

    >>> html = heatmap_html(np.array([[1.0, 0.0], [0.25, 0.75]]), ["0 a", "1 b"], "L1 H1")
    >>> html.count("<b></b>"), html.count("<i "), 'data-first="0"' in html
    (1, 3, True)
    """
    T = w.shape[0]
    vmax = float(w.max()) if T else 1.0
    vmax = vmax if vmax > 0 else 1.0
    cell = max(12, min(34, 640 // max(T, 1)))  # px: big for short sentences, legible for 64
    parts = ["<span></span>"]  # the corner
    parts += [f'<span class="k">{label}</span>' for label in labels]
    for q in range(T):
        parts.append(f'<span class="q">{labels[q]}</span>')
        for k in range(T):
            if k > q:
                parts.append("<b></b>")
                continue
            v = float(w[q, k])
            colour = _LUT[min(len(_LUT) - 1, int(v / vmax * (len(_LUT) - 1)))]
            parts.append(
                f'<i style="background:{colour}" title="{labels[q]} → {labels[k]}: {v:.3f}"></i>'
            )
    stops = ",".join(_LUT[:: max(1, len(_LUT) // 8)] + [_LUT[-1]])
    alt = escape_text(t("transformer.table.heat_alt", title=title))
    upright = " gb-upright" if current_lang() == "ja" else ""
    return (
        f"<style>{_HEAT_CSS}</style>"
        f'<div style="font-size:1.15rem;font-weight:600;margin-bottom:6px">{title}</div>'
        f'<div style="font-size:0.9rem;margin-bottom:4px">↓ {t("transformer.query_axis")}'
        f" &nbsp;·&nbsp; {t('transformer.key_axis')} →</div>"
        f'<div class="gb-heat{upright}" data-first="{offset}" data-n="{T}" role="img" '
        f'aria-label="{alt}" '
        f'style="grid-template-columns:auto repeat({T},{cell}px)">{"".join(parts)}</div>'
        f'<div style="display:flex;gap:8px;align-items:center;margin-top:10px;font-size:0.9rem">'
        f'0<div class="gb-bar" style="background:linear-gradient(90deg,{stops})"></div>'
        f"{number(vmax, 2)}</div>"
    )


def grid_figure(w: np.ndarray, picked: tuple[int, int]) -> go.Figure:
    """All heads (L, H, T, T) as small heatmaps; an invisible marker per tile makes it clickable."""
    L, H, T, _ = w.shape
    fig = make_subplots(L, H, horizontal_spacing=0.01, vertical_spacing=0.01)
    mask = np.tril(np.ones((T, T), dtype=bool))
    for layer in range(L):
        for head in range(H):
            z = np.where(mask, w[layer, head], np.nan).round(3)  # (T, T)
            fig.add_trace(
                go.Heatmap(z=z, coloraxis="coloraxis", hoverinfo="skip"), layer + 1, head + 1
            )
            fig.add_trace(
                go.Scatter(
                    x=[(T - 1) / 2],
                    y=[(T - 1) / 2],
                    customdata=[[layer, head]],
                    mode="markers",
                    marker={"size": 40, "opacity": 0, "symbol": "square"},
                    hovertemplate=t("transformer.grid_hover", layer=layer + 1, head=head + 1)
                    + "<extra></extra>",
                ),
                layer + 1,
                head + 1,
            )
            if (layer, head) == picked:
                fig.add_shape(
                    type="rect",
                    x0=-0.5,
                    y0=-0.5,
                    x1=T - 0.5,
                    y1=T - 0.5,
                    row=layer + 1,
                    col=head + 1,
                    line={"color": OKABE_ITO[5], "width": 4},
                )
    fig.update_xaxes(showticklabels=False, showgrid=False, zeroline=False)
    fig.update_yaxes(showticklabels=False, showgrid=False, zeroline=False, autorange="reversed")
    for head in range(H):
        fig.update_xaxes(title=t("transformer.head_n", n=head + 1), side="top", row=1, col=head + 1)
    for layer in range(L):
        fig.update_yaxes(title=t("transformer.layer_n", n=layer + 1), row=layer + 1, col=1)
    size = min(140, max(60, 840 // max(L, H)))
    return styled(
        fig,
        height=size * L + 60,
        coloraxis={"colorscale": SEQUENTIAL, "cmin": 0, "cmax": 1},
        showlegend=False,
        hovermode="closest",
        hoverdistance=-1,
        plot_bgcolor="#f4f4f4",
        clickmode="event+select",
    )


def lines_figure(w: np.ndarray, labels: list[str], query: int, per_head: bool) -> go.Figure:
    """BertViz-style: tokens left (queries) and right (keys); lines from ``query`` to its keys.

    ``w`` is one layer (H, T, T); line width and opacity follow the weight. Averaged: the mean
    over heads; per head: one colour per head. Left-hand tokens are clickable.
    """
    H, T, _ = w.shape
    ys = -np.arange(T)
    fig = go.Figure()
    series = (
        [(t("transformer.mean_heads"), w.mean(0), "#333333")]
        if not per_head
        else [
            (t("transformer.head_n", n=h + 1), w[h], OKABE_ITO[h % len(OKABE_ITO)])
            for h in range(H)
        ]
    )
    for i, (name, a, colour) in enumerate(series):
        shift = (i - (len(series) - 1) / 2) * 0.06  # per-head lines side by side
        for k in range(query + 1):
            weight = float(a[query, k])
            if weight < 0.01:
                continue
            fig.add_trace(
                go.Scatter(
                    x=[0.02, 0.98],
                    y=[ys[query], ys[k] + shift],
                    mode="lines",
                    name=name,
                    legendgroup=name,
                    showlegend=False,
                    opacity=min(1.0, 0.15 + weight),
                    line={"color": colour, "width": 1 + 14 * weight},
                    hoverinfo="text",
                    hovertext=f"{name}: {labels[query]} → {labels[k]} {weight:.3f}",
                )
            )
        fig.add_trace(
            go.Scatter(
                x=[None], y=[None], mode="lines", name=name, line={"color": colour, "width": 6}
            )
        )
    for x, side, clickable in ((0.0, "left", True), (1.0, "right", False)):
        colours = [OKABE_ITO[5] if i == query and clickable else "#999999" for i in range(T)]
        fig.add_trace(
            go.Scatter(
                x=[x] * T,
                y=ys,
                mode="markers+text",
                text=labels,
                textposition=f"middle {side}",
                textfont={"size": 16},
                showlegend=False,
                customdata=list(range(T)) if clickable else None,
                hoverinfo="text" if clickable else "skip",
                hovertext=[t("transformer.click_token")] * T if clickable else None,
                marker={"size": 16, "color": colours},
            )
        )
    fig.update_xaxes(visible=False, range=[-0.8, 1.8])
    fig.update_yaxes(visible=False, range=[-T + 0.5, 0.7])
    return styled(
        fig,
        height=120 + 28 * T,
        clickmode="event+select",
        hovermode="closest",
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom"},
    )


def roles_figure(scores: RoleScores, role: str) -> go.Figure:
    """One role's (L, H) score table as a heatmap with the numbers written in."""
    table = scores.scores[role]
    L, H = table.shape
    fig = go.Figure(
        go.Heatmap(
            z=table,
            x=list(range(1, H + 1)),
            y=list(range(1, L + 1)),
            colorscale=SEQUENTIAL,
            zmin=0,
            zmax=1,
            texttemplate="%{z:.2f}",
            textfont={"size": 15},
            hovertemplate=t("transformer.role_hover") + "<extra></extra>",
            showscale=False,
        )
    )
    fig.update_xaxes(title=t("transformer.head"), dtick=1, side="top")
    fig.update_yaxes(title=t("transformer.layer"), dtick=1, autorange="reversed")
    return styled(fig, height=120 + 45 * L, title=t(f"transformer.role.{role}"))


def labels_that_fit(
    coords: np.ndarray, words: list[str], size_px: tuple[float, float] = (1000.0, 520.0)
) -> list[bool]:
    """Which points of a scatter (N, 2) get their word written above them, so that no two
    labels overlap: the most isolated points first, each label kept if its box (about 9 px a
    character, 18 px tall, on a plot of ``size_px``) touches no label kept before it. The
    others still name their word on hover.

    >>> labels_that_fit(np.array([[0.0, 0.0], [0.001, 0.0], [1.0, 1.0]]), ["cat", "cap", "dog"])
    [True, False, True]
    """
    n = len(words)
    if n == 0:
        return []
    span = np.ptp(coords, axis=0)  # (2,)
    px = (coords - coords.min(0)) / np.where(span > 0, span, 1.0) * np.array(size_px)  # (N, 2)
    gaps = np.linalg.norm(px[:, None] - px[None], axis=-1) + np.eye(n) * 1e9  # (N, N)
    order = np.argsort(-gaps.min(1), kind="stable")  # most isolated first
    kept: list[tuple[float, float, float, float]] = []
    show = [False] * n
    for i in order:
        half = 4.5 * max(len(words[i]), 1) + 3
        box = (px[i, 0] - half, px[i, 0] + half, px[i, 1] - 3, px[i, 1] + 21)
        if all(box[1] < k[0] or box[0] > k[1] or box[3] < k[2] or box[2] > k[3] for k in kept):
            kept.append(box)
            show[i] = True
    return show


def pca_figure(vectors: emb.WordVectors, coords: np.ndarray, explained: np.ndarray) -> go.Figure:
    """Words in the plane of the first two principal components, one colour per word set; a
    word is written beside its point where it fits (``labels_that_fit``), else on hover."""
    fig = go.Figure()
    fits = labels_that_fit(coords, vectors.words)
    for i, word_set in enumerate(emb.WORD_SETS):
        idx = [j for j, s in enumerate(vectors.sets) if s == word_set]
        if not idx:
            continue
        fig.add_trace(
            go.Scatter(
                x=coords[idx, 0],
                y=coords[idx, 1],
                mode="markers+text",
                name=t(f"transformer.set.{word_set}"),
                text=[token_display(vectors.words[j]) if fits[j] else "" for j in idx],
                textposition="top center",
                textfont={"size": 15},
                marker={
                    "size": 12,
                    "color": OKABE_ITO[i],
                    "symbol": [
                        "circle" if vectors.n_tokens[j] == 1 else "circle-open" for j in idx
                    ],
                },
                hovertext=[
                    f"{token_display(vectors.words[j])}: "
                    + t("transformer.n_tokens", n=vectors.n_tokens[j])
                    for j in idx
                ],
                hoverinfo="text",
            )
        )
    fig.update_xaxes(title=f"PC 1 ({percent(explained[0])})", zeroline=False)
    fig.update_yaxes(title=f"PC 2 ({percent(explained[1])})", zeroline=False)
    return styled(fig, height=640, legend={"orientation": "h", "y": 1.08})


def position_figure(info: emb.PositionInfo) -> go.Figure:
    n = info.similarity.shape[0]
    fig = go.Figure(
        go.Heatmap(
            z=info.similarity.round(3),
            colorscale=SEQUENTIAL,
            zmin=-1 if info.kind == "rope" else None,
            hovertemplate=t("transformer.pos_hover") + "<extra></extra>",
        )
    )
    # square cells that fill the plot: the area shrinks to the square, the axes keep 0 … n - 1
    span = [-0.5, n - 0.5]
    fig.update_xaxes(title=t("transformer.position"), range=span, constrain="domain")
    fig.update_yaxes(
        title=t("transformer.position"),
        range=span[::-1],
        scaleanchor="x",
        constrain="domain",
    )
    return styled(fig, height=560, title=t(f"transformer.pos_title.{info.kind}", n=n))


def _dot_text(s: str) -> str:
    """A string safe inside a double-quoted DOT label."""
    return s.replace("\\", "\\\\").replace('"', '\\"')


def block_boxes(s: emb.BlockShapes) -> dict[str, tuple[str, str]]:
    """The diagram's boxes: node name → (label, shape), T standing for the tokens in the text.

    >>> block_boxes(emb.BlockShapes(4096, 192, 6, 6, 32, 768, 256, "learned"))["mlp"][1]
    '192 → 768 → 192'
    """
    boxes = {
        "ids": (t("transformer.block.ids"), "(T,)"),
        "emb": (t("transformer.block.emb"), f"{s.vocab}×{s.d_model} → (T, {s.d_model})"),
        "attn": (
            t("transformer.block.attn", h=s.n_heads),
            f"{s.n_heads} × (T, T) · {s.n_heads}×{s.head_dim} = {s.d_model}",
        ),
        "mlp": (t("transformer.block.mlp"), f"{s.d_model} → {s.d_mlp} → {s.d_model}"),
        "next": (t("transformer.block.next", n=s.n_layers - 1), f"(T, {s.d_model})"),
        "out": (t("transformer.block.out"), f"(T, {s.vocab})"),
    }
    if s.positions == "learned":
        boxes["pos"] = (t("transformer.block.pos_learned"), f"{s.context}×{s.d_model}")
    elif s.positions == "rope":
        boxes["pos"] = (t("transformer.block.pos_rope"), f"{s.head_dim // 2} × 2")
    return boxes


def block_dot(s: emb.BlockShapes) -> str:
    """Graphviz source of one block and what comes before and after it, real shapes filled in.

    >>> "192" in block_dot(emb.BlockShapes(4096, 192, 6, 6, 32, 768, 256, "learned"))
    True
    """
    boxes = block_boxes(s)
    lines = [
        "digraph G {",
        'rankdir=TB; nodesep=0.6; node [shape=box, style="rounded,filled", '
        'fillcolor="#e3f1fb", color="#0072B2", fontname="sans-serif", fontsize=20];',
        'edge [fontname="sans-serif", fontsize=17, color="#555555"];',
    ]
    for name, (label, shape) in boxes.items():
        lines.append(f'{name} [label="{_dot_text(label)}\\n{_dot_text(shape)}"];')
    for plus in ("add0", "add1", "add2"):
        lines.append(
            f'{plus} [label="+", shape=circle, fixedsize=true, width=0.45, fillcolor="#fde7c8", '
            'color="#E69F00", fontsize=20];'
        )
    residual = _dot_text(t("transformer.block.residual"))
    lines += [
        "ids -> emb -> add0 -> attn -> add1 -> mlp -> add2 -> next -> out;",
        f'add0 -> add1 [style=dashed, label="{residual}"];',
        f'add1 -> add2 [style=dashed, label="{residual}"];',
        f'subgraph cluster_block {{ label="{_dot_text(t("transformer.block.one"))}"; '
        'style="dashed,rounded"; color="#888888"; fontname="sans-serif"; fontsize=19; '
        "attn; add1; mlp; add2; }",
    ]
    if s.positions == "learned":
        lines.append("pos -> add0;")
    elif s.positions == "rope":
        lines.append("pos -> attn;")
    return "\n".join(lines + ["}"])
