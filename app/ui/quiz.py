"""The check-your-understanding question every lesson ends with: one widget, one text layout.

Each lesson's TOML file in ``lessons/<lang>/`` holds its question as a table::

    [next_token.quiz]
    question = "What happens when the temperature goes down to 0?"
    options = ["…", "…", "…"]
    answer = 0                      # the right option, counted from 0
    feedback = ["…", "…", "…"]      # what the student reads after choosing each option
"""

from __future__ import annotations

import streamlit as st

from app.i18n import current_lang, t, texts_for


def quiz(page: str, key: str) -> None:
    """The question of ``lessons/<lang>/<page>.toml`` as radio buttons (none chosen at first);
    once chosen, that option's feedback, green when right, red when not."""
    table = f"{page}.quiz"
    options = texts_for(current_lang(), f"{table}.options")
    choice = st.radio(
        t(f"{table}.question"),
        range(len(options)),
        index=None,
        format_func=options.__getitem__,
        key=key,
    )
    if choice is None:
        return
    feedback = t(f"{table}.feedback.{choice}")
    if choice == int(t(f"{table}.answer")):
        st.success(feedback, icon=":material/check_circle:")
    else:
        st.error(feedback, icon=":material/lightbulb:")
