"""``python -m models.train`` end to end: a tiny run writes a loadable checkpoint and a card, then resumes."""

import json
import subprocess
import sys
from pathlib import Path

from transformers import AutoModelForCausalLM, AutoTokenizer

ROOT = Path(__file__).resolve().parent.parent


def train(out: Path, *extra: str, preset: str = "nano") -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "models.train", "--preset", preset, "--corpus", "tiny-stories-en"]
    cmd += ["--out", str(out), "--n-chars", "60000", "--vocab-size", "400", "--steps", "6"]
    cmd += [
        "--batch-size",
        "4",
        "--block-size",
        "32",
        "--warmup-steps",
        "2",
        "--eval-every",
        "3",
        *extra,
    ]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300, check=True)


def test_cli_trains_saves_and_resumes(tmp_path):
    out = tmp_path / "ckpt"
    run = train(out)
    assert "val loss" in run.stdout + run.stderr
    assert {
        "config.json",
        "model.safetensors",
        "tokenizer.json",
        "MODEL_CARD.md",
        "training.json",
    } <= {p.name for p in out.iterdir()}
    info = json.loads((out / "training.json").read_text())
    assert info["step"] == 6 and info["last_val_bpb"] > 0
    assert info["command"].startswith("python -m models.train --preset nano")
    AutoModelForCausalLM.from_pretrained(out)
    assert (
        AutoTokenizer.from_pretrained(out).decode(
            AutoTokenizer.from_pretrained(out).encode("Hi 🐈")
        )
        == "Hi 🐈"
    )
    card = (out / "MODEL_CARD.md").read_text()
    assert "## Samples" in card and info["command"] in card

    train(out, "--resume", "--steps", "9")  # continues from step 6 to 9 with the same tokenizer
    assert json.loads((out / "training.json").read_text())["step"] == 9


def test_cli_trains_a_llama_style_preset_and_its_card_says_so(tmp_path):
    out = tmp_path / "llama"
    train(out, preset="nano-llama")
    assert type(AutoModelForCausalLM.from_pretrained(out)).__name__ == "LlamaForCausalLM"
    card = (out / "MODEL_CARD.md").read_text()
    assert "LlamaForCausalLM" in card and "GPT-2" not in card
