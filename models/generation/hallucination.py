"""The hallucination demo: the model answers a question about a name it never saw as fluently
and confidently as about one it read hundreds of times.

A question ("Where did Ottoline go?") is asked about a reserved name that the story generator
never uses, and the same question about a name from the training stories; the model goes on
greedily from the start of an answer ("Ottoline went"). The page shows how often each name
occurs in the training data, how likely the model found it, and how sure it was of every token
of its answer: it invents one, and is no less sure of it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import torch

from models.data.lexicon import LEXICONS
from models.data.stories import generate_stories, question_about
from models.generation.logprob import sequence_logprob
from models.generation.loop import continue_ids
from models.generation.sampling import SamplingSettings
from models.generation.writing import Choice
from models.model.inputs import lang_prefix, start_id
from models.model.loading import LoadedModel


@dataclass(frozen=True)
class NameProbe:
    """An answer started about ``name``: how likely the model found the name, what it wrote."""

    name: str
    in_data: float  # share of sampled training stories that mention the name (0 = never)
    name_prob: float  # P(name | start of text) under the model
    stem: str  # the start of the answer, e.g. "Ottoline went"
    stem_ids: list[int]  # its tokens, after the language's prefix
    continuation: list[Choice]  # greedy: the model's most confident answer

    @property
    def mean_prob(self) -> float:
        """Average probability the model gave the tokens of its own continuation."""
        probs = [c.prob_raw for c in self.continuation]
        return sum(probs) / len(probs) if probs else 0.0


@dataclass(frozen=True)
class HallucinationDemo:
    lang: str
    question: str  # the question about the name the training data never contained
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


def _probe(lm: LoadedModel, name: str, stem: str, lang: str, max_new_tokens: int) -> NameProbe:
    # where a training story starts: end-of-text, then (a tagged model) the language's tag
    start = lang_prefix(lm.tokenizer, lang) or [start_id(lm.tokenizer)]
    name_ids = lm.tokenizer.encode(name, add_special_tokens=False)
    stem_ids = lm.tokenizer.encode(stem, add_special_tokens=False)
    greedy = SamplingSettings(temperature=0.0)
    steps = continue_ids(lm.model, lm.tokenizer, start + stem_ids, max_new_tokens, greedy)
    return NameProbe(
        name,
        share_of_stories(lang, name),
        sequence_prob(lm, start, name_ids),
        stem,
        start + stem_ids,
        [Choice(s.token_id, s.prob, s.prob_raw, "greedy") for s in steps],
    )


def demo_names(lang: str, seed: int = 0) -> tuple[str, str, int]:
    """(known name, unknown name, which question) from the story lexicon, drawn by ``seed``.

    >>> demo_names("en")[0]
    'Mia'
    """
    rng = random.Random(seed)
    lex = LEXICONS[lang]
    unknown = rng.choice(lex.RESERVED_NAMES)
    return lex.NAMES[0][0], unknown, rng.randrange(len(lex.UNKNOWN_QUESTIONS))


def hallucination_demo(
    lm: LoadedModel, lang: str, seed: int = 0, max_new_tokens: int = 16
) -> HallucinationDemo:
    """The same question about a name the model never saw and one it knows, each answered by
    the model going on from the start of an answer."""
    known, unknown, which = demo_names(lang, seed)
    question, stem = question_about(lang, unknown, which)
    return HallucinationDemo(
        lang,
        question,
        _probe(lm, known, question_about(lang, known, which)[1], lang, max_new_tokens),
        _probe(lm, unknown, stem, lang, max_new_tokens),
    )
