"""Attention weights and hidden states of any causal LM for a text.

Every function takes a ``LoadedModel`` (ours or any local Hugging Face causal LM) and plain
text; text longer than the context window keeps its last tokens and says so
(``models.model.inputs.encode``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from models.model.inputs import Encoded, encode
from models.model.loading import LoadedModel


@torch.no_grad()
def forward(lm: LoadedModel, ids: Sequence[int], **kw: bool):  # noqa: ANN201 - a ModelOutput
    """One forward pass of ``lm`` on one row of ids, under ``no_grad`` (``kw``: output_…)."""
    return lm.model(input_ids=torch.tensor([list(ids)], device=lm.device), **kw)


@dataclass(frozen=True)
class Attention:
    encoded: Encoded
    weights: np.ndarray  # (L, H, T, T): row = query position, column = key position; rows sum to 1


def attention_for_ids(lm: LoadedModel, ids: Sequence[int]) -> np.ndarray:
    """Attention weights ``(L, H, T, T)`` for token ids we already have (at most the context)."""
    out = forward(lm, ids, output_attentions=True)
    if not out.attentions:
        raise RuntimeError(
            "the model returned no attention weights; load it with attn_implementation='eager' "
            "(models.model.loading.load_model does this)"
        )
    return torch.stack([a[0] for a in out.attentions]).float().cpu().numpy()  # (L, H, T, T)


def attention(lm: LoadedModel, text: str) -> Attention:
    """Attention weights of every layer and head for ``text``."""
    enc = encode(lm, text)
    return Attention(enc, attention_for_ids(lm, enc.ids))


def hidden_states(lm: LoadedModel, text: str) -> tuple[Encoded, np.ndarray]:
    """Residual stream after the embeddings and after every block: (L+1, T, D)."""
    enc = encode(lm, text)
    out = forward(lm, enc.ids, output_hidden_states=True)
    return enc, torch.stack([h[0] for h in out.hidden_states]).float().cpu().numpy()
