"""Tokenization: how text becomes tokens and numbers (placeholder: title and what comes next)."""

import streamlit as st

from app.i18n import t

st.title(t("page.tokenization.title"), anchor=False)
st.info(t("page.tokenization.coming"), icon=":material/construction:")
