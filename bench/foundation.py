"""Foundation figures: checkpoint load time, forward latency, nano training speed on CPU."""

from __future__ import annotations

import time

import torch

from bench.common import median_ms
from models.data.corpora import shakespeare_text
from models.model.catalog import DEFAULT_CHECKPOINT
from models.model.loading import build_model, load_model
from models.model.presets import get_preset
from models.tokenization.tokenizer import train_tokenizer
from models.training.config import TrainConfig
from models.training.token_data import TokenData
from models.training.trainer import Trainer


def run() -> dict:
    t = time.perf_counter()
    lm = load_model(DEFAULT_CHECKPOINT, device="cpu")
    load_s = time.perf_counter() - t
    vocab = len(lm.tokenizer)
    forward = {}
    for n in (64, 256):
        n_eff = min(n, lm.context_length)
        ids = torch.randint(0, vocab, (1, n_eff))
        with torch.no_grad():
            forward[f"forward_{n}_tokens_ms"] = median_ms(lambda ids=ids: lm.model(input_ids=ids))

    text = shakespeare_text(300_000)
    tok = train_tokenizer([text], vocab_size=2048)
    data = TokenData.from_documents([text], tok)
    cfg = TrainConfig(steps=40, batch_size=16, block_size=128, eval_every=0, warmup_steps=5)
    trainer = Trainer(build_model(get_preset("nano"), tok), tok, data, cfg, device="cpu")
    rates = [ev.tokens_per_s for ev in trainer.run() if ev.kind == "step"]
    return {
        "checkpoint": str(DEFAULT_CHECKPOINT.name),
        "checkpoint_params": lm.n_params,
        "checkpoint_load_s": round(load_s, 3),
        **forward,
        "nano_train_tokens_per_s_cpu": round(rates[-1]),
        "nano_train_setup": "nano preset (4×4×128), batch 16 × 128 tokens, AdamW, 40 steps, Shakespeare 300 kB",
        "torch_threads": torch.get_num_threads(),
    }
