"""The RLHF page's shared state: session keys, the rankings database, one-shot messages, the
model responses come from (this session's updated policy or the reference), the round being
ranked, and the URL parameters of the page's widgets.

What a user ranks is written to the database at once; what a user trains (reward model,
updated policy, running jobs) lives in this session's ``st.session_state`` only — the shared
reference model from the cache is never modified: every update trains a private copy. User and
model text reaches HTML only via ``app.ui.render``.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass

import streamlit as st

from app.i18n import t, ui_strings
from app.ui.render import escape_text, literal
from app.url_state import Choice, Float, Int, Page, Param
from models.model.loading import LoadedModel
from models.preference.prompts import story_prompts
from models.preference.rankings import TASTES, round_id
from models.preference.responses import sample_responses
from models.storage.rankings_store import RankingStore, StoreError, default_url

K = 4  # responses per prompt
MAX_NEW_TOKENS = 40
KL_WARNING = 5.0  # nats: past this the RLHF panel warns that the model has drifted far
COLLAPSE_CHARS = 160  # longer responses show their start and an expander

# session_state keys (everything a user ranks or trains is per session)
ROUND = "rl_round"  # the prompt and responses being ranked: dict
ITEMS = "rl_items"  # ranked response indices, best first
TIED = "rl_tied"  # indices tied with the one ranked just above them
ALL_BAD = "rl_all_bad"
MINE = "rl_mine"  # this session's rankings (also in the database): list[Ranking]
SOLO_ID = "rl_solo_id"
POLICY = "rl_policy"  # {"model", "method", "version", "base"} once updated
RM = "rl_rm"  # {"model", "acc", "n_val", "base"}
JOBS = {"rm": "rl_rm_job", "dpo": "rl_dpo_job", "rlhf": "rl_rlhf_job"}
CLASS = "rl_class"  # {"code", "student_id", "nickname"} when joined as a student
INSTRUCTOR = "rl_instructor"  # {"code", "passcode"} when the dashboard is open
MSG = "rl_msg"  # (kind, text) to show once after a callback
EDITOR_MSG = "rl_editor_msg"  # (kind, text): what became of the last submit, shown in the editor
SEED = "rl_seed"  # the next sampling seed of this session


@dataclass(frozen=True)
class Defaults:
    """What the page's widgets start at: the demo a class sees before touching anything (and
    what ``python -m bench demos`` checks the lesson's promises at)."""

    taste: str = "happy"
    sim_n: int = 10  # simulated rankings per click
    rm_steps: int = 40
    beta: float = 0.1
    dpo_steps: int = 60
    kl: float = 0.2
    rlhf_steps: int = 60


DEFAULTS = Defaults()
# The widgets' ranges, also what a link may set.
SIM_N = Int(1, 100)  # simulated rankings per click
RM_STEPS, DPO_STEPS, RLHF_STEPS = Int(10, 200), Int(10, 200), Int(5, 100)
BETA, KL = Float(0.01, 1.0), Float(0.0, 1.0)
URL = Page(
    "rlhf",
    (
        Param("taste", "rl_taste", Choice(TASTES)),
        Param("sim_n", "rl_sim_n", SIM_N),
        Param("rm_steps", "rl_rm_steps", RM_STEPS),
        Param("beta", "rl_beta", BETA),
        Param("dpo_steps", "rl_dpo_steps", DPO_STEPS),
        Param("kl", "rl_kl", KL),
        Param("rlhf_steps", "rl_rlhf_steps", RLHF_STEPS),
    ),
)


@st.cache_resource(show_spinner=False)
def get_store(url: str) -> RankingStore:
    """One store (engine and pool) per database and process; it keeps no per-user state."""
    return RankingStore(url)


def store() -> RankingStore | None:
    """The rankings database (``GLASSBOX_DB_URL``, default a SQLite file), or None with a message."""
    try:
        return get_store(default_url())
    except StoreError as exc:
        st.error(t("rlhf.db_error", error=str(exc)), icon=":material/database:")
        return None


def store_error_text(exc: StoreError) -> str:
    """A database refusal in the student's language (``rlhf.store.<code>``); the store's own
    English words where the case has no translation. Safe to show as Markdown."""
    key = f"rlhf.store.{exc.code}"
    if exc.code and key in ui_strings("en"):
        params = {k: literal(str(v)) for k, v in exc.params.items()}
        return t(key, **params)
    return literal(str(exc))


def flash(kind: str, text: str) -> None:
    st.session_state[MSG] = (kind, text)


def show_flash() -> None:
    kind, text = st.session_state.pop(MSG, (None, None))
    if kind:
        getattr(st, kind)(text)


def response_html(text: str) -> str:
    return (
        f"<div style='font-size:1.05rem;line-height:1.5'>{escape_text(text, keep_newlines=True)}"
        "</div>"
    )


def show_response(text: str) -> None:
    """A response, its start only when long (with an expander for the rest)."""
    if len(text) <= COLLAPSE_CHARS:
        st.markdown(response_html(text), unsafe_allow_html=True)
        return
    st.markdown(response_html(text[:COLLAPSE_CHARS] + " …"), unsafe_allow_html=True)
    with st.expander(t("rlhf.long_response")):
        st.markdown(response_html(text), unsafe_allow_html=True)


# ---- models of this session ------------------------------------------------------------------


def policy(lm: LoadedModel) -> tuple[object, str]:
    """The model responses come from: this session's updated copy, else the reference."""
    p = st.session_state.get(POLICY)
    if p is not None and p.get("base") == lm.identity:
        return p["model"], t("rlhf.policy_updated", method=p["method"])
    return lm.model, t("rlhf.policy_reference")


def policy_version() -> int:
    p = st.session_state.get(POLICY)
    return p["version"] if p else 0


def prompts(lang: str) -> list[str]:
    return story_prompts(lang, 12)


def rater_id() -> str:
    if SOLO_ID not in st.session_state:
        st.session_state[SOLO_ID] = uuid.uuid4().hex[:12]
    return f"solo:{st.session_state[SOLO_ID]}"


# ---- the round being ranked ------------------------------------------------------------------


def next_seed() -> int:
    """Seeds 0, 1, 2, … per session: a class sees the same prompts in the same order each time."""
    seed = st.session_state.get(SEED, 0)
    st.session_state[SEED] = seed + 1
    return seed * 1009


def new_round(lm: LoadedModel, lang: str, seed: int | None = None) -> None:
    """Draw a prompt and K responses from the current policy; clear the ranking."""
    seed = next_seed() if seed is None else seed
    prompt = random.Random(seed).choice(prompts(lang)[:8])
    model, _ = policy(lm)
    samples = sample_responses(model, lm.tokenizer, prompt, K, MAX_NEW_TOKENS, seed=seed, lang=lang)
    set_round(prompt, [s.text for s in samples], None, lang)


def set_round(prompt: str, responses: list[str], round_pk: int | None, lang: str) -> None:
    """Put ``responses`` (written in ``lang``) up to be ranked; clear the ranking."""
    st.session_state[ROUND] = {
        "prompt": prompt,
        "responses": list(responses),
        "fingerprint": round_id(prompt, responses),
        "round_pk": round_pk,
        "lang": lang,
    }
    st.session_state[ITEMS], st.session_state[TIED] = [], []
    st.session_state[ALL_BAD] = False
