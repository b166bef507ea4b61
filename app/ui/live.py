"""The one live panel: a fragment that advances any long job a slice at a time and redraws it.

Every long job — pre-training, fine-tuning, the reward model, DPO, RLHF — is a
``models.training.jobs.Job`` kept in ``st.session_state`` (never in a cache). The panel is a
fragment that advances the job by a short time slice on every run: a ``run_every`` timer drives
it in the browser, and a plain full rerun (what ``AppTest`` does) advances it just the same.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from models.training.jobs import ACTIVE

SLICE_S = 0.4  # seconds of work per fragment run: the page stays responsive
TICK_S = 0.5  # how often the running fragment reruns itself in the browser


def live_panel(key: str, draw: Callable[[Any], None], on_finish: Callable[[], None]) -> None:
    """A fragment that calls ``draw(job)`` for the job in ``st.session_state[key]``, then
    advances the job for a slice.

    Drawing comes first: Streamlit greys out ("stale") what a run has not yet sent again, so a
    panel drawn only after a 0.4 s slice would be faded for most of every run. Drawn first, it
    is fresh within milliseconds and shows the state of the slice before. It reruns itself
    every ``TICK_S`` seconds while the job is active; when the job finishes during a run it
    calls ``on_finish`` and reruns the whole page, which draws the final state and the buttons.
    """
    job = st.session_state.get(key)
    active = job is not None and job.status in ACTIVE

    @st.fragment(run_every=TICK_S if active else None)
    def panel() -> None:
        job = st.session_state.get(key)
        if job is None:
            return
        was_active = job.status in ACTIVE
        draw(job)
        if was_active:
            job.advance(SLICE_S)
        if was_active and job.finished:
            on_finish()
            st.rerun(scope="app")

    panel()
