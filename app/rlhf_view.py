"""Streamlit pieces of the RLHF page: ranking, reward model, DPO / RLHF, before and after.

Computing lives in ``models.preference`` (rater, reward model, updates) and
``models.rankings_db`` (the database). What a user ranks is written to the database at once;
what a user trains (reward model, updated policy, running jobs) lives in this session's
``st.session_state`` only — the shared reference model from the cache is never modified:
every update trains a private copy. User and model text reaches HTML only via ``app.render``.
"""

from __future__ import annotations

import copy
import random
import uuid

import streamlit as st

from app.a11y import chart_with_table
from app.i18n import t
from app.plotting import go
from app.render import OKABE_ITO, escape_text
from app.training_view import FONT, live_panel
from models.model import LoadedModel
from models.preference import (
    TASTES,
    Job,
    RewardModel,
    SimulatedRater,
    dpo_update,
    next_token_shift,
    rlhf_update,
    sample_responses,
    split_rankings,
    story_prompts,
    train_reward_model,
    trait_rate,
)
from models.rankings import Ranking, round_id
from models.rankings_db import RankingStore, StoreError, default_url

K = 4  # responses per prompt
MAX_NEW_TOKENS = 40
COLLAPSE_CHARS = 160  # longer responses show their start and an expander
ICON_ONLY = ("up", "down", "tie", "rm")  # ranked rows' buttons: icon shown, label for readers

# session_state keys (everything a user ranks or trains is per session)
ROUND = "rl_round"  # the prompt and responses being ranked: dict
ITEMS = "rl_items"  # ranked response indices, best first
TIED = "rl_tied"  # indices tied with the one ranked just above them
ALL_BAD = "rl_all_bad"
MINE = "rl_mine"  # this session's rankings (also in the database): list[Ranking]
SOLO_ID = "rl_solo_id"
POLICY = "rl_policy"  # {"model", "method", "version"} once updated
RM = "rl_rm"  # {"model", "acc", "n_val"}
JOBS = {"rm": "rl_rm_job", "dpo": "rl_dpo_job", "rlhf": "rl_rlhf_job"}
CLASS = "rl_class"  # {"code", "student_id", "nickname"} when joined as a student
INSTRUCTOR = "rl_instructor"  # {"code", "passcode"} when the dashboard is open
MSG = "rl_msg"  # (kind, text) to show once after a callback
SEED = "rl_seed"  # the next sampling seed of this session

TELLING = {  # a prompt whose next token shows the taste
    "happy": {"en": "In the end, Tom felt", "de": "Am Ende war Tom sehr", "ja": "さいごに、ユイは"},
    "animals": {
        "en": "Near a tree, Tom saw a",
        "de": "Unter einem Baum sah Tom",
        "ja": "木の近くで、ユイは",
    },
    "short": {"en": "Tom went home.", "de": "Tom ging nach Hause.", "ja": "ユイは家に帰った。"},
    "polite": {"en": "Tom said", "de": "Tom sagte", "ja": "ユイは公園へ行き"},
}


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
    texts = [
        s.text for s in sample_responses(model, lm.tokenizer, prompt, K, MAX_NEW_TOKENS, seed=seed)
    ]
    set_round(prompt, texts, None)


def set_round(prompt: str, responses: list[str], round_pk: int | None) -> None:
    st.session_state[ROUND] = {
        "prompt": prompt,
        "responses": list(responses),
        "fingerprint": round_id(prompt, responses),
        "round_pk": round_pk,
    }
    st.session_state[ITEMS], st.session_state[TIED] = [], []
    st.session_state[ALL_BAD] = False


def groups(items: list[int], tied: list[int]) -> list[list[int]]:
    """Ranked items (best first) with tie marks → groups of the ranking.

    >>> groups([2, 0, 3, 1], [3])
    [[2], [0, 3], [1]]
    """
    out: list[list[int]] = []
    for i in items:
        if out and i in tied:
            out[-1].append(i)
        else:
            out.append([i])
    return out


def _rank_next(i: int) -> None:
    if i not in st.session_state[ITEMS]:
        st.session_state[ITEMS].append(i)


def _move(i: int, delta: int) -> None:
    items = st.session_state[ITEMS]
    a = items.index(i)
    b = a + delta
    if 0 <= b < len(items):
        items[a], items[b] = items[b], items[a]


def _toggle_tie(i: int) -> None:
    tied = st.session_state[TIED]
    if i in tied:
        tied.remove(i)
    else:
        tied.append(i)


def _remove(i: int) -> None:
    st.session_state[ITEMS].remove(i)
    if i in st.session_state[TIED]:
        st.session_state[TIED].remove(i)


def submit_ranking(db: RankingStore, shown: str, lang: str) -> None:
    """Store the ranking being edited; refuses a stale or incomplete form, writes nothing then."""
    rnd = st.session_state.get(ROUND)
    if rnd is None or rnd["fingerprint"] != shown:
        flash("warning", t("rlhf.stale"))
        return
    items, k = st.session_state[ITEMS], len(rnd["responses"])
    if len(items) != k:
        flash("warning", t("rlhf.incomplete", k=k, n=k - len(items)))
        return
    cls = st.session_state.get(CLASS)
    try:
        ranking = Ranking(
            rnd["prompt"],
            tuple(rnd["responses"]),
            tuple(map(tuple, groups(items, st.session_state[TIED]))),
            bool(st.session_state.get(ALL_BAD)),
            cls["nickname"] if cls else rater_id(),
        )
        pk = db.submit(
            ranking,
            class_code=cls["code"] if cls and rnd["round_pk"] else None,
            student_id=cls["student_id"] if cls and rnd["round_pk"] else None,
            round_pk=rnd["round_pk"],
            lang=lang,
        )
    except (StoreError, ValueError) as exc:
        flash("error", str(exc))
        return
    st.session_state.setdefault(MINE, []).append(ranking)
    flash("success", t("rlhf.stored", id=pk, pairs=len(ranking.pairs())))
    st.session_state.pop(ROUND, None)  # the next prompt is drawn on the next run


def icon_only_css(n: int) -> str:
    """A style that hides the labels of the ranked rows' move/tie/remove buttons from sight but
    not from screen readers (the icon shows; the label is the button's accessible name).

    Built from constants and integers only. The selectors name each button exactly: a prefix
    match would also hide ``rl_rm_train``'s label.

    >>> icon_only_css(1).count(".st-key-rl_")
    4
    """
    keys = ", ".join(f".st-key-rl_{what}_{i}" for i in range(n) for what in ICON_ONLY)
    return (
        f"<style>:is({keys}) [data-testid='stMarkdownContainer']"
        "{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;"
        "clip:rect(0 0 0 0);white-space:nowrap;border:0}</style>"
    )


def ranking_editor(db: RankingStore) -> None:
    """The prompt, the ranked list (move, tie, remove), the unranked responses, submit."""
    rnd = st.session_state.get(ROUND)
    if rnd is None:  # just submitted: the page (not only this fragment) draws the next round
        st.rerun(scope="app")
    responses, items, tied = rnd["responses"], st.session_state[ITEMS], st.session_state[TIED]
    if items:
        st.html(icon_only_css(len(responses)))
    st.markdown(f"**{t('rlhf.prompt')}**")
    st.markdown(
        f"<div style='border-left:4px solid {OKABE_ITO[4]};padding-left:10px;font-size:1.05rem'>"
        f"{escape_text(rnd['prompt'], keep_newlines=True)}</div>",
        unsafe_allow_html=True,
    )
    if items:
        st.markdown(f"**{t('rlhf.your_ranking')}**")
    place = 0
    for pos, i in enumerate(items):
        is_tie = pos > 0 and i in tied
        place += 0 if is_tie else 1
        label, body, b1, b2, b3, b4 = st.columns([0.6, 6, 0.6, 0.6, 0.6, 0.6])
        label.markdown(
            f"### {t('rlhf.place_n', n=place)}" + (f" _{t('rlhf.tie_mark')}_" if is_tie else "")
        )
        with body:
            st.caption(t("rlhf.response_n", n=i + 1))
            show_response(responses[i])
        b1.button(
            t("rlhf.move_up"),
            icon=":material/arrow_upward:",
            key=f"rl_up_{i}",
            help=t("rlhf.move_up"),
            on_click=_move,
            args=(i, -1),
            disabled=pos == 0,
        )
        b2.button(
            t("rlhf.move_down"),
            icon=":material/arrow_downward:",
            key=f"rl_down_{i}",
            help=t("rlhf.move_down"),
            on_click=_move,
            args=(i, 1),
            disabled=pos == len(items) - 1,
        )
        b3.button(
            t("rlhf.untie" if is_tie else "rlhf.tie_with_above"),
            icon=":material/drag_handle:",
            key=f"rl_tie_{i}",
            help=t("rlhf.untie" if is_tie else "rlhf.tie_with_above"),
            on_click=_toggle_tie,
            args=(i,),
            disabled=pos == 0,
            type="primary" if is_tie else "secondary",
        )
        b4.button(
            t("rlhf.remove"),
            icon=":material/close:",
            key=f"rl_rm_{i}",
            help=t("rlhf.remove"),
            on_click=_remove,
            args=(i,),
        )
    rest = [i for i in range(len(responses)) if i not in items]
    if rest:
        st.markdown(f"**{t('rlhf.unranked')}**")
    for i in rest:
        body, b = st.columns([7.4, 1.6])
        with body:
            st.caption(t("rlhf.response_n", n=i + 1))
            show_response(responses[i])
        b.button(
            t("rlhf.rank_next"),
            key=f"rl_pick_{i}",
            help=t("rlhf.rank_next_help"),
            on_click=_rank_next,
            args=(i,),
            icon=":material/add:",
        )
    st.checkbox(t("rlhf.all_bad"), key=ALL_BAD, help=t("rlhf.all_bad_help"))
    complete = not rest
    if complete:
        n_pairs = len(
            Ranking(rnd["prompt"], tuple(responses), tuple(map(tuple, groups(items, tied)))).pairs()
        )
        st.caption(t("rlhf.pairs_preview", pairs=n_pairs))
    st.button(
        t("rlhf.submit"),
        type="primary",
        key=f"rl_submit_{rnd['fingerprint']}",
        help=t("rlhf.submit_help"),
        on_click=submit_ranking,
        args=(db, rnd["fingerprint"], st.session_state.get("lang", "en")),
        disabled=not complete,
        icon=":material/how_to_vote:",
    )


# ---- the simulated rater ---------------------------------------------------------------------


def taste_label(taste: str) -> str:
    return t(f"rlhf.taste_{taste}")


def taste_picker(key: str = "rl_taste") -> str:
    labels = {x: taste_label(x) for x in TASTES}  # built now: format_func runs outside this run
    taste = st.selectbox(t("rlhf.sim_taste"), TASTES, format_func=labels.get, key=key)
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
            for s in sample_responses(model, lm.tokenizer, prompt, K, MAX_NEW_TOKENS, seed=base + j)
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
        n = c2.number_input(t("rlhf.sim_n"), 1, 100, 10, key="rl_sim_n")
        if c2.button(t("rlhf.sim_add", n=n), key="rl_sim_add", icon=":material/smart_toy:"):
            try:
                added = simulate(db, lm, lang, taste, int(n), None)
            except (StoreError, ValueError) as exc:
                st.error(str(exc))
            else:
                st.session_state.setdefault(MINE, []).extend(added)
                st.success(
                    t("rlhf.sim_added", n=len(added), pairs=sum(len(r.pairs()) for r in added))
                )


# ---- training on the pool --------------------------------------------------------------------


def pool(db: RankingStore | None) -> list[Ranking]:
    """What training learns from: the class's pooled rankings on the instructor's dashboard,
    else this session's own rankings."""
    ins = st.session_state.get(INSTRUCTOR)
    if ins and db is not None:
        try:
            return [s.ranking for s in db.rankings(ins["code"])]
        except StoreError as exc:
            st.error(str(exc))
            return []
    return list(st.session_state.get(MINE, []))


def pool_caption(rankings: list[Ranking]) -> None:
    n_pairs = sum(len(r.pairs()) for r in rankings)
    if not n_pairs:
        st.info(t("rlhf.pool_empty"), icon=":material/info:")
        return
    key = "rlhf.pool_class" if st.session_state.get(INSTRUCTOR) else "rlhf.pool_solo"
    st.caption(t(key, n=len(rankings), pairs=n_pairs))


def _line(fig: go.Figure, xs: list, ys: list, name: str, colour: str, axis: str = "y") -> None:
    fig.add_scatter(
        x=xs, y=ys, mode="lines+markers", name=name, line={"color": colour, "width": 3}, yaxis=axis
    )


def _figure(title_y: str, height: int = 300) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(
        height=height,
        font=FONT,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        xaxis_title=t("rlhf.step"),
        yaxis_title=title_y,
        legend={"orientation": "h", "y": 1.15},
    )
    return fig


def _start(kind: str, job: Job, model: object, base: str) -> None:
    """Keep ``job`` for ``live_panel``; ``meta`` holds the model it trains and the base's identity."""
    job.meta.update(model=model, base=base)
    st.session_state[JOBS[kind]] = job


def _job_status(job: Job, progress_key: str) -> None:
    """The progress bar while ``job`` runs, its message if it failed."""
    h = job.history
    if job.status == "running" and h:
        st.progress(job.progress, text=t(progress_key, step=h[-1]["step"], steps=h[-1]["steps"]))
    if job.status == "error":
        st.error(job.message)


def reward_section(db: RankingStore | None, lm: LoadedModel, rankings: list[Ranking]) -> None:
    pool_caption(rankings)
    c1, c2 = st.columns([2, 3])
    steps = c1.slider(t("rlhf.rm_steps"), 10, 200, 40, 10, key="rl_rm_steps")
    if c1.button(
        t("rlhf.rm_train"),
        key="rl_rm_train",
        type="primary",
        icon=":material/model_training:",
        disabled=not any(r.pairs() for r in rankings),
    ):
        train, val = split_rankings(rankings)
        rm = RewardModel(lm.model)
        job = Job(
            train_reward_model(rm, lm.tokenizer, train, val, steps=steps), meta={"n_val": len(val)}
        )
        _start("rm", job, rm, lm.identity)

    def draw(job: Job) -> None:
        h = job.history
        _job_status(job, "rlhf.rm_progress")
        fig = _figure(t("rlhf.rm_loss"))
        _line(fig, [e["step"] for e in h], [e["loss"] for e in h], t("rlhf.rm_loss"), OKABE_ITO[4])
        acc = [e for e in h if e.get("val_acc") is not None]
        if acc:
            fig.update_layout(
                yaxis2={
                    "overlaying": "y",
                    "side": "right",
                    "range": [0, 1],
                    "title": t("rlhf.rm_acc"),
                }
            )
            _line(
                fig,
                [e["step"] for e in acc],
                [e["val_acc"] for e in acc],
                t("rlhf.rm_acc"),
                OKABE_ITO[5],
                "y2",
            )
        chart_with_table(fig, "rl_rm_chart", alt=t("rlhf.rm_chart_alt"))

    def finish() -> None:
        job = st.session_state[JOBS["rm"]]
        accs = [e["val_acc"] for e in job.history if e.get("val_acc") is not None]
        st.session_state[RM] = {
            "model": job.meta["model"],
            "acc": accs[-1] if accs else None,
            "n_val": job.meta["n_val"],
            "base": job.meta["base"],
        }

    with c2:
        if st.session_state.get(JOBS["rm"]):
            live_panel(JOBS["rm"], draw, finish)
    rm = st.session_state.get(RM)
    if rm and rm["base"] == lm.identity:
        if rm["acc"] is None:
            st.caption(t("rlhf.rm_no_holdout"))
        else:
            st.markdown(t("rlhf.rm_result", n=rm["n_val"], acc=f"{rm['acc']:.0%}"))
        rnd = st.session_state.get(ROUND)
        if rnd:
            scores = rm["model"].score(lm.tokenizer, rnd["prompt"], rnd["responses"])
            st.markdown(f"**{t('rlhf.rm_scores')}**")
            st.dataframe(
                {
                    t("rlhf.response_n", n=""): [i + 1 for i in range(len(scores))],
                    t("rlhf.reward"): [round(s, 3) for s in scores],
                },
                hide_index=True,
            )


def _finish_update(kind: str, method: str) -> None:
    job = st.session_state[JOBS[kind]]
    if job.status == "done":
        st.session_state[POLICY] = {
            "model": job.meta["model"].eval(),
            "method": method,
            "base": job.meta["base"],
            "version": policy_version() + 1,
        }
        flash("success", t("rlhf.update_done", method=method, s=job.elapsed_s))


def update_section(
    db: RankingStore | None, lm: LoadedModel, rankings: list[Ranking], lang: str
) -> None:
    pairs = [p for r in rankings for p in r.pairs()]
    left, right = st.columns(2)
    with left, st.container(border=True):
        st.markdown(f"**{t('rlhf.dpo_title')}**")
        beta = st.slider(
            t("rlhf.dpo_beta"), 0.01, 1.0, 0.1, 0.01, key="rl_beta", help=t("rlhf.dpo_beta_help")
        )
        steps = st.slider(t("rlhf.dpo_steps"), 10, 200, 40, 10, key="rl_dpo_steps")
        if st.button(t("rlhf.dpo_run"), key="rl_dpo_run", type="primary", disabled=not pairs):
            model = copy.deepcopy(lm.model).to(lm.device)
            _start(
                "dpo",
                Job(dpo_update(model, lm.model, lm.tokenizer, pairs, beta=beta, steps=steps)),
                model,
                lm.identity,
            )

        def draw_dpo(job: Job) -> None:
            h = job.history
            _job_status(job, "rlhf.dpo_progress")
            fig = _figure(t("rlhf.dpo_loss"), 260)
            _line(
                fig,
                [e["step"] for e in h],
                [e["loss"] for e in h],
                t("rlhf.dpo_loss"),
                OKABE_ITO[4],
            )
            _line(
                fig,
                [e["step"] for e in h],
                [e["accuracy"] for e in h],
                t("rlhf.dpo_acc"),
                OKABE_ITO[2],
            )
            chart_with_table(fig, "rl_dpo_chart", alt=t("rlhf.dpo_chart_alt"))

        if st.session_state.get(JOBS["dpo"]):
            live_panel(JOBS["dpo"], draw_dpo, lambda: _finish_update("dpo", "DPO"))
    with right, st.container(border=True):
        st.markdown(f"**{t('rlhf.rlhf_title')}**")
        kl = st.slider(
            t("rlhf.rlhf_kl"), 0.0, 1.0, 0.1, 0.01, key="rl_kl", help=t("rlhf.rlhf_kl_help")
        )
        steps = st.slider(t("rlhf.rlhf_steps"), 5, 100, 30, 5, key="rl_rlhf_steps")
        rm = st.session_state.get(RM)
        ready = rm is not None and rm["base"] == lm.identity
        if not ready:
            st.caption(t("rlhf.rlhf_needs_rm"))
        if st.button(t("rlhf.rlhf_run"), key="rl_rlhf_run", type="primary", disabled=not ready):
            model = copy.deepcopy(lm.model).to(lm.device)
            events = rlhf_update(
                model,
                lm.model,
                rm["model"],
                lm.tokenizer,
                prompts(lang)[:8],
                kl_coef=kl,
                steps=steps,
            )
            _start("rlhf", Job(events), model, lm.identity)

        def draw_rlhf(job: Job) -> None:
            h = job.history
            _job_status(job, "rlhf.rlhf_progress")
            fig = _figure(t("rlhf.rlhf_reward"), 260)
            xs = [e["step"] for e in h]
            _line(fig, xs, [e["reward"] for e in h], t("rlhf.rlhf_reward"), OKABE_ITO[2])
            fig.update_layout(
                yaxis2={"overlaying": "y", "side": "right", "title": t("rlhf.rlhf_kl_axis")}
            )
            _line(fig, xs, [e["kl"] for e in h], t("rlhf.rlhf_kl_axis"), OKABE_ITO[5], "y2")
            chart_with_table(fig, "rl_rlhf_chart", alt=t("rlhf.rlhf_chart_alt"))
            if h:
                st.caption(t("rlhf.rlhf_sample", step=h[-1]["step"]))
                st.markdown(response_html(h[-1]["sample"]), unsafe_allow_html=True)
                if h[-1]["kl"] > 5:
                    st.warning(t("rlhf.overopt", kl=h[-1]["kl"]))

        if st.session_state.get(JOBS["rlhf"]):
            live_panel(JOBS["rlhf"], draw_rlhf, lambda: _finish_update("rlhf", "RLHF"))
    if st.session_state.get(POLICY):
        st.button(
            t("rlhf.reset_policy"),
            key="rl_reset_policy",
            icon=":material/undo:",
            on_click=lambda: st.session_state.pop(POLICY, None),
        )


# ---- before and after ------------------------------------------------------------------------


def before_after(lm: LoadedModel, lang: str, taste: str) -> None:
    p = st.session_state.get(POLICY)
    if not p or p["base"] != lm.identity:
        st.info(t("rlhf.no_update"), icon=":material/info:")
        return
    held = prompts(lang)[8:12]
    cache_key = ("rl_compare", p["version"], lang, taste)
    if st.session_state.get("rl_compare_key") != cache_key:
        with st.spinner(t("rlhf.measuring")):
            before, s0 = trait_rate(lm.model, lm.tokenizer, held, taste, lang, n_per_prompt=4)
            after, s1 = trait_rate(p["model"], lm.tokenizer, held, taste, lang, n_per_prompt=4)
        st.session_state["rl_compare"] = (before, after, s0, s1)
        st.session_state["rl_compare_key"] = cache_key
    before, after, s0, s1 = st.session_state["rl_compare"]
    st.markdown(
        t(
            "rlhf.trait_share",
            taste=taste_label(taste),
            before=f"{before:.0%}",
            after=f"{after:.0%}",
            n=len(s0),
        )
    )
    st.markdown(f"**{t('rlhf.compare_prompts')}**")
    for j, prompt in enumerate(held):
        with st.container(border=True):
            st.markdown(response_html(prompt), unsafe_allow_html=True)
            a, b = st.columns(2)
            a.caption(t("rlhf.reference_col"))
            with a:
                show_response(s0[j * 4].text)
            b.caption(t("rlhf.policy_col"))
            with b:
                show_response(s1[j * 4].text)
    st.markdown(f"**{t('rlhf.next_token_title')}**")
    telling = st.text_input(
        t("rlhf.telling_prompt"), TELLING[taste][lang], key=f"rl_telling_{taste}_{lang}"
    )
    rows = next_token_shift(lm.model, p["model"], lm.tokenizer, telling or " ", k=6)
    labels = [repr(tok)[1:-1] for tok, _, _ in rows]
    fig = go.Figure()
    fig.add_bar(
        y=labels,
        x=[b for _, b, _ in rows],
        orientation="h",
        name=t("rlhf.prob_before"),
        marker_color=OKABE_ITO[0],
    )
    fig.add_bar(
        y=labels,
        x=[a for _, _, a in rows],
        orientation="h",
        name=t("rlhf.prob_after"),
        marker_color=OKABE_ITO[4],
    )
    fig.update_layout(
        height=60 + 36 * len(rows),
        font=FONT,
        barmode="group",
        xaxis_title=t("rlhf.probability"),
        yaxis={"autorange": "reversed"},
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "y": 1.1},
    )
    chart_with_table(
        fig, "rl_shift_chart", alt=t("rlhf.next_token_title"), index_name=t("a11y.token")
    )


def quiz() -> None:
    """One check-your-understanding question with feedback for each answer."""
    options = ("a", "b", "c")
    names = {o: t(f"rlhf.quiz.option_{o}") for o in options}
    answer = st.radio(
        t("rlhf.quiz.question"), options, index=None, key="rl_quiz", format_func=names.get
    )
    if answer is not None:
        right = answer == t("rlhf.quiz.correct")
        (st.success if right else st.error)(t(f"rlhf.quiz.feedback_{answer}"))
