"""Preference learning figures on the shipped model, CPU: what the RLHF page promises.

From 30 rankings by the simulated rater (taste "happy", English): the reward model's accuracy
on held-out pairs (goal ≥ 85 %), the share of responses with the trait before → after DPO and
after RLHF (goal: +30 points or more), and the wall time of each training (goal ≤ 60 s each).
The trait share is measured on story openings that no ranking used (32 samples per model,
fixed seeds, so before and after see the same random numbers).
"""

from __future__ import annotations

import copy
import time
from collections.abc import Iterator

import torch

from app.views.rlhf_state import DEFAULTS
from models.model.catalog import DEFAULT_CHECKPOINT
from models.model.loading import load_model
from models.preference.dpo import dpo_update
from models.preference.measure import trait_rate
from models.preference.prompts import story_prompts
from models.preference.rater import SimulatedRater
from models.preference.responses import sample_responses
from models.preference.reward_model import RewardModel, split_rankings, train_reward_model
from models.preference.rlhf import rlhf_update

TASTE, LANG, N_RANKINGS = "happy", "en", 30


def _drain(events: Iterator) -> list:
    return list(events)


def run() -> dict:
    torch.manual_seed(0)
    lm = load_model(DEFAULT_CHECKPOINT, device="cpu")
    tok = lm.tokenizer
    prompts = story_prompts(LANG, 12)
    train_prompts, held = prompts[:8], prompts[8:]
    rater = SimulatedRater(TASTE, LANG)
    t0 = time.perf_counter()
    rankings = []
    for i in range(N_RANKINGS):
        p = train_prompts[i % len(train_prompts)]
        texts = [s.text for s in sample_responses(lm.model, tok, p, 4, seed=i, lang=LANG)]
        rankings.append(rater.rank(p, texts, seed=i))
    rank_s = time.perf_counter() - t0
    train, val = split_rankings(rankings)

    t0 = time.perf_counter()
    rm = RewardModel(lm.model)
    rm_events = _drain(train_reward_model(rm, tok, train, val, steps=DEFAULTS.rm_steps))
    rm_s = time.perf_counter() - t0

    before, _ = trait_rate(lm.model, tok, held, TASTE, LANG)

    t0 = time.perf_counter()
    dpo_policy = copy.deepcopy(lm.model)
    dpo_events = _drain(
        dpo_update(
            dpo_policy, lm.model, tok, train + val, beta=DEFAULTS.beta, steps=DEFAULTS.dpo_steps
        )
    )
    dpo_s = time.perf_counter() - t0
    after_dpo, _ = trait_rate(dpo_policy, tok, held, TASTE, LANG)

    t0 = time.perf_counter()
    rl_policy = copy.deepcopy(lm.model)
    rl_events = _drain(
        rlhf_update(
            rl_policy,
            lm.model,
            rm,
            tok,
            train_prompts,
            kl_coef=DEFAULTS.kl,
            steps=DEFAULTS.rlhf_steps,
            lang=LANG,
        )
    )
    rl_s = time.perf_counter() - t0
    after_rl, _ = trait_rate(rl_policy, tok, held, TASTE, LANG)
    return {
        "setup": f"shipped model, simulated rater '{TASTE}' ({LANG}), {N_RANKINGS} rankings of 4 "
        f"responses; the page's defaults: reward model {DEFAULTS.rm_steps} steps; DPO beta "
        f"{DEFAULTS.beta}, {DEFAULTS.dpo_steps} steps; RLHF KL {DEFAULTS.kl}, "
        f"{DEFAULTS.rlhf_steps} steps × 2 prompts × 8 samples",
        "rankings": N_RANKINGS,
        "pairs": len(train) + len(val),
        "ranking_s": round(rank_s, 1),
        "reward_model_heldout_accuracy": round(rm_events[-1].val_acc or 0.0, 3),
        "heldout_pairs": len(val),
        "reward_model_s": round(rm_s, 1),
        "trait_rate_before": round(before, 3),
        "trait_rate_after_dpo": round(after_dpo, 3),
        "trait_rate_after_rlhf": round(after_rl, 3),
        "dpo_s": round(dpo_s, 1),
        "rlhf_s": round(rl_s, 1),
        "rlhf_final_kl": round(rl_events[-1].kl, 2),
        "dpo_final_pair_accuracy": round(dpo_events[-1].accuracy, 3),
        "goals": "held-out accuracy ≥ 0.85; trait rate +0.30 after DPO and after RLHF; ≤ 60 s each",
    }
