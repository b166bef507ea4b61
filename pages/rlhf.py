"""Ranking responses: a reward model, DPO and RLHF trained on the rankings, live.

The page reads widgets and calls ``app.rlhf_view`` / ``app.class_view``; computing lives in
``models/preference.py`` and the database in ``models/rankings_db.py``.
"""

from __future__ import annotations

import streamlit as st

from app import class_view as cv
from app import rlhf_view as rv
from app import url_state
from app.i18n import current_lang, lesson_text, t
from app.resources import current_model
from app.transformer_view import lesson_sections

st.title(t("page.rlhf.title"), anchor=False)
url_state.restore("rlhf")  # a prepared link sets the widgets before they exist
url_state.link_button("rlhf")
lm = current_model()
if lm is None:
    st.info(t("rlhf.no_model"), icon=":material/info:")
    st.stop()
db = rv.store()
lang = current_lang()
sections = lesson_sections(lesson_text("rlhf"))
st.markdown(sections[0][1])
rv.show_flash()
(rank_h, rank_md), (rm_h, rm_md), (upd_h, upd_md), (ba_h, ba_md), (cls_h, cls_md), (q_h, q_md) = (
    sections[1:7]
)

st.header(rank_h, anchor=False, divider="gray")
st.markdown(rank_md)
joined = st.session_state.get(rv.CLASS)
join_on_top = (
    bool(st.query_params.get("class")) and not joined and not st.session_state.get(rv.INSTRUCTOR)
)
if db is not None:
    if join_on_top:
        cv.join_form(db)
    show = cv.next_class_round(db) if joined else True
    if show and not joined:
        if st.session_state.get(rv.ROUND) is None:
            with st.spinner(t("rlhf.sampling")):
                rv.new_round(lm, lang)
        st.button(
            t("rlhf.new_round"),
            key="rl_new_round",
            help=t("rlhf.new_round_help"),
            on_click=rv.new_round,
            args=(lm, lang),
            icon=":material/casino:",
        )
    if show:
        _, name = rv.policy(lm)
        st.caption(t("rlhf.policy_caption", name=name))
        st.fragment(rv.ranking_editor)(db)
    mine = st.session_state.get(rv.MINE, [])
    st.caption(t("rlhf.my_count", n=len(mine), pairs=sum(len(r.pairs()) for r in mine)))
    if mine:
        with st.expander(t("rlhf.my_rankings")):  # a student sees their own rankings only
            for r in reversed(mine[-20:]):
                best = " > ".join(" = ".join(str(i + 1) for i in g) for g in r.order)
                bad = f" · {t('rlhf.all_bad')}" if r.all_bad else ""
                st.markdown(
                    rv.response_html(f"{r.prompt[:80]}… → {best}{bad}"), unsafe_allow_html=True
                )
    if not joined:
        rv.simulated_rater(db, lm, lang)

rankings = rv.pool(db)
st.header(rm_h, anchor=False, divider="gray")
st.markdown(rm_md)
rv.reward_section(db, lm, rankings)

st.header(upd_h, anchor=False, divider="gray")
st.markdown(upd_md)
rv.update_section(db, lm, rankings, lang)

st.header(ba_h, anchor=False, divider="gray")
st.markdown(ba_md)
rv.before_after(lm, lang, st.session_state.get("rl_taste", "happy"))

st.header(cls_h, anchor=False, divider="gray")
st.markdown(cls_md)
if db is not None and not join_on_top:
    cv.class_section(db, lm, lang)

st.header(q_h, anchor=False, divider="gray")
st.markdown(q_md)
rv.quiz()
url_state.keep_in_step("rlhf")
