"""Step-by-step writing with undo: the student (or the model) picks each next token.

A ``GenerationSession`` is the student's text: prompt ids plus the tokens chosen so far, each
with the probability it had when it was chosen. ``step`` appends one token (picked by the
student, sampled, or greedy); ``sample_continuations`` writes several continuations side by
side with the one generation loop, to make randomness visible.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

from models.generation.distribution import NextToken, distribution
from models.generation.loop import continue_ids
from models.generation.sampling import SamplingSettings, sample
from models.model.inputs import Encoded, encode, encode_ids, lang_prefix, start_id
from models.model.loading import LoadedModel

HOW = (
    "pick",
    "sample",
    "greedy",
)  # how a token was chosen: clicked by the student, or by the model


@dataclass(frozen=True)
class Choice:
    """One appended token and the probabilities it had at the moment it was chosen."""

    token_id: int
    prob: float  # under the filtered distribution (temperature, top-k, top-p) in use then
    prob_raw: float  # under the model's plain softmax: what the model itself believed
    how: str  # one of HOW


@dataclass
class GenerationSession:
    """The student's text: prompt ids plus the chosen tokens, with undo. Plain, per user.

    >>> s = GenerationSession([5, 6])
    >>> s.push(Choice(7, 0.5, 0.4, "pick")); s.ids
    [5, 6, 7]
    >>> s.undo().token_id, s.ids
    (7, [5, 6])
    """

    prompt_ids: list[int]
    choices: list[Choice] = field(default_factory=list)
    source: str = ""  # what it was made from (prompt and model); the page resets on change

    @property
    def ids(self) -> list[int]:
        return self.prompt_ids + [c.token_id for c in self.choices]

    def push(self, choice: Choice) -> None:
        self.choices.append(choice)

    def undo(self) -> Choice | None:
        """Remove and return the last chosen token; None when only the prompt is left."""
        return self.choices.pop() if self.choices else None


def new_session(
    lm: LoadedModel, prompt: str, source: str = "", lang: str | None = None
) -> tuple[GenerationSession, Encoded]:
    """A session starting from ``prompt`` after ``lang``'s prefix (``inputs.lang_prefix``),
    truncated to the context window; an empty prompt starts at the end-of-text token."""
    enc = encode(lm, prompt)
    body = enc.ids if prompt else []
    ids = (lang_prefix(lm.tokenizer, lang) + body)[-lm.context_length :]
    return GenerationSession(ids or [start_id(lm.tokenizer)], source=source), enc


def step_generator(seed: int, step: int) -> torch.Generator:
    """The random source for step ``step``: same seed, settings and text → same sample, even after undo."""
    return torch.Generator().manual_seed((int(seed) * 1_000_003 + step) % (2**63))


def choose(
    nt: NextToken, how: str, seed: int = 0, step: int = 0, token_id: int | None = None
) -> Choice:
    """The next token: ``token_id`` if the student picked one, else greedy or a seeded sample.

    Greedy takes the argmax of the filtered distribution (= of the model's, filters keep it).
    """
    if how not in HOW:
        raise ValueError(f"how must be one of {HOW}, not {how!r}")
    if how == "pick":
        if token_id is None or not 0 <= token_id < nt.before.numel():
            raise ValueError(f"pick needs a token id in [0, {nt.before.numel()}), got {token_id}")
        tid = int(token_id)
    elif how == "greedy":
        tid = int(torch.argmax(nt.after))
    else:
        tid = sample(nt.after, step_generator(seed, step))
    return Choice(tid, float(nt.after[tid]), float(nt.before[tid]), how)


def step(
    lm: LoadedModel,
    session: GenerationSession,
    settings: SamplingSettings,
    how: str,
    seed: int = 0,
    token_id: int | None = None,
) -> Choice:
    """Append one token to ``session`` (picked, sampled or greedy) and return it."""
    nt = distribution(lm, session.ids, settings)
    choice = choose(nt, how, seed, len(session.choices), token_id)
    session.push(choice)
    return choice


def sample_continuations(
    lm: LoadedModel,
    ids: list[int],
    settings: SamplingSettings,
    n: int = 3,
    max_new_tokens: int = 20,
    seed: int = 0,
) -> list[list[Choice]]:
    """``n`` continuations of the same ids, seeds ``seed``, ``seed+1``, …: randomness made visible."""
    ids = list(ids) or encode_ids(lm, []).ids
    return [
        [
            Choice(s.token_id, s.prob, s.prob_raw, "sample")
            for s in continue_ids(
                lm.model, lm.tokenizer, ids, max_new_tokens, settings, seed + i, stop_at_eos=True
            )
        ]
        for i in range(n)
    ]
