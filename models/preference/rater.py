"""The simulated rater: ranks responses by a visible rule (its *taste*), so an instructor can
show the whole lesson without a class.

``trait_score`` is how much of a taste a response shows (the rater ranks by it);
``has_trait`` is the same rule as a yes/no, used to measure how often a model shows the trait
before and after an update. The words come from the story lexicons, so the rule fits the
stories the model writes.

>>> trait_score("happy", "Mia was happy and smiled.", "en") > trait_score("happy", "Mia was sad.", "en")
True
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

from models.data.lexicon import LEXICONS
from models.preference.rankings import TASTES, Ranking

SHORT_CHARS = {"en": 90, "de": 90, "ja": 40}  # a response under this many characters is "short"
_POLITE = re.compile(r"(です|ます|ました|でした|ません|ましょう)")
_EXTRA_HAPPY = {
    "en": ("laughed", "smiled", "hugged", "happily"),
    "de": ("lachte", "lächelte", "umarmte", "fröhlich"),
    "ja": ("笑", "にっこり", "よろこ"),
}


def _words(entries: Sequence) -> list[str]:
    """Surface forms to look for: the first string of each lexicon entry (Japanese い-adjectives
    by their stem, so うれしかった matches うれしい)."""
    out = []
    for e in entries:
        word, kind = (e[0], e[1] if len(e) > 1 else "") if isinstance(e, tuple) else (e, "")
        out.append(word[:-1] if kind == "i" and word.endswith("い") else word)
    return out


def _count(words: Sequence[str], text: str, lang: str) -> int:
    if lang == "ja":
        return sum(text.count(w) for w in words)
    low = text.lower()
    return sum(len(re.findall(rf"\b{re.escape(w.lower())}", low)) for w in words)


def trait_score(taste: str, text: str, lang: str) -> float:
    """How much of ``taste`` a response shows; the simulated rater ranks by this number."""
    lex = LEXICONS[lang]
    if taste == "happy":
        good = _count(_words(lex.GOOD_FEELINGS) + list(_EXTRA_HAPPY[lang]), text, lang)
        return float(good - _count(_words(lex.BAD_FEELINGS), text, lang))
    if taste == "animals":
        return float(_count(_words(lex.ANIMALS), text, lang))
    if taste == "short":
        return -float(len(text.strip()))
    if taste == "polite":
        return float(len(_POLITE.findall(text)))
    raise ValueError(f"unknown taste {taste!r}; choose one of {TASTES}")


def has_trait(taste: str, text: str, lang: str) -> bool:
    """The taste as a yes/no: does this response show it? (for before/after rates)"""
    if taste == "short":
        return len(text.strip()) < SHORT_CHARS[lang]
    return trait_score(taste, text, lang) > 0


def trait_share(taste: str, texts: Sequence[str], lang: str) -> float:
    """Share of ``texts`` that show the trait (0 … 1)."""
    return sum(has_trait(taste, t, lang) for t in texts) / max(len(texts), 1)


@dataclass(frozen=True)
class SimulatedRater:
    """Ranks by ``trait_score``; equal scores tie, and no trait anywhere counts as "all bad".

    ``noise`` is the chance that the rater swaps two neighbouring places (a careless human).
    """

    taste: str = "happy"
    lang: str = "en"
    noise: float = 0.0

    def rank(self, prompt: str, responses: Sequence[str], seed: int = 0) -> Ranking:
        scores = [trait_score(self.taste, r, self.lang) for r in responses]
        values = sorted(set(scores), reverse=True)
        groups = [[i for i, s in enumerate(scores) if s == v] for v in values]
        rng = random.Random(seed)
        for g in range(len(groups) - 1):
            if rng.random() < self.noise:
                groups[g], groups[g + 1] = groups[g + 1], groups[g]
        all_bad = not any(has_trait(self.taste, r, self.lang) for r in responses)
        return Ranking(
            prompt,
            tuple(responses),
            tuple(map(tuple, groups)),
            all_bad,
            f"sim:{self.taste}",
            self.lang,
        )
