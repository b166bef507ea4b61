"""The click-to-redraw benchmark of the training and ranking pages drives the real pages:
each timed action is performed and its redraw seen (no timing is asserted — speed goals
live in ``bench/``). Two actions of each kind keep it short."""

from __future__ import annotations

import pytest

from bench import redraw


@pytest.fixture(autouse=True)
def _few(monkeypatch) -> None:
    monkeypatch.setattr(redraw, "N_ACTIONS", 2)


@pytest.mark.parametrize("name", ["pretraining", "finetuning", "rlhf"])
def test_every_timed_action_redraws(server: str, browser, name: str) -> None:
    figures = getattr(redraw, name)(browser, server)
    timed = {k: v for k, v in figures.items() if k.endswith("_n")}
    assert timed and all(n == 2 for n in timed.values()), figures
    assert all(v > 0 for k, v in figures.items() if k.endswith("_ms_p50")), figures
