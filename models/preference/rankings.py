"""A student's ranking of K responses, and the chosen/rejected pairs it stands for.

A ranking is a list of groups, best first: ``((2,), (0, 3), (1,))`` says response 2 is best,
0 and 3 tie, 1 is worst. Every response index appears exactly once; a group of more than one
is a tie (recorded as such, never turned into an order). ``all_bad`` is a separate flag: the
student finds every response bad, and may still say which is least bad.

A ranking without ties yields exactly K·(K−1)/2 pairs; tied responses yield no pair between
each other.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

# What the simulated rater (models.preference.rater) can prefer; here so pages can name them
# without importing torch.
TASTES = ("happy", "animals", "short", "polite")


class RankingError(ValueError):
    """A ranking that cannot be stored as given (missing or duplicate positions, …)."""


@dataclass(frozen=True)
class Pair:
    """One preference: for ``prompt``, ``chosen`` was ranked above ``rejected``."""

    prompt: str
    chosen: str
    rejected: str
    # the language the responses were written in (a tagged model is prompted in it); not part
    # of what was preferred, so two pairs of the same texts are equal whatever it says
    lang: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Ranking:
    prompt: str
    responses: tuple[str, ...]
    order: tuple[tuple[int, ...], ...]  # groups of response indices, best first
    all_bad: bool = False
    rater: str = ""  # a nickname, or "sim:<taste>" for the simulated rater
    lang: str | None = field(default=None, compare=False)  # see Pair.lang

    def __post_init__(self) -> None:
        object.__setattr__(self, "responses", tuple(self.responses))
        object.__setattr__(self, "order", tuple(tuple(g) for g in self.order))
        self.validate()

    @classmethod
    def from_order(
        cls, prompt: str, responses: list[str], best_to_worst: list[int], **kw: Any
    ) -> Ranking:
        """A ranking without ties: ``best_to_worst`` lists response indices."""
        return cls(prompt, tuple(responses), tuple((i,) for i in best_to_worst), **kw)

    def validate(self) -> None:
        k = len(self.responses)
        if k < 2:
            raise RankingError("a ranking needs at least two responses")
        if any(len(g) == 0 for g in self.order):
            raise RankingError("a place in the ranking is empty")
        seen = [i for g in self.order for i in g]
        if any(not isinstance(i, int) or not 0 <= i < k for i in seen):
            raise RankingError(f"positions must be response numbers 0 … {k - 1}")
        dup = sorted({i for i in seen if seen.count(i) > 1})
        if dup:
            raise RankingError(f"response {dup[0] + 1} is ranked twice")
        missing = sorted(set(range(k)) - set(seen))
        if missing:
            raise RankingError(f"response {missing[0] + 1} has no place in the ranking")

    @property
    def has_ties(self) -> bool:
        return any(len(g) > 1 for g in self.order)

    def place(self) -> list[int]:
        """``place()[i]`` = 1-based place of response i (tied responses share a place)."""
        out = [0] * len(self.responses)
        for p, group in enumerate(self.order, start=1):
            for i in group:
                out[i] = p
        return out

    def pairs(self) -> list[Pair]:
        """Every (better, worse) combination; none between tied responses."""
        return [
            Pair(self.prompt, self.responses[a], self.responses[b], self.lang)
            for hi, lo in combinations(range(len(self.order)), 2)
            for a in self.order[hi]
            for b in self.order[lo]
        ]

    def index_pairs(self) -> list[tuple[int, int]]:
        """``pairs()`` as (chosen index, rejected index)."""
        return [
            (a, b)
            for hi, lo in combinations(range(len(self.order)), 2)
            for a in self.order[hi]
            for b in self.order[lo]
        ]

    def to_json(self) -> str:
        return json.dumps(
            {
                "prompt": self.prompt,
                "responses": list(self.responses),
                "order": [list(g) for g in self.order],
                "all_bad": self.all_bad,
                "rater": self.rater,
                "lang": self.lang,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> Ranking:
        d = json.loads(text)
        return cls(
            d["prompt"], tuple(d["responses"]), d["order"], d["all_bad"], d["rater"], d.get("lang")
        )


def round_id(prompt: str, responses: list[str] | tuple[str, ...]) -> str:
    """A short fingerprint of what a student was shown, to refuse stale forms."""
    blob = json.dumps([prompt, list(responses)], ensure_ascii=False).encode()
    return hashlib.sha256(blob).hexdigest()[:16]
