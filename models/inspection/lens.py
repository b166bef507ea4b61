"""The logit lens: what the model would predict if it stopped after each block.

Intermediate residual streams go through the final norm and the unembedding. The last
hidden state already has the final norm applied (as in Hugging Face models), so the last
row equals the model's actual output distribution.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from models.inspection.attention import forward
from models.model.inputs import Encoded, encode, encode_ids, piece_bytes
from models.model.loading import LoadedModel


def _final_norm(model: torch.nn.Module) -> torch.nn.Module:
    base = model.base_model
    for name in ("ln_f", "norm", "final_layernorm", "final_layer_norm"):
        if hasattr(base, name):
            return getattr(base, name)
    raise AttributeError(f"cannot find the final norm of {type(model).__name__} for the logit lens")


@torch.no_grad()
def logit_lens(lm: LoadedModel, text: str) -> tuple[Encoded, torch.Tensor]:
    """Next-token distribution read out after the embeddings and after each block: (L+1, V)."""
    return logit_lens_for_ids(lm, encode(lm, text))


@torch.no_grad()
def logit_lens_for_ids(lm: LoadedModel, enc: Encoded) -> tuple[Encoded, torch.Tensor]:
    """``logit_lens`` for already encoded tokens (see ``encode_ids``): (L+1, V)."""
    out = forward(lm, enc.ids, output_hidden_states=True)
    norm, head = _final_norm(lm.model), lm.model.get_output_embeddings()
    hs = out.hidden_states  # L+1 tensors of (1, T, D)
    rows = [head(norm(h[0, -1])) for h in hs[:-1]] + [head(hs[-1][0, -1])]
    return enc, torch.softmax(torch.stack(rows).float(), dim=-1).cpu()


@dataclass(frozen=True)
class LensTable:
    """Top tokens read out after the embeddings (row 0) and after every block (row L)."""

    pieces: list[list[bytes]]  # (L+1, k)
    probs: list[list[float]]  # (L+1, k), each row descending


def top_of_lens(lm: LoadedModel, lens: torch.Tensor, k: int = 5) -> LensTable:
    """The ``k`` best tokens of every row of a lens (L+1, V), with their probabilities."""
    top = torch.topk(lens, min(k, lens.shape[1]), dim=-1)
    pieces = [[piece_bytes(lm, int(i)) for i in row] for row in top.indices]
    return LensTable(pieces, top.values.tolist())


def lens_table(lm: LoadedModel, ids: list[int], k: int = 5) -> LensTable:
    """Logit lens for the token after ``ids``: the ``k`` best tokens and their probability per layer."""
    _, lens = logit_lens_for_ids(lm, encode_ids(lm, ids))  # (L+1, V)
    return top_of_lens(lm, lens, k)
