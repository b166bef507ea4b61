"""Class mode of the RLHF page: students join with a code, the instructor's live dashboard.

Everything a class shares is in the database (``models.rankings_db``), so several app
replicas can serve one class; a student's and an instructor's session hold only who they are
(``CLASS`` / ``INSTRUCTOR`` in ``st.session_state``). Instructor actions pass the passcode to
the store every time, which refuses them without it. Nicknames reach HTML only escaped, and
only the instructor's dashboard shows them.
"""

from __future__ import annotations

import random

import streamlit as st

from app import rlhf_view as rv
from app.a11y import data_table
from app.i18n import t
from models.model import LoadedModel
from models.preference import sample_responses
from models.rankings_db import (
    AccessDenied,
    ClassClosed,
    RankingStore,
    StoreError,
    UnknownClass,
    join_qr_svg,
    normalize_code,
)

ROUND_PROMPTS = 3  # prompts per published round
DASH_REFRESH_S = 3.0


def join_link(code: str) -> str:
    base = ""
    try:
        base = (st.context.url or "").split("?")[0]
    except AttributeError:  # older Streamlit: a relative link still works
        pass
    return f"{base}?class={code}"


# ---- students --------------------------------------------------------------------------------


def _join(db: RankingStore, code: str, nickname: str) -> None:
    try:
        sid = db.join(code, nickname)
        info = db.class_info(code)
    except UnknownClass:
        rv.flash("error", t("rlhf.unknown_class", code=code.strip()[:12]))
        return
    except ClassClosed:
        rv.flash("error", t("rlhf.class_closed"))
        return
    except StoreError as exc:
        rv.flash("error", str(exc))
        return
    st.session_state[rv.CLASS] = {
        "code": info.code,
        "student_id": sid,
        "nickname": nickname.strip(),
    }
    st.session_state.pop(rv.ROUND, None)


def _leave() -> None:
    st.session_state.pop(rv.CLASS, None)
    st.session_state.pop(rv.ROUND, None)


def join_form(db: RankingStore) -> None:
    cls = st.session_state.get(rv.CLASS)
    if cls:
        st.markdown(t("rlhf.joined", code=cls["code"], nickname=rv.escape_text(cls["nickname"])))
        st.button(t("rlhf.leave"), key="rl_leave", on_click=_leave, icon=":material/logout:")
        return
    st.markdown(f"**{t('rlhf.class_join_title')}**")
    c1, c2, c3 = st.columns([2, 3, 1.4], vertical_alignment="bottom")
    code = c1.text_input(
        t("rlhf.class_code"), st.query_params.get("class", ""), key="rl_join_code", max_chars=12
    )
    nick = c2.text_input(t("rlhf.nickname"), key="rl_join_nick", max_chars=24)
    c3.button(
        t("rlhf.join"),
        key="rl_join",
        on_click=lambda: _join(db, code, nick),
        disabled=not (code and nick),
    )


def next_class_round(db: RankingStore) -> bool:
    """Put the joined student's next unranked class round up; False when there is none."""
    cls = st.session_state[rv.CLASS]
    try:
        rounds = db.current_rounds(cls["code"])
        done = {s.round_pk for s in db.rankings(cls["code"], student_id=cls["student_id"])}
    except StoreError as exc:
        st.error(str(exc))
        return False
    if not rounds:
        st.info(t("rlhf.no_rounds"), icon=":material/hourglass_empty:")
        return False
    todo = [r for r in rounds if r.id not in done]
    if not todo:
        st.success(t("rlhf.rounds_done"), icon=":material/done_all:")
        return False
    r = todo[0]
    rnd = st.session_state.get(rv.ROUND)
    if rnd is None or rnd.get("round_pk") != r.id:
        rv.set_round(r.prompt, list(r.responses), r.id)
    st.caption(t("rlhf.round_n", i=len(rounds) - len(todo) + 1, n=len(rounds)))
    return True


# ---- the instructor --------------------------------------------------------------------------


def _create(db: RankingStore, title: str, passcode: str) -> None:
    if len(passcode) < 4:
        rv.flash("error", t("rlhf.passcode_short"))
        return
    try:
        code = db.create_class(passcode, title)
    except StoreError as exc:
        rv.flash("error", str(exc))
        return
    st.session_state[rv.INSTRUCTOR] = {"code": code, "passcode": passcode}


def _login(db: RankingStore, code: str, passcode: str) -> None:
    try:
        ok = db.verify_passcode(code, passcode)
        code = db.class_info(code).code
    except UnknownClass:
        rv.flash("error", t("rlhf.unknown_class", code=code.strip()[:12]))
        return
    except StoreError as exc:
        rv.flash("error", str(exc))
        return
    if not ok:
        rv.flash("error", t("rlhf.bad_passcode"))
        return
    st.session_state[rv.INSTRUCTOR] = {"code": code, "passcode": passcode}


def instructor_forms(db: RankingStore) -> None:
    st.markdown(f"**{t('rlhf.instructor_title')}**")
    a, b = st.columns(2)
    with a, st.container(border=True):
        st.markdown(t("rlhf.create_class"))
        title = st.text_input(t("rlhf.class_title"), key="rl_new_title", max_chars=60)
        pw = st.text_input(
            t("rlhf.passcode"), type="password", key="rl_new_pass", help=t("rlhf.passcode_help")
        )
        st.button(
            t("rlhf.create_class"),
            key="rl_create",
            on_click=lambda: _create(db, title, pw),
            disabled=not pw,
        )
    with b, st.container(border=True):
        st.markdown(t("rlhf.instructor_login"))
        code = st.text_input(t("rlhf.class_code"), key="rl_login_code", max_chars=12)
        pw2 = st.text_input(t("rlhf.passcode"), type="password", key="rl_login_pass")
        st.button(
            t("rlhf.login"),
            key="rl_login",
            on_click=lambda: _login(db, code, pw2),
            disabled=not (code and pw2),
        )


def _guarded(action, *args) -> bool:
    """Run an instructor action; a wrong passcode or a database problem becomes a message."""
    try:
        action(*args)
    except AccessDenied:
        rv.flash("error", t("rlhf.bad_passcode"))
        return False
    except StoreError as exc:
        rv.flash("error", str(exc))
        return False
    return True


def publish_round(db: RankingStore, lm: LoadedModel, lang: str) -> None:
    ins = st.session_state[rv.INSTRUCTOR]
    model, _ = rv.policy(lm)
    base = rv.next_seed()
    prompts = random.Random(base).sample(rv.prompts(lang)[:8], ROUND_PROMPTS)
    for j, prompt in enumerate(prompts):
        texts = [
            s.text
            for s in sample_responses(
                model, lm.tokenizer, prompt, rv.K, rv.MAX_NEW_TOKENS, seed=base + j
            )
        ]
        if not _guarded(
            db.publish_round, ins["code"], ins["passcode"], prompt, texts, lang, rv.policy_version()
        ):
            return
    rv.flash("success", t("rlhf.published", n=len(prompts)))


def dashboard(db: RankingStore, lm: LoadedModel, lang: str) -> None:
    ins = st.session_state[rv.INSTRUCTOR]
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
        taste = rv.taste_picker("rl_dash_taste")
        n = st.number_input(t("rlhf.sim_n"), 1, 100, 10, key="rl_dash_sim_n")
        if st.button(t("rlhf.sim_add", n=n), key="rl_dash_sim_add"):
            try:
                db.class_info(code)
                if not db.verify_passcode(code, ins["passcode"]):
                    raise AccessDenied("wrong passcode")
                added = rv.simulate(db, lm, lang, taste, int(n), code)
                st.success(
                    t("rlhf.sim_added", n=len(added), pairs=sum(len(r.pairs()) for r in added))
                )
            except AccessDenied:
                st.error(t("rlhf.bad_passcode"))
            except StoreError as exc:
                st.error(str(exc))
    b3.button(
        t("rlhf.logout"),
        key="rl_logout",
        on_click=lambda: st.session_state.pop(rv.INSTRUCTOR, None),
    )

    @st.fragment(run_every=DASH_REFRESH_S)
    def live() -> None:
        try:
            counts = db.per_student_counts(code)
            total = db.count(code)
            agree = db.agreement(code)
            disputed = db.disputed_pairs(code, 3)
        except StoreError as exc:
            st.error(str(exc))
            return
        m1, m2, m3, m4 = st.columns(4)
        m1.metric(t("rlhf.dash_total"), total)
        m2.metric(t("rlhf.dash_students"), len(counts))
        m3.metric(t("rlhf.dash_agreement"), "–" if agree.rate is None else f"{agree.rate:.0%}")
        m4.metric(t("rlhf.dash_tau"), "–" if agree.mean_tau is None else f"{agree.mean_tau:+.2f}")
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
                    st.markdown(rv.response_html(d.prompt), unsafe_allow_html=True)
                    x, y = st.columns(2)
                    x.caption(f"A · {d.a_votes} {t('rlhf.dash_prefer_a')}")
                    with x:
                        rv.show_response(d.a)
                    y.caption(f"B · {d.b_votes} {t('rlhf.dash_prefer_b')}")
                    with y:
                        rv.show_response(d.b)

    live()
    e1, e2, e3, e4 = st.columns(4)
    try:
        jsonl = db.export_jsonl(code, ins["passcode"])
        csv = db.export_csv(code, ins["passcode"])
    except AccessDenied:
        st.error(t("rlhf.bad_passcode"))
        return
    except StoreError as exc:
        st.error(str(exc))
        return
    e1.download_button(
        t("rlhf.export_jsonl"),
        jsonl,
        f"glassbox-{code}-pairs.jsonl",
        "application/jsonl",
        key="rl_export_jsonl",
        icon=":material/download:",
    )
    e2.download_button(
        t("rlhf.export_csv"),
        csv,
        f"glassbox-{code}-rankings.csv",
        "text/csv",
        key="rl_export_csv",
        icon=":material/download:",
    )
    if e3.button(t("rlhf.archive"), key="rl_archive", icon=":material/archive:"):
        if _guarded(db.archive_all, code, ins["passcode"]):
            rv.flash("info", t("rlhf.archived"))
        st.rerun()
    if e4.button(t("rlhf.close_class"), key="rl_close", icon=":material/lock:"):
        if _guarded(db.close_class, code, ins["passcode"]):
            rv.flash("info", t("rlhf.closed", code=code))
        st.rerun()


def class_section(db: RankingStore, lm: LoadedModel, lang: str) -> None:
    if st.session_state.get(rv.INSTRUCTOR):
        dashboard(db, lm, lang)
        return
    join_form(db)
    if not st.session_state.get(rv.CLASS):
        st.divider()
        instructor_forms(db)


__all__ = ["class_section", "next_class_round", "join_form", "normalize_code"]
