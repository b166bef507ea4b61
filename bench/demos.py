"""Every promise the lesson texts make, checked on the real model at the pages' defaults.

``python -m bench demos`` prints JSON: ``claims`` (how many were checked), ``held``, ``failed``
(each that did not hold, with what was measured) and ``results`` (all of them). A lesson's words
are a promise: where a claim cannot be made to hold, the text changes, not the measurement.

Each claim runs what the page runs, with the page's defaults (``RunSpec()``, ``FineTuneSpec()``,
``app.views.rlhf_state.DEFAULTS``, the sampler's settings), on the shipped checkpoint, in every
language where the claim depends on the language. On 2 CPU cores it takes about half an hour.
"""

from __future__ import annotations

import copy
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import torch

from app.views.rlhf_state import DEFAULTS, KL_WARNING, MAX_NEW_TOKENS, K
from app.views.transformer import ROLE_STORIES
from bench.language import detect, share_in
from models.data.lexicon import vocabulary
from models.data.stories import LANGS
from models.generation.distribution import distribution_and_lens
from models.generation.hallucination import hallucination_demo
from models.generation.logprob import sequence_logprob
from models.generation.sampling import SamplingSettings
from models.generation.writing import sample_continuations
from models.inspection.attention import attention
from models.inspection.roles import ROLES, measure_roles, random_init_twin
from models.model.catalog import DEFAULT_CHECKPOINT
from models.model.inputs import prompt_ids
from models.model.loading import LoadedModel, load_model
from models.preference.dpo import dpo_update
from models.preference.measure import trait_rate
from models.preference.prompts import story_prompts
from models.preference.rankings import Pair
from models.preference.rater import SimulatedRater
from models.preference.responses import Sample, eos_id, sample_responses
from models.preference.reward_model import RewardModel, split_rankings, train_reward_model
from models.preference.rlhf import rlhf_update
from models.tokenization.compare import hf_tokenize, tiktoken_tokenize
from models.tokenization.reference import get_encoding
from models.training.finetune import FineTuneSpec, answer, fine_tune_job, heldout_questions
from models.training.jobs import Job
from models.training.pretraining import RunSpec, pretraining_job

N_RANKINGS = 30  # simulated rankings before an update (3 clicks of the page's default 10)
HELD_PROMPTS = 4  # story openings no ranking used, for before/after
QUESTIONS = 24  # held-out questions per language for fine-tuning's exact match


@dataclass
class Claim:
    page: str
    promise: str
    lang: str | None = None
    held: bool = False
    measured: dict[str, Any] = field(default_factory=dict)


def drain(job: Job) -> Job:
    """Run a job to its end, as the live panel does (slices until it finishes)."""
    while not job.finished:
        job.advance(10.0)
    return job


def distinct_2(texts: list[str]) -> float:
    """Distinct word bigrams over all bigrams (characters for Japanese): 1 = no repetition,
    near 0 = the same words again and again (a degenerate policy).

    >>> distinct_2(["a b a b a b"]), distinct_2(["a b c d"])
    (0.4, 1.0)
    """
    grams, total = set(), 0
    for text in texts:
        units = text.split() if " " in text.strip() else list(text.replace(" ", ""))
        pairs = list(zip(units, units[1:], strict=False))
        grams.update(pairs)
        total += len(pairs)
    return len(grams) / total if total else 0.0


def reference_nll(lm: LoadedModel, samples: list[Sample], lang: str) -> float:
    """Mean negative log-likelihood per token of the responses under the reference model:
    text that falls apart becomes unlikely to the model it came from."""
    seqs = [(s.prompt_ids, s.ids) for s in samples if s.ids]
    with torch.no_grad():
        logp = sequence_logprob(lm.model, seqs, eos_id(lm.tokenizer))  # (B,)
    n_tokens = sum(len(r) for _, r in seqs)
    return float(-logp.sum() / max(n_tokens, 1))


def quality(lm: LoadedModel, samples: list[Sample], lang: str) -> dict[str, float]:
    texts = [s.text for s in samples]
    return {
        "in_language": round(share_in(lang, texts), 3),
        "distinct_2": round(distinct_2(texts), 3),
        "reference_nll": round(reference_nll(lm, samples, lang), 3),
    }


# ---- tokenization ------------------------------------------------------------------------------
def tokenization_claims(lm: LoadedModel) -> Iterator[Claim]:
    counts = {"ours": hf_tokenize(lm.tokenizer, "strawberry").n_tokens}
    for name in ("gpt2", "cl100k_base", "o200k_base"):
        counts[name] = tiktoken_tokenize(get_encoding(name), "strawberry", name).n_tokens
    yield Claim(
        "tokenization",
        '"strawberry" is one to four tokens, depending on the tokenizer',
        held=all(1 <= n <= 4 for n in counts.values()),
        measured=counts,
    )
    sentence = {"en": "The cat sat on the mat.", "ja": "猫がマットの上に座った。"}
    gpt2 = get_encoding("gpt2")
    per_char = {k: len(gpt2.encode(v)) / len(v) for k, v in sentence.items()}
    yield Claim(
        "tokenization",
        "a tokenizer trained mostly on English needs more tokens per character for Japanese",
        held=per_char["ja"] > per_char["en"],
        measured={k: round(v, 2) for k, v in per_char.items()},
    )


# ---- transformer -------------------------------------------------------------------------------
def transformer_claims(lm: LoadedModel) -> Iterator[Claim]:
    from app.i18n import text_for

    for lang in LANGS:
        w = attention(lm, text_for(lang, "transformer.example")).weights  # (L, H, T, T)
        above = float(np.triu(w, k=1).max()) if w.shape[-1] > 1 else 0.0
        rows = float(np.abs(w.sum(-1) - 1).max())
        yield Claim(
            "transformer",
            "every row of a head adds up to 1, and nothing lies above the diagonal",
            lang,
            held=above < 1e-6 and rows < 1e-4,
            measured={"max_above_diagonal": above, "max_row_error": rows},
        )
    scores = measure_roles(lm, n_per_lang=ROLE_STORIES)
    twin = measure_roles(random_init_twin(lm, seed=0), n_per_lang=ROLE_STORIES)
    for role in ROLES:
        _, _, best = scores.top(role, 1)[0]
        base = scores.baseline[role]
        random_best = twin.top(role, 1)[0][2]
        measured = {
            "best": round(best, 3),
            "chance": round(base, 3),
            "random": round(random_best, 3),
        }
        if role == "previous":  # the text: clear, several times chance, gone with random weights
            yield Claim(
                "transformer",
                "the previous-token head the page names scores at least three times chance, and "
                "the same model with random weights does not reach twice chance",
                held=best >= 3 * base and random_best < 2 * base,
                measured=measured,
            )
        else:  # the text: weak in a model this small, barely above chance
            yield Claim(
                "transformer",
                f"the '{role}' job is weak, as the text says: the best head is above chance but "
                "below twice chance",
                held=base < best < 2 * base,
                measured=measured,
            )


# ---- next token --------------------------------------------------------------------------------
def next_token_claims(lm: LoadedModel) -> Iterator[Claim]:
    from app.i18n import text_for

    ids = prompt_ids(lm.tokenizer, text_for("en", "next_token.default_prompt"), "en")
    greedy = SamplingSettings(temperature=0.0)
    columns = sample_continuations(lm, ids, greedy, n=3, max_new_tokens=15, seed=0)
    texts = {tuple(c.token_id for c in run) for run in columns}
    yield Claim(
        "next_token",
        "at temperature 0 every sample column is the same text",
        held=len(texts) == 1,
        measured={"different_columns": len(texts)},
    )
    nt, lens = distribution_and_lens(lm, ids, SamplingSettings())
    top = int(torch.argmax(nt.before))
    yield Claim(
        "next_token",
        "the logit lens's last row is the model's own output",
        held=lens is not None and abs(lens.probs[-1][0] - float(nt.before[top])) < 1e-4,
        measured={
            "lens_top": lens.probs[-1][0] if lens else None,
            "model_top": float(nt.before[top]),
        },
    )
    for lang in LANGS:
        demo = hallucination_demo(lm, lang)
        probe = demo.unknown
        answer_text = lm.tokenizer.decode([c.token_id for c in probe.continuation])
        answer_text = answer_text.split("\n")[0]
        words = {w for group in vocabulary(lang).values() for w in group}
        answers = any(w in answer_text for w in words)
        measured = {
            "question": demo.question,
            "answer": probe.stem + answer_text,
            "name_in_training_data": probe.in_data,
            "mean_prob": round(probe.mean_prob, 3),
            "known_name_mean_prob": round(demo.known.mean_prob, 3),
            "language": detect(probe.stem + answer_text),
        }
        yield Claim(
            "next_token",
            "asked about a name it never saw, the model answers fluently (in the student's "
            "language, with words of its stories), as confidently as about a name it knows",
            lang,
            held=probe.in_data == 0
            and measured["language"] == lang
            and answers
            and probe.mean_prob >= 0.5
            and probe.mean_prob >= 0.8 * demo.known.mean_prob,
            measured=measured,
        )


# ---- pre-training ------------------------------------------------------------------------------
def pretraining_claims() -> Iterator[Claim]:
    from app.views.pretraining import OVERFIT_SPEC

    spec = RunSpec()  # the page's defaults (its eval and sample cadence come from the steps)
    spec = replace(spec, eval_every=max(5, spec.steps // 20), sample_every=max(10, spec.steps // 6))
    t0 = time.perf_counter()
    job = drain(pretraining_job(spec))
    c = job.curves
    yield Claim(
        "pretraining",
        "the first sample appears by step 10",
        held=bool(c.samples) and c.samples[0][0] <= 10,
        measured={"first_sample_step": c.samples[0][0] if c.samples else None},
    )
    yield Claim(
        "pretraining",
        "the default run's validation loss falls well below where it starts",
        held=job.status == "done" and c.val_loss[-1] < 0.7 * c.val_loss[0],
        measured={
            "val_loss_first": round(c.val_loss[0], 3),
            "val_loss_last": round(c.val_loss[-1], 3),
            "seconds": round(time.perf_counter() - t0),
        },
    )
    t0 = time.perf_counter()
    over = drain(pretraining_job(OVERFIT_SPEC)).curves
    best = min(range(len(over.val_loss)), key=over.val_loss.__getitem__)
    yield Claim(
        "pretraining",
        "Show overfitting: validation loss turns up while training loss keeps falling",
        held=over.val_loss[-1] - over.val_loss[best] >= 0.05 and over.loss[-1] < over.loss[0] / 2,
        measured={
            "best_val_step": over.val_steps[best],
            "val_rise": round(over.val_loss[-1] - over.val_loss[best], 3),
            "seconds": round(time.perf_counter() - t0),
        },
    )
    hot = drain(pretraining_job(replace(spec, lr=1.0, steps=60)))
    yield Claim(
        "pretraining",
        "a learning rate far too high makes the loss explode; the run stops and says why",
        held=hot.status == "error" and "learning rate" in (hot.message or ""),
        measured={"status": hot.status, "step": hot.trainer.step, "message": hot.message},
    )


# ---- fine-tuning -------------------------------------------------------------------------------
def answer_form(reply: str, truth: str, lang: str) -> bool:
    """The reply has the form of the true answer: it starts with the character asked about
    and is one short sentence ("Noah went to the kitchen." for "Noah went to the stream.").

    >>> answer_form("Noah went to the kitchen.", "Noah went to the stream.", "en")
    True
    >>> answer_form("Once upon a time, there was a girl named", "Noah went to the stream.", "en")
    False
    """
    name = truth.split("は")[0] if lang == "ja" else truth.split()[0]
    return reply.startswith(name) and len(reply) <= 2 * len(truth)


def finetuning_claims(lm: LoadedModel) -> Iterator[Claim]:
    for lang in LANGS:
        questions = heldout_questions(lang, n=QUESTIONS)
        job = drain(fine_tune_job(lm, FineTuneSpec(lang=lang)))
        got = {}
        for name, model in (("before", lm.model), ("after", job.trainer.model.eval())):
            answers = [answer(model, lm.tokenizer, q.prompt, lang=lang) for q in questions]
            got[name] = {
                "exact_match": round(
                    sum(a == q.truth for a, q in zip(answers, questions, strict=True)) / QUESTIONS,
                    3,
                ),
                "answer_form": round(
                    sum(
                        answer_form(a, q.truth, lang)
                        for a, q in zip(answers, questions, strict=True)
                    )
                    / QUESTIONS,
                    3,
                ),
            }
        yield Claim(
            "finetuning",
            "after the default run the model replies in the answer form (one line about the "
            "asked-about character) far more often than before; whether the fact is right is "
            "reported beside it (the text says the form comes first)",
            lang,
            held=got["after"]["answer_form"] >= got["before"]["answer_form"] + 0.5,
            measured=got | {"questions": QUESTIONS},
        )


# ---- RLHF --------------------------------------------------------------------------------------
def rankings_for(lm: LoadedModel, lang: str) -> tuple[list[Pair], list[Pair], list]:
    """``N_RANKINGS`` rankings by the simulated rater at the page's default taste, of responses
    sampled as the page samples them."""
    rater = SimulatedRater(DEFAULTS.taste, lang)
    prompts = story_prompts(lang, 12)[:8]
    rankings = []
    for i in range(N_RANKINGS):
        prompt = random.Random(i * 1009).choice(prompts)
        samples = sample_responses(
            lm.model, lm.tokenizer, prompt, K, MAX_NEW_TOKENS, seed=i, lang=lang
        )
        rankings.append(rater.rank(prompt, [s.text for s in samples], seed=i))
    train, val = split_rankings(rankings)
    return train, val, rankings


def measure_policy(lm: LoadedModel, model: Any, lang: str) -> dict[str, float]:
    held = story_prompts(lang, 12)[8 : 8 + HELD_PROMPTS]
    share, samples = trait_rate(model, lm.tokenizer, held, DEFAULTS.taste, lang, n_per_prompt=8)
    return {"trait_share": round(share, 3)} | quality(lm, samples, lang)


DISTINCT_KEPT = 0.75  # of the reference model's distinct-2: below it, the text repeats itself
NLL_MARGIN = 1.5  # nats per token above the reference model's: the text has fallen apart


def holds_up(before: dict, after: dict) -> bool:
    """The update did what the page says without breaking the text: the trait share rose by
    30 points, ≥ 95 % of responses in the UI language, distinct-2 at least ``DISTINCT_KEPT``
    of the reference model's (relative: Japanese is counted in characters, whose bigrams
    repeat far more than words') and the reference NLL within ``NLL_MARGIN``."""
    return (
        after["trait_share"] >= before["trait_share"] + 0.30
        and after["in_language"] >= 0.95
        and after["distinct_2"] >= DISTINCT_KEPT * before["distinct_2"]
        and after["reference_nll"] <= before["reference_nll"] + NLL_MARGIN
    )


def degenerate(before: dict, after: dict) -> bool:
    """Reward hacking shows in the text: repetition or text the reference finds unlikely."""
    return (
        after["distinct_2"] < DISTINCT_KEPT * before["distinct_2"]
        or after["reference_nll"] > before["reference_nll"] + NLL_MARGIN
    )


def rlhf_claims(lm: LoadedModel) -> Iterator[Claim]:
    for lang in LANGS:
        train, val, rankings = rankings_for(lm, lang)
        before = measure_policy(lm, lm.model, lang)
        dpo = copy.deepcopy(lm.model)
        pairs = train + val
        list(
            dpo_update(
                dpo, lm.model, lm.tokenizer, pairs, beta=DEFAULTS.beta, steps=DEFAULTS.dpo_steps
            )
        )
        after = measure_policy(lm, dpo, lang)
        yield Claim(
            "rlhf",
            "DPO at its defaults raises the trait by 30 points or more, in the student's "
            "language, without breaking the text",
            lang,
            held=holds_up(before, after),
            measured={"before": before, "after": after},
        )
        rm = RewardModel(lm.model)
        list(train_reward_model(rm, lm.tokenizer, train, val, steps=DEFAULTS.rm_steps))
        prompts = story_prompts(lang, 12)[:8]
        results = {}
        for name, kl, steps in (("default", DEFAULTS.kl, DEFAULTS.rlhf_steps), ("kl_0", 0.0, 100)):
            policy = copy.deepcopy(lm.model)
            events = list(
                rlhf_update(
                    policy, lm.model, rm, lm.tokenizer, prompts, kl_coef=kl, steps=steps, lang=lang
                )
            )
            results[name] = measure_policy(lm, policy, lang) | {
                "final_kl": round(events[-1].kl, 2),
                # one step's mean of 16 samples is noisy: the last ten steps' mean
                "final_reward": round(float(np.mean([e.reward for e in events[-10:]])), 3),
            }
        d, z = results["default"], results["kl_0"]
        yield Claim(
            "rlhf",
            "RLHF at its defaults raises the trait by 30 points or more, in the student's "
            "language, without breaking the text or warning that the KL has grown large",
            lang,
            held=holds_up(before, d) and d["final_kl"] < KL_WARNING,
            measured={"before": before, "after": d},
        )
        hacked = degenerate(before, z)
        yield Claim(
            "rlhf",
            "with the KL penalty at 0 the reward keeps rising and the text degenerates (reward "
            "hacking) within the page's step limit",
            lang,
            held=hacked and z["final_reward"] > d["final_reward"],
            measured={"kl_0": z},
        )


GROUPS: dict[str, Callable[[LoadedModel], Iterator[Claim]]] = {
    "tokenization": tokenization_claims,
    "transformer": transformer_claims,
    "next_token": next_token_claims,
    "pretraining": lambda lm: pretraining_claims(),
    "finetuning": finetuning_claims,
    "rlhf": rlhf_claims,
}


def run(pages: list[str] | None = None) -> dict:
    """Check every claim (or only those of ``pages``, names from ``GROUPS``)."""
    torch.manual_seed(0)
    lm = load_model(DEFAULT_CHECKPOINT, device="cpu")
    t0 = time.perf_counter()
    claims: list[Claim] = []
    for name, group in GROUPS.items():
        if pages is None or name in pages:
            claims.extend(group(lm))
    failed = [c for c in claims if not c.held]
    as_dict: Callable[[Claim], dict] = lambda c: {  # noqa: E731
        "page": c.page,
        "lang": c.lang,
        "promise": c.promise,
        "held": c.held,
        "measured": c.measured,
    }
    return {
        "model": DEFAULT_CHECKPOINT.name,
        "claims": len(claims),
        "held": len(claims) - len(failed),
        "failed": [as_dict(c) for c in failed],
        "results": [as_dict(c) for c in claims],
        "seconds": round(time.perf_counter() - t0),
    }


if __name__ == "__main__":  # python -m bench.demos [page ...]: only those pages' claims
    import json
    import sys

    print(json.dumps(run(sys.argv[1:] or None), indent=2, ensure_ascii=False, default=str))
