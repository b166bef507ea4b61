"""The shipped checkpoint: plain-transformers loading, size budget, and a truthful model card."""

import json
import subprocess
import sys

import pytest

from models.model.catalog import CHECKPOINT_DIR, DEFAULT_CHECKPOINT, list_local_models
from models.training.card import SAMPLE_PROMPTS, samples


@pytest.mark.slow  # a fresh interpreter / the shipped model
def test_plain_transformers_loads_it_without_glassbox_code():
    code = (
        "import sys; from transformers import AutoModelForCausalLM as A, AutoTokenizer as T\n"
        f"p = {str(DEFAULT_CHECKPOINT)!r}\n"
        "m = A.from_pretrained(p); t = T.from_pretrained(p)\n"
        "assert not any(k.startswith('models') for k in sys.modules)\n"
        "print(m.config.model_type, len(t))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert out.stdout.split()[0] == "gpt2"


def test_checkpoints_fit_the_size_budget():
    total = sum(
        f.stat().st_size for f in CHECKPOINT_DIR.rglob("*") if f.is_file() and f.suffix != ".pt"
    )
    assert total <= 30 * 1024 * 1024
    assert DEFAULT_CHECKPOINT in list_local_models()


@pytest.mark.slow  # a fresh interpreter / the shipped model
def test_model_card_states_results_and_its_samples_are_real_output():
    info = json.loads((DEFAULT_CHECKPOINT / "training.json").read_text())
    card = (DEFAULT_CHECKPOINT / "README.md").read_text()
    assert info["command"].startswith("python -m models.training") and info["command"] in card
    assert str(info["last_val_bpb"]) in card and f"{info['n_params']:,}" in card
    for lang, texts in samples(DEFAULT_CHECKPOINT).items():
        for prompt, text in zip(SAMPLE_PROMPTS[lang], texts, strict=True):
            body = text[len(prompt) :].replace("\n", " ")
            assert f"> **{prompt}**{body}" in card, (
                f"card sample for {lang} is not what the model generates"
            )
