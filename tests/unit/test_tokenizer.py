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


def test_language_tags_are_single_tokens_and_prefix_every_tagged_prompt():
    from models.data.stories import LANG_TAGS
    from models.model.inputs import lang_prefix, prompt_ids

    tags = list(LANG_TAGS.values())
    docs = [tag + "the cat sat on the mat" for tag in tags] * 30
    tok = train_tokenizer(docs, 300, tags)
    de = tok.convert_tokens_to_ids(LANG_TAGS["de"])
    assert tok.encode(LANG_TAGS["de"] + "the cat", add_special_tokens=False)[0] == de
    assert lang_prefix(tok, "de") == [tok.eos_token_id, de]
    assert prompt_ids(tok, "the cat", "de")[:2] == [tok.eos_token_id, de]
    assert prompt_ids(tok, "", "ja") == [tok.eos_token_id, tok.convert_tokens_to_ids("<|ja|>")]
    assert tok.decode(prompt_ids(tok, "the cat", "de"), skip_special_tokens=True) == "the cat"
    untagged = train_tokenizer(["the cat sat on the mat"] * 30, 300)
    assert lang_prefix(untagged, "de") == [] and lang_prefix(tok, None) == []
    assert prompt_ids(untagged, "the cat", "de") == untagged.encode("the cat")


def test_a_japanese_character_can_span_tokens(tiny_tokenizer):
    # 鬱 is absent from the training text: its 3 UTF-8 bytes stay 3 byte tokens.
    ids = tiny_tokenizer.encode("鬱", add_special_tokens=False)
    assert [token_bytes(tiny_tokenizer, i) for i in ids] == [b"\xe9", b"\xac", b"\xb1"]
