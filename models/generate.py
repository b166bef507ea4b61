"""Text generation one token at a time, with the same filters the lessons show.

``generate_steps`` is the show-your-work twin of ``generate``: it yields every chosen
token with the probability it had, so a page can colour the text by confidence.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import torch
from transformers import PreTrainedModel, PreTrainedTokenizerBase

from models.model import context_length
from models.sampling import SamplingSettings, filter_distribution, sample


@dataclass(frozen=True)
class GenStep:
    token_id: int
    text: str  # decoded text of this token alone (may be a partial UTF-8 character → '�')
    prob: float  # probability of this token under the filtered distribution
    prob_raw: float  # its probability under the plain softmax (temperature 1, no filters)


def prompt_ids(tokenizer: PreTrainedTokenizerBase, prompt: str) -> list[int]:
    """Token ids of ``prompt``; an empty prompt starts from the end-of-text token."""
    ids = tokenizer.encode(prompt, add_special_tokens=False) if prompt else []
    if not ids:
        bos = (
            tokenizer.bos_token_id if tokenizer.bos_token_id is not None else tokenizer.eos_token_id
        )
        ids = [bos if bos is not None else 0]
    return ids


def generate_steps(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    prompt: str,
    max_new_tokens: int = 50,
    settings: SamplingSettings | None = None,
    seed: int = 0,
    stop_at_eos: bool = True,
) -> Iterator[GenStep]:
    """Sample up to ``max_new_tokens`` tokens after ``prompt``, yielding each choice.

    Uses the KV cache; when the text outgrows the context window it keeps the most recent
    tokens. Same seed and settings → same tokens.
    """
    ids = prompt_ids(tokenizer, prompt)
    yield from continue_ids(model, tokenizer, ids, max_new_tokens, settings, seed, stop_at_eos)


@torch.no_grad()
def continue_ids(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    ids: list[int],
    max_new_tokens: int = 50,
    settings: SamplingSettings | None = None,
    seed: int = 0,
    stop_at_eos: bool = True,
) -> Iterator[GenStep]:
    """``generate_steps`` for token ids (non-empty) instead of a prompt string."""
    settings = settings or SamplingSettings()
    device = next(model.parameters()).device
    ctx = context_length(model)
    ids = list(ids)[-ctx:]
    gen = torch.Generator().manual_seed(seed)
    past, feed = None, ids
    for _ in range(max_new_tokens):
        if past is not None and len(ids) > ctx:
            past, feed = None, ids[-(ctx - 1) :]  # window slides: recompute without the cache
        out = model(
            input_ids=torch.tensor([feed], device=device), past_key_values=past, use_cache=True
        )
        past = out.past_key_values
        before, after = filter_distribution(out.logits[0, -1], settings)  # (V,), (V,)
        token = sample(after, gen)
        ids.append(token)
        feed = [token]
        yield GenStep(token, tokenizer.decode([token]), float(after[token]), float(before[token]))
        if stop_at_eos and token == tokenizer.eos_token_id:
            return


def generate(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    prompt: str,
    max_new_tokens: int = 50,
    temperature: float = 1.0,
    top_k: int = 0,
    top_p: float = 1.0,
    seed: int = 0,
) -> str:
    """``prompt`` followed by up to ``max_new_tokens`` sampled tokens, as one string."""
    settings = SamplingSettings(temperature=temperature, top_k=top_k, top_p=top_p)
    new = [
        s.token_id for s in generate_steps(model, tokenizer, prompt, max_new_tokens, settings, seed)
    ]
    eos = tokenizer.eos_token_id
    new = new[:-1] if new and new[-1] == eos else new
    return prompt + tokenizer.decode(new)
