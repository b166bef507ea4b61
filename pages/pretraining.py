"""Pre-training: learning from raw text (placeholder: title and what comes next)."""

import streamlit as st

from app.i18n import t

st.title(t("page.pretraining.title"), anchor=False)
st.info(t("page.pretraining.coming"), icon=":material/construction:")
