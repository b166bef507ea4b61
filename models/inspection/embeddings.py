"""What the model starts from: token embeddings, position information, and the block's shapes.

- ``word_vectors`` + ``pca_2d``: token embeddings of chosen word sets (nouns, verbs, names,
  adjectives, numbers; words from ``models.data.lexicon``) projected to 2-D with PCA (numpy SVD).
  A word that is several tokens gets the mean of its token vectors (``n_tokens`` says so).
- ``position_similarity``: cosine similarity between the learned position embeddings of every
  pair of positions, or, for a model with rotary embeddings (RoPE) instead, how much the
  rotation alone keeps a query and a key aligned at every pair of positions.
- ``block_shapes``: the tensor shapes of one transformer block, read from the model's config.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from models.data.lexicon import vocabulary
from models.model.loading import LoadedModel

WORD_SETS: tuple[str, ...] = ("nouns", "verbs", "names", "adjectives", "numbers")
MAX_WORDS_PER_SET = 24  # enough to see clusters, few enough to read the labels
# The stories barely use numbers, so they are not in the lexicon; these are the plain words.
NUMBER_WORDS: dict[str, tuple[str, ...]] = {
    "en": ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
    "de": ("eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun", "zehn"),
    "ja": ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十"),
}


def word_list(lang: str, word_set: str, limit: int = MAX_WORDS_PER_SET) -> list[str]:
    """Up to ``limit`` words of one set in ``lang``, sorted (the lexicon's lemmas).

    >>> word_list("en", "numbers", limit=3)
    ['one', 'two', 'three']
    """
    if word_set == "numbers":
        return list(NUMBER_WORDS[lang][:limit])
    if word_set not in WORD_SETS:
        raise ValueError(f"unknown word set {word_set!r}; choose one of {WORD_SETS}")
    words = sorted(vocabulary(lang)[word_set])
    return words[:: max(1, len(words) // limit)][:limit]  # spread over the alphabet


@dataclass(frozen=True)
class WordVectors:
    words: list[str]
    sets: list[str]  # the word set of each word
    n_tokens: list[int]  # tokens per word; > 1 means its vector is the mean of its tokens
    vectors: np.ndarray  # (N, D): one input-embedding vector per word


def word_vectors(lm: LoadedModel, lang: str, word_sets: list[str]) -> WordVectors:
    """Input-embedding vectors of the words in ``word_sets`` (multi-token words: mean).

    English and German words are looked up as they appear inside a sentence, with their
    leading space (" cat"); Japanese has no spaces.
    """
    table = lm.model.get_input_embeddings().weight.detach().float().cpu().numpy()  # (V, D)
    words, sets, counts, rows = [], [], [], []
    prefix = "" if lang == "ja" else " "
    for word_set in word_sets:
        for word in word_list(lang, word_set):
            ids = lm.tokenizer.encode(prefix + word, add_special_tokens=False)
            if not ids:
                continue
            words.append(word)
            sets.append(word_set)
            counts.append(len(ids))
            rows.append(table[ids].mean(0))  # (D,)
    vectors = np.stack(rows) if rows else np.zeros((0, table.shape[1]), dtype=np.float32)
    return WordVectors(words, sets, counts, vectors)


def pca_2d(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Project rows of ``x`` (N, D) onto their first two principal components.

    Returns ``(coords (N, 2), explained (2,))``: the fraction of variance each axis keeps.
    Fewer than 2 rows or no spread gives zeros. Signs are fixed (each axis's largest
    coordinate is positive) so the picture does not flip between runs.

    >>> coords, explained = pca_2d(np.array([[0.0, 0.0], [2.0, 0.0], [4.0, 0.0]]))
    >>> coords[:, 0].round(3).tolist(), explained.round(3).tolist()
    ([2.0, 0.0, -2.0], [1.0, 0.0])
    """
    n = x.shape[0]
    if n < 2:
        return np.zeros((n, 2)), np.zeros(2)
    centred = x - x.mean(0)  # (N, D)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)  # s: (k,), vt: (k, D)
    total = float((s**2).sum())
    if total == 0.0:
        return np.zeros((n, 2)), np.zeros(2)
    vt2 = np.zeros((2, x.shape[1]))
    vt2[: min(2, len(s))] = vt[:2]
    coords = centred @ vt2.T  # (N, 2)
    signs = np.where(coords[np.abs(coords).argmax(0), [0, 1]] < 0, -1.0, 1.0)
    explained = np.zeros(2)
    explained[: min(2, len(s))] = s[:2] ** 2 / total
    return coords * signs + 0.0, explained  # + 0.0 turns -0.0 into 0.0


def cosine_matrix(x: np.ndarray) -> np.ndarray:
    """Cosine similarity of every pair of rows: (N, D) → (N, N), diagonal 1 (zero rows: 0).

    >>> cosine_matrix(np.array([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]])).round(3).tolist()[0]
    [1.0, 0.0, 0.707]
    """
    norms = np.linalg.norm(x, axis=1, keepdims=True)  # (N, 1)
    unit = np.divide(x, norms, out=np.zeros_like(x, dtype=float), where=norms > 0)
    return unit @ unit.T


def rope_similarity(inv_freq: np.ndarray, n: int) -> np.ndarray:
    """How aligned RoPE keeps a query at position m and a key at position n: (n, n).

    RoPE turns each pair of dimensions i by the angle ``position · inv_freq[i]``. For vectors
    with equal weight in every pair, the dot product after rotation is scaled by the mean of
    ``cos((m - n) · inv_freq[i])``: 1 for the same position, lower (and wavy) further apart.

    >>> rope_similarity(np.array([np.pi / 2]), 3).round(3).tolist()[0]
    [1.0, 0.0, -1.0]
    """
    pos = np.arange(n)
    delta = pos[:, None] - pos[None, :]  # (n, n)
    return np.cos(delta[..., None] * inv_freq[None, None, :]).mean(-1)  # (n, n)


def _position_table(lm: LoadedModel) -> torch.Tensor | None:
    """The learned position embedding matrix (P, D), if the model has one."""
    base = lm.model.base_model
    for name in ("wpe", "embed_positions", "position_embeddings"):
        module = getattr(base, name, None)
        if isinstance(module, torch.nn.Embedding):
            return module.weight
    return None


def _rope_inv_freq(lm: LoadedModel) -> np.ndarray | None:
    """RoPE's inverse frequencies (head_dim / 2,), if the model rotates queries and keys."""
    for name, buf in lm.model.named_buffers():
        if name.endswith("inv_freq"):
            return buf.detach().float().cpu().numpy()
    return None


@dataclass(frozen=True)
class PositionInfo:
    kind: str  # "learned" | "rope" | "none"
    similarity: np.ndarray  # (n, n), n = positions shown
    n_total: int  # positions the model has (its context window)


def position_similarity(lm: LoadedModel, max_positions: int = 128) -> PositionInfo:
    """Position-to-position similarity of the first ``max_positions`` positions."""
    n_total = lm.context_length
    n = min(n_total, max_positions)
    table = _position_table(lm)
    if table is not None:
        wpe = table.detach().float().cpu().numpy()[:n]  # (n, D)
        return PositionInfo("learned", cosine_matrix(wpe), n_total)
    inv_freq = _rope_inv_freq(lm)
    if inv_freq is not None:
        return PositionInfo("rope", rope_similarity(inv_freq, n), n_total)
    return PositionInfo("none", np.eye(n), n_total)


@dataclass(frozen=True)
class BlockShapes:
    """Sizes of the loaded model, named as the block diagram labels them."""

    vocab: int  # V
    d_model: int  # D: width of every token vector
    n_layers: int  # L
    n_heads: int  # H
    head_dim: int  # D / H
    d_mlp: int  # width inside the MLP (usually 4 D)
    context: int  # the most tokens the model sees at once
    positions: str  # "learned" | "rope" | "none"


def block_shapes(lm: LoadedModel) -> BlockShapes:
    """The real sizes of ``lm``, read from its config (GPT-2, Llama and most HF names)."""
    cfg = lm.model.config
    d = int(cfg.hidden_size)
    heads = int(cfg.num_attention_heads)
    d_mlp = getattr(cfg, "n_inner", None) or getattr(cfg, "intermediate_size", None) or 4 * d
    positions = (
        "learned"
        if _position_table(lm) is not None
        else ("rope" if _rope_inv_freq(lm) is not None else "none")
    )
    return BlockShapes(
        vocab=int(cfg.vocab_size),
        d_model=d,
        n_layers=int(cfg.num_hidden_layers),
        n_heads=heads,
        head_dim=int(getattr(cfg, "head_dim", None) or d // heads),
        d_mlp=int(d_mlp),
        context=lm.context_length,
        positions=positions,
    )
