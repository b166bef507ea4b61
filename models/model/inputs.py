"""What a model sees of a text: its tokens (ids, bytes, character spans), cut to the context.

Every lesson turns text into model input here, so a text longer than the context window is
cut the same way everywhere: the last ``context_length`` tokens are kept, and ``Encoded``
says whether anything was cut. An empty text becomes the end-of-text token, which is where
every training story starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from models.data.stories import LANG_TAGS
from models.tokenization.tokenizer import token_bytes

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

    from models.model.loading import LoadedModel


@dataclass(frozen=True)
class TokenInfo:
    id: int
    text: str  # the token's bytes decoded for display ('\ufffd' marks a partial character)
    bytes: bytes  # the exact bytes this token stands for
    start: int  # character span in the input text (a partial character maps to its whole character)
    end: int


@dataclass(frozen=True)
class Encoded:
    """The model's view of a text: ids and tokens, after truncation to the context window."""

    ids: list[int]
    tokens: list[TokenInfo]
    truncated: bool  # True when the text had more tokens than the context window
    n_tokens_total: int  # tokens before truncation


def start_id(tokenizer: PreTrainedTokenizerBase) -> int:
    """The token every training document follows: beginning- or end-of-text (0 without one)."""
    for tid in (tokenizer.bos_token_id, tokenizer.eos_token_id):
        if tid is not None:
            return int(tid)
    return 0


def lang_prefix(tokenizer: PreTrainedTokenizerBase, lang: str | None) -> list[int]:
    """What a model trained on tagged text (``LANG_TAGS``) reads before a text in ``lang``: the
    end-of-text token, then the language's tag. Empty for other models and for ``lang`` None.

    A model trained on three languages at once drifts between them; its training stories each
    started with their tag, so a prompt that starts with it stays in that language.
    """
    tag = LANG_TAGS.get(lang or "")
    if tag is None:
        return []
    tid = tokenizer.convert_tokens_to_ids(tag)
    if not isinstance(tid, int) or tokenizer.convert_ids_to_tokens(tid) != tag:
        return []  # not a tagged model: its tokenizer has no such token
    return [start_id(tokenizer), tid]


def prompt_ids(
    tokenizer: PreTrainedTokenizerBase, prompt: str, lang: str | None = None
) -> list[int]:
    """Token ids of ``prompt``, after ``lang``'s prefix (``lang_prefix``); an empty prompt
    starts from the end-of-text token."""
    ids = lang_prefix(tokenizer, lang)
    ids += tokenizer.encode(prompt, add_special_tokens=False) if prompt else []
    return ids or [start_id(tokenizer)]


def tokenize(lm: LoadedModel, text: str) -> list[TokenInfo]:
    """Tokens of ``text`` with ids, bytes and character spans (no special tokens added)."""
    enc = lm.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    out = []
    for tid, (start, end) in zip(enc["input_ids"], enc["offset_mapping"], strict=True):
        raw = token_bytes(lm.tokenizer, tid)
        out.append(TokenInfo(tid, raw.decode("utf-8", errors="replace"), raw, start, end))
    return out


def encode(lm: LoadedModel, text: str) -> Encoded:
    """Tokens the model will see: the last ``context_length`` tokens; empty text → end-of-text."""
    tokens = tokenize(lm, text) if text else []
    if not tokens:
        tid = start_id(lm.tokenizer)
        tokens = [TokenInfo(tid, lm.tokenizer.convert_ids_to_tokens(tid), b"", 0, 0)]
    n = len(tokens)
    tokens = tokens[-lm.context_length :]
    return Encoded([t.id for t in tokens], tokens, truncated=n > len(tokens), n_tokens_total=n)


def encode_ids(lm: LoadedModel, ids: list[int]) -> Encoded:
    """``Encoded`` for token ids we already have (e.g. a prompt plus generated tokens).

    Keeps the last ``context_length`` ids like ``encode``; no ids → the end-of-text token.
    ``tokens`` is left empty: ids alone carry no character spans.
    """
    ids = list(ids) or [start_id(lm.tokenizer)]
    kept = ids[-lm.context_length :]
    return Encoded(kept, [], truncated=len(kept) < len(ids), n_tokens_total=len(ids))


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
    pending, idx = b"", list[int]()
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
