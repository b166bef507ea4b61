"""``python -m models.training`` end to end: a tiny run writes a loadable checkpoint and a card, then resumes."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

ROOT = Path(__file__).resolve().parents[2]


def train(out: Path, *extra: str, preset: str = "nano") -> subprocess.CompletedProcess:
    cmd = [
        sys.executable,
        "-m",
        "models.training",
        "--preset",
        preset,
        "--corpus",
        "tiny-stories-en",
    ]
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


@pytest.mark.slow  # trains in a subprocess
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
    assert info["command"].startswith("python -m models.training --preset nano")
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


@pytest.mark.slow  # trains in a subprocess
def test_cli_trains_a_llama_style_preset_and_its_card_says_so(tmp_path):
    out = tmp_path / "llama"
    train(out, preset="nano-llama")
    assert type(AutoModelForCausalLM.from_pretrained(out)).__name__ == "LlamaForCausalLM"
    card = (out / "MODEL_CARD.md").read_text()
    assert "LlamaForCausalLM" in card and "GPT-2" not in card


def test_cli_recipe_flags_reach_the_run_and_saves_hold_the_average(tmp_path, monkeypatch):
    """--weight-decay, --beta2, --ema, --input-noise … set the run; every save (mid-run too)
    writes the averaged weights that the validation figures measured, not the raw ones."""
    from models.training import cli as train_cli

    trainers, saved = [], []

    class Recorded(train_cli.Trainer):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            trainers.append(self)

    def save_model(model, tokenizer, out):
        t = trainers[0]
        pairs = zip(model.parameters(), t.average, strict=True)
        saved.append((t.step, all(torch.equal(p, a) for p, a in pairs)))

    monkeypatch.setattr(train_cli, "Trainer", Recorded)
    monkeypatch.setattr(train_cli, "save_model", save_model)
    monkeypatch.setattr(train_cli, "write_model_card", lambda out: None)
    out = tmp_path / "ema"
    out.mkdir()
    argv = ["--corpus", "tiny-stories-en", "--out", str(out), "--n-chars", "60000"]
    argv += ["--vocab-size", "400", "--steps", "4", "--batch-size", "4", "--block-size", "32"]
    argv += ["--warmup-steps", "1", "--eval-every", "0", "--save-every", "2"]
    argv += ["--weight-decay", "1", "--min-lr-ratio", "0", "--beta2", "0.99", "--ema", "0.5"]
    argv += ["--input-noise", "0.03"]
    assert train_cli.main(argv) == 0
    cfg = trainers[0].config
    recipe = (cfg.weight_decay, cfg.min_lr_ratio, cfg.beta2, cfg.ema, cfg.input_noise)
    assert recipe == (1.0, 0.0, 0.99, 0.5, 0.03)
    assert saved == [(2, True), (4, True), (4, True)]  # mid-run, at the last step, at the end
    recorded = json.loads((out / "training.json").read_text())["train"]
    assert recorded["ema"] == 0.5 and recorded["beta2"] == 0.99
