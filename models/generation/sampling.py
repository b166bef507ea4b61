"""Turning logits into a next-token choice: temperature, top-k, top-p (nucleus), sampling.

Each filter is a small pure function on a probability vector of shape (V,), so the
lesson can show the distribution before and after every step.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch


@dataclass(frozen=True)
class SamplingSettings:
    temperature: float = field(
        default=1.0,
        metadata={
            "help": "Below 1 sharpens the distribution, above 1 flattens it; 0 means always the most likely token."
        },
    )
    top_k: int = field(
        default=0, metadata={"help": "Keep only the k most likely tokens (0 = keep all)."}
    )
    top_p: float = field(
        default=1.0,
        metadata={
            "help": "Keep the smallest set of tokens whose probabilities add up to p (1 = keep all)."
        },
    )


def softmax_with_temperature(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """Probabilities (V,) from logits (V,). Temperature ≤ 0 gives a one-hot on the argmax.

    >>> softmax_with_temperature(torch.tensor([1.0, 3.0, 2.0]), 0.0).tolist()
    [0.0, 1.0, 0.0]
    """
    logits = logits.float()
    if temperature <= 0:
        onehot = torch.zeros_like(logits)
        onehot[int(torch.argmax(logits))] = 1.0
        return onehot
    return torch.softmax(logits / temperature, dim=-1)


def top_k_filter(probs: torch.Tensor, k: int) -> torch.Tensor:
    """Zero all but the ``k`` largest probabilities and renormalise; k ≤ 0 or ≥ V keeps all.

    >>> top_k_filter(torch.tensor([0.1, 0.5, 0.15, 0.25]), 2).tolist()
    [0.0, 0.6666666865348816, 0.0, 0.3333333432674408]
    """
    if k <= 0 or k >= probs.numel():
        return probs
    kth = torch.topk(probs, k).values[-1]
    kept = torch.where(probs >= kth, probs, torch.zeros_like(probs))
    if int((kept > 0).sum()) > k:  # ties at the k-th value: keep exactly k, by index order
        idx = torch.topk(probs, k).indices
        kept = torch.zeros_like(probs)
        kept[idx] = probs[idx]
    return kept / kept.sum()


def top_p_filter(probs: torch.Tensor, p: float) -> torch.Tensor:
    """Keep the smallest set of most likely tokens whose mass reaches ``p``; renormalise.

    The most likely token is always kept (so p = 0 means greedy); p ≥ 1 keeps all.

    >>> top_p_filter(torch.tensor([0.1, 0.5, 0.15, 0.25]), 0.7).tolist()
    [0.0, 0.6666666865348816, 0.0, 0.3333333432674408]
    """
    if p >= 1.0:
        return probs
    sorted_probs, order = torch.sort(probs, descending=True)
    before = torch.cumsum(sorted_probs, dim=0) - sorted_probs  # mass of strictly better tokens
    keep_sorted = before < max(p, 0.0)
    keep_sorted[0] = True
    keep = torch.zeros_like(probs, dtype=torch.bool)
    keep[order[keep_sorted]] = True
    kept = torch.where(keep, probs, torch.zeros_like(probs))
    return kept / kept.sum()


def filter_distribution(
    logits: torch.Tensor, settings: SamplingSettings
) -> tuple[torch.Tensor, torch.Tensor]:
    """(before, after): plain softmax of ``logits`` (V,), and after temperature, top-k, top-p."""
    before = torch.softmax(logits.float(), dim=-1)
    after = softmax_with_temperature(logits, settings.temperature)
    after = top_k_filter(after, settings.top_k)
    after = top_p_filter(after, settings.top_p)
    return before, after


def entropy_bits(probs: torch.Tensor) -> float:
    """Shannon entropy of a distribution in bits."""
    nz = probs[probs > 0]
    return float(-(nz * torch.log2(nz)).sum()) + 0.0  # + 0.0: one certain token is 0, not -0


def sample(probs: torch.Tensor, generator: torch.Generator | None = None) -> int:
    """Draw one token id from ``probs`` (V,)."""
    return int(torch.multinomial(probs.float().cpu(), 1, generator=generator))
