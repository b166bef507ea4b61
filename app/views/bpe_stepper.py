"""The BPE stepper of the tokenization page: a real BPE training run, merge by merge.

Buttons, a slider and play (a fragment that reruns itself) move through ``BPERun``'s merges;
each step shows the pair merged, the new token, the training text in tokens and the
vocabulary so far. Every chip goes through ``app.views.tokenization.chips_html``.
"""

from __future__ import annotations

import streamlit as st

from app import url_state
from app.i18n import number, t
from app.views.tokenization import chips_html
from models.tokenization.bpe_replay import BPERun

PLAY_S = 0.8  # seconds per merge while playing: slow enough to read the pair


def _step(key: str, delta: int | None, last: int) -> None:
    """Button callback: move the stepper (``None`` → back to the start)."""
    now = st.session_state.get(key, 0)
    st.session_state[key] = 0 if delta is None else max(0, min(last, now + delta))


def _toggle(play_key: str, step_key: str, last: int) -> None:
    """Play/pause callback; playing from the end starts again from the beginning."""
    playing = not st.session_state.get(play_key, False)
    st.session_state[play_key] = playing
    if playing and st.session_state.get(step_key, 0) >= last:
        st.session_state[step_key] = 0


def bpe_stepper(run: BPERun, url: url_state.Page, key: str = "tok_bpe") -> None:
    """Step through ``run``'s merges: buttons, a slider, and play (a fragment that reruns);
    ``url`` is the page whose parameters the playing fragment keeps in the address bar."""
    last = len(run.merges)
    step_key, play_key = f"{key}_step", f"{key}_play"
    st.session_state[step_key] = max(0, min(last, st.session_state.get(step_key, 0)))
    playing = bool(st.session_state.get(play_key))
    st.button(
        t("tokenization.pause" if playing else "tokenization.play"),
        key=f"{key}_play_button",
        icon=":material/pause:" if playing else ":material/play_arrow:",
        on_click=_toggle,
        args=(play_key, step_key, last),
    )

    @st.fragment(run_every=PLAY_S if playing else None)
    def stepper() -> None:
        if st.session_state.get(play_key):
            if st.session_state[step_key] >= last:
                st.session_state[play_key] = False  # stopped at the end: redraw without timer
                st.rerun()
            st.session_state[step_key] += 1
        now = st.session_state[step_key]
        with st.container(horizontal=True):
            for name, delta, icon, disabled in (
                ("reset", None, ":material/first_page:", now == 0),
                ("back", -1, ":material/chevron_left:", now == 0),
                ("next", 1, ":material/chevron_right:", now >= last),  # no merge after the last
            ):
                st.button(
                    t(f"tokenization.step_{name}"),
                    key=f"{key}_{name}",
                    icon=icon,
                    on_click=_step,
                    args=(step_key, delta, last),
                    disabled=disabled,
                )
        k = st.slider(t("tokenization.step"), 0, last, key=step_key)
        _show_step(run, k)
        url_state.keep_in_step(url)  # reruns alone while playing: step in the URL

    stepper()


def _show_step(run: BPERun, k: int) -> None:
    tokens = run.tokens_after(k)
    if k == 0:
        st.markdown(t("tokenization.step_zero", n=number(len(tokens))))
    else:
        m = run.merges[k - 1]
        st.markdown(t("tokenization.step_info", k=k, id=m.new_id, count=m.count))
        pair, _ = chips_html(list(m.pair), list(m.pair_bytes))
        new, _ = chips_html([m.new_id], [run.token_bytes[m.new_id]])
        st.markdown(
            f'<div style="display:flex;gap:1em;align-items:center">{pair}'
            f'<span style="font-size:1.6rem">→</span>{new}</div>',
            unsafe_allow_html=True,
        )
        st.caption(t("tokenization.step_tokens", n=number(len(tokens)), bytes=number(run.n_bytes)))
    html, drawn = chips_html(tokens, [run.token_bytes[i] for i in tokens])
    st.markdown(html, unsafe_allow_html=True)
    if drawn < len(tokens):
        st.caption(t("tokenization.capped", drawn=number(drawn), total=number(len(tokens))))
    vocab = run.vocabulary(k)
    st.markdown(t("tokenization.vocab", n=256 + len(vocab)))
    if vocab:
        ids = [i for i, _ in vocab]
        st.markdown(chips_html(ids, [b for _, b in vocab], cap=300)[0], unsafe_allow_html=True)
