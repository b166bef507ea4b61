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
from app.ui.render import literal
from app.views.rlhf_state import CLASS, INSTRUCTOR, ROUND, flash, set_round, store_error_text
from models.storage.checks import NICKNAME_MAX, PASSCODE_MIN, TITLE_MAX
from models.storage.rankings_store import Membership, RankingStore, StoreError, UnknownClass

KEY_PARAM = "key"  # ?key=…: the student's rejoin key, so a reload keeps who they are


def _enter(m: Membership, code: str, new_key: bool) -> None:
    st.session_state[CLASS] = {
        "code": code,
        "student_id": m.student_id,
        "nickname": m.nickname,
        "secret": m.secret,
        "show_key": new_key,  # shown once, right after joining
    }
    st.query_params.update({"class": code, KEY_PARAM: m.secret})  # a reload rejoins
    st.session_state.pop(ROUND, None)


def _join(db: RankingStore, code: str, nickname: str, secret: str) -> None:
    try:
        m = db.join(code, nickname, secret.strip() or None)
        info = db.class_info(code)
    except UnknownClass:
        flash("error", t("rlhf.unknown_class", code=literal(code.strip()[:12])))
        return
    except StoreError as exc:
        flash("error", store_error_text(exc))
        return
    _enter(m, info.code, new_key=m.secret != secret.strip())


def rejoin_from_url(db: RankingStore) -> None:
    """A reload (or a bookmarked link) with ``?class=…&key=…`` brings the student back."""
    code, secret = st.query_params.get("class"), st.query_params.get(KEY_PARAM)
    if st.session_state.get(CLASS) or not (code and secret):
        return
    try:
        m = db.rejoin(code, secret)
        info = db.class_info(code)
    except StoreError as exc:
        del st.query_params[KEY_PARAM]  # a key that does not work is not kept
        st.error(store_error_text(exc))
        return
    _enter(m, info.code, new_key=False)


def _leave() -> None:
    st.session_state.pop(CLASS, None)
    st.session_state.pop(ROUND, None)
    if KEY_PARAM in st.query_params:
        del st.query_params[KEY_PARAM]


def join_form(db: RankingStore) -> None:
    rejoin_from_url(db)
    cls = st.session_state.get(CLASS)
    if cls:
        st.markdown(t("rlhf.joined", code=cls["code"], nickname=literal(cls["nickname"])))
        if cls.pop("show_key", False):
            st.info(t("rlhf.key_once"), icon=":material/key:")
            st.code(cls["secret"], language=None)
        st.button(t("rlhf.leave"), key="rl_leave", on_click=_leave, icon=":material/logout:")
        return
    st.markdown(f"**{t('rlhf.class_join_title')}**")
    c1, c2, c3, c4 = st.columns([2, 3, 2, 1.4], vertical_alignment="bottom")
    code = c1.text_input(t("rlhf.class_code"), st.query_params.get("class", ""), key="rl_join_code")
    nick = c2.text_input(
        t("rlhf.nickname"), key="rl_join_nick", help=t("rlhf.nickname_help", n=NICKNAME_MAX)
    )
    key = c3.text_input(t("rlhf.rejoin_key"), key="rl_join_key", help=t("rlhf.rejoin_key_help"))
    c4.button(
        t("rlhf.join"),
        key="rl_join",
        on_click=lambda: _join(db, code, nick, key),
        disabled=not (code and nick),
    )


def next_class_round(db: RankingStore) -> bool:
    """Put the joined student's next unranked class round up; False when there is none."""
    cls = st.session_state[CLASS]
    try:
        rounds = db.current_rounds(cls["code"])
        done = {s.round_pk for s in db.rankings(cls["code"], student_id=cls["student_id"])}
    except StoreError as exc:
        st.error(store_error_text(exc))
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
    try:
        code = db.create_class(passcode, title)
    except StoreError as exc:
        flash("error", store_error_text(exc))
        return
    st.session_state[INSTRUCTOR] = {"code": code, "passcode": passcode}


def _login(db: RankingStore, code: str, passcode: str) -> None:
    try:
        ok = db.verify_passcode(code, passcode)
        code = db.class_info(code).code
    except UnknownClass:
        flash("error", t("rlhf.unknown_class", code=literal(code.strip()[:12])))
        return
    except StoreError as exc:
        flash("error", store_error_text(exc))
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
        title = st.text_input(
            t("rlhf.class_title"), key="rl_new_title", help=t("rlhf.class_title_help", n=TITLE_MAX)
        )
        pw = st.text_input(
            t("rlhf.passcode"),
            type="password",
            key="rl_new_pass",
            help=t("rlhf.passcode_help", n=PASSCODE_MIN),
        )
        st.button(
            t("rlhf.create_class"),
            key="rl_create",
            on_click=lambda: _create(db, title, pw),
            disabled=not pw,
        )
    with b, st.container(border=True):
        st.markdown(t("rlhf.instructor_login"))
        code = st.text_input(t("rlhf.class_code"), key="rl_login_code")
        pw2 = st.text_input(t("rlhf.passcode"), type="password", key="rl_login_pass")
        st.button(
            t("rlhf.login"),
            key="rl_login",
            on_click=lambda: _login(db, code, pw2),
            disabled=not (code and pw2),
        )
