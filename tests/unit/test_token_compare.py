"""Tokenizers side by side: reference equality with tiktoken, our HF tokenizer, quirk facts."""

from __future__ import annotations

import re

import pytest

from app.views.tokenization import chips_html
from models.tokenization.compare import (
    QUIRKS,
    byte_hex,
    clean_text,
    count_rows,
    hf_tokenize,
    text_facts,
    tiktoken_tokenize,
)
from models.tokenization.reference import get_encoding
from tests.support.samples import SAMPLE_TEXTS

ENCODINGS = ("gpt2", "cl100k_base", "o200k_base")
STRINGS = [
    *SAMPLE_TEXTS.values(),  # en, de, ja, emoji
    "Grüße aus Köln: Straßenbahn, Fußgängerüberweg!",
    "日本語の文章、カタカナとひらがな。東京タワー",
    "👨‍👩‍👧‍👦 🏳️‍🌈 👍🏽",
    "  leading spaces\n\ttabs\r\nand <|endoftext|>",
    "<script>alert(1)</script>",
    "",
]
CHIP = re.compile(r'<span class="gb-t gb-c\d" title="[^"]*">([^<]*)</span>')


@pytest.mark.parametrize("name", ENCODINGS)
@pytest.mark.parametrize("text", STRINGS)
def test_display_equals_tiktokens_own_encode(name: str, text: str) -> None:
    enc = get_encoding(name)
    tk = tiktoken_tokenize(enc, text)
    expected = enc.encode(text, disallowed_special=())
    assert tk.ids == expected
    assert b"".join(tk.pieces) == text.encode()
    html, drawn = chips_html(tk.ids, tk.pieces, view="ids")
    assert [int(s) for s in CHIP.findall(html)] == expected and drawn == len(expected)
    html, _ = chips_html(tk.ids, tk.pieces, view="bytes")
    assert CHIP.findall(html) == [byte_hex(enc.decode_single_token_bytes(i)) for i in expected]


@pytest.mark.parametrize("text", STRINGS)
def test_our_tokenizer_through_the_same_shape(tiny_tokenizer, text: str) -> None:
    tk = hf_tokenize(tiny_tokenizer, text)
    assert tk.ids == tiny_tokenizer.encode(text, add_special_tokens=False)
    assert tiny_tokenizer.decode(tk.ids) == text
    assert tk.n_chars == len(text)


@pytest.mark.parametrize("text", [*STRINGS, "<|endoftext|>x<|endoftext|>", "\x00\x7f\u200f"])
def test_the_raw_tokenizer_file_tokenizes_like_the_model(text: str) -> None:
    """The tokenization page reads the shipped tokenizer.json with `tokenizers` alone (no
    torch on a cold server); ids and bytes must equal what the model's tokenizer gives."""
    from tokenizers import Tokenizer

    from models.model.catalog import DEFAULT_CHECKPOINT
    from models.tokenization.tokenizer import load_tokenizer

    raw = Tokenizer.from_file(str(DEFAULT_CHECKPOINT / "tokenizer.json"))
    full = load_tokenizer(DEFAULT_CHECKPOINT)
    light, heavy = hf_tokenize(raw, text), hf_tokenize(full, text)
    assert light.ids == heavy.ids and light.pieces == heavy.pieces
    if "<|endoftext|>" in text:
        assert full.eos_token_id in light.ids and b"<|endoftext|>" in light.pieces


def test_a_japanese_character_split_across_tokens_shows_its_three_bytes() -> None:
    tk = tiktoken_tokenize(get_encoding("gpt2"), "猫")
    assert len(tk.ids) > 1 and b"".join(tk.pieces) == b"\xe7\x8c\xab"
    html, _ = chips_html(tk.ids, tk.pieces, view="bytes")
    assert " ".join(CHIP.findall(html)) == "E7 8C AB"
    html, _ = chips_html(tk.ids, tk.pieces, view="text")
    assert "&lt;0x8C&gt;" in html  # half a character is shown as its byte, not as garbage


def test_lone_surrogates_become_the_replacement_character_like_tiktoken(tiny_tokenizer) -> None:
    assert clean_text("a\ud800b\udfffc") == ("a\ufffdb\ufffdc", 2)
    enc = get_encoding("o200k_base")
    for text in ("a\ud800b", "\ud83d\ude00 \udfff"):
        assert tiktoken_tokenize(enc, text).ids == enc.encode(text)
    assert tiny_tokenizer.decode(hf_tokenize(tiny_tokenizer, "a\ud800b").ids) == "a\ufffdb"


def test_chips_are_capped_and_escaped() -> None:
    tk = tiktoken_tokenize(get_encoding("gpt2"), "<script>alert(1)</script> " * 500)
    html, drawn = chips_html(tk.ids, tk.pieces, cap=100)
    assert drawn == 100 and len(CHIP.findall(html)) == 100
    assert "<script" not in html and "&lt;" in html


def test_japanese_costs_more_gpt2_tokens_than_english() -> None:
    encs = {n: (lambda s, n=n: tiktoken_tokenize(get_encoding(n), s)) for n in ENCODINGS}
    rows = count_rows({"en": SAMPLE_TEXTS["en"], "ja": SAMPLE_TEXTS["ja"]}, encs)
    tokens = {(r["text"], r["tokenizer"]): r["tokens"] for r in rows}
    gpt2_ratio = tokens["ja", "gpt2"] / len(SAMPLE_TEXTS["ja"])
    assert gpt2_ratio > tokens["en", "gpt2"] / len(SAMPLE_TEXTS["en"])
    assert tokens["ja", "o200k_base"] < tokens["ja", "gpt2"]  # the newer tokenizer is fairer


def test_quirk_claims_hold() -> None:
    facts = text_facts("strawberry")
    assert (facts.code_points, facts.letters["r"]) == (10, 3)
    astronaut = text_facts("👩🏽‍🚀")
    assert (astronaut.code_points, astronaut.utf8_bytes) == (4, 15)
    assert "ZERO WIDTH JOINER" in astronaut.names
    cl100k = get_encoding("cl100k_base")
    assert [cl100k.decode([i]) for i in cl100k.encode("1234567")] == ["123", "456", "7"]
    for name in ENCODINGS:
        enc = get_encoding(name)
        assert enc.encode("cat") != enc.encode(" cat")
        assert 1 <= len(enc.encode(" strawberry")) <= 3
    assert "👩🏽‍🚀" in QUIRKS["emoji"]
