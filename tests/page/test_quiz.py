"""The one quiz widget: every lesson's question in every language, each option answered with
its own feedback, green for the right one and red for the others."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from app.i18n import LANGUAGES, text_for, texts_for

LESSONS = ("tokenization", "transformer", "next_token", "pretraining", "finetuning", "rlhf")


def _quiz_page() -> None:
    """The quiz of the page named in session state. (``AppTest.from_function``'s ``args`` would
    leave a script behind as ``__main__`` that a later spawned process cannot import.)"""
    import streamlit as st

    from app.ui.quiz import quiz

    quiz(st.session_state["quiz_page"], "the_quiz")


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
@pytest.mark.parametrize("page", LESSONS)
def test_each_option_gets_its_feedback(page: str, lang: str) -> None:
    at = AppTest.from_function(_quiz_page, default_timeout=60)
    at.session_state["quiz_page"], at.session_state["lang"] = page, lang
    at.run()
    assert not at.exception, at.exception
    radio = at.radio(key="the_quiz")
    assert radio.label == text_for(lang, f"{page}.quiz.question") and radio.value is None
    assert not at.success and not at.error  # nothing said before a choice
    right = int(text_for(lang, f"{page}.quiz.answer"))
    for choice, _ in enumerate(texts_for(lang, f"{page}.quiz.options")):
        at.radio(key="the_quiz").set_value(choice).run()
        shown = at.success if choice == right else at.error
        other = at.error if choice == right else at.success
        assert [m.value for m in shown] == [text_for(lang, f"{page}.quiz.feedback.{choice}")]
        assert not other
