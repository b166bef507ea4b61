"""Preference learning: rankings → pairs, the losses against their formulas, the simulated
rater, the reward model learning a rule, and DPO / RLHF moving the shipped model."""

from __future__ import annotations

import copy
import math
from itertools import permutations

import pytest
import torch

from models.generation.logprob import sequence_logprob
from models.preference.dpo import dpo_update
from models.preference.losses import (
    bradley_terry_loss,
    dpo_loss,
    group_advantages,
    kl_estimate,
    policy_gradient_loss,
)
from models.preference.measure import next_token_shift, trait_rate
from models.preference.prompts import story_prompts
from models.preference.rankings import Pair, Ranking, RankingError
from models.preference.rater import SimulatedRater, has_trait, trait_score
from models.preference.responses import encode_pair, sample_responses
from models.preference.reward_model import (
    RewardModel,
    RewardStep,
    pair_accuracy,
    split_rankings,
    train_reward_model,
)
from models.preference.rlhf import rlhf_update
from models.training.jobs import Job


# ---- rankings and pairs ----------------------------------------------------------------------
@pytest.mark.parametrize("k", [2, 3, 4, 6])
def test_a_ranking_of_k_gives_all_ordered_pairs(k: int) -> None:
    responses = [f"r{i}" for i in range(k)]
    for order in list(permutations(range(k)))[:10]:
        r = Ranking.from_order("p", responses, list(order))
        pairs = r.index_pairs()
        assert len(pairs) == k * (k - 1) // 2
        pos = {i: n for n, i in enumerate(order)}
        assert all(pos[a] < pos[b] for a, b in pairs)  # chosen always ranked above rejected
        assert len(set(pairs)) == len(pairs)
        assert [(p.chosen, p.rejected) for p in r.pairs()] == [
            (responses[a], responses[b]) for a, b in pairs
        ]


def test_ties_give_no_pair_between_them_and_all_bad_is_separate() -> None:
    r = Ranking("p", ("a", "b", "c", "d"), ((2,), (0, 3), (1,)), all_bad=True)
    assert r.has_ties and r.all_bad
    assert sorted(r.index_pairs()) == sorted([(2, 0), (2, 3), (2, 1), (0, 1), (3, 1)])
    assert r.place() == [2, 3, 1, 2]
    everyone_tied = Ranking("p", ("a", "b", "c"), ((0, 1, 2),))
    assert everyone_tied.pairs() == []
    assert Ranking.from_json(r.to_json()) == r


@pytest.mark.parametrize(
    "order, message",
    [
        (((0,), (1,), (1,)), "ranked twice"),
        (((0,), (1,)), "no place"),
        (((0,), (), (1, 2)), "empty"),
        (((0,), (1,), (7,)), "response numbers"),
    ],
)
def test_bad_rankings_are_refused(order, message: str) -> None:
    with pytest.raises(RankingError, match=message):
        Ranking("p", ("a", "b", "c"), order)


# ---- losses against their formulas -----------------------------------------------------------
def test_bradley_terry_loss_equals_hand_computed_value() -> None:
    rc, rr = torch.tensor([2.0, 0.5, -1.0]), torch.tensor([1.0, 0.5, 1.0])
    expected = -sum(math.log(1 / (1 + math.exp(-(c - r)))) for c, r in zip(rc, rr, strict=True)) / 3
    assert bradley_terry_loss(rc, rr).item() == pytest.approx(expected, rel=1e-6)
    assert bradley_terry_loss(torch.tensor([0.0]), torch.tensor([0.0])).item() == pytest.approx(
        math.log(2)
    )


def test_dpo_loss_equals_hand_computed_value() -> None:
    pc, pr = torch.tensor([-10.0, -4.0]), torch.tensor([-12.0, -3.0])
    rc, rr = torch.tensor([-11.0, -4.5]), torch.tensor([-11.0, -3.5])
    beta = 0.5
    vals = []
    for a, b, c, d in zip(pc.tolist(), pr.tolist(), rc.tolist(), rr.tolist(), strict=True):
        z = beta * ((a - c) - (b - d))
        vals.append(-math.log(1 / (1 + math.exp(-z))))
    assert dpo_loss(pc, pr, rc, rr, beta).item() == pytest.approx(sum(vals) / 2, rel=1e-6)
    # policy == reference: log 2, whatever beta
    assert dpo_loss(pc, pr, pc, pr, 3.0).item() == pytest.approx(math.log(2))


def test_kl_estimate_is_the_hand_computed_value_and_never_negative() -> None:
    lp = torch.log(torch.tensor([[0.5, 0.5, 0.9]]))
    ref = torch.log(torch.tensor([[0.25, 0.5, 0.1]]))
    mask = torch.tensor([[1.0, 1.0, 0.0]])  # the last position is not part of the response
    want = (0.5 - 1 + math.log(2)) + 0.0  # r = 0.5, then r = 1
    assert float(kl_estimate(lp, ref, mask)[0]) == pytest.approx(want, abs=1e-6)
    g = torch.Generator().manual_seed(0)
    a, b = torch.rand(64, 9, generator=g).log(), torch.rand(64, 9, generator=g).log()
    assert float(kl_estimate(a, b, torch.ones(64, 9)).min()) >= 0.0
    assert float(kl_estimate(a, a, torch.ones(64, 9)).abs().max()) == 0.0


def test_group_advantages_and_policy_gradient_loss() -> None:
    adv = group_advantages(torch.tensor([[1.0, 3.0], [0.5, 0.5]]))
    assert adv.tolist() == [[-1.0, 1.0], [0.0, 0.0]]
    logp = torch.tensor([-2.0, -1.0, -3.0, -4.0], requires_grad=True)
    loss = policy_gradient_loss(adv.view(-1), logp)
    assert float(loss.detach()) == pytest.approx(-(2.0 - 1.0) / 4)
    loss.backward()
    assert logp.grad.tolist() == [0.25, -0.25, 0.0, 0.0]  # up the better sample, down the worse


def test_sequence_logprob_sums_only_response_tokens(tiny_lm) -> None:
    model = tiny_lm.model
    p, r = [5, 6, 7], [8, 9]
    got = sequence_logprob(model, [(p, r), (p[:1], r + [3, 4])], pad=0)
    with torch.no_grad():
        logits = model(input_ids=torch.tensor([p + r])).logits[0]
    logp = torch.log_softmax(logits, -1)
    expected = logp[2, 8] + logp[3, 9]
    assert got[0].item() == pytest.approx(expected.item(), rel=1e-5)
    # right padding of the second row does not change the first row's value
    alone = sequence_logprob(model, [(p, r)], pad=0)
    assert alone[0].item() == pytest.approx(got[0].item(), rel=1e-5)


# ---- the simulated rater ---------------------------------------------------------------------
def test_rater_rules_and_ties() -> None:
    assert trait_score("happy", "Tim felt happy and laughed.", "en") == 2
    assert trait_score("happy", "Tim was sad.", "en") == -1
    assert has_trait("animals", "Then a fox came.", "en")
    assert not has_trait("animals", "Then a box came.", "en")
    assert has_trait("happy", "ユイはうれしかった。", "ja")  # い-adjective by its stem
    assert has_trait("polite", "ユイは公園へ行きました。", "ja")
    assert not has_trait("polite", "ユイは公園へ行った。", "ja")
    assert has_trait("animals", "Dann kam ein Fuchs.", "de")
    rater = SimulatedRater("happy", "en")
    r = rater.rank("p", ["He was sad.", "He was happy.", "He went home.", "He smiled, glad."])
    assert r.order == ((3,), (1,), (2,), (0,))
    tie = rater.rank("p", ["a", "b", "He was happy."])
    assert tie.order == ((2,), (0, 1)) and not tie.all_bad
    assert rater.rank("p", ["a", "b"]).all_bad


def test_story_prompts_are_complete_sentences_in_every_language() -> None:
    for lang, ends in (("en", '.!?"'), ("de", ".!?“"), ("ja", "。！？」")):
        prompts = story_prompts(lang, 6)
        assert len(prompts) == 6 and len(set(prompts)) == 6
        assert all(p[-1] in ends for p in prompts), prompts


# ---- learning on the shipped model -----------------------------------------------------------
@pytest.fixture(scope="module")
def shipped():
    from models.model.catalog import DEFAULT_CHECKPOINT
    from models.model.loading import load_model

    torch.manual_seed(0)
    return load_model(DEFAULT_CHECKPOINT, device="cpu")


@pytest.fixture(scope="module")
def rankings(shipped):
    rater, out = SimulatedRater("happy", "en"), []
    prompts = story_prompts("en", 8)
    for i in range(30):
        p = prompts[i % 8]
        samples = sample_responses(shipped.model, shipped.tokenizer, p, 4, seed=i, lang="en")
        out.append(rater.rank(p, [s.text for s in samples], seed=i))
    return out


def test_sampling_is_seeded_and_ends_at_eos(shipped) -> None:
    a = sample_responses(shipped.model, shipped.tokenizer, "Tom had a red ball.", 4, seed=3)
    b = sample_responses(shipped.model, shipped.tokenizer, "Tom had a red ball.", 4, seed=3)
    assert [s.ids for s in a] == [s.ids for s in b]
    eos = shipped.tokenizer.eos_token_id
    for s in a:
        assert eos not in s.ids[:-1]  # nothing after the end of text
        assert 0 < len(s.ids) <= 40


@pytest.mark.slow  # trains the shipped model
def test_reward_model_learns_the_raters_rule(shipped, rankings) -> None:
    train, val = split_rankings(rankings, seed=0)
    assert {p.chosen for p in train}.isdisjoint({p.chosen for p in val} | {p.rejected for p in val})
    rm = RewardModel(shipped.model)
    before = pair_accuracy(rm, shipped.tokenizer, val)
    assert before == 0.0  # zero head: every reward equal, nothing ranked higher yet
    events = list(train_reward_model(rm, shipped.tokenizer, train, val, steps=30))
    assert events[-1].loss < events[0].loss
    assert events[-1].val_acc >= 0.75
    s = rm.score(shipped.tokenizer, "Tim lost his kite.", ["He felt happy.", "He felt sad."])
    assert s[0] > s[1]
    # the shared model's weights were not touched
    assert rm.backbone is not shipped.model.base_model


@pytest.mark.slow  # trains the shipped model
def test_dpo_raises_the_preferred_trait_and_leaves_the_reference_alone(shipped, rankings) -> None:
    pairs = [p for r in rankings for p in r.pairs()]
    ref_state = {k: v.clone() for k, v in shipped.model.state_dict().items()}
    held = story_prompts("en", 12)[8:]
    before, _ = trait_rate(shipped.model, shipped.tokenizer, held, "happy", "en", n_per_prompt=8)
    policy = copy.deepcopy(shipped.model)
    events = list(dpo_update(policy, shipped.model, shipped.tokenizer, pairs, steps=30))
    assert events[-1].loss < events[0].loss
    after, _ = trait_rate(policy, shipped.tokenizer, held, "happy", "en", n_per_prompt=8)
    assert after >= before + 0.15, (before, after)
    assert all(torch.equal(v, shipped.model.state_dict()[k]) for k, v in ref_state.items())


@pytest.mark.slow  # trains the shipped model
def test_rlhf_raises_reward_and_reports_kl(shipped, rankings) -> None:
    train, val = split_rankings(rankings)
    rm = RewardModel(shipped.model)
    list(train_reward_model(rm, shipped.tokenizer, train, val, steps=40))
    policy = copy.deepcopy(shipped.model)
    prompts = story_prompts("en", 8)
    held = story_prompts("en", 12)[8:]
    before, _ = trait_rate(shipped.model, shipped.tokenizer, held, "happy", "en", n_per_prompt=8)
    events = list(  # the page's defaults (app.views.rlhf_state.DEFAULTS), in English
        rlhf_update(
            policy, shipped.model, rm, shipped.tokenizer, prompts, kl_coef=0.2, steps=60, lang="en"
        )
    )
    assert events[0].kl == pytest.approx(0.0, abs=1e-3)  # first step: policy == reference
    assert max(e.kl for e in events) > 0.1
    after, _ = trait_rate(policy, shipped.tokenizer, held, "happy", "en", n_per_prompt=8)
    assert after >= before + 0.15, (before, after)


def test_job_runs_in_slices_and_reports_errors() -> None:
    def gen():
        for i in range(1, 4):
            yield RewardStep(step=i, total_steps=3, loss=1.0 / i)

    job = Job(gen())
    job.advance(0.0)
    assert job.history and not job.finished
    while not job.finished:
        job.advance(1.0)
    assert job.status == "done" and job.progress == 1.0

    def boom():
        yield RewardStep(step=1, total_steps=2, loss=1.0)
        raise ValueError("no pairs to learn from")

    bad = Job(boom())
    while not bad.finished:
        bad.advance(1.0)
    assert bad.status == "error" and "no pairs" in bad.message
    nan = Job(iter([RewardStep(step=1, total_steps=2, loss=float("nan"))]))
    nan.advance(1.0)
    assert nan.status == "error"


def test_training_without_pairs_explains() -> None:
    with pytest.raises(ValueError, match="no pairs"):
        next(dpo_update(None, None, None, []))  # type: ignore[arg-type]


def test_encode_pair_ends_both_with_eos(shipped) -> None:
    (p1, c), (p2, r) = encode_pair(shipped.tokenizer, Pair("Tom ran.", "He fell.", "He won."))
    eos = shipped.tokenizer.eos_token_id
    assert p1 == p2 and c[-1] == eos and r[-1] == eos


def test_rlhf_scores_each_group_of_a_repeated_prompt_with_its_own_samples(tiny_lm) -> None:
    """Two draws of the same prompt in one step: each group is scored on its own samples (a
    lookup by prompt text once gave the second group the first group's rewards)."""
    scored: list[list[str]] = []

    class Recorder:
        def score(self, tokenizer, prompt, responses, lang=None) -> list[float]:
            scored.append(list(responses))
            return [float(len(r)) for r in responses]

    policy = copy.deepcopy(tiny_lm.model)
    list(
        rlhf_update(
            policy,
            tiny_lm.model,
            Recorder(),  # type: ignore[arg-type]
            tiny_lm.tokenizer,
            ["Once"],  # one prompt: every step draws it twice
            steps=1,
            samples_per_prompt=4,
            max_new_tokens=6,
        )
    )
    assert len(scored) == 2 and scored[0] != scored[1]


def test_next_token_shift_reads_only_the_end_of_a_prompt_past_the_context(tiny_lm) -> None:
    """100 000 characters in the "telling prompt" field: the end that fits is read, no
    IndexError from a position table of 32 (tiny_lm is a GPT-2 with learned positions)."""
    rows = next_token_shift(tiny_lm.model, tiny_lm.model, tiny_lm.tokenizer, "a " * 50_000)
    assert rows and all(before == pytest.approx(after) for _, before, after in rows)
