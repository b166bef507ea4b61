"""Shared fixtures, and the test tiers.

Tests live in one folder per tier, and each test is marked with its folder's name, so a run can
pick tiers with ``-m``:

- ``unit``: pure code on tiny in-memory models or the shipped checkpoint (``make check`` runs
  these, less the ones marked ``slow``);
- ``page``: whole pages run headless in ``AppTest``, in every language;
- ``server``: a real ``streamlit run`` server driven over its websocket;
- ``browser``: a real server driven by Debian's Chromium (Playwright), with axe-core.

The fixtures here build a tiny tokenizer and model in memory, so unit tests need no checkpoint;
the browser fixtures (one server, one Chromium per session) come from ``tests.support.browser``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import torch

from models.model.loading import LoadedModel, build_model
from models.model.presets import get_preset
from models.tokenization.tokenizer import train_tokenizer
from tests.support.browser import browser, server  # noqa: F401 - fixtures
from tests.support.samples import SAMPLE_TEXTS

TIERS = ("unit", "page", "server", "browser")
HERE = Path(__file__).resolve().parent
MAIN = sys.modules["__main__"]  # pytest's own


@pytest.fixture(autouse=True)
def _keep_main_module():
    """Put pytest's ``__main__`` back after each test: ``AppTest`` leaves the script it ran
    there, and a process started later with "spawn" re-imports ``__main__`` (an AppTest script
    made from a function then fails in every child, and the pool waits for ever)."""
    yield
    sys.modules["__main__"] = MAIN


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test with its tier: the folder under ``tests/`` it lives in."""
    for item in items:
        parts = Path(str(item.path)).resolve().relative_to(HERE.parent).parts
        if len(parts) > 2 and parts[0] == "tests" and parts[1] in TIERS:
            item.add_marker(getattr(pytest.mark, parts[1]))


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
