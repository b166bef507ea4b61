"""Ranking responses: a reward model, DPO and RLHF trained on the rankings, live.

The page reads widgets and calls ``app.views`` (``rlhf_state``, ``ranking``, ``rater``,
``rlhf_training``, ``rlhf_compare``, ``class_mode``, ``class_dashboard``); computing lives in
``models/preference/`` and the database in ``models/storage/``.
"""

from __future__ import annotations

import streamlit as st

from app import url_state
from app.i18n import current_lang, lesson_text, t
from app.resources import current_model, heavy_imports
from app.ui.lesson import lesson_sections, section
from app.ui.quiz import quiz

with heavy_imports():  # transformers imports lazily: one importing thread at a time
    from app.views import rlhf_state as rv
    from app.views.class_dashboard import class_section
    from app.views.class_mode import join_form, next_class_round
    from app.views.ranking import ranking_editor
    from app.views.rater import simulated_rater
    from app.views.rlhf_compare import before_after
    from app.views.rlhf_training import pool, reward_section, update_section

st.title(t("page.rlhf.title"), anchor=False)
url_state.restore(rv.URL)  # a prepared link sets the widgets before they exist
url_state.link_button(rv.URL)
lm = current_model()
if lm is None:
    st.info(t("rlhf.no_model"), icon=":material/info:")
    st.stop()
db = rv.store()
lang = current_lang()
sections = lesson_sections(lesson_text("rlhf"))
st.markdown(sections[0][1])
rv.show_flash()
rank, reward, update, compare, class_mode, check = sections[1:7]

section(*rank)
joined = st.session_state.get(rv.CLASS)
join_on_top = (
    bool(st.query_params.get("class")) and not joined and not st.session_state.get(rv.INSTRUCTOR)
)
if db is not None:
    if join_on_top:
        join_form(db)
    show = next_class_round(db) if joined else True
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
        st.fragment(ranking_editor)(db)
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
        simulated_rater(db, lm, lang)

rankings = pool(db)
section(*reward)
reward_section(db, lm, rankings)

section(*update)
update_section(db, lm, rankings, lang)

section(*compare)
before_after(lm, lang, st.session_state.get("rl_taste", "happy"))

section(*class_mode)
if db is not None and not join_on_top:
    class_section(db, lm, lang)

section(*check)
quiz("rlhf", "rl_quiz")
url_state.keep_in_step(rv.URL)
