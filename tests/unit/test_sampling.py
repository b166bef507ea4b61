import pytest
import torch

from models.generation.loop import generate, generate_steps
from models.generation.sampling import (
    SamplingSettings,
    entropy_bits,
    filter_distribution,
    softmax_with_temperature,
    top_k_filter,
    top_p_filter,
)

P = torch.tensor([0.1, 0.5, 0.15, 0.25])  # hand-made: order by size is 1, 3, 2, 0


def test_top_k_keeps_exactly_the_k_largest():
    torch.testing.assert_close(
        top_k_filter(P, 2), torch.tensor([0.0, 0.5 / 0.75, 0.0, 0.25 / 0.75])
    )
    torch.testing.assert_close(top_k_filter(P, 3), torch.tensor([0.0, 0.5, 0.15, 0.25]) / 0.9)
    assert torch.equal(top_k_filter(P, 0), P) and torch.equal(top_k_filter(P, 99), P)


def test_top_k_with_ties_keeps_k():
    assert int((top_k_filter(torch.tensor([0.25] * 4), 2) > 0).sum()) == 2


@pytest.mark.parametrize(
    ("p", "kept"),
    [
        (0.0, [1]),
        (0.5, [1]),
        (0.51, [1, 3]),
        (0.75, [1, 3]),
        (0.76, [1, 3, 2]),
        (0.9, [1, 3, 2]),
        (0.95, [1, 3, 2, 0]),
    ],
)
def test_top_p_keeps_the_smallest_nucleus(p, kept):
    out = top_p_filter(P, p)
    assert sorted(torch.nonzero(out).flatten().tolist()) == sorted(kept)
    assert out.sum().item() == pytest.approx(1.0)
    torch.testing.assert_close(out[kept], P[kept] / P[kept].sum())


def test_temperature():
    logits = torch.tensor([1.0, 2.0, 3.0])
    torch.testing.assert_close(softmax_with_temperature(logits, 1.0), torch.softmax(logits, -1))
    torch.testing.assert_close(softmax_with_temperature(logits, 2.0), torch.softmax(logits / 2, -1))
    assert softmax_with_temperature(logits, 0.0).tolist() == [
        0.0,
        0.0,
        1.0,
    ]  # greedy, no division by 0
    assert softmax_with_temperature(logits, 1e-6).argmax() == 2


def test_filter_distribution_order_and_entropy():
    logits = torch.log(P)
    before, after = filter_distribution(
        logits, SamplingSettings(temperature=1.0, top_k=3, top_p=0.7)
    )
    torch.testing.assert_close(before, P)
    torch.testing.assert_close(after, torch.tensor([0.0, 0.5 / 0.75, 0.0, 0.25 / 0.75]))
    assert entropy_bits(torch.tensor([0.5, 0.5])) == pytest.approx(1.0)
    assert entropy_bits(torch.tensor([1.0, 0.0])) == 0.0


def test_same_seed_same_sample_and_greedy_is_deterministic(tiny_lm):
    m, t = tiny_lm.model, tiny_lm.tokenizer
    a = generate(m, t, "The cat", 20, temperature=1.0, seed=3)
    assert a == generate(m, t, "The cat", 20, temperature=1.0, seed=3)
    assert a.startswith("The cat")
    g = [
        s.token_id
        for s in generate_steps(
            m, t, "The cat", 10, SamplingSettings(temperature=0), stop_at_eos=False
        )
    ]
    ids = t.encode("The cat")
    with torch.no_grad():
        for tid in g:  # temperature 0 equals argmax, step by step
            assert tid == int(m(torch.tensor([ids])).logits[0, -1].argmax())
            ids.append(tid)


def test_generation_past_the_context_window(tiny_lm):
    steps = list(
        generate_steps(tiny_lm.model, tiny_lm.tokenizer, "cat " * 30, 10, stop_at_eos=False)
    )
    assert len(steps) == 10 and all(0 < s.prob <= 1 for s in steps)
