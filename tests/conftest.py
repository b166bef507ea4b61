"""Shared fixtures: a tiny tokenizer and model built in memory, so unit tests need no checkpoint."""

from __future__ import annotations

import pytest
import torch

from models.config import get_preset
from models.model import LoadedModel, build_model
from models.tokenizer import train_tokenizer

SAMPLE_TEXTS = {
    "en": 'The cat sat on the mat. She said: "Hello!" Then the dog ran to the park.',
    "de": "Die Katze saß auf der Matte. Sie sagte: „Hallo!“ Dann lief der Hund in den Park.",
    "ja": "猫はマットの上に座りました。彼女は「こんにちは！」と言いました。",
    "emoji": "I ❤️ 🐈‍⬛ and 👩🏽‍🚀! 🇯🇵",
}


@pytest.fixture(scope="session")
def tiny_tokenizer():
    corpus = [t for t in SAMPLE_TEXTS.values()] * 20
    return train_tokenizer(corpus, vocab_size=400)


@pytest.fixture()
def tiny_lm(tiny_tokenizer) -> LoadedModel:
    """A fresh nano-shaped GPT-2 (2 layers, 32 positions) — mutable, so per test."""
    preset = get_preset("nano", n_layer=2, n_head=2, n_embd=32, n_positions=32)
    model = build_model(preset, tiny_tokenizer, seed=0).eval()
    return LoadedModel(model, tiny_tokenizer, "tiny", torch.device("cpu"))


# Real-browser fixtures (session-wide: one server, one Chromium), for every test_browser*.py.
from tests.browser_support import browser, server  # noqa: E402, F401
