"""How much a class's raters agree: pairwise agreement, Kendall's τ, the most disputed pairs.

Input is one list per round: the rankings of the same responses, one per rater. Disagreement
is the lesson, not noise to hide: a reward model can only learn what raters agree on, and
the disputed pairs are the ones worth discussing in class.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from math import comb

from models.preference.rankings import Ranking


@dataclass(frozen=True)
class Agreement:
    """How much raters agree on the rounds they ranked in common.

    ``rate``: of all pairs of raters who both preferred one of two responses, the share who
    preferred the same one. ``mean_tau``: Kendall's τ-a between two raters' rankings of one
    round, averaged over every (rater pair, round). Both are None when no round has two raters.
    """

    rate: float | None
    mean_tau: float | None
    rounds: int  # rounds ranked by at least two raters
    rater_pairs: int  # denominator of ``rate``
    tau_pairs: int  # number of (rater pair, round) τ values averaged


@dataclass(frozen=True)
class DisputedPair:
    prompt: str
    a: str  # the response more raters preferred (the earlier shown on an even split)
    b: str
    a_votes: int
    b_votes: int


def votes(same_round: Sequence[Ranking]) -> dict[tuple[int, int], tuple[int, int]]:
    """For each response pair (i < j): (raters with i above j, raters with j above i).

    >>> r = Ranking.from_order("p", ["x", "y", "z"], [0, 1, 2])
    >>> votes([r, r, Ranking("p", ("x", "y", "z"), ((2,), (0, 1)))])
    {(0, 1): (2, 0), (0, 2): (2, 1), (1, 2): (2, 1)}
    """
    k = len(same_round[0].responses)
    places = [r.place() for r in same_round]
    return {
        (i, j): (sum(p[i] < p[j] for p in places), sum(p[j] < p[i] for p in places))
        for i, j in combinations(range(k), 2)
    }


def kendall_tau_a(x: Ranking, y: Ranking) -> float:
    """(concordant − discordant) / all pairs; a pair tied by either rater counts as neither.

    >>> a = Ranking.from_order("p", ["r0", "r1", "r2"], [0, 1, 2])
    >>> kendall_tau_a(a, a), kendall_tau_a(a, Ranking.from_order("p", ["r0", "r1", "r2"], [2, 1, 0]))
    (1.0, -1.0)
    >>> round(kendall_tau_a(a, Ranking("p", ("r0", "r1", "r2"), ((0, 1), (2,)))), 4)  # 0~1 tied
    0.6667
    """
    px, py = x.place(), y.place()
    pairs = list(combinations(range(len(px)), 2))
    s = sum(
        1 if (px[i] - px[j]) * (py[i] - py[j]) > 0 else -1
        for i, j in pairs
        if px[i] != px[j] and py[i] != py[j]
    )
    return s / len(pairs)


def agreement(by_round: Iterable[Sequence[Ranking]]) -> Agreement:
    """Agreement over rounds; each item holds one round's rankings, one per rater.

    For a response pair where ``a`` raters prefer one and ``b`` the other, C(a,2) + C(b,2) of
    the C(a+b,2) rater pairs agree; the rate sums both over every pair of every round.
    """
    agree = total = n_rounds = 0
    taus: list[float] = []
    for same_round in by_round:
        if len(same_round) < 2:
            continue
        n_rounds += 1
        for a, b in votes(same_round).values():
            agree += comb(a, 2) + comb(b, 2)
            total += comb(a + b, 2)
        taus += [kendall_tau_a(x, y) for x, y in combinations(same_round, 2)]
    return Agreement(
        rate=agree / total if total else None,
        mean_tau=sum(taus) / len(taus) if taus else None,
        rounds=n_rounds,
        rater_pairs=total,
        tau_pairs=len(taus),
    )


def disputed_pairs(by_round: Iterable[Sequence[Ranking]], n: int = 5) -> list[DisputedPair]:
    """The ``n`` response pairs split most evenly (on equal splits, the most votes first)."""
    found = []
    for same_round in by_round:
        first = same_round[0]
        for (i, j), (a, b) in votes(same_round).items():
            if a and b:
                if b > a:
                    i, j, a, b = j, i, b, a
                found.append(
                    DisputedPair(first.prompt, first.responses[i], first.responses[j], a, b)
                )
    found.sort(
        key=lambda d: ((d.a_votes - d.b_votes) / (d.a_votes + d.b_votes), -d.a_votes - d.b_votes)
    )
    return found[:n]
