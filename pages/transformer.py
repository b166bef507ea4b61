"""Transformer & self-attention: what each token looks at (placeholder: title and what comes next)."""

import streamlit as st

from app.i18n import t

st.title(t("page.transformer.title"), anchor=False)
st.info(t("page.transformer.coming"), icon=":material/construction:")
