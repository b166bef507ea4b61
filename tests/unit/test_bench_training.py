"""The training benchmark's 300 s run, shrunk to seconds, so it cannot rot: both the default run
and nanoGPT's recipe train and report bits per byte at every mark."""

from __future__ import annotations

import math

import pytest

from bench import training
from models.training.objective import bits_per_byte
from models.training.token_data import TokenData
from tests.support.samples import SAMPLE_TEXTS


@pytest.mark.parametrize("recipe", [{}, training.RECIPE], ids=["default run", "nanoGPT recipe"])
def test_bpb_over_time_measures_every_mark(recipe: dict, tiny_tokenizer) -> None:
    data = TokenData.from_documents(list(SAMPLE_TEXTS.values()) * 40, tiny_tokenizer)
    out = training.bpb_over_time(data, tiny_tokenizer, **recipe, marks=(0.5, 1.5))
    assert list(out["bpb"]) == list(out["steps_at_s"]) == [0.5, 1.5] and out["steps_planned"] > 0
    assert 0 < out["steps_at_s"][0.5] <= out["steps_at_s"][1.5] <= out["steps_planned"]
    start = bits_per_byte(math.log(len(tiny_tokenizer)), data.tokens_per_byte("val"))
    assert all(0 < v < start for v in out["bpb"].values())  # it learned from a uniform guess
