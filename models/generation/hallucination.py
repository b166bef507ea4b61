"""The hallucination demo: the model writes as confidently about a name it never saw as about
one it read hundreds of times.

A story is started with a name from the training stories and with a reserved name that the
story generator never uses; the model continues both greedily. The page shows how often each
name occurs in the training data, how likely the model found it, and how sure it was of every
token it wrote.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import torch

from models.data.lexicon import LEXICONS
from models.data.stories import generate_stories, unknown_question
from models.generation.logprob import sequence_logprob
from models.generation.loop import continue_ids
from models.generation.sampling import SamplingSettings
from models.generation.writing import Choice
from models.model.inputs import encode_ids
from models.model.loading import LoadedModel


@dataclass(frozen=True)
class NameProbe:
    """A story that starts with ``name``: how likely the model found the name, and what it wrote."""

    name: str
    in_data: float  # share of sampled training stories that mention the name (0 = never)
    name_prob: float  # P(name | start of text) under the model
    continuation: list[Choice]  # greedy: the model's most confident story about the name

    @property
    def mean_prob(self) -> float:
        """Average probability the model gave the tokens of its own continuation."""
        probs = [c.prob_raw for c in self.continuation]
        return sum(probs) / len(probs) if probs else 0.0


@dataclass(frozen=True)
class HallucinationDemo:
    lang: str
    question: str  # a question about a character the training data never contained
    known: NameProbe
    unknown: NameProbe


def sequence_prob(lm: LoadedModel, prefix_ids: list[int], ids: list[int]) -> float:
    """P(ids | prefix_ids): the product of each token's probability given everything before it."""
    if not ids:
        return 1.0
    pad = lm.tokenizer.eos_token_id or 0
    with torch.no_grad():
        logp = sequence_logprob(lm.model, [(list(prefix_ids), list(ids))], pad)  # (1,)
    return float(torch.exp(logp.double())[0])


def share_of_stories(lang: str, name: str, n: int = 300) -> float:
    """Share of ``n`` generated training stories (seed 0) whose text contains ``name``."""
    stories = generate_stories(lang, n, seed=0)
    return sum(name in s.text for s in stories) / n


def _probe(lm: LoadedModel, name: str, lang: str, max_new_tokens: int) -> NameProbe:
    start = encode_ids(lm, []).ids  # the end-of-text token that separates training stories
    name_ids = lm.tokenizer.encode(name, add_special_tokens=False)
    greedy = SamplingSettings(temperature=0.0)
    steps = continue_ids(lm.model, lm.tokenizer, start + name_ids, max_new_tokens, greedy)
    return NameProbe(
        name,
        share_of_stories(lang, name),
        sequence_prob(lm, start, name_ids),
        [Choice(s.token_id, s.prob, s.prob_raw, "greedy") for s in steps],
    )


def demo_names(lang: str, seed: int = 0) -> tuple[str, str, str]:
    """(known name, unknown name, question about the unknown one) from the story lexicon.

    >>> demo_names("en")[0]
    'Mia'
    """
    question, _ = unknown_question(lang, random.Random(seed))
    reserved = LEXICONS[lang].RESERVED_NAMES
    unknown = max((n for n in reserved if n in question), key=len)
    return LEXICONS[lang].NAMES[0][0], unknown, question


def hallucination_demo(
    lm: LoadedModel, lang: str, seed: int = 0, max_new_tokens: int = 24
) -> HallucinationDemo:
    """A story started with a name from the training data, and one with a name it never saw."""
    known, unknown, question = demo_names(lang, seed)
    return HallucinationDemo(
        lang,
        question,
        _probe(lm, known, lang, max_new_tokens),
        _probe(lm, unknown, lang, max_new_tokens),
    )
