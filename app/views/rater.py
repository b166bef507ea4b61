"""The simulated rater on the RLHF page: pick a taste, add many rankings at once.

Each ranking is sampled from this session's policy, ranked by ``models.preference.rater`` and
written to the database at once, like a student's.
"""

from __future__ import annotations

import random

import streamlit as st

from app.i18n import t
from app.ui.render import literal
from app.views.rlhf_state import (
    DEFAULTS,
    MAX_NEW_TOKENS,
    MINE,
    SIM_N,
    K,
    next_seed,
    policy,
    prompts,
    store_error_text,
)
from models.model.loading import LoadedModel
from models.preference.rankings import TASTES, Ranking
from models.preference.rater import SimulatedRater
from models.preference.responses import sample_responses
from models.storage.rankings_store import RankingStore, StoreError


def taste_label(taste: str) -> str:
    return t(f"rlhf.taste_{taste}")


def taste_picker(key: str = "rl_taste") -> str:
    labels = {x: taste_label(x) for x in TASTES}  # built now: format_func runs outside this run
    taste = st.selectbox(t("rlhf.sim_taste"), TASTES, format_func=labels.__getitem__, key=key)
    taste = taste or TASTES[0]
    st.caption(t("rlhf.taste_rule", rule=t(f"rlhf.rule_{taste}")))
    return taste


def simulate(
    db: RankingStore, lm: LoadedModel, lang: str, taste: str, n: int, class_code: str | None
) -> list[Ranking]:
    """``n`` rankings by the simulated rater, each stored at once; returns them."""
    rater, out = SimulatedRater(taste, lang), []
    model, _ = policy(lm)
    bar = st.progress(0.0, text=t("rlhf.sim_running"))
    base = next_seed()
    for j in range(n):
        prompt = random.Random(base + j).choice(prompts(lang)[:8])
        texts = [
            s.text
            for s in sample_responses(
                model, lm.tokenizer, prompt, K, MAX_NEW_TOKENS, seed=base + j, lang=lang
            )
        ]
        ranking = rater.rank(prompt, texts, seed=base + j)
        db.submit(ranking, class_code=class_code, lang=lang)
        out.append(ranking)
        bar.progress((j + 1) / n, text=t("rlhf.sim_running"))
    bar.empty()
    return out


def simulated_rater(db: RankingStore, lm: LoadedModel, lang: str) -> None:
    with st.container(border=True):
        st.markdown(f"**{t('rlhf.sim_title')}**")
        c1, c2 = st.columns([3, 2])
        with c1:
            taste = taste_picker()
        n = c2.number_input(t("rlhf.sim_n"), SIM_N.lo, SIM_N.hi, DEFAULTS.sim_n, key="rl_sim_n")
        if c2.button(t("rlhf.sim_add", n=n), key="rl_sim_add", icon=":material/smart_toy:"):
            try:
                added = simulate(db, lm, lang, taste, int(n), None)
            except StoreError as exc:
                st.error(store_error_text(exc))
            except ValueError as exc:
                st.error(literal(str(exc)))
            else:
                st.session_state.setdefault(MINE, []).extend(added)
                st.success(
                    t("rlhf.sim_added", n=len(added), pairs=sum(len(r.pairs()) for r in added))
                )
