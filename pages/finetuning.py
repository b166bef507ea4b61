"""Supervised fine-tuning: learning to answer (placeholder: title and what comes next)."""

import streamlit as st

from app.i18n import t

st.title(t("page.finetuning.title"), anchor=False)
st.info(t("page.finetuning.coming"), icon=":material/construction:")
