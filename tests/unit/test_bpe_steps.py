"""The BPE stepper: a textbook case by hand, tiktoken's own trainer as reference, invariants."""

from __future__ import annotations

import pytest
from tiktoken._educational import bpe_train

from models.tokenization.bpe_replay import GPT2_SPLIT, MAX_TRAIN_CHARS, pre_tokenize, train_bpe
from tests.support.samples import SAMPLE_TEXTS

TEXTS = [*SAMPLE_TEXTS.values(), "aaabdaaabac", "low lower lowest newer wider " * 5]


def test_textbook_first_merge_is_the_pair_counted_by_hand() -> None:
    # "aaabdaaabac" is one pre-token. Its pairs: aa aa ab bd da aa aa ab ba ac → "aa" 4 times.
    run = train_bpe("aaabdaaabac", n_merges=1)
    first = run.merges[0]
    assert first.pair_bytes == (b"a", b"a") and first.count == 4 and first.new_id == 256
    # Merged left to right: aa|a|b|d|aa|a|b|a|c → 9 tokens.
    assert [run.token_bytes[i] for i in run.tokens_after(1)] == [
        b"aa", b"a", b"b", b"d", b"aa", b"a", b"b", b"a", b"c",
    ]  # fmt: skip


def test_merges_equal_tiktokens_educational_trainer() -> None:
    text = " ".join(TEXTS) * 3
    run = train_bpe(text, n_merges=60)
    ranks = bpe_train(text, 256 + len(run.merges), GPT2_SPLIT, visualise=None)
    ours = {run.token_bytes[m.new_id]: m.new_id for m in run.merges}
    assert ours == {b: r for b, r in ranks.items() if r >= 256}


@pytest.mark.parametrize("text", TEXTS)
def test_final_step_equals_the_trained_tokenizers_encode(text: str) -> None:
    run = train_bpe(text * 4, n_merges=80)
    assert run.tokens_after(len(run.merges)) == run.encode(text * 4)


@pytest.mark.parametrize("text", TEXTS)
def test_every_step_spells_the_same_text_with_fewer_tokens(text: str) -> None:
    run = train_bpe(text * 3, n_merges=40)
    lengths = []
    for k in range(len(run.merges) + 1):
        tokens = run.tokens_after(k)
        assert run.decode(tokens) == text * 3
        lengths.append(len(tokens))
        if k:
            assert run.merges[k - 1].n_tokens == len(tokens)
    assert lengths[0] == len((text * 3).encode()) and lengths == sorted(lengths, reverse=True)
    assert all(m.count >= 2 for m in run.merges)


def test_merge_count_is_the_number_of_times_the_pair_occurs() -> None:
    run = train_bpe(SAMPLE_TEXTS["en"] * 2, n_merges=10)
    for k, m in enumerate(run.merges):
        before = run.tokens_after(k)
        boundaries, pos = set(), 0  # pairs never cross a pre-token boundary
        for piece in pre_tokenize(run.text):
            pos += len(piece.encode())
            boundaries.add(pos)
        starts, pos, seen = [], 0, 0
        for tid in before:
            starts.append(pos)
            pos += len(run.token_bytes[tid])
        for i in range(len(before) - 1):
            if (before[i], before[i + 1]) == m.pair and starts[i + 1] not in boundaries:
                seen += 1
        assert seen == m.count


def test_encode_round_trips_unseen_text() -> None:
    run = train_bpe(SAMPLE_TEXTS["en"] * 5, n_merges=50)
    for text in [*SAMPLE_TEXTS.values(), "", "\x00\n\t", "<script>alert(1)</script>"]:
        assert run.decode(run.encode(text)) == text
    assert run.decode(run.encode("a\ud800b")) == "a\ufffdb"  # lone surrogate → U+FFFD


def test_vocabulary_grows_by_one_token_per_merge() -> None:
    run = train_bpe(SAMPLE_TEXTS["de"] * 3, n_merges=30)
    assert [i for i, _ in run.vocabulary(30)] == list(range(256, 256 + len(run.merges)))
    assert run.vocabulary(0) == [] and len(run.vocabulary(5)) == 5


def test_degenerate_inputs() -> None:
    assert train_bpe("", 10).merges == [] and train_bpe("", 10).tokens_after(0) == []
    assert train_bpe("abc", 10).merges == []  # no pair occurs twice
    assert len(train_bpe("x" * (MAX_TRAIN_CHARS + 50), 1).text) == MAX_TRAIN_CHARS
    assert train_bpe("abab", -3).merges == []
