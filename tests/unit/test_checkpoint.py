"""The shipped checkpoint: plain-transformers loading, size budget, and a truthful model card."""

import json
import re
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
    assert out.stdout.split()[0] == "llama"


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


@pytest.mark.slow  # a fresh interpreter / the shipped model
def test_readme_snippets_run_on_the_shipped_model_without_glassbox_code():
    """The README's "Models that leave the app" lines, run as written in a fresh interpreter."""
    readme = (CHECKPOINT_DIR.parents[1] / "README.md").read_text()
    section = readme.split("### Models that leave the app", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    assert len(blocks) == 2, "the section shows a pipeline and a chat template"
    code = "\n".join(blocks) + (
        "import sys\n"
        "assert not any(k.startswith('models.') for k in sys.modules)\n"
        "print(repr(prompt))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
        cwd=CHECKPOINT_DIR.parents[1],
    )
    first, prompt = out.stdout.strip().split("\n")[0], out.stdout.strip().split("\n")[-1]
    assert first.startswith("Once upon a time") and len(first) > len("Once upon a time ")
    assert "What did Mia have?" in prompt and "Mia had a red kite." in prompt
