"""The instructor's live dashboard: the join link and QR code, publishing rounds, simulated
rankings for the class, live counts and agreement, the most disputed pairs, exports, archive
and close. Nicknames reach the screen only escaped (HTML) or as table cells (never Markdown).
"""

from __future__ import annotations

import random

import segno
import streamlit as st

from app.i18n import number, percent, t
from app.ui.a11y import data_table
from app.views.class_mode import instructor_forms, join_form
from app.views.rater import simulate, taste_picker
from app.views.rlhf_state import (
    CLASS,
    DEFAULTS,
    INSTRUCTOR,
    MAX_NEW_TOKENS,
    SIM_N,
    K,
    flash,
    next_seed,
    policy,
    policy_version,
    prompts,
    response_html,
    show_response,
    store_error_text,
)
from models.model.loading import LoadedModel
from models.preference.responses import sample_responses
from models.storage.rankings_store import AccessDenied, RankingStore, StoreError

ROUND_PROMPTS = 3  # prompts per published round
DASH_REFRESH_S = 3.0


def join_qr_svg(url: str) -> str:
    """The join link as an inline SVG QR code, for the instructor to put on the projector."""
    return segno.make(url, error="m").svg_inline(scale=6, border=2)


def join_link(code: str) -> str:
    base = ""
    try:
        base = (st.context.url or "").split("?")[0]
    except AttributeError:  # older Streamlit: a relative link still works
        pass
    return f"{base}?class={code}"


def _guarded(action, *args) -> bool:
    """Run an instructor action; a wrong passcode or a database problem becomes a message."""
    try:
        action(*args)
    except AccessDenied:
        flash("error", t("rlhf.bad_passcode"))
        return False
    except StoreError as exc:
        flash("error", store_error_text(exc))
        return False
    return True


def publish_round(db: RankingStore, lm: LoadedModel, lang: str) -> None:
    ins = st.session_state[INSTRUCTOR]
    model, _ = policy(lm)
    base = next_seed()
    chosen = random.Random(base).sample(prompts(lang)[:8], ROUND_PROMPTS)
    for j, prompt in enumerate(chosen):
        texts = [
            s.text
            for s in sample_responses(
                model, lm.tokenizer, prompt, K, MAX_NEW_TOKENS, seed=base + j, lang=lang
            )
        ]
        if not _guarded(
            db.publish_round, ins["code"], ins["passcode"], prompt, texts, lang, policy_version()
        ):
            return
    flash("success", t("rlhf.published", n=len(chosen)))


def dashboard(db: RankingStore, lm: LoadedModel, lang: str) -> None:
    ins = st.session_state[INSTRUCTOR]
    code = ins["code"]
    st.markdown(t("rlhf.logged_in", code=code))
    link = join_link(code)
    c1, c2 = st.columns([3, 1])
    with c1:
        st.markdown(t("rlhf.created", code=code))
        st.code(link, language=None)
    try:
        c2.image(join_qr_svg(link).encode(), caption=t("rlhf.qr_caption"), width=140)
    except Exception:  # noqa: BLE001 - a QR code is a nicety; the link above is enough
        pass
    b1, b2, b3 = st.columns(3)
    if b1.button(t("rlhf.publish", n=ROUND_PROMPTS), key="rl_publish", icon=":material/campaign:"):
        with st.spinner(t("rlhf.sampling")):
            publish_round(db, lm, lang)
        st.rerun()
    with b2.popover(t("rlhf.dash_sim"), icon=":material/smart_toy:"):
        taste = taste_picker("rl_dash_taste")
        n = st.number_input(
            t("rlhf.sim_n"), SIM_N.lo, SIM_N.hi, DEFAULTS.sim_n, key="rl_dash_sim_n"
        )
        if st.button(t("rlhf.sim_add", n=n), key="rl_dash_sim_add"):
            try:
                db.class_info(code)
                if not db.verify_passcode(code, ins["passcode"]):
                    raise AccessDenied("wrong passcode")
                added = simulate(db, lm, lang, taste, int(n), code)
                st.success(
                    t("rlhf.sim_added", n=len(added), pairs=sum(len(r.pairs()) for r in added))
                )
            except AccessDenied:
                st.error(t("rlhf.bad_passcode"))
            except StoreError as exc:
                st.error(store_error_text(exc))
    b3.button(
        t("rlhf.logout"),
        key="rl_logout",
        on_click=lambda: st.session_state.pop(INSTRUCTOR, None),
    )

    @st.fragment(run_every=DASH_REFRESH_S)
    def live() -> None:
        try:
            counts = db.per_student_counts(code)
            total = db.count(code)
            agree = db.agreement(code)
            disputed = db.disputed_pairs(code, 3)
            jsonl = db.export_jsonl(code, ins["passcode"])
            csv = db.export_csv(code, ins["passcode"])
        except AccessDenied:
            st.error(t("rlhf.bad_passcode"))
            return
        except StoreError as exc:
            st.error(store_error_text(exc))
            return
        # The exports are read with the figures, in this refresh: what is downloaded is what
        # the dashboard shows, never the data of the last full run of the page.
        e1, e2 = st.columns(2)
        e1.download_button(
            t("rlhf.export_jsonl"),
            jsonl,
            f"glassbox-{code}-pairs.jsonl",
            "application/jsonl",
            key="rl_export_jsonl",
            on_click="ignore",
            icon=":material/download:",
        )
        e2.download_button(
            t("rlhf.export_csv"),
            csv,
            f"glassbox-{code}-rankings.csv",
            "text/csv",
            key="rl_export_csv",
            on_click="ignore",
            icon=":material/download:",
        )
        m1, m2, m3, m4 = st.columns(4)
        m1.metric(t("rlhf.dash_total"), total)
        m2.metric(t("rlhf.dash_students"), len(counts))
        m3.metric(t("rlhf.dash_agreement"), "–" if agree.rate is None else percent(agree.rate))
        m4.metric(
            t("rlhf.dash_tau"),
            "–" if agree.mean_tau is None else number(agree.mean_tau, 2, signed=True),
        )
        if not total:
            st.caption(t("rlhf.dash_none"))
            return
        if counts:
            st.markdown(f"**{t('rlhf.dash_counts')}**")
            st.bar_chart(counts, horizontal=True, height=40 + 28 * len(counts))
            data_table(
                "rl_dash_counts_table",
                t("rlhf.dash_counts"),
                {t("rlhf.nickname"): list(counts), t("rlhf.dash_total"): list(counts.values())},
            )
        if disputed:
            st.markdown(f"**{t('rlhf.dash_disputed')}**")
            for d in disputed:
                with st.container(border=True):
                    st.markdown(response_html(d.prompt), unsafe_allow_html=True)
                    x, y = st.columns(2)
                    x.caption(f"A · {d.a_votes} {t('rlhf.dash_prefer_a')}")
                    with x:
                        show_response(d.a)
                    y.caption(f"B · {d.b_votes} {t('rlhf.dash_prefer_b')}")
                    with y:
                        show_response(d.b)

    live()
    e3, e4 = st.columns(2)
    if e3.button(t("rlhf.archive"), key="rl_archive", icon=":material/archive:"):
        if _guarded(db.archive_all, code, ins["passcode"]):
            flash("info", t("rlhf.archived"))
        st.rerun()
    if e4.button(t("rlhf.close_class"), key="rl_close", icon=":material/lock:"):
        if _guarded(db.close_class, code, ins["passcode"]):
            flash("info", t("rlhf.closed", code=code))
        st.rerun()


def class_section(db: RankingStore, lm: LoadedModel, lang: str) -> None:
    if st.session_state.get(INSTRUCTOR):
        dashboard(db, lm, lang)
        return
    join_form(db)
    if not st.session_state.get(CLASS):
        st.divider()
        instructor_forms(db)
