"""models/next_token.py: filters by hand, sums to one, greedy = argmax, seeds, undo, lens, demo data."""

from __future__ import annotations

import math

import pytest
import torch

from models.data.lexicon import LEXICONS
from models.data.stories import generate_documents
from models.generation.distribution import (
    distribution,
    distribution_and_lens,
    next_token,
    top_tokens,
)
from models.generation.hallucination import demo_names, hallucination_demo, sequence_prob
from models.generation.sampling import (
    SamplingSettings,
    filter_distribution,
    top_k_filter,
    top_p_filter,
)
from models.generation.writing import (
    Choice,
    GenerationSession,
    choose,
    new_session,
    sample_continuations,
    step,
)
from models.inspection.lens import lens_table, logit_lens
from models.model.inputs import merge_pieces, piece_bytes
from tests.support.samples import SAMPLE_TEXTS


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """Tiny models run faster on one thread, and much faster beside a training run."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


LOGITS = torch.log(torch.tensor([0.1, 0.5, 0.15, 0.25]))  # hand-made: P = softmax(LOGITS)


def test_temperature_by_hand():
    # T = 2: p_i ∝ P_i^(1/2) → sqrt(.1), sqrt(.5), sqrt(.15), sqrt(.25), normalised.
    roots = [math.sqrt(p) for p in (0.1, 0.5, 0.15, 0.25)]
    want = torch.tensor([r / sum(roots) for r in roots])
    _, after = filter_distribution(LOGITS, SamplingSettings(temperature=2.0))
    torch.testing.assert_close(after, want)
    # T = 0.5: p_i ∝ P_i^2 = .01, .25, .0225, .0625 (sum .345).
    _, after = filter_distribution(LOGITS, SamplingSettings(temperature=0.5))
    torch.testing.assert_close(after, torch.tensor([0.01, 0.25, 0.0225, 0.0625]) / 0.345)


def test_temperature_then_top_k_then_top_p_by_hand():
    # T = 0.5 gives [.029, .725, .065, .181]; top-k 3 drops token 0 → [0, .25, .0225, .0625]/.335;
    # top-p 0.9 keeps tokens 1 (.746) and 3 (.187; .746 < .9) → [0, .25, 0, .0625] / .3125.
    _, after = filter_distribution(LOGITS, SamplingSettings(temperature=0.5, top_k=3, top_p=0.9))
    torch.testing.assert_close(after, torch.tensor([0.0, 0.8, 0.0, 0.2]))


@pytest.mark.parametrize(
    "settings",
    [
        SamplingSettings(),
        SamplingSettings(temperature=0.0),
        SamplingSettings(temperature=1e-4),
        SamplingSettings(temperature=5.0, top_k=2),
        SamplingSettings(top_p=0.0),
        SamplingSettings(top_p=1.0, top_k=10**6),  # top-k beyond the vocabulary keeps all
        SamplingSettings(temperature=0.3, top_k=7, top_p=0.5),
    ],
)
def test_filtered_distribution_sums_to_one(tiny_lm, settings):
    nt = distribution(tiny_lm, tiny_lm.tokenizer.encode("The cat sat"), settings)
    assert nt.after.sum().item() == pytest.approx(1.0, abs=1e-5)
    assert nt.before.sum().item() == pytest.approx(1.0, abs=1e-5)
    assert torch.all(nt.after >= 0)
    top = top_tokens(tiny_lm, nt)
    assert sum(r.p_before for r in top.rows) + top.rest_before == pytest.approx(1.0, abs=1e-5)
    assert sum(r.p_after for r in top.rows) + top.rest_after == pytest.approx(1.0, abs=1e-5)
    assert top.n_kept == int((nt.after > 0).sum()) and top.vocab_size == len(tiny_lm.tokenizer)


def test_top_p_edges_and_top_k_beyond_vocab():
    p = torch.tensor([0.1, 0.5, 0.15, 0.25])
    assert top_p_filter(p, 0.0).tolist() == [0.0, 1.0, 0.0, 0.0]  # p = 0: only the best
    assert torch.equal(top_p_filter(p, 1.0), p)
    assert torch.equal(top_k_filter(p, 10**6), p)


@pytest.mark.parametrize("temperature", [0.0, 1e-3])
def test_temperature_to_zero_is_argmax(tiny_lm, temperature):
    ids = tiny_lm.tokenizer.encode(SAMPLE_TEXTS["en"][:30])
    nt = distribution(tiny_lm, ids, SamplingSettings(temperature=temperature))
    argmax = int(nt.before.argmax())
    for seed in range(5):
        assert choose(nt, "sample", seed=seed).token_id == argmax
    assert choose(nt, "greedy").token_id == argmax


def test_same_seed_same_sample_and_other_seeds_differ(tiny_lm):
    settings = SamplingSettings(temperature=1.5)
    runs = []
    for seed in (3, 3, 4):
        session, _ = new_session(tiny_lm, "The cat")
        for _ in range(8):
            step(tiny_lm, session, settings, "sample", seed=seed)
        runs.append(session.ids)
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]  # an untrained model is close to uniform: 8 draws differ
    a = sample_continuations(tiny_lm, runs[0][:2], settings, n=2, max_new_tokens=6, seed=1)
    b = sample_continuations(tiny_lm, runs[0][:2], settings, n=2, max_new_tokens=6, seed=1)
    assert a == b and a[0] != a[1]  # reproducible; different seeds side by side


def test_pick_greedy_undo(tiny_lm):
    session, enc = new_session(tiny_lm, "The cat")
    assert session.ids == enc.ids
    nt = distribution(tiny_lm, session.ids, SamplingSettings(top_k=1))
    last = int(nt.before.argsort()[0])  # the least likely token: cut by top-k 1, still pickable
    c = step(tiny_lm, session, SamplingSettings(top_k=1), "pick", token_id=last)
    assert c == Choice(last, 0.0, pytest.approx(float(nt.before[last])), "pick")
    g = step(tiny_lm, session, SamplingSettings(), "greedy")
    assert g.prob == pytest.approx(g.prob_raw)
    assert session.ids == enc.ids + [last, g.token_id]
    assert session.undo() == g and session.undo() == c
    assert session.undo() is None and session.ids == enc.ids
    with pytest.raises(ValueError):
        step(tiny_lm, session, SamplingSettings(), "pick", token_id=-1)
    with pytest.raises(ValueError):
        choose(nt, "guess")


def test_empty_and_too_long_prompts(tiny_lm):
    session, enc = new_session(tiny_lm, "")
    assert session.ids == [tiny_lm.tokenizer.eos_token_id]
    session, enc = new_session(tiny_lm, "the cat sat on the mat. " * 40)
    assert enc.truncated and len(session.ids) == tiny_lm.context_length
    for _ in range(3):  # growing past the window keeps working
        step(tiny_lm, session, SamplingSettings(), "sample")
    assert len(session.ids) == tiny_lm.context_length + 3
    assert distribution(tiny_lm, session.ids).encoded.truncated


def test_logit_lens_last_layer_is_the_actual_output(tiny_lm):
    text = SAMPLE_TEXTS["ja"]
    _, lens = logit_lens(tiny_lm, text)
    out = next_token(tiny_lm, text).before
    torch.testing.assert_close(lens[-1], out, atol=1e-5, rtol=0)
    ids = tiny_lm.tokenizer.encode(text)
    table = lens_table(tiny_lm, ids, k=4)
    assert len(table.probs) == tiny_lm.n_layers + 1 and len(table.probs[0]) == 4
    best = torch.topk(out, 4)
    assert table.probs[-1] == pytest.approx(best.values.tolist(), abs=1e-5)
    assert table.pieces[-1] == [piece_bytes(tiny_lm, int(i)) for i in best.indices]
    assert all(row == sorted(row, reverse=True) for row in table.probs)


@pytest.mark.parametrize("settings", [SamplingSettings(), SamplingSettings(0.5, 5, 0.8)])
def test_one_forward_view_equals_the_separate_calls(tiny_lm, settings, monkeypatch):
    ids = tiny_lm.tokenizer.encode(SAMPLE_TEXTS["de"])
    nt, table = distribution_and_lens(tiny_lm, ids, settings)
    ref = distribution(tiny_lm, ids, settings)
    torch.testing.assert_close(nt.before, ref.before, atol=1e-6, rtol=1e-4)
    torch.testing.assert_close(nt.after, ref.after, atol=1e-6, rtol=1e-4)
    assert table == lens_table(tiny_lm, ids)

    import models.generation.distribution as module

    def no_lens(*_):
        raise AttributeError("no final norm")

    monkeypatch.setattr(module, "logit_lens_for_ids", no_lens)
    nt, table = distribution_and_lens(tiny_lm, ids, settings)
    assert table is None
    torch.testing.assert_close(nt.after, ref.after)


def test_sequence_prob_is_the_product_of_step_probabilities(tiny_lm):
    prefix, ids = tiny_lm.tokenizer.encode("The"), tiny_lm.tokenizer.encode(" cat sat")
    want, seen = 1.0, list(prefix)
    for tid in ids:
        want *= float(distribution(tiny_lm, seen).before[tid])
        seen.append(tid)
    assert sequence_prob(tiny_lm, prefix, ids) == pytest.approx(want, rel=1e-4)


def test_merge_pieces_joins_split_characters():
    cat = "猫".encode()
    assert merge_pieces([b"a", cat[:2], cat[2:], b"b"]) == [("a", [0]), ("猫", [1, 2]), ("b", [3])]
    assert merge_pieces([cat[:1]]) == [("\ufffd", [0])]  # never completes: replacement char
    assert merge_pieces([]) == []


@pytest.mark.parametrize("lang", ["en", "de", "ja"])
def test_hallucination_names_are_in_and_never_in_the_training_data(lang):
    known, unknown, _ = demo_names(lang)
    assert unknown in LEXICONS[lang].RESERVED_NAMES
    assert known in dict(LEXICONS[lang].NAMES)
    docs = generate_documents([lang], n_chars=200_000)
    assert any(known in d for d in docs)
    assert not any(unknown in d for d in docs)


def test_hallucination_demo_reports_probabilities(tiny_lm):
    demo = hallucination_demo(tiny_lm, "en", max_new_tokens=5)
    assert demo.known.in_data > 0 and demo.unknown.in_data == 0
    assert demo.unknown.name in demo.question and demo.unknown.stem.startswith(demo.unknown.name)
    assert demo.known.stem.startswith(demo.known.name)
    for probe in (demo.known, demo.unknown):
        assert 0.0 <= probe.name_prob <= 1.0
        assert 1 <= len(probe.continuation) <= 5
        assert 0.0 < probe.mean_prob <= 1.0
        assert all(c.how == "greedy" for c in probe.continuation)


def test_session_doctest_example():
    s = GenerationSession([5, 6])
    s.push(Choice(7, 0.5, 0.4, "pick"))
    assert s.ids == [5, 6, 7] and s.undo().token_id == 7 and s.ids == [5, 6]
