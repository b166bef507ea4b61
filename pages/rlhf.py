"""RLHF: learning from human preferences (placeholder: title and what comes next)."""

import streamlit as st

from app.i18n import t

st.title(t("page.rlhf.title"), anchor=False)
st.info(t("page.rlhf.coming"), icon=":material/construction:")
