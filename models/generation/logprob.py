"""How likely a model finds a continuation: the sum of its tokens' log-probabilities.

One function for every lesson that scores text: the hallucination demo (how likely a name
is), the reward model's inputs, DPO and RLHF (log π of a response). Sequences are (prompt
ids, response ids) pairs, right-padded into one batch; a pair longer than the context window
loses the start of its prompt first.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from transformers import PreTrainedModel

from models.model.loading import context_length

Pair = tuple[list[int], list[int]]  # (prompt ids, response ids)


def fit_to_context(seqs: Sequence[Pair], ctx: int) -> list[Pair]:
    """Each (prompt, response) cut to ``ctx`` tokens: the prompt loses its start first.

    >>> fit_to_context([([1, 2, 3], [4, 5])], 4)
    [([2, 3], [4, 5])]
    """
    out = []
    for p, r in seqs:
        r = r[: ctx - 1]
        out.append((p[-(ctx - len(r)) :], r))
    return out


def pad_batch(
    seqs: Sequence[Pair], pad: int, device: torch.device, ctx: int | None = None
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Right-padded (prompt + response) ids (B, T), attention mask (B, T), and a mask of the
    positions whose next token is a response token (B, T - 1).

    >>> ids, attn, resp = pad_batch([([1, 2], [3]), ([1], [2, 3, 4])], 0, torch.device("cpu"))
    >>> ids.tolist(), resp.int().tolist()
    ([[1, 2, 3, 0], [1, 2, 3, 4]], [[0, 1, 0], [1, 1, 1]])
    """
    seqs = fit_to_context(seqs, ctx) if ctx else seqs
    width = max(len(p) + len(r) for p, r in seqs)
    ids = torch.full((len(seqs), width), pad, dtype=torch.long)  # (B, T)
    attn = torch.zeros((len(seqs), width), dtype=torch.long)  # (B, T)
    resp = torch.zeros((len(seqs), width - 1), dtype=torch.bool)  # (B, T - 1)
    for i, (p, r) in enumerate(seqs):
        n = len(p) + len(r)
        ids[i, :n] = torch.tensor(p + r)
        attn[i, :n] = 1
        resp[i, len(p) - 1 : n - 1] = True  # position t predicts token t + 1
    return ids.to(device), attn.to(device), resp.to(device)


def token_logprobs(
    model: PreTrainedModel, seqs: Sequence[Pair], pad: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """log p(next token | everything before) at every position (B, T-1), and the mask of the
    positions whose next token is a response token (B, T-1). Differentiable."""
    device = next(model.parameters()).device
    ids, attn, resp = pad_batch(seqs, pad, device, context_length(model))  # (B, T) ×2, (B, T-1)
    logits = model(input_ids=ids, attention_mask=attn).logits[:, :-1].float()  # (B, T-1, V)
    logp = torch.log_softmax(logits, -1).gather(-1, ids[:, 1:, None]).squeeze(-1)  # (B, T-1)
    return logp, resp


def sequence_logprob(model: PreTrainedModel, seqs: Sequence[Pair], pad: int) -> torch.Tensor:
    """Sum of log p(response token | everything before) for each (prompt ids, response ids): (B,).

    Differentiable (no ``no_grad`` here): DPO and RLHF take gradients through it.
    """
    logp, resp = token_logprobs(model, seqs, pad)  # (B, T-1), (B, T-1)
    return (logp * resp).sum(-1)  # (B,)
