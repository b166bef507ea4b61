"""Next-token lesson computations: step-by-step writing with undo, top tokens, lens, hallucination.

Everything takes a ``LoadedModel`` (ours or any local Hugging Face causal LM) and plain
token ids or text, and returns plain dataclasses for the page to draw. Nothing here
imports streamlit, and nothing here changes the model.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import torch

from models.generate import continue_ids
from models.inspection import (
    Encoded,
    NextToken,
    encode,
    encode_ids,
    logit_lens_for_ids,
    next_token_for_ids,
)
from models.lexicon import LEXICONS
from models.model import LoadedModel
from models.sampling import SamplingSettings, entropy_bits, filter_distribution, sample
from models.stories import generate_stories, unknown_question
from models.tokenizer import token_bytes

TOP_N = 12  # bars in the chart: enough to see the tail, few enough to read on a projector
HOW = (
    "pick",
    "sample",
    "greedy",
)  # how a token was chosen: clicked by the student, or by the model


def piece_bytes(lm: LoadedModel, token_id: int) -> bytes:
    """The bytes one token stands for, for any tokenizer (byte-level BPE or not).

    >>> piece_bytes(lm, lm.tokenizer.encode(" cat")[0])  # doctest: +SKIP
    b' cat'
    """
    try:
        return token_bytes(lm.tokenizer, token_id)
    except (KeyError, TypeError):  # not byte-level BPE (e.g. SentencePiece): decode instead
        return lm.tokenizer.decode([int(token_id)]).encode("utf-8", errors="replace")


def merge_pieces(pieces: list[bytes]) -> list[tuple[str, list[int]]]:
    """Join token bytes into displayable spans: a character split over tokens becomes one span.

    Each span is (text, indices of the tokens in it). A span that never completes (at most
    4 tokens long) is decoded with the replacement character.

    >>> merge_pieces([b"a", b"\\xe7\\x8c", b"\\xab", b"b"])
    [('a', [0]), ('猫', [1, 2]), ('b', [3])]
    """
    spans: list[tuple[str, list[int]]] = []
    pending, idx = b"", []
    for i, piece in enumerate(pieces):
        pending, idx = pending + piece, idx + [i]
        try:
            text = pending.decode("utf-8")
        except UnicodeDecodeError:
            if len(idx) < 4 and i < len(pieces) - 1:
                continue
            text = pending.decode("utf-8", errors="replace")
        spans.append((text, idx))
        pending, idx = b"", []
    return spans


# ---- step-by-step writing ---------------------------------------------------------------------
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
    lm: LoadedModel, prompt: str, source: str = ""
) -> tuple[GenerationSession, Encoded]:
    """A session starting from ``prompt`` (truncated to the context window; empty → end-of-text)."""
    enc = encode(lm, prompt)
    return GenerationSession(list(enc.ids), source=source), enc


def step_generator(seed: int, step: int) -> torch.Generator:
    """The random source for step ``step``: same seed, settings and text → same sample, even after undo."""
    return torch.Generator().manual_seed((int(seed) * 1_000_003 + step) % (2**63))


def distribution(
    lm: LoadedModel, ids: list[int], settings: SamplingSettings | None = None
) -> NextToken:
    """The next-token distribution after ``ids`` (last context_length of them), before/after filters."""
    return next_token_for_ids(lm, encode_ids(lm, ids), settings)


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


# ---- the bar chart's data ---------------------------------------------------------------------
@dataclass(frozen=True)
class Row:
    token_id: int
    piece: bytes  # the token's bytes (display with app.render.token_display)
    p_before: float  # the model's plain softmax
    p_after: float  # after temperature, top-k, top-p (0 = cut)


@dataclass(frozen=True)
class TopTokens:
    rows: list[Row]  # the top_n tokens by the model's probability, most likely first
    rest_before: float  # probability mass of all other tokens, before filtering
    rest_after: float  # ... and after
    n_kept: int  # tokens with probability > 0 after filtering
    vocab_size: int


def top_tokens(lm: LoadedModel, nt: NextToken, top_n: int = TOP_N) -> TopTokens:
    """The ``top_n`` most likely tokens with before/after probabilities, and the rest summed.

    Rows are ordered by the model's own probability, so filters cut from the bottom up
    (temperature never changes the order).
    """
    k = max(1, min(top_n, nt.before.numel()))
    top = torch.topk(nt.before, k)
    rows = [
        Row(int(i), piece_bytes(lm, int(i)), float(pb), float(nt.after[i]))
        for pb, i in zip(top.values, top.indices, strict=True)
    ]
    return TopTokens(
        rows,
        rest_before=max(0.0, 1.0 - sum(r.p_before for r in rows)),
        rest_after=max(0.0, 1.0 - sum(r.p_after for r in rows)),
        n_kept=int((nt.after > 0).sum()),
        vocab_size=int(nt.before.numel()),
    )


# ---- several samples side by side -------------------------------------------------------------
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


# ---- logit lens -------------------------------------------------------------------------------
@dataclass(frozen=True)
class LensTable:
    """Top tokens read out after the embeddings (row 0) and after every block (row L)."""

    pieces: list[list[bytes]]  # (L+1, k)
    probs: list[list[float]]  # (L+1, k), each row descending


def lens_table(lm: LoadedModel, ids: list[int], k: int = 5) -> LensTable:
    """Logit lens for the token after ``ids``: the ``k`` best tokens and their probability per layer."""
    _, lens = logit_lens_for_ids(lm, encode_ids(lm, ids))  # (L+1, V)
    top = torch.topk(lens, min(k, lens.shape[1]), dim=-1)
    pieces = [[piece_bytes(lm, int(i)) for i in row] for row in top.indices]
    return LensTable(pieces, top.values.tolist())


def distribution_and_lens(
    lm: LoadedModel, ids: list[int], settings: SamplingSettings, k: int = 5
) -> tuple[NextToken, LensTable | None]:
    """``distribution`` and ``lens_table`` from one forward pass (what the page draws per click).

    The lens's last row is the model's output distribution, so its log serves as the logits.
    The lens is None for architectures whose final norm we cannot find.
    """
    enc = encode_ids(lm, ids)
    try:
        _, lens = logit_lens_for_ids(lm, enc)  # (L+1, V)
    except AttributeError:
        return next_token_for_ids(lm, enc, settings), None
    before, after = filter_distribution(torch.log(lens[-1]), settings)  # (V,), (V,)
    nt = NextToken(enc, before, after, entropy_bits(before), entropy_bits(after))
    top = torch.topk(lens, min(k, lens.shape[1]), dim=-1)
    pieces = [[piece_bytes(lm, int(i)) for i in row] for row in top.indices]
    return nt, LensTable(pieces, top.values.tolist())


# ---- hallucination ----------------------------------------------------------------------------
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
    full = (list(prefix_ids) + list(ids))[-lm.context_length :]
    n = min(len(ids), len(full) - 1)
    if n <= 0:
        return 1.0
    with torch.no_grad():
        logits = lm.model(input_ids=torch.tensor([full], device=lm.device)).logits[0]  # (T, V)
    logp = torch.log_softmax(logits.float(), dim=-1)[-n - 1 : -1]  # (n, V): predicts full[-n:]
    target = torch.tensor(full[-n:], device=logp.device)
    return float(torch.exp(logp.gather(1, target[:, None]).double().sum()))


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
