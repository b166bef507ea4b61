"""Head roles measured on the model: which attention heads do a recognisable job, and how well.

Three roles, each a pure score over attention weights ``(L, H, T, T)`` (row = query, column =
key, rows sum to 1), so a test can plant a pattern and check that the score finds it:

- ``previous_token_score``: mean weight a token puts on the token just before it;
- ``start_score``: mean weight a token puts on the first token of the text;
- ``coreference_score``: mean weight a pronoun or repeated name puts on the tokens of its
  entity's *first* mention ("she" → "Mia", "it" → "a red ball"). The tiny-stories generator
  records these links (``Story.mentions``), so this is measured against ground truth.

``measure_roles`` runs the three on generated stories and returns an ``(L, H)`` table per role.
``random_init_twin`` builds the same architecture with fresh random weights, for "before
learning" comparisons; it never touches the model it copies the config from.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from transformers import AutoModelForCausalLM

from models.data.stories import LANGS, Story, generate_stories
from models.inspection.attention import attention_for_ids
from models.model.inputs import TokenInfo, tokenize
from models.model.loading import LoadedModel

ROLES: tuple[str, ...] = ("previous", "start", "coreference")
COREF_QUERY_KINDS = ("pronoun", "name")  # mentions that must look back to their first mention


def previous_token_score(weights: np.ndarray) -> np.ndarray:
    """Mean attention from each query ``t ≥ 1`` to key ``t - 1``: ``(L, H, T, T)`` → ``(L, H)``.

    >>> w = np.zeros((1, 1, 3, 3)); w[0, 0, 0, 0] = 1; w[0, 0, 1, 0] = 1; w[0, 0, 2, 1] = 1
    >>> previous_token_score(w).tolist()
    [[1.0]]
    """
    T = weights.shape[-1]
    if T < 2:
        return np.zeros(weights.shape[:2])
    sub = np.diagonal(weights, offset=-1, axis1=-2, axis2=-1)  # (L, H, T-1): A[t, t-1]
    return sub.mean(-1)


def start_score(weights: np.ndarray) -> np.ndarray:
    """Mean attention from each query ``t ≥ 1`` to key 0 (the first token / BOS): → ``(L, H)``.

    Query 0 is left out: it can only look at itself, so it would score 1 in every head.

    >>> w = np.zeros((1, 1, 3, 3)); w[..., 0] = 1
    >>> start_score(w).tolist()
    [[1.0]]
    """
    if weights.shape[-1] < 2:
        return np.zeros(weights.shape[:2])
    return weights[..., 1:, 0].mean(-1)  # (L, H)


@dataclass(frozen=True)
class CorefLink:
    """One pronoun or repeated name (its query tokens) and its entity's first mention (keys)."""

    queries: tuple[int, ...]  # token positions of the later mention
    keys: tuple[int, ...]  # token positions of the first mention (all before the queries)


def coreference_score(weights: np.ndarray, links: Sequence[CorefLink]) -> np.ndarray:
    """Mean attention mass a later mention's tokens put on its first mention: → ``(L, H)``.

    For each link, each query token's weights on the key tokens are summed; the result is
    averaged over query tokens, then over links. No links → zeros.

    >>> w = np.full((1, 1, 4, 4), 0.0); w[0, 0, :, 0] = 1  # everything looks at token 0
    >>> coreference_score(w, [CorefLink(queries=(3,), keys=(0,))]).tolist()
    [[1.0]]
    """
    if not links:
        return np.zeros(weights.shape[:2])
    per_link = [
        weights[:, :, list(link.queries), :][..., list(link.keys)].sum(-1).mean(-1)  # (L, H)
        for link in links
    ]
    return np.mean(per_link, axis=0)


def coreference_baseline(links: Sequence[CorefLink]) -> float:
    """What a head spreading its attention evenly over the past would score (chance level).

    >>> coreference_baseline([CorefLink(queries=(3,), keys=(0,))])  # 1 key of 4 visible
    0.25
    """
    if not links:
        return 0.0
    return float(np.mean([np.mean([len(li.keys) / (q + 1) for q in li.queries]) for li in links]))


def _tokens_in(tokens: Sequence[TokenInfo], start: int, end: int) -> tuple[int, ...]:
    """Positions of the tokens whose character span overlaps ``[start, end)``."""
    return tuple(i for i, t in enumerate(tokens) if t.start < end and t.end > start)


def coref_links(story: Story, tokens: Sequence[TokenInfo]) -> list[CorefLink]:
    """Links from every pronoun / repeated name to the first mention of the same entity.

    Character spans (``Story.mentions``) become token positions through the tokens' spans;
    a link is kept only if its first-mention tokens all come before its query tokens.
    """
    first: dict[str, tuple[int, ...]] = {}
    links = []
    for m in story.mentions:
        positions = _tokens_in(tokens, m.start, m.end)
        if not positions:
            continue
        if m.entity not in first:
            first[m.entity] = positions
        elif m.kind in COREF_QUERY_KINDS and max(first[m.entity]) < min(positions):
            links.append(CorefLink(queries=positions, keys=first[m.entity]))
    return links


@dataclass(frozen=True)
class RoleScores:
    """An ``(L, H)`` score per role, averaged over the stories; ``baseline``: chance level."""

    scores: dict[str, np.ndarray]
    baseline: dict[str, float]
    n_stories: int
    n_links: int  # pronoun / repeated-name links the coreference score averaged over

    def top(self, role: str, k: int = 3) -> list[tuple[int, int, float]]:
        """The ``k`` best heads for ``role`` as (layer, head, score), best first."""
        table = self.scores[role]
        order = np.argsort(table, axis=None)[::-1][:k]
        return [
            (int(i // table.shape[1]), int(i % table.shape[1]), float(table.flat[i])) for i in order
        ]


def measure_roles(
    lm: LoadedModel, n_per_lang: int = 6, langs: Sequence[str] = LANGS, seed: int = 123
) -> RoleScores:
    """Score every head on ``n_per_lang`` generated stories per language (the held-out split).

    Each story runs through the model once (truncated to its context window); the per-story
    ``(L, H)`` scores are averaged with equal weight per story (coreference: per link).
    """
    prev, start, coref = [], [], []
    base_prev, base_start, links_all = [], [], []
    for lang in langs:
        for story in generate_stories(lang, n_per_lang, seed=seed, split="heldout"):
            tokens = tokenize(lm, story.text)[: lm.context_length]
            if len(tokens) < 2:
                continue
            w = attention_for_ids(lm, [t.id for t in tokens])  # (L, H, T, T)
            T = w.shape[-1]
            prev.append(previous_token_score(w))
            start.append(start_score(w))
            base_prev.append(np.mean([1 / (t + 1) for t in range(1, T)]))
            base_start.append(base_prev[-1])
            links = [li for li in coref_links(story, tokens) if max(li.queries) < T]
            if links:
                coref.append(coreference_score(w, links) * len(links))
                links_all.extend(links)
    n_links = len(links_all)
    shape = (lm.n_layers, lm.n_heads)
    return RoleScores(
        scores={
            "previous": np.mean(prev, axis=0) if prev else np.zeros(shape),
            "start": np.mean(start, axis=0) if start else np.zeros(shape),
            "coreference": np.sum(coref, axis=0) / n_links if n_links else np.zeros(shape),
        },
        baseline={
            "previous": float(np.mean(base_prev)) if base_prev else 0.0,
            "start": float(np.mean(base_start)) if base_start else 0.0,
            "coreference": coreference_baseline(links_all),
        },
        n_stories=len(prev),
        n_links=n_links,
    )


def random_init_twin(lm: LoadedModel, seed: int = 0) -> LoadedModel:
    """The same architecture and tokenizer with freshly initialised random weights.

    Built from a copy of ``lm``'s config with eager attention; the global torch RNG is left
    as it was, and ``lm`` itself is not touched (it may be a shared, cached model).
    """
    config = copy.deepcopy(lm.model.config)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = AutoModelForCausalLM.from_config(config, attn_implementation="eager")
    model.to(lm.device).eval()
    return LoadedModel(
        model=model, tokenizer=lm.tokenizer, name=f"{lm.name} (random init)", device=lm.device
    )
