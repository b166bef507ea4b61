"""Home: a map of how a ChatGPT-like model works and is made, one card per stage."""

from __future__ import annotations

import streamlit as st

from app.i18n import lesson_text, t

INSIDE = ("tokenization", "transformer", "next_token")  # what happens to your text
MAKING = ("pretraining", "finetuning", "rlhf")  # how the model is trained


def stage_row(stages: tuple[str, ...], first_number: int) -> None:
    """Three stage cards side by side, joined by arrows, each linking to its page."""
    columns = st.columns([10, 1, 10, 1, 10], vertical_alignment="center")
    for i, stage in enumerate(stages):
        if i:
            columns[2 * i - 1].markdown("### →", text_alignment="center")
        with columns[2 * i].container(border=True, height="stretch"):
            st.subheader(f"{first_number + i}. {t(f'page.{stage}.title')}", anchor=False)
            st.markdown(t(f"page.{stage}.blurb"))
            st.page_link(
                f"../pages/{stage}.py", label=t("home.open"), icon=":material/arrow_forward:"
            )


st.title(t("home.heading"), anchor=False)
st.markdown(lesson_text("home"))

st.header(t("home.inside_heading"), anchor=False, divider="gray")
stage_row(INSIDE, first_number=1)

st.header(t("home.making_heading"), anchor=False, divider="gray")
st.caption(t("home.then"))
stage_row(MAKING, first_number=4)

st.info(t("home.remember"), icon=":material/lightbulb:")
