"""Training on the rankings: the reward model, then DPO or RLHF, each a live job on the page.

What training learns from is the pool: the class's rankings on the instructor's dashboard, else
this session's own. Every job trains a private copy (never the cached reference model) and runs
in ``app.ui.live.live_panel``; the updated policy replaces the reference for this session only.
"""

from __future__ import annotations

import copy

import streamlit as st

from app.i18n import number, percent, t
from app.ui.a11y import chart_with_table
from app.ui.charts import HORIZONTAL_LEGEND, go, styled
from app.ui.export import model_download
from app.ui.live import live_panel
from app.ui.palette import BLUE, GREEN, VERMILLION
from app.views.rlhf_state import (
    BETA,
    DEFAULTS,
    DPO_STEPS,
    INSTRUCTOR,
    JOBS,
    KL,
    KL_WARNING,
    MINE,
    POLICY,
    RLHF_STEPS,
    RM,
    RM_STEPS,
    ROUND,
    flash,
    policy_version,
    prompts,
    response_html,
    store_error_text,
)
from models.model.loading import LoadedModel
from models.preference.dpo import dpo_update
from models.preference.rankings import Ranking
from models.preference.reward_model import RewardModel, split_rankings, train_reward_model
from models.preference.rlhf import rlhf_update
from models.storage.rankings_store import RankingStore, StoreError
from models.training.jobs import Job


def pool(db: RankingStore | None) -> list[Ranking]:
    """What training learns from: the class's pooled rankings on the instructor's dashboard,
    else this session's own rankings."""
    ins = st.session_state.get(INSTRUCTOR)
    if ins and db is not None:
        try:
            return [s.ranking for s in db.rankings(ins["code"])]
        except StoreError as exc:
            st.error(store_error_text(exc))
            return []
    return list(st.session_state.get(MINE, []))


def pool_caption(rankings: list[Ranking]) -> None:
    n_pairs = sum(len(r.pairs()) for r in rankings)
    if not n_pairs:
        st.info(t("rlhf.pool_empty"), icon=":material/info:")
        return
    key = "rlhf.pool_class" if st.session_state.get(INSTRUCTOR) else "rlhf.pool_solo"
    st.caption(t(key, n=len(rankings), pairs=n_pairs))


Series = tuple[str, str, str, str]  # (event field, UI label key, colour, axis: "y" or "y2")


def job_chart(job: Job, key: str, alt: str, series: tuple[Series, ...], height: int = 300) -> None:
    """A line per series over the job's steps (points where the event has that field); a
    series on "y2" gets its own axis on the right (an accuracy on it: 0 … 1)."""
    fig = styled(
        go.Figure(),
        height=height,
        top=30,
        xaxis_title=t("rlhf.step"),
        yaxis_title=t(series[0][1]),
        legend=HORIZONTAL_LEGEND,
    )
    for field, label, colour, axis in series:
        points = [e for e in job.history if getattr(e, field) is not None]
        fig.add_scatter(
            x=[e.step for e in points],
            y=[getattr(e, field) for e in points],
            mode="lines+markers",
            name=t(label),
            line={"color": colour, "width": 3},
            yaxis=axis,
        )
        if axis == "y2" and points:
            right = {"overlaying": "y", "side": "right", "title": t(label), "showgrid": False}
            right |= {"tickmode": "auto", "nticks": 6}  # its own round ticks, not the left grid's
            if "acc" in field:  # a share of pairs: 0 … 100 %
                right |= {"range": [0, 1], "tickformat": ".0%"}
            fig.update_layout(yaxis2=right)
    chart_with_table(fig, key, alt=alt)


def _start(kind: str, job: Job, model: object, base: str, **recipe: object) -> None:
    """Keep ``job`` for ``live_panel``; ``meta`` holds the model it trains, the base's identity
    and the settings it was started with (``recipe``: for the model card)."""
    lang = recipe.pop("lang", None)
    job.meta.update(model=model, base=base, recipe=recipe, lang=lang)
    st.session_state[JOBS[kind]] = job


def _job_status(job: Job, progress_key: str) -> None:
    """The progress bar while ``job`` runs, its message if it failed."""
    h = job.history
    if job.status == "running" and h:
        st.progress(job.progress, text=t(progress_key, step=h[-1].step, steps=h[-1].total_steps))
    if job.status == "error":
        st.error(job.message)


def reward_section(db: RankingStore | None, lm: LoadedModel, rankings: list[Ranking]) -> None:
    pool_caption(rankings)
    c1, c2 = st.columns([2, 3])
    steps = c1.slider(
        t("rlhf.rm_steps"), RM_STEPS.lo, RM_STEPS.hi, DEFAULTS.rm_steps, 10, key="rl_rm_steps"
    )
    if c1.button(
        t("rlhf.rm_train"),
        key="rl_rm_train",
        type="primary",
        icon=":material/model_training:",
        disabled=not any(r.pairs() for r in rankings),
    ):
        train, val = split_rankings(rankings)
        reward_model = RewardModel(lm.model)
        job = Job(
            train_reward_model(reward_model, lm.tokenizer, train, val, steps=steps),
            meta={"n_val": len(val)},
        )
        _start("rm", job, reward_model, lm.identity)

    def draw(job: Job) -> None:
        _job_status(job, "rlhf.rm_progress")
        lines = (("loss", "rlhf.rm_loss", BLUE, "y"), ("val_acc", "rlhf.rm_acc", VERMILLION, "y2"))
        job_chart(job, "rl_rm_chart", t("rlhf.rm_chart_alt"), lines)

    def finish() -> None:
        job = st.session_state[JOBS["rm"]]
        accs = [e.val_acc for e in job.history if e.val_acc is not None]
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
            st.markdown(t("rlhf.rm_result", n=rm["n_val"], acc=percent(rm["acc"])))
        rnd = st.session_state.get(ROUND)
        if rnd:
            scores = rm["model"].score(
                lm.tokenizer, rnd["prompt"], rnd["responses"], rnd.get("lang")
            )
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
        last = job.history[-1] if job.history else None
        measured = {  # the last step's figures, for the model card
            k: round(v, 4) for k, v in vars(last).items() if isinstance(v, float)
        }
        st.session_state[POLICY] = {
            "model": job.meta["model"].eval(),
            "method": method,
            "base": job.meta["base"],
            "version": policy_version() + 1,
            "recipe": job.meta.get("recipe", {}),
            "measured": measured,
            "lang": job.meta.get("lang"),
        }
        flash("success", t("rlhf.update_done", method=method, s=number(job.elapsed_s, 1)))


def update_section(
    db: RankingStore | None, lm: LoadedModel, rankings: list[Ranking], lang: str
) -> None:
    pairs = [p for r in rankings for p in r.pairs()]
    left, right = st.columns(2)
    with left, st.container(border=True):
        st.markdown(f"**{t('rlhf.dpo_title')}**")
        beta = st.slider(
            t("rlhf.dpo_beta"),
            BETA.lo,
            BETA.hi,
            DEFAULTS.beta,
            0.01,
            key="rl_beta",
            help=t("rlhf.dpo_beta_help"),
        )
        steps = st.slider(
            t("rlhf.dpo_steps"),
            DPO_STEPS.lo,
            DPO_STEPS.hi,
            DEFAULTS.dpo_steps,
            10,
            key="rl_dpo_steps",
        )
        if st.button(t("rlhf.dpo_run"), key="rl_dpo_run", type="primary", disabled=not pairs):
            model = copy.deepcopy(lm.model).to(lm.device)
            _start(
                "dpo",
                Job(dpo_update(model, lm.model, lm.tokenizer, pairs, beta=beta, steps=steps)),
                model,
                lm.identity,
                beta=beta,
                steps=steps,
                pairs=len(pairs),
                lang=lang,
            )

        def draw_dpo(job: Job) -> None:
            _job_status(job, "rlhf.dpo_progress")
            lines = (("loss", "rlhf.dpo_loss", BLUE, "y"), ("accuracy", "rlhf.dpo_acc", GREEN, "y"))
            job_chart(job, "rl_dpo_chart", t("rlhf.dpo_chart_alt"), lines, 260)

        if st.session_state.get(JOBS["dpo"]):
            live_panel(JOBS["dpo"], draw_dpo, lambda: _finish_update("dpo", "DPO"))
    with right, st.container(border=True):
        st.markdown(f"**{t('rlhf.rlhf_title')}**")
        kl = st.slider(
            t("rlhf.rlhf_kl"),
            KL.lo,
            KL.hi,
            DEFAULTS.kl,
            0.01,
            key="rl_kl",
            help=t("rlhf.rlhf_kl_help"),
        )
        steps = st.slider(
            t("rlhf.rlhf_steps"),
            RLHF_STEPS.lo,
            RLHF_STEPS.hi,
            DEFAULTS.rlhf_steps,
            5,
            key="rl_rlhf_steps",
        )
        rm = st.session_state.get(RM) or {}
        ready = rm.get("base") == lm.identity
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
                lang=lang,
            )
            _start(
                "rlhf",
                Job(events),
                model,
                lm.identity,
                kl_coef=kl,
                steps=steps,
                rankings=len(rankings),
                lang=lang,
            )

        def draw_rlhf(job: Job) -> None:
            h = job.history
            _job_status(job, "rlhf.rlhf_progress")
            lines = (
                ("reward", "rlhf.rlhf_reward", GREEN, "y"),
                ("kl", "rlhf.rlhf_kl_axis", VERMILLION, "y2"),
            )
            job_chart(job, "rl_rlhf_chart", t("rlhf.rlhf_chart_alt"), lines, 260)
            if h:
                st.caption(t("rlhf.rlhf_sample", step=h[-1].step))
                st.markdown(response_html(h[-1].sample), unsafe_allow_html=True)
                if h[-1].kl > KL_WARNING:
                    st.warning(t("rlhf.overopt", kl=number(h[-1].kl, 1)))

        if st.session_state.get(JOBS["rlhf"]):
            live_panel(JOBS["rlhf"], draw_rlhf, lambda: _finish_update("rlhf", "RLHF"))
    if st.session_state.get(POLICY):
        model_download(lambda: policy_zip(lm, st.session_state[POLICY]), "rl_download")
        st.button(
            t("rlhf.reset_policy"),
            key="rl_reset_policy",
            icon=":material/undo:",
            on_click=lambda: st.session_state.pop(POLICY, None),
        )


def policy_zip(lm: LoadedModel, policy: dict) -> bytes:
    """The updated policy as a zipped Hugging Face folder, with a card that names its base
    model, the method and settings, and the last step's figures."""
    from models.model.loading import zip_model
    from models.training.card import session_card

    method = policy["method"]
    rows = [("method", method)]
    rows += [(k.replace("_", " "), f"`{v}`") for k, v in policy["recipe"].items()]
    rows += [(f"last {k}", f"{v:g}") for k, v in policy["measured"].items()]
    card = session_card(
        f"Glassbox {method} model",
        f"{lm.name}, updated in Glassbox by {method} on a class's rankings of its answers.",
        langs=[policy["lang"]],
        tags=[method.lower(), "preference-learning"],
        rows=rows,
        model=policy["model"],
        tokenizer=lm.tokenizer,
        base_model=lm.name,
    )
    return zip_model(policy["model"], lm.tokenizer, card)
