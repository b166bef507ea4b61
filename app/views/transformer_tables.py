"""The transformer page's charts as tables: the same numbers for a screen reader, or to copy.

Pure builders (the arrays a chart draws in, a ``pandas.DataFrame`` out); no widgets. Labels
come in as ``transformer_charts.token_labels`` made them, escaped for HTML by
``app.ui.render.token_display``; a table cell is plain text, so they are unescaped here
(whitespace markers and escaped control characters stay visible).
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from app.i18n import t
from app.ui.render import token_display
from app.views import transformer_charts as charts
from models.inspection import embeddings as emb
from models.inspection.roles import ROLES, RoleScores

DIGITS = 3  # what the hover texts show


def plain(labels: list[str]) -> list[str]:
    """Escaped labels as the text they show.

    >>> plain(["0 &lt;b&gt;", "1 ·a"])
    ['0 <b>', '1 ·a']
    """
    return [html.unescape(label) for label in labels]


def heatmap_table(w: np.ndarray, labels: list[str]) -> pd.DataFrame:
    """One head (T, T): a row per query, a column per key; empty above the diagonal (masked).

    >>> heatmap_table(np.array([[1.0, 0.0], [0.25, 0.75]]), ["0 a", "1 b"]).to_dict("list")
    {'0 a': [1.0, 0.25], '1 b': [nan, 0.75]}
    """
    T = w.shape[0]
    masked = np.where(np.tril(np.ones((T, T), dtype=bool)), w, np.nan).round(DIGITS)
    names = plain(labels)
    return pd.DataFrame(
        masked, index=pd.Index(names, name=t("transformer.query_axis")), columns=names
    )


def grid_table(w: np.ndarray, labels: list[str]) -> pd.DataFrame:
    """All heads (L, H, T, T): a row per (query, key) pair below the diagonal, a column per head."""
    L, H, T, _ = w.shape
    names = plain(labels)
    q, k = np.tril_indices(T)  # (P,) each: the unmasked pairs, row by row
    columns = {
        f"{t('transformer.layer_n', n=layer + 1)}, {t('transformer.head_n', n=head + 1)}": w[
            layer, head, q, k
        ].round(DIGITS)
        for layer in range(L)
        for head in range(H)
    }
    index = pd.Index([f"{names[a]} → {names[b]}" for a, b in zip(q, k, strict=True)])
    return pd.DataFrame(columns, index=index.rename(t("transformer.table.pair")))


def lines_table(w: np.ndarray, labels: list[str], query: int, per_head: bool) -> pd.DataFrame:
    """One layer (H, T, T): what token ``query`` gives each earlier key, averaged or per head."""
    H = w.shape[0]
    names = plain(labels)
    if per_head:
        columns = {t("transformer.head_n", n=h + 1): w[h, query, : query + 1] for h in range(H)}
    else:
        columns = {t("transformer.mean_heads"): w[:, query, : query + 1].mean(0)}
    index = pd.Index(names[: query + 1], name=f"{names[query]} →")
    return pd.DataFrame(columns, index=index).round(DIGITS)


def roles_table(scores: RoleScores) -> pd.DataFrame:
    """Every head's three role scores: a row per (layer, head), counted from 1 like the charts."""
    L, H = scores.scores[ROLES[0]].shape
    layer, head = np.divmod(np.arange(L * H), H)
    return pd.DataFrame(
        {t("transformer.layer"): layer + 1, t("transformer.head"): head + 1}
        | {t(f"transformer.role.{r}"): scores.scores[r].ravel().round(DIGITS) for r in ROLES}
    )


def pca_table(vectors: emb.WordVectors, coords: np.ndarray) -> pd.DataFrame:
    """Each word's set, token count and place on the first two principal components."""
    return pd.DataFrame(
        {
            t("transformer.table.word"): plain([token_display(w) for w in vectors.words]),
            t("transformer.table.word_set"): [t(f"transformer.set.{s}") for s in vectors.sets],
            t("transformer.table.tokens"): vectors.n_tokens,
            "PC 1": coords[:, 0].round(DIGITS),
            "PC 2": coords[:, 1].round(DIGITS),
        }
    )


def position_table(info: emb.PositionInfo) -> pd.DataFrame:
    """The (n, n) position similarity, rows and columns named by position."""
    n = info.similarity.shape[0]
    index = pd.Index(range(n), name=t("transformer.position"))
    return pd.DataFrame(
        info.similarity.round(DIGITS), index=index, columns=[str(i) for i in range(n)]
    )


def block_table(s: emb.BlockShapes) -> pd.DataFrame:
    """The block diagram's boxes, top to bottom: what each step is and its shape."""
    boxes = charts.block_boxes(s)
    rows = [boxes[k] for k in ("ids", "emb", "pos", "attn", "mlp", "next", "out") if k in boxes]
    return pd.DataFrame(rows, columns=[t("transformer.table.step"), t("transformer.table.shape")])
