"""The losses of learning from rankings, each one line of maths, tested against hand-computed values.

Inputs are per-pair numbers of shape (B,): rewards for the reward model, summed response
log-probabilities (``models.generation.logprob.sequence_logprob``) for DPO; RLHF's advantage
is the reward minus the KL penalty, relative to the other samples of the same prompt.

>>> float(bradley_terry_loss(torch.tensor([0.0]), torch.tensor([0.0])))  # log 2: a coin flip
0.6931471824645996
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def bradley_terry_loss(r_chosen: torch.Tensor, r_rejected: torch.Tensor) -> torch.Tensor:
    """−log σ(r_chosen − r_rejected), averaged: the reward model's loss on pairs (B,) → ()."""
    return -F.logsigmoid(r_chosen - r_rejected).mean()


def dpo_loss(
    pi_chosen: torch.Tensor,
    pi_rejected: torch.Tensor,
    ref_chosen: torch.Tensor,
    ref_rejected: torch.Tensor,
    beta: float,
) -> torch.Tensor:
    """DPO: −log σ(β[(log π(c) − log π_ref(c)) − (log π(r) − log π_ref(r))]), averaged: (B,) ×4 → ()."""
    margin = (pi_chosen - ref_chosen) - (pi_rejected - ref_rejected)  # (B,)
    return -F.logsigmoid(beta * margin).mean()


def kl_estimate(logp: torch.Tensor, logp_ref: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """KL(π ‖ π_ref) of each sampled response, summed over its tokens, never negative:
    Σ (r − 1 − log r) with r = π_ref / π per token (Schulman's k3 estimator). (B, T), (B, T),
    mask (B, T) → (B,). The plain log π − log π_ref has the same mean but goes below 0 for
    single samples, which a chart of "how far the model drifted" must not show.

    >>> lp, ref = torch.log(torch.tensor([[0.5, 0.5]])), torch.log(torch.tensor([[0.25, 0.5]]))
    >>> round(float(kl_estimate(lp, ref, torch.tensor([[1.0, 1.0]]))[0]), 4)  # 0.5 - 1 + ln 2
    0.1931
    """
    log_r = (logp_ref - logp) * mask  # (B, T)
    return ((torch.exp(log_r) - 1 - log_r) * mask).sum(-1)  # (B,)


def group_advantages(scores: torch.Tensor) -> torch.Tensor:
    """Each sample's score minus the mean of its prompt's group: (P, K) → (P, K).

    A sample is pushed up when it did better than its siblings, down when worse; the mean
    is the baseline that makes the policy gradient's noise smaller (REINFORCE).

    >>> group_advantages(torch.tensor([[1.0, 3.0], [2.0, 2.0]])).tolist()
    [[-1.0, 1.0], [0.0, 0.0]]
    """
    return scores - scores.mean(1, keepdim=True)


def policy_gradient_loss(advantage: torch.Tensor, logp: torch.Tensor) -> torch.Tensor:
    """−mean(advantage · log π(response)): (B,), (B,) → (); the advantage carries no gradient."""
    return -(advantage.detach() * logp).mean()
