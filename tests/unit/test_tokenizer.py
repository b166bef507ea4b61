import pytest
from transformers import AutoTokenizer

from models.tokenization.tokenizer import EOS, save_tokenizer, token_bytes, train_tokenizer
from tests.support.samples import SAMPLE_TEXTS

HARD = [
    "",
    " ",
    "\n\n\t",
    "a" * 300,
    "<script>alert(1)</script>",
    "\x00\x07\x1b[31m",
    "שלום עולם",
    "1234567.89",
]


@pytest.mark.parametrize("text", list(SAMPLE_TEXTS.values()) + HARD)
def test_round_trip_is_exact(tiny_tokenizer, text):
    ids = tiny_tokenizer.encode(text, add_special_tokens=False)
    assert tiny_tokenizer.decode(ids) == text
    assert b"".join(token_bytes(tiny_tokenizer, i) for i in ids) == text.encode()


def test_saved_tokenizer_loads_with_autotokenizer(tiny_tokenizer, tmp_path):
    path = save_tokenizer(tiny_tokenizer, tmp_path)
    assert path.name == "tokenizer.json"
    loaded = AutoTokenizer.from_pretrained(tmp_path)
    text = SAMPLE_TEXTS["ja"] + SAMPLE_TEXTS["emoji"]
    assert loaded.encode(text) == tiny_tokenizer.encode(text)
    assert loaded.eos_token == EOS


def test_training_learns_frequent_words_and_respects_vocab_size():
    tok = train_tokenizer(["the cat and the hat and the bat"] * 100, vocab_size=300)
    assert len(tok) <= 300
    assert tok.tokenize(" the") == ["Ġthe"]  # a frequent word became one token
    with pytest.raises(ValueError):
        train_tokenizer(["x"], vocab_size=100)


def test_a_japanese_character_can_span_tokens(tiny_tokenizer):
    # 鬱 is absent from the training text: its 3 UTF-8 bytes stay 3 byte tokens.
    ids = tiny_tokenizer.encode("鬱", add_special_tokens=False)
    assert [token_bytes(tiny_tokenizer, i) for i in ids] == [b"\xe9", b"\xac", b"\xb1"]
