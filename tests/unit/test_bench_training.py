"""The training benchmark's 300 s run, shrunk to a few steps, so it cannot rot: both the default
run and nanoGPT's recipe train and report bits per byte at every mark. Marks are steps here, so
the result does not depend on how busy the machine is (the benchmark itself marks seconds)."""

from __future__ import annotations

import math

import pytest

from bench import training
from models.training.objective import bits_per_byte
from models.training.token_data import TokenData
from tests.support.samples import SAMPLE_TEXTS


@pytest.mark.parametrize("recipe", [{}, training.RECIPE], ids=["default run", "nanoGPT recipe"])
def test_bpb_at_every_mark_of_the_long_run(recipe: dict, tiny_tokenizer) -> None:
    data = TokenData.from_documents(list(SAMPLE_TEXTS.values()) * 40, tiny_tokenizer)
    recipe = recipe | {"batch": 4, "block": 32}
    out = training.bpb_at_steps(data, tiny_tokenizer, steps=12, marks=(6, 12), **recipe)
    assert list(out["bpb"]) == list(out["steps_at"]) == [6, 12] and out["steps_planned"] == 12
    assert out["steps_at"] == {6: 6, 12: 12}
    start = bits_per_byte(math.log(len(tiny_tokenizer)), data.tokens_per_byte("val"))
    assert all(0 < v < start for v in out["bpb"].values())  # it learned from a uniform guess


def test_a_mark_in_seconds_is_measured_at_the_first_step_past_it(tiny_tokenizer) -> None:
    """The benchmark's own clock: a mark at 0 s is reached by the first step, however slow."""
    data = TokenData.from_documents(list(SAMPLE_TEXTS.values()) * 40, tiny_tokenizer)
    trainer = training.long_run_trainer(data, tiny_tokenizer, 3, batch=4, block=32)
    bpb, steps_at = training.measure_at(trainer, data, (0.0,), by_steps=False)
    assert steps_at == {0.0: 1} and trainer.step == 1 and 0 < bpb[0.0] < 20
