"""Class mode of the RLHF page, the students' side and the instructor's door: students join
with a code and a nickname and rank the rounds the instructor publishes; an instructor creates a
class or logs in to one (the dashboard itself is ``app.views.class_dashboard``).

Everything a class shares is in the database (``models.storage``), so several app replicas can
serve one class; a student's and an instructor's session hold only who they are (``CLASS`` /
``INSTRUCTOR`` in ``st.session_state``). Instructor actions pass the passcode to the store every
time, which refuses them without it.
"""

from __future__ import annotations

import streamlit as st

from app.i18n import t
from app.ui.render import escape_text
from app.views.rlhf_state import CLASS, INSTRUCTOR, ROUND, flash, set_round
from models.storage.rankings_store import ClassClosed, RankingStore, StoreError, UnknownClass


def _join(db: RankingStore, code: str, nickname: str) -> None:
    try:
        sid = db.join(code, nickname)
        info = db.class_info(code)
    except UnknownClass:
        flash("error", t("rlhf.unknown_class", code=code.strip()[:12]))
        return
    except ClassClosed:
        flash("error", t("rlhf.class_closed"))
        return
    except StoreError as exc:
        flash("error", str(exc))
        return
    st.session_state[CLASS] = {
        "code": info.code,
        "student_id": sid,
        "nickname": nickname.strip(),
    }
    st.session_state.pop(ROUND, None)


def _leave() -> None:
    st.session_state.pop(CLASS, None)
    st.session_state.pop(ROUND, None)


def join_form(db: RankingStore) -> None:
    cls = st.session_state.get(CLASS)
    if cls:
        st.markdown(t("rlhf.joined", code=cls["code"], nickname=escape_text(cls["nickname"])))
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
    cls = st.session_state[CLASS]
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
    rnd = st.session_state.get(ROUND)
    if rnd is None or rnd.get("round_pk") != r.id:
        set_round(r.prompt, list(r.responses), r.id, r.lang)
    st.caption(t("rlhf.round_n", i=len(rounds) - len(todo) + 1, n=len(rounds)))
    return True


def _create(db: RankingStore, title: str, passcode: str) -> None:
    if len(passcode) < 4:
        flash("error", t("rlhf.passcode_short"))
        return
    try:
        code = db.create_class(passcode, title)
    except StoreError as exc:
        flash("error", str(exc))
        return
    st.session_state[INSTRUCTOR] = {"code": code, "passcode": passcode}


def _login(db: RankingStore, code: str, passcode: str) -> None:
    try:
        ok = db.verify_passcode(code, passcode)
        code = db.class_info(code).code
    except UnknownClass:
        flash("error", t("rlhf.unknown_class", code=code.strip()[:12]))
        return
    except StoreError as exc:
        flash("error", str(exc))
        return
    if not ok:
        flash("error", t("rlhf.bad_passcode"))
        return
    st.session_state[INSTRUCTOR] = {"code": code, "passcode": passcode}


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
