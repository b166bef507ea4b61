"""The one generation loop: a causal LM writes token by token, a batch of rows at once.

Every lesson that lets the model write goes through ``sample_batch``: the pre-training samples,
the card's samples, the next-token page's side-by-side continuations and hallucination demo,
fine-tuning's answers, and the responses the RLHF lesson ranks and learns from. It keeps a KV
cache, applies the lesson's filters (temperature, top-k, top-p from ``models.generation.sampling``)
to every row, and yields each step's tokens with the probabilities they had.

``generate_steps`` is the show-your-work twin of ``generate``: it yields every chosen token
with its probability, so a page can colour the text by confidence.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import torch
from transformers import PreTrainedModel, PreTrainedTokenizerBase

from models.generation.sampling import SamplingSettings, filter_distribution
from models.model.inputs import prompt_ids
from models.model.loading import context_length


@dataclass(frozen=True)
class GenStep:
    token_id: int
    text: str  # decoded text of this token alone (may be a partial UTF-8 character → '�')
    prob: float  # probability of this token under the filtered distribution
    prob_raw: float  # its probability under the plain softmax (temperature 1, no filters)


@dataclass(frozen=True)
class BatchStep:
    """One step of every row: the token each row got, and the probabilities it had."""

    tokens: list[int]  # (B,)
    probs: list[float]  # (B,) under the filtered distribution
    probs_raw: list[float]  # (B,) under the plain softmax


@torch.no_grad()
def sample_batch(
    model: PreTrainedModel,
    rows: Sequence[Sequence[int]],
    max_new_tokens: int,
    settings: SamplingSettings | None = None,
    generator: torch.Generator | Sequence[torch.Generator] | None = None,
    eos_id: int | None = None,
) -> Iterator[BatchStep]:
    """Sample up to ``max_new_tokens`` tokens after each row of ids, yielding every step.

    ``rows`` are B non-empty rows of token ids, all of the same length. With one ``generator``
    the batch draws together; with one per row, row ``i`` draws from its own, so it gets the
    same tokens whatever else is in the batch. Stops early once every row has produced
    ``eos_id``; a row that is done keeps receiving tokens (callers cut at its EOS), so all
    rows stay the same length. When the text outgrows the context window, the oldest tokens
    are dropped and the cache is rebuilt. The model is used as it is (its mode is not changed).
    """
    settings = settings or SamplingSettings()
    ids = [list(r) for r in rows]  # (B, T)
    if not ids or not ids[0] or any(len(r) != len(ids[0]) for r in ids):
        raise ValueError("rows must be non-empty and of one length")
    shared = generator if isinstance(generator, torch.Generator) or generator is None else None
    gens = None if isinstance(generator, torch.Generator) or generator is None else generator
    if gens is not None and len(gens) != len(ids):
        raise ValueError(f"{len(ids)} rows but {len(gens)} generators")
    device = next(model.parameters()).device
    ctx = context_length(model)
    ids = [r[-ctx:] for r in ids]
    cache, feed = None, ids  # feed: what the model has not seen yet, (B, t)
    done = [False] * len(ids)
    for _ in range(max_new_tokens):
        if cache is not None and len(ids[0]) > ctx:
            cache, feed = None, [r[-(ctx - 1) :] for r in ids]  # the window slides
        out = model(input_ids=torch.tensor(feed, device=device), cache=cache, use_cache=True)
        cache = out.cache
        logits = out.logits[:, -1, :].float().cpu()  # (B, V)
        pairs = [filter_distribution(row, settings) for row in logits]  # B × ((V,), (V,))
        after = torch.stack([a for _, a in pairs])  # (B, V)
        if gens is None:
            tokens = torch.multinomial(after, 1, generator=shared).view(-1).tolist()
        else:
            tokens = [
                int(torch.multinomial(a, 1, generator=g)) for a, g in zip(after, gens, strict=True)
            ]
        yield BatchStep(
            tokens,
            [float(after[i, tok]) for i, tok in enumerate(tokens)],
            [float(pairs[i][0][tok]) for i, tok in enumerate(tokens)],
        )
        for i, tok in enumerate(tokens):
            ids[i].append(tok)
            done[i] = done[i] or tok == eos_id
        if eos_id is not None and all(done):
            return
        feed = [[tok] for tok in tokens]


def continue_ids(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    ids: list[int],
    max_new_tokens: int = 50,
    settings: SamplingSettings | None = None,
    seed: int = 0,
    stop_at_eos: bool = True,
) -> Iterator[GenStep]:
    """Sample up to ``max_new_tokens`` tokens after token ids (non-empty), yielding each choice.

    Same seed and settings → same tokens.
    """
    gen = torch.Generator().manual_seed(seed)
    eos = tokenizer.eos_token_id if stop_at_eos else None
    for step in sample_batch(model, [ids], max_new_tokens, settings, [gen], eos):
        token = step.tokens[0]
        yield GenStep(token, tokenizer.decode([token]), step.probs[0], step.probs_raw[0])
        if token == eos:
            return


def generate_steps(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    prompt: str,
    max_new_tokens: int = 50,
    settings: SamplingSettings | None = None,
    seed: int = 0,
    stop_at_eos: bool = True,
    lang: str | None = None,
) -> Iterator[GenStep]:
    """``continue_ids`` for a prompt string (an empty prompt starts at the end-of-text token),
    after ``lang``'s tag for a model trained with language tags (``inputs.prompt_ids``)."""
    ids = prompt_ids(tokenizer, prompt, lang)
    yield from continue_ids(model, tokenizer, ids, max_new_tokens, settings, seed, stop_at_eos)


def generate(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    prompt: str,
    max_new_tokens: int = 50,
    temperature: float = 1.0,
    top_k: int = 0,
    top_p: float = 1.0,
    seed: int = 0,
    lang: str | None = None,
) -> str:
    """``prompt`` followed by up to ``max_new_tokens`` sampled tokens, as one string (``lang``:
    see ``generate_steps``)."""
    settings = SamplingSettings(temperature=temperature, top_k=top_k, top_p=top_p)
    steps = generate_steps(model, tokenizer, prompt, max_new_tokens, settings, seed, lang=lang)
    new = [s.token_id for s in steps]
    eos = tokenizer.eos_token_id
    new = new[:-1] if new and new[-1] == eos else new
    return prompt + tokenizer.decode(new)
