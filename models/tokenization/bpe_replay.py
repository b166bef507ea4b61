"""Watch BPE learn: a small, real byte-level BPE trainer whose merges can be stepped through.

Byte pair encoding starts from the 256 byte values and repeats one rule: count every pair of
neighbouring tokens, merge the most frequent pair into a new token, and rewrite the text with
it. Like GPT-2, the text is first cut into pre-tokens with a regex (words with their leading
space, numbers, punctuation, whitespace), and pairs never cross a pre-token boundary.

This is the same algorithm as ``tiktoken._educational.bpe_train`` (and gives the same merges,
ties broken by first appearance), but it keeps every step so a page can show the work:

>>> run = train_bpe("aaabdaaabac", n_merges=3)
>>> [(m.pair_bytes, m.count) for m in run.merges]
[((b'a', b'a'), 4), ((b'aa', b'a'), 2), ((b'aaa', b'b'), 2)]
>>> [run.token_bytes[i] for i in run.tokens_after(3)]
[b'aaab', b'd', b'aaab', b'a', b'c']
>>> run.decode(run.encode("aaab")) == "aaab"
True
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import regex

# GPT-2's pre-tokenizer: contractions, words with one leading space, numbers, punctuation runs,
# whitespace (trailing whitespace stays apart from the next word). Pairs never cross these pieces.
GPT2_SPLIT = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
MAX_TRAIN_CHARS = 20_000  # 20 kB trains 300 merges in about a second in pure Python
MAX_MERGES = 1_000  # a teaching run, not a production tokenizer

Word = tuple[int, ...]  # one pre-token as token ids


@dataclass(frozen=True)
class Merge:
    """One step of training: ``pair`` (ids) became token ``new_id`` after ``count`` sightings."""

    pair: tuple[int, int]
    new_id: int
    count: int  # how often the pair occurred in the training text at this step
    pair_bytes: tuple[bytes, bytes]
    n_tokens: int  # length of the training text in tokens after this merge


@dataclass
class BPERun:
    """A finished training run: the merges in order and the training text after each of them.

    Token ids 0–255 are the bytes; merge ``k`` (0-based) created id ``256 + k``.
    """

    text: str
    merges: list[Merge]
    token_bytes: dict[int, bytes]  # id → the bytes it stands for (all 256 + len(merges))
    pieces: list[int]  # the training text as indices into ``states[k]``, one per pre-token
    states: list[list[Word]] = field(repr=False)  # states[k]: unique pre-tokens after k merges

    @property
    def n_bytes(self) -> int:
        return len(self.text.encode("utf-8", errors="replace"))

    def tokens_after(self, k: int) -> list[int]:
        """The training text as token ids after the first ``k`` merges (``k=0``: raw bytes)."""
        k = max(0, min(k, len(self.merges)))
        words = self.states[k]
        return [tid for i in self.pieces for tid in words[i]]

    def vocabulary(self, k: int) -> list[tuple[int, bytes]]:
        """The tokens learned by the first ``k`` merges, as (id, bytes), oldest first."""
        return [(m.new_id, self.token_bytes[m.new_id]) for m in self.merges[: max(0, k)]]

    def encode(self, text: str) -> list[int]:
        """Tokenize new ``text`` with the learned merges (same rule as training: pair by rank).

        >>> train_bpe("low low lower", n_merges=3).encode(" low")
        [258]
        """
        ranks = {m.pair: m.new_id for m in self.merges}
        out: list[int] = []
        for piece in pre_tokenize(text):
            word = list(_utf8(piece))
            while len(word) > 1:
                pairs = {(a, b) for a, b in zip(word, word[1:], strict=False)}
                best = min(pairs, key=lambda p: ranks.get(p, 1 << 62))
                if best not in ranks:
                    break
                word = list(_merge_word(tuple(word), best, ranks[best]))
            out.extend(word)
        return out

    def decode(self, ids: list[int]) -> str:
        """Text of ``ids``; bytes that are not valid UTF-8 become U+FFFD."""
        return b"".join(self.token_bytes[i] for i in ids).decode("utf-8", errors="replace")


def _utf8(text: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates have no UTF-8: U+FFFD, as tiktoken does
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace").encode("utf-8")


def pre_tokenize(text: str) -> list[str]:
    """Cut ``text`` into GPT-2 pre-tokens.

    >>> pre_tokenize("Hi there,  you're 42!")
    ['Hi', ' there', ',', ' ', ' you', "'re", ' 42', '!']
    """
    return regex.findall(GPT2_SPLIT, text)


def _merge_word(word: Word, pair: tuple[int, int], new_id: int) -> Word:
    """Replace every occurrence of ``pair`` in ``word``, left to right, by ``new_id``.

    >>> _merge_word((97, 97, 97), (97, 97), 256)
    (256, 97)
    """
    out: list[int] = []
    i = 0
    while i < len(word):
        if i + 1 < len(word) and (word[i], word[i + 1]) == pair:
            out.append(new_id)
            i += 2
        else:
            out.append(word[i])
            i += 1
    return tuple(out)


def count_pairs(words: list[Word], freqs: list[int]) -> Counter[tuple[int, int]]:
    """How often each neighbouring pair occurs; ``freqs[i]`` is how often ``words[i]`` occurs.

    >>> count_pairs([(1, 2, 1, 2)], [3]).most_common(1)
    [((1, 2), 6)]
    """
    stats: Counter[tuple[int, int]] = Counter()
    for word, freq in zip(words, freqs, strict=True):
        for pair in zip(word, word[1:], strict=False):
            stats[pair] += freq
    return stats


def train_bpe(text: str, n_merges: int = 100) -> BPERun:
    """Train a byte-level BPE on ``text`` with up to ``n_merges`` merges, keeping every step.

    Training stops early when no pair occurs twice any more (merging it teaches nothing).
    Ties go to the pair seen first, as in ``tiktoken._educational``. ``text`` is cut at
    ``MAX_TRAIN_CHARS`` and ``n_merges`` at ``MAX_MERGES``.
    """
    text = text[:MAX_TRAIN_CHARS]
    n_merges = max(0, min(int(n_merges), MAX_MERGES))
    index: dict[str, int] = {}  # unique pre-token → position, in order of first appearance
    pieces = [index.setdefault(p, len(index)) for p in pre_tokenize(text)]
    words: list[Word] = [tuple(_utf8(p)) for p in index]
    freqs = [0] * len(words)
    for i in pieces:
        freqs[i] += 1

    token_bytes = {i: bytes([i]) for i in range(256)}
    merges: list[Merge] = []
    states = [words]
    for new_id in range(256, 256 + n_merges):
        stats = count_pairs(words, freqs)
        if not stats:
            break
        pair = max(stats, key=stats.__getitem__)  # first of the most frequent, in seen order
        if stats[pair] < 2:
            break
        token_bytes[new_id] = token_bytes[pair[0]] + token_bytes[pair[1]]
        words = [_merge_word(w, pair, new_id) if _has_pair(w, pair) else w for w in words]
        n_tokens = sum(len(w) * f for w, f in zip(words, freqs, strict=True))
        merges.append(
            Merge(pair, new_id, stats[pair], (token_bytes[pair[0]], token_bytes[pair[1]]), n_tokens)
        )
        states.append(words)
    return BPERun(text, merges, token_bytes, pieces, states)


def _has_pair(word: Word, pair: tuple[int, int]) -> bool:
    return any(p == pair for p in zip(word, word[1:], strict=False))
