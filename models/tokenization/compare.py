"""Compare tokenizers on the same text: tokens with ids and bytes, counts, quirk examples.

Every tokenizer is reduced to one shape, ``Tokenized`` (ids and the exact bytes of each token),
so a page can draw ours (Hugging Face ``tokenizers``) beside GPT-2, GPT-4 and GPT-4o
(``tiktoken``) without caring which library made them.

>>> from models.tokenization.reference import get_encoding
>>> tk = tiktoken_tokenize(get_encoding("gpt2"), "Hello world")
>>> tk.ids, tk.pieces, tk.n_tokens
([15496, 995], [b'Hello', b' world'], 2)
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import tiktoken
from tokenizers import Tokenizer

from models.tokenization.tokenizer import token_bytes

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

REPLACEMENT = "\ufffd"


@dataclass(frozen=True)
class Tokenized:
    """One tokenizer's view of one text."""

    name: str  # "ours", "gpt2", "cl100k_base", "o200k_base"
    ids: list[int]
    pieces: list[bytes]  # the exact bytes of each token (may be part of a UTF-8 character)
    n_chars: int  # characters (code points) of the text that was tokenized

    @property
    def n_tokens(self) -> int:
        return len(self.ids)

    @property
    def chars_per_token(self) -> float:
        """Characters per token (0 for empty text): higher means cheaper text."""
        return self.n_chars / self.n_tokens if self.ids else 0.0


Encoder = Callable[[str], Tokenized]


def clean_text(text: str) -> tuple[str, int]:
    """``text`` with every lone surrogate replaced by U+FFFD, and how many there were.

    A lone surrogate is not a character and has no UTF-8 bytes: tiktoken silently swaps it for
    U+FFFD, Hugging Face tokenizers raise. We swap it once, for all, and can say so.

    >>> clean_text("a\\ud800b")
    ('a�b', 1)
    >>> clean_text("\\ud83d\\ude00")  # a pair spelled as two code points is one emoji
    ('😀', 0)
    """
    n_surrogates = sum(1 for ch in text if 0xD800 <= ord(ch) <= 0xDFFF)
    if not n_surrogates:
        return text, 0
    # tiktoken's own fix: a surrogate *pair* written as two code points joins into one character.
    fixed = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return fixed, n_surrogates - 2 * (len(text) - len(fixed))


def tiktoken_tokenize(enc: tiktoken.Encoding, text: str, name: str | None = None) -> Tokenized:
    """``text`` through a tiktoken encoding; special-token strings are treated as plain text."""
    text, _ = clean_text(text)
    ids = enc.encode(text, disallowed_special=())
    return Tokenized(name or enc.name, ids, enc.decode_tokens_bytes(ids), len(text))


def hf_tokenize(
    tokenizer: PreTrainedTokenizerBase | Tokenizer, text: str, name: str = "ours"
) -> Tokenized:
    """``text`` through a Hugging Face byte-level BPE tokenizer (no special tokens added):
    the `transformers` one, or the raw `tokenizers.Tokenizer` of its tokenizer.json."""
    text, _ = clean_text(text)
    if not text:
        ids = []
    elif isinstance(tokenizer, Tokenizer):
        ids = tokenizer.encode(text, add_special_tokens=False).ids
    else:
        ids = tokenizer(text, add_special_tokens=False)["input_ids"]
    return Tokenized(name, list(ids), [token_bytes(tokenizer, i) for i in ids], len(text))


def count_rows(texts: dict[str, str], encoders: dict[str, Encoder]) -> list[dict[str, object]]:
    """One row per (text, tokenizer): tokens, characters, UTF-8 bytes, characters per token.

    >>> from models.tokenization.reference import get_encoding
    >>> enc = {"gpt2": lambda s: tiktoken_tokenize(get_encoding("gpt2"), s)}
    >>> count_rows({"en": "Hello world"}, enc)[0]["tokens"]
    2
    """
    rows = []
    for label, text in texts.items():
        for name, encode in encoders.items():
            tk = encode(text)
            rows.append(
                {
                    "text": label,
                    "tokenizer": name,
                    "tokens": tk.n_tokens,
                    "chars": tk.n_chars,
                    "bytes": len(clean_text(text)[0].encode("utf-8")),
                    "chars_per_token": round(tk.chars_per_token, 2),
                }
            )
    return rows


# Quirks: short inputs where tokens and what people see disagree. Leading spaces are part of
# the token in all four tokenizers, so " strawberry" and "strawberry" are different tokens.
QUIRKS: dict[str, tuple[str, ...]] = {
    "spelling": ("strawberry", " strawberry", " Strawberry", " raspberry"),
    "numbers": ("7", "1234567", " 2025", "3.14159", " 1,000,000"),
    "spaces": ("cat", " cat", "Cat", " Cat", "  cat"),
    "emoji": ("😀", "👍🏽", "🇯🇵", "👩🏽‍🚀", "👨‍👩‍👧‍👦"),
}


@dataclass(frozen=True)
class TextFacts:
    """What a person counts in a short text, to set beside the token count."""

    code_points: int
    utf8_bytes: int
    letters: dict[str, int]  # letter → how often (lower-cased), for spelling questions
    names: list[str]  # Unicode names of the code points (an emoji sequence is several)


def text_facts(text: str) -> TextFacts:
    """Code points, bytes, letter counts and code point names of ``text``.

    >>> f = text_facts("strawberry")
    >>> f.code_points, f.utf8_bytes, f.letters["r"]
    (10, 10, 3)
    >>> text_facts("👍🏽").names
    ['THUMBS UP SIGN', 'EMOJI MODIFIER FITZPATRICK TYPE-4']
    """
    text, _ = clean_text(text)
    letters: dict[str, int] = {}
    for ch in text.lower():
        if ch.isalpha():
            letters[ch] = letters.get(ch, 0) + 1
    names = [unicodedata.name(ch, f"U+{ord(ch):04X}") for ch in text]
    return TextFacts(len(text), len(text.encode("utf-8")), letters, names)


def byte_hex(piece: bytes) -> str:
    """A token's bytes as hex pairs.

    >>> byte_hex("猫".encode())
    'E7 8C AB'
    """
    return " ".join(f"{b:02X}" for b in piece)
