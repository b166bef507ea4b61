"""Responses to rank: K continuations of one prompt, sampled together by the generation loop.

A ``Sample`` keeps the token ids the model chose beside their text, so what a student ranks is
exactly what the model wrote.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from transformers import PreTrainedModel, PreTrainedTokenizerBase

from models.generation.loop import sample_batch
from models.generation.sampling import SamplingSettings
from models.model.inputs import prompt_ids
from models.model.loading import context_length
from models.preference.rankings import Pair

SHOW_TEMPERATURE = 0.8  # responses shown to raters: a little below 1, fewer garbled words


@dataclass
class Sample:
    """One sampled response: its token ids (EOS included if the model stopped) and text."""

    prompt: str
    prompt_ids: list[int]
    ids: list[int]
    text: str


def eos_id(tokenizer: PreTrainedTokenizerBase) -> int:
    """The end-of-text id (0 for a tokenizer without one): padding and the end of responses."""
    return tokenizer.eos_token_id if tokenizer.eos_token_id is not None else 0


@torch.no_grad()
def sample_responses(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    prompt: str,
    k: int = 4,
    max_new_tokens: int = 40,
    temperature: float = SHOW_TEMPERATURE,
    seed: int = 0,
    lang: str | None = None,
) -> list[Sample]:
    """``k`` continuations of ``prompt``, sampled in one batch (one seeded generator), after
    ``lang``'s tag for a tagged model (``inputs.prompt_ids``).

    A response stops at the end-of-text token (kept in ``ids``); the model is put in eval mode
    while it writes and back in its former mode after.
    """
    was_training = model.training
    model.eval()
    ctx = context_length(model)
    max_new_tokens = max(1, min(max_new_tokens, ctx // 2))  # a tiny context: shorter answers
    p_ids = prompt_ids(tokenizer, prompt, lang)[-(ctx - max_new_tokens) :]
    eos = eos_id(tokenizer)
    gen = torch.Generator().manual_seed(seed)
    settings = SamplingSettings(temperature=max(temperature, 1e-4))
    rows: list[list[int]] = [[] for _ in range(k)]
    done = [False] * k
    for step in sample_batch(model, [p_ids] * k, max_new_tokens, settings, gen, eos):
        for i, token in enumerate(step.tokens):
            if not done[i]:
                rows[i].append(token)
                done[i] = token == eos
    model.train(was_training)
    return [
        Sample(prompt, p_ids, r, tokenizer.decode([t for t in r if t != eos]).strip("\n\ufffd"))
        for r in rows
    ]


EncodedPair = tuple[tuple[list[int], list[int]], tuple[list[int], list[int]]]


def encode_pair(tokenizer: PreTrainedTokenizerBase, pair: Pair) -> EncodedPair:
    """(prompt ids, chosen ids + EOS), (prompt ids, rejected ids + EOS); the prompt after
    ``pair.lang``'s tag for a tagged model."""
    p = prompt_ids(tokenizer, pair.prompt, pair.lang)
    eos = eos_id(tokenizer)

    def resp(text: str) -> list[int]:
        return tokenizer.encode(" " + text.strip(), add_special_tokens=False) + [eos]

    return (p, resp(pair.chosen)), (p, resp(pair.rejected))
