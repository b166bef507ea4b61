"""Before and after an update: how often the model shows the trait, and how its next token moved.

Fixed seeds, so the reference and the updated policy are measured on the same draws.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from transformers import PreTrainedModel, PreTrainedTokenizerBase

from models.model.inputs import prompt_ids
from models.model.loading import context_length
from models.preference.rater import trait_share
from models.preference.responses import SHOW_TEMPERATURE, Sample, sample_responses


def trait_rate(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    prompts: Sequence[str],
    taste: str,
    lang: str,
    n_per_prompt: int = 8,
    max_new_tokens: int = 40,
    seed: int = 123,
    temperature: float = SHOW_TEMPERATURE,
) -> tuple[float, list[Sample]]:
    """Share of sampled responses with the trait (fixed seeds, so before/after compare); the
    responses are written in ``lang`` (after its tag, for a tagged model)."""
    samples = [
        s
        for j, p in enumerate(prompts)
        for s in sample_responses(
            model, tokenizer, p, n_per_prompt, max_new_tokens, temperature, seed + j, lang
        )
    ]
    return trait_share(taste, [s.text for s in samples], lang), samples


@torch.no_grad()
def next_token_shift(
    reference: PreTrainedModel,
    policy: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    prompt: str,
    k: int = 8,
    lang: str | None = None,
) -> list[tuple[str, float, float]]:
    """(token text, p before, p after) for the union of both models' top-``k`` next tokens."""
    ctx = min(context_length(reference), context_length(policy))
    ids = torch.tensor([prompt_ids(tokenizer, prompt, lang)[-ctx:]])  # (1, T ≤ ctx): its end

    def probs(m: PreTrainedModel) -> torch.Tensor:
        was = m.training
        m.eval()
        logits = m(input_ids=ids.to(next(m.parameters()).device)).logits[0, -1]  # (V,)
        m.train(was)
        return torch.softmax(logits.float(), -1).cpu()

    before, after = probs(reference), probs(policy)
    top = sorted(set(before.topk(k).indices.tolist()) | set(after.topk(k).indices.tolist()))
    rows = [(tokenizer.decode([i]), float(before[i]), float(after[i])) for i in top]
    return sorted(rows, key=lambda r: -max(r[1], r[2]))
