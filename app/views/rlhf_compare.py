"""Before and after an update: how often the trait shows, the same prompts answered by both
models side by side, and how the next token after a telling prompt moved.

The measurements are cached per session and policy version, so reruns do not resample.
"""

from __future__ import annotations

import streamlit as st

from app.i18n import percent, t
from app.ui.a11y import chart_with_table
from app.ui.charts import go, styled
from app.ui.palette import BLUE, ORANGE
from app.views.rater import taste_label
from app.views.rlhf_state import POLICY, prompts, response_html, show_response
from models.model.loading import LoadedModel
from models.preference.measure import next_token_shift, trait_rate

TELLING = {  # a prompt whose next token shows the taste
    "happy": {"en": "In the end, Tom felt", "de": "Am Ende war Tom sehr", "ja": "さいごに、ユイは"},
    "animals": {
        "en": "Near a tree, Tom saw a",
        "de": "Unter einem Baum sah Tom",
        "ja": "木の近くで、ユイは",
    },
    "short": {"en": "Tom went home.", "de": "Tom ging nach Hause.", "ja": "ユイは家に帰った。"},
    "polite": {"en": "Tom said", "de": "Tom sagte", "ja": "ユイは公園へ行き"},
}


def before_after(lm: LoadedModel, lang: str, taste: str) -> None:
    p = st.session_state.get(POLICY)
    if not p or p["base"] != lm.identity:
        st.info(t("rlhf.no_update"), icon=":material/info:")
        return
    held = prompts(lang)[8:12]
    cache_key = ("rl_compare", p["version"], lang, taste)
    if st.session_state.get("rl_compare_key") != cache_key:
        with st.spinner(t("rlhf.measuring")):
            before, s0 = trait_rate(lm.model, lm.tokenizer, held, taste, lang, n_per_prompt=4)
            after, s1 = trait_rate(p["model"], lm.tokenizer, held, taste, lang, n_per_prompt=4)
        st.session_state["rl_compare"] = (before, after, s0, s1)
        st.session_state["rl_compare_key"] = cache_key
    before, after, s0, s1 = st.session_state["rl_compare"]
    st.markdown(
        t(
            "rlhf.trait_share",
            taste=taste_label(taste),
            before=percent(before),
            after=percent(after),
            n=len(s0),
        )
    )
    st.markdown(f"**{t('rlhf.compare_prompts')}**")
    for j, prompt in enumerate(held):
        with st.container(border=True):
            st.markdown(response_html(prompt), unsafe_allow_html=True)
            a, b = st.columns(2)
            a.caption(t("rlhf.reference_col"))
            with a:
                show_response(s0[j * 4].text)
            b.caption(t("rlhf.policy_col"))
            with b:
                show_response(s1[j * 4].text)
    st.markdown(f"**{t('rlhf.next_token_title')}**")
    telling = st.text_input(
        t("rlhf.telling_prompt"), TELLING[taste][lang], key=f"rl_telling_{taste}_{lang}"
    )
    rows = next_token_shift(lm.model, p["model"], lm.tokenizer, telling or " ", k=6, lang=lang)
    labels = [repr(tok)[1:-1] for tok, _, _ in rows]
    fig = go.Figure()
    for column, name, colour in ((1, "rlhf.prob_before", ORANGE), (2, "rlhf.prob_after", BLUE)):
        x = [row[column] for row in rows]
        fig.add_bar(y=labels, x=x, orientation="h", name=t(name), marker_color=colour)
    styled(
        fig,
        height=60 + 36 * len(rows),
        top=30,
        barmode="group",
        xaxis_title=t("rlhf.probability"),
        yaxis={"autorange": "reversed"},
        legend={"orientation": "h", "y": 1.1},
    )
    chart_with_table(
        fig, "rl_shift_chart", alt=t("rlhf.next_token_title"), index_name=t("a11y.token")
    )
