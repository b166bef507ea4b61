"""``python -m models.training`` end to end: a tiny run writes a loadable checkpoint and a card, then resumes."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from huggingface_hub import ModelCard
from transformers import AutoModelForCausalLM, AutoTokenizer

from models.data.corpora import CorpusError, text_documents

ROOT = Path(__file__).resolve().parents[2]


def train(
    out: Path,
    *extra: str,
    preset: str = "nano",
    corpus: tuple[str, ...] = ("--corpus", "tiny-stories-en"),
) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "models.training", "--preset", preset, *corpus]
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
        "README.md",
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
    card = (out / "README.md").read_text()
    assert "## Samples" in card and info["command"] in card
    hub = ModelCard.load(out / "README.md")  # the Hub's own reader takes the front matter
    assert hub.data.library_name == "transformers" and hub.data.language == ["en"]
    assert hub.data.pipeline_tag == "text-generation"
    assert not list(out.glob("*.pt")), "optimiser state must not sit in the model folder"
    assert (tmp_path / "ckpt.trainer_state.pt").is_file()

    train(out, "--resume", "--steps", "9")  # continues from step 6 to 9 with the same tokenizer
    assert json.loads((out / "training.json").read_text())["step"] == 9


@pytest.mark.slow  # trains in a subprocess
def test_cli_trains_a_llama_style_preset_and_its_card_says_so(tmp_path):
    out = tmp_path / "llama"
    train(out, preset="nano-llama")
    assert type(AutoModelForCausalLM.from_pretrained(out)).__name__ == "LlamaForCausalLM"
    card = (out / "README.md").read_text()
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


@pytest.mark.slow  # trains in a subprocess
def test_cli_trains_on_a_folder_of_the_users_text(tmp_path):
    texts = tmp_path / "texts"
    (texts / "more").mkdir(parents=True)
    (texts / "a.txt").write_text("The cat sat on the mat. " * 800)
    (texts / "more" / "b.txt").write_text("Der Hund lief über die Wiese. " * 800)
    (texts / "skip.md").write_text("not a .txt file")
    out = tmp_path / "own"
    train(out, corpus=("--text", str(texts)))
    info = json.loads((out / "training.json").read_text())
    assert info["corpus"] == "text:texts" and info["step"] == 6
    assert ModelCard.load(out / "README.md").data.language is None  # we cannot tell it


def test_text_documents_reads_a_file_or_a_folder_and_names_the_bad_file(tmp_path):
    (tmp_path / "b.txt").write_text("second")
    (tmp_path / "a.txt").write_text("first")
    assert text_documents(tmp_path) == ["first", "second"]  # sorted by path
    assert text_documents(tmp_path / "b.txt") == ["second"]
    assert text_documents(tmp_path, n_chars=7) == ["first", "se"]
    (tmp_path / "c.txt").write_bytes(b"\x00\x01binary")
    with pytest.raises(CorpusError, match="c.txt"):
        text_documents(tmp_path)
    (tmp_path / "empty").mkdir()
    with pytest.raises(CorpusError, match="no .txt files"):
        text_documents(tmp_path / "empty")
    with pytest.raises(CorpusError, match="neither"):
        text_documents(tmp_path / "missing")
