"""The reward model: the language model's network with one number on top, trained on
chosen/rejected pairs with the Bradley–Terry loss.

``train_reward_model`` is a generator of ``RewardStep`` events, so a page can run it a slice at
a time (``models.training.jobs.Job``); the reward model passed in is trained in place, and it
is always a copy (``RewardModel`` deep-copies the language model's network).
"""

from __future__ import annotations

import copy
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import torch
from torch import nn
from transformers import PreTrainedModel, PreTrainedTokenizerBase

from models.generation.logprob import Pair as IdPair
from models.generation.logprob import pad_batch
from models.model.loading import context_length
from models.preference.losses import bradley_terry_loss
from models.preference.rankings import Pair, Ranking
from models.preference.responses import encode_pair, eos_id
from models.training.jobs import Event
from models.training.objective import descend


class RewardModel(nn.Module):
    """The language model's network (any HF causal LM's ``base_model``) plus a scalar head.

    The reward of a sequence is the head applied to the last real token's final hidden state.
    """

    def __init__(self, lm: PreTrainedModel) -> None:
        super().__init__()
        self.backbone = copy.deepcopy(lm.base_model)
        self.context = context_length(lm)
        width = lm.config.hidden_size if hasattr(lm.config, "hidden_size") else lm.config.n_embd
        self.head = nn.Linear(width, 1)
        nn.init.zeros_(self.head.weight)
        nn.init.zeros_(self.head.bias)

    def forward(self, seqs: Sequence[IdPair], pad: int) -> torch.Tensor:
        """Rewards (B,) of B (prompt ids, response ids) sequences."""
        device = self.head.weight.device
        ids, attn, _ = pad_batch(seqs, pad, device, self.context)  # (B, T), (B, T)
        hidden = self.backbone(input_ids=ids, attention_mask=attn).last_hidden_state  # (B, T, D)
        last = attn.sum(-1) - 1  # (B,): the last real token of each row
        return self.head(hidden[torch.arange(len(seqs), device=device), last]).squeeze(-1)

    @torch.no_grad()
    def score(
        self,
        tokenizer: PreTrainedTokenizerBase,
        prompt: str,
        responses: Sequence[str],
        lang: str | None = None,
    ) -> list[float]:
        """Rewards of ``responses`` to ``prompt`` (the same encoding as in training)."""
        was = self.training
        self.eval()
        seqs = [encode_pair(tokenizer, Pair(prompt, r, r, lang))[0] for r in responses]
        out = self(seqs, eos_id(tokenizer)).tolist()
        self.train(was)
        return out


def split_rankings(
    rankings: Sequence[Ranking], holdout: float = 0.2, seed: int = 0
) -> tuple[list[Pair], list[Pair]]:
    """Train / held-out pairs, split by ranking so no response text is in both."""
    order = list(range(len(rankings)))
    random.Random(seed).shuffle(order)
    n_val = max(1, round(len(rankings) * holdout)) if len(rankings) > 1 else 0
    val = [p for i in order[:n_val] for p in rankings[i].pairs()]
    train = [p for i in order[n_val:] for p in rankings[i].pairs()]
    return train, val


def pair_accuracy(
    rm: RewardModel, tokenizer: PreTrainedTokenizerBase, pairs: Sequence[Pair]
) -> float | None:
    """Share of pairs where the reward model scores the chosen response higher."""
    if not pairs:
        return None
    was = rm.training
    rm.eval()
    hits = 0
    with torch.no_grad():
        for i in range(0, len(pairs), 32):
            enc = [encode_pair(tokenizer, p) for p in pairs[i : i + 32]]
            r = rm([c for c, _ in enc] + [r for _, r in enc], eos_id(tokenizer))  # (2B,)
            hits += int((r[: len(enc)] > r[len(enc) :]).sum())
    rm.train(was)
    return hits / len(pairs)


@dataclass(kw_only=True)
class RewardStep(Event):
    """One reward-model update: the pairs' loss, and every 10 steps the held-out accuracy."""

    loss: float
    val_acc: float | None = None


def train_reward_model(
    rm: RewardModel,
    tokenizer: PreTrainedTokenizerBase,
    train: Sequence[Pair],
    val: Sequence[Pair],
    steps: int = 60,
    lr: float = 3e-4,
    batch_size: int = 16,
    seed: int = 0,
) -> Iterator[RewardStep]:
    """Bradley–Terry training on ``train``; held-out accuracy on ``val`` every 10 steps."""
    if not train:
        raise ValueError("no pairs to learn from: rank some responses first (ties give none)")
    opt = torch.optim.AdamW(rm.parameters(), lr=lr, weight_decay=0.0)
    rng = random.Random(seed)
    enc = [encode_pair(tokenizer, p) for p in train]
    pad = eos_id(tokenizer)
    rm.train()
    for step in range(1, steps + 1):
        batch = [enc[rng.randrange(len(enc))] for _ in range(min(batch_size, len(enc)))]
        r = rm([c for c, _ in batch] + [r for _, r in batch], pad)  # (2B,): chosen, then rejected
        loss = bradley_terry_loss(r[: len(batch)], r[len(batch) :])
        descend(opt, rm, loss)
        event = RewardStep(step=step, total_steps=steps, loss=float(loss.detach()))
        if step % 10 == 0 or step == steps:
            event.val_acc = pair_accuracy(rm, tokenizer, val)
        yield event
