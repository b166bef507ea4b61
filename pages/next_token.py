"""Next-token prediction: probabilities and writing (placeholder: title and what comes next)."""

import streamlit as st

from app.i18n import t

st.title(t("page.next_token.title"), anchor=False)
st.info(t("page.next_token.coming"), icon=":material/construction:")
