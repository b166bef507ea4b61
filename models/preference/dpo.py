"""Direct Preference Optimisation: make chosen responses more likely than rejected ones,
measured against a frozen copy of the model (the reference), without a reward model.

``dpo_update`` trains ``policy`` in place (callers pass their own copy, never a shared model)
and yields a ``DPOStep`` per update, so a page can run it a slice at a time.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import torch
from transformers import PreTrainedModel, PreTrainedTokenizerBase

from models.generation.logprob import sequence_logprob
from models.preference.losses import dpo_loss
from models.preference.rankings import Pair
from models.preference.responses import encode_pair, eos_id
from models.training.jobs import Event
from models.training.objective import descend


@dataclass(kw_only=True)
class DPOStep(Event):
    """One DPO update: the loss, the share of pairs whose margin is positive, the mean margin."""

    loss: float
    accuracy: float
    margin: float


def dpo_update(
    policy: PreTrainedModel,
    reference: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    pairs: Sequence[Pair],
    beta: float = 0.1,
    steps: int = 40,
    lr: float = 1e-4,
    batch_size: int = 16,
    seed: int = 0,
    nll_weight: float = 0.2,
) -> Iterator[DPOStep]:
    """DPO on ``pairs``; trains ``policy`` in place. Yields loss, accuracy and reward margin.

    ``nll_weight`` adds the chosen responses' mean per-token negative log-likelihood (as in
    RPO): pure DPO may push *both* responses' probabilities down, which a tiny model pays for
    with garbled text; keeping the chosen ones likely holds it on real words.
    """
    if not pairs:
        raise ValueError("no pairs to learn from: rank some responses first (ties give none)")
    enc = [encode_pair(tokenizer, p) for p in pairs]
    pad = eos_id(tokenizer)
    with torch.no_grad():  # the reference never changes: score every pair once
        ref = [
            (
                sequence_logprob(reference, [c for c, _ in enc[i : i + 32]], pad),
                sequence_logprob(reference, [r for _, r in enc[i : i + 32]], pad),
            )
            for i in range(0, len(enc), 32)
        ]
    ref_c, ref_r = torch.cat([a for a, _ in ref]), torch.cat([b for _, b in ref])  # (N,), (N,)
    opt = torch.optim.AdamW(policy.parameters(), lr=lr, weight_decay=0.0)
    rng = random.Random(seed)
    policy.train()
    for step in range(1, steps + 1):
        idx = [rng.randrange(len(enc)) for _ in range(min(batch_size, len(enc)))]
        pi_c = sequence_logprob(policy, [enc[i][0] for i in idx], pad)  # (B,)
        pi_r = sequence_logprob(policy, [enc[i][1] for i in idx], pad)  # (B,)
        rc, rr = ref_c[idx].to(pi_c.device), ref_r[idx].to(pi_c.device)  # (B,), (B,)
        n_tokens = sum(len(enc[i][0][1]) for i in idx)
        dpo = dpo_loss(pi_c, pi_r, rc, rr, beta)
        loss = dpo - nll_weight * pi_c.sum() / n_tokens
        descend(opt, policy, loss)
        margin = beta * ((pi_c - rc) - (pi_r - rr)).detach()  # (B,)
        yield DPOStep(
            step=step,
            total_steps=steps,
            loss=float(dpo.detach()),
            accuracy=float((margin > 0).float().mean()),
            margin=float(margin.mean()),
        )
    policy.eval()
