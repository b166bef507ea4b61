"""RLHF as the seeds tell it: the policy writes, the reward model scores, and a policy-gradient
step makes high-reward responses more likely, with a KL penalty that keeps the policy near the
reference (REINFORCE with a per-prompt mean baseline).

``rlhf_update`` trains ``policy`` in place (callers pass their own copy) and yields an
``RLHFStep`` per update, so a page can run it a slice at a time.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import torch
from transformers import PreTrainedModel, PreTrainedTokenizerBase

from models.generation.logprob import token_logprobs
from models.preference.losses import group_advantages, kl_estimate, policy_gradient_loss
from models.preference.responses import eos_id, sample_responses
from models.preference.reward_model import RewardModel
from models.training.jobs import Event
from models.training.objective import descend


@dataclass(kw_only=True)
class RLHFStep(Event):
    """One RLHF update: mean raw reward, mean KL per response (nats), mean reward − penalty,
    and one sampled response, to watch the text change."""

    reward: float
    kl: float
    objective: float
    sample: str


def rlhf_update(
    policy: PreTrainedModel,
    reference: PreTrainedModel,
    reward_model: RewardModel,
    tokenizer: PreTrainedTokenizerBase,
    prompts: Sequence[str],
    kl_coef: float = 0.1,
    steps: int = 30,
    lr: float = 1e-4,
    prompts_per_step: int = 2,
    samples_per_prompt: int = 8,
    max_new_tokens: int = 40,
    seed: int = 0,
    lang: str | None = None,
) -> Iterator[RLHFStep]:
    """Sample, score with the reward model, push the policy towards high reward minus
    ``kl_coef`` × KL(policy ‖ reference). ``lang``: the prompts' language (a tagged model
    writes after its tag)."""
    opt = torch.optim.AdamW(policy.parameters(), lr=lr, weight_decay=0.0)
    rng = random.Random(seed)
    pad = eos_id(tokenizer)
    for step in range(1, steps + 1):
        chosen = [prompts[rng.randrange(len(prompts))] for _ in range(prompts_per_step)]
        samples = [
            s
            for j, p in enumerate(chosen)
            for s in sample_responses(
                policy,
                tokenizer,
                p,
                samples_per_prompt,
                max_new_tokens,
                1.0,
                seed * 7919 + step * 31 + j,
                lang,
            )
        ]  # P × K, grouped by prompt
        seqs = [(s.prompt_ids, s.ids) for s in samples]
        with torch.no_grad():
            k = samples_per_prompt  # group j is samples[j·K : (j+1)·K], even if a prompt repeats
            reward = torch.tensor(
                [
                    r
                    for j, p in enumerate(chosen)
                    for r in reward_model.score(
                        tokenizer, p, [s.text for s in samples[j * k : (j + 1) * k]], lang
                    )
                ]
            )  # (P·K,)
            ref_tok, _ = token_logprobs(reference, seqs, pad)  # (P·K, T-1)
        policy.train()
        logp_tok, mask = token_logprobs(policy, seqs, pad)  # (P·K, T-1) ×2
        logp = (logp_tok * mask).sum(-1)  # (P·K,)
        kl = kl_estimate(logp_tok.detach(), ref_tok, mask).cpu()  # (P·K,), never below 0
        total = reward - kl_coef * kl  # (P·K,)
        advantage = group_advantages(total.view(prompts_per_step, samples_per_prompt)).view(-1)
        loss = policy_gradient_loss(advantage.to(logp.device), logp)
        descend(opt, policy, loss)
        yield RLHFStep(
            step=step,
            total_steps=steps,
            reward=float(reward.mean()),
            kl=float(kl.mean()),
            objective=float(total.mean()),
            sample=samples[0].text,
        )
    policy.eval()
