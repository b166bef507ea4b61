"""Shared AppTest scaffolding for the page tests: open a page in a language, assert no
exception, drive a live training job to its end, and save a throwaway tiny model."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
ENTRY = str(ROOT / "app" / "main.py")
TIMEOUT = 120  # the first run imports torch and transformers


def ok(at: AppTest) -> None:
    """No exception anywhere on the page (the message lists them if there are)."""
    assert not at.exception, [e.value for e in at.exception]


def open_page(page: str, lang: str = "en") -> AppTest:
    """The app in ``lang`` with ``pages/<page>.py`` open, checked for exceptions."""
    at = AppTest.from_file(ENTRY, default_timeout=TIMEOUT).run()
    at.selectbox(key="lang").set_value(lang).run()
    at.switch_page(f"../pages/{page}.py").run()
    ok(at)
    return at


def run_to_end(at: AppTest, job_key: str, max_runs: int = 60):
    """Rerun the page (each run trains one time slice) until the job in ``job_key`` finished."""
    for _ in range(max_runs):
        job = at.session_state[job_key]
        if job.finished:
            return job
        at.run()
        ok(at)
    raise AssertionError("the run did not finish")


def save_tiny_model(folder: Path, text: str) -> Path:
    """A throwaway, untrained GPT-2 with a 32-token context, saved in Hugging Face format."""
    from models.model.loading import build_model, save_model
    from models.model.presets import get_preset
    from models.tokenization.tokenizer import train_tokenizer

    tokenizer = train_tokenizer([text] * 20, 300)
    preset = get_preset("nano", n_layer=2, n_head=2, n_embd=16, n_positions=32)
    return save_model(build_model(preset, tokenizer), tokenizer, folder)


def save_bert_encoder(tokenizer, folder: Path) -> Path:
    """A tiny BERT encoder saved as a model folder: it loads through AutoModelForCausalLM (as
    BertLMHeadModel) but attends both ways, so no lesson may use it."""
    import torch
    from transformers import BertConfig, BertLMHeadModel

    from models.model.loading import save_model

    cfg = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        is_decoder=True,  # what AutoModelForCausalLM needs to load it at all
    )
    torch.manual_seed(0)
    bert = BertLMHeadModel(cfg).eval()
    bert.config.is_decoder = False  # a plain encoder folder: attends both ways
    return save_model(bert, tokenizer, folder)
