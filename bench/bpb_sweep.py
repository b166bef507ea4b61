"""Which recipe reaches the fewest bits per byte in ``training``'s 300 s? A step-matched sweep.

``bench.training`` trains for 300 s of wall time, so its figure moves with whatever else runs
on the machine. Here each configuration instead trains the number of steps it fits into 300 s
on a quiet 2-core machine (its measured tokens/s relative to the default, ``steps_factor``), on
one thread, so several configurations can share the cores and still be compared. Validation
bits per byte are taken at 20 / 40 / 100 % of the steps (the 60 / 120 / 300 s marks), and the
training text's bits per byte on the same fixed batches, which shows how much is memorised.

``nanoGPT recipe`` is the reference recipe (baby GPT, bytes, block 64, batch 12, lr 1e-3) in
our trainer, on our text: what the issue's reference figures become on this text (``β2 0.99``:
with nanoGPT's own β2, as ``bench.training`` runs it now).

``llama-style, weight decay 1.0, cosine to 0, β2 0.99, warm EMA 0.997, block 256, batch 8, input
noise 0.03`` is what ``bench.training`` runs now: the nano-llama preset with its ``LONG_RUN``
recipe, evaluated on the trainer's average of the weights (``TrainConfig.ema``), reading 8 windows
of 256 tokens with 3 % of their input tokens replaced by random ones (``TrainConfig.input_noise``).

``BPE-dropout`` re-segments the training text (``segment_with_dropout``); the tokenizers library
draws its own random numbers, so that run alone is not reproducible to the last digit.

``python -m bench.bpb_sweep [name ...]`` (about 9 min per configuration on one thread);
the figures from November 2026 are in ``docs/bench-bpb-sweep.json``.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import sys

import torch

from bench.training import (
    DEFAULT,
    LONG_BATCH,
    LONG_BLOCK,
    LONG_RUN,
    NANOGPT,
    RECIPE,
    _data,
    bpb,
    run_settings,
    training_text,
)
from models.model.loading import build_model
from models.model.presets import get_preset
from models.training.config import TrainConfig
from models.training.token_data import TokenData
from models.training.trainer import Trainer

BASE_STEPS = 2200  # nano, BPE 2048, batch 16 × 128: 300 s at ~15 000 tokens/s on 2 threads
# the default preset with decay 1.0 and the cosine to 0 (bench.training's LONG_RUN adds β2 0.99
# and the average of the weights)
LLAMA_LONG = {"preset": "nano-llama", "weight_decay": 1.0, "min_lr_ratio": 0.0}
# the default preset with LONG_RUN, before its input noise, at the page's batch 16 × 128
LONG_EMA = {"preset": DEFAULT.preset, **LONG_RUN, "input_noise": 0.0}
# bench.training's 300 s run before its input noise: the same at twice the context; ≈ 0.87× the
# tokens/s
BENCH_EMA = LONG_EMA | {
    "model": {"n_positions": LONG_BLOCK},
    "block": LONG_BLOCK,
    "batch": LONG_BATCH,
    "steps_factor": 0.87,
}
# bench.training's 300 s run now
BENCH_NOW = BENCH_EMA | {"input_noise": LONG_RUN["input_noise"]}
# nanoGPT's recipe as bench.training runs it, in bytes: 15 300 tokens/s of 12 × 64 → 5 976 steps
NANOGPT_RECIPE = {"vocab": 257, "steps": 5976, **RECIPE}
# name → overrides of the base recipe (nano, GPT-2 block, AdamW lr 3e-3, weight decay 0.1, cosine
# to 10 %: the benchmark's recipe until November 23) and its steps factor,
# from measured tokens/s (2 threads): vocab 4096 ≈ 0.75×, 3 × 160 ≈ 0.96×, 6 × 96 ≈ 1.02×
CONFIGS: dict[str, dict] = {
    "nano (GPT-2)": {},
    "dropout 0.1": {"model": {"dropout": 0.1}, "steps_factor": 0.952},
    "lr 2e-3": {"lr": 2e-3},
    "lr 5e-3": {"lr": 5e-3},
    "lr 8e-3": {"lr": 8e-3},
    "batch 8": {"batch": 8, "steps_factor": 1.905},
    "6 layers × 96": {"model": {"n_layer": 6, "n_embd": 96}, "steps_factor": 1.023},
    "3 layers × 160": {"model": {"n_layer": 3, "n_embd": 160}, "steps_factor": 0.964},
    "vocab 4096": {"vocab": 4096, "steps_factor": 0.752},
    # the nano-llama preset: nano's size as a Llama block (RMSNorm, rotary positions, SwiGLU),
    # ≈ 1.05× nano's tokens/s here; run at nano's steps, to be safe
    "llama-style 4 × 128": {"preset": "nano-llama"},
    "cosine to 0": {"min_lr_ratio": 0.0},
    # vocab 1024 ≈ 1.09×, 512 ≈ 1.16× the default's tokens/s
    "vocab 1024": {"vocab": 1024, "steps_factor": 1.093},
    "vocab 512": {"vocab": 512, "steps_factor": 1.159},
    # Muon (torch.optim.Muon, AdamW-matched step size) on the blocks' matrices, AdamW elsewhere
    "muon": {"muon": True},
    "muon, cosine to 0": {"muon": True, "min_lr_ratio": 0.0},
    "muon lr 6e-3, cosine to 0": {"muon": True, "min_lr_ratio": 0.0, "lr": 6e-3},
    "muon, dropout 0.2, cosine to 0": {
        "muon": True,
        "min_lr_ratio": 0.0,
        "model": {"dropout": 0.2},
        "steps_factor": 0.952,
    },
    "weight decay 0.3, cosine to 0": {"weight_decay": 0.3, "min_lr_ratio": 0.0},
    "weight decay 1.0, cosine to 0": {"weight_decay": 1.0, "min_lr_ratio": 0.0},
    # twice the context at the same tokens per step; ≈ 0.9× the default's tokens/s
    "block 256, batch 8": {
        "model": {"n_positions": 256},
        "block": 256,
        "batch": 8,
        "steps_factor": 0.9,
    },
    "llama-style, weight decay 1.0, cosine to 0": LLAMA_LONG,
    "llama-style, weight decay 2.0, cosine to 0": LLAMA_LONG | {"weight_decay": 2.0},
    "llama-style 6 × 128, weight decay 1.0, cosine to 0": LLAMA_LONG
    | {"model": {"n_layer": 6}, "steps_factor": 0.75},
    "llama-style 8 × 128, weight decay 1.0, cosine to 0": LLAMA_LONG
    | {"model": {"n_layer": 8}, "steps_factor": 0.6},
    "llama-style 6 × 160, weight decay 1.0, cosine to 0": LLAMA_LONG
    | {"model": {"n_layer": 6, "n_embd": 160}, "steps_factor": 0.56},
    "llama-style, weight decay 1.0, cosine to 0, lr 2e-3": LLAMA_LONG | {"lr": 2e-3},
    "llama-style, weight decay 1.0, cosine to 0, β2 0.99": LLAMA_LONG | {"beta2": 0.99},
    # the steps the wall-clock benchmark planned from nano-llama's 18 300 tokens/s
    "llama-style, weight decay 1.0, cosine to 0, β2 0.99, 2674 steps": LLAMA_LONG
    | {"beta2": 0.99, "steps": 2674},
    # evaluated with an average of the weights (TrainConfig.ema) whose horizon grows from one
    # step (its warm-up keeps it near 200 steps at these step counts, under 1 / (1 − 0.997))
    "llama-style, weight decay 1.0, cosine to 0, β2 0.99, warm EMA 0.997": LONG_EMA,
    "llama-style, weight decay 1.0, cosine to 0, β2 0.99, warm EMA 0.997, seed 1": LONG_EMA
    | {"seed": 1},
    "llama-style 6 × 128, weight decay 1.0, cosine to 0, β2 0.99, warm EMA 0.997": LONG_EMA
    | {"model": {"n_layer": 6}, "steps_factor": 0.72},
    # dropout on the attention weights (the Llama block's only dropout), ≈ 0.89× the tokens/s;
    # residual dropout (drop_sublayer_outputs) on top, ≈ 0.85×
    "llama-style, weight decay 1.0, cosine to 0, β2 0.99, attention dropout 0.1": LONG_EMA
    | {"ema": 0.0, "model": {"dropout": 0.1}, "steps_factor": 0.89},
    "llama-style, weight decay 1.0, cosine to 0, β2 0.99, attention dropout 0.1, warm EMA 0.997": (
        LONG_EMA | {"model": {"dropout": 0.1}, "steps_factor": 0.89}
    ),
    "llama-style, weight decay 1.0, cosine to 0, β2 0.99, attention dropout 0.2, warm EMA 0.997": (
        LONG_EMA | {"model": {"dropout": 0.2}, "steps_factor": 0.89}
    ),
    "llama-style, weight decay 1.0, cosine to 0, β2 0.99, attention + residual dropout 0.1, "
    "warm EMA 0.997": LONG_EMA
    | {"model": {"dropout": 0.1}, "resid_dropout": 0.1, "steps_factor": 0.85},
    "llama-style, weight decay 1.0, cosine to 0, β2 0.99, attention dropout 0.1 + residual 0.2, "
    "warm EMA 0.997": LONG_EMA
    | {"model": {"dropout": 0.1}, "resid_dropout": 0.2, "steps_factor": 0.85},
    # BPE-dropout: 15 more segmentations of the training text (a merge skipped with p 0.1,
    # ~10 % more tokens per byte), to fight the memorising of ~16 passes
    "llama-style, weight decay 1.0, cosine to 0, β2 0.99, warm EMA 0.997, BPE-dropout 0.1": (
        LONG_EMA | {"bpe_dropout": 0.1}
    ),
    # twice the context at the same tokens per step (rotary positions need no new table):
    # what bench.training ran before its input noise
    "llama-style, weight decay 1.0, cosine to 0, β2 0.99, warm EMA 0.997, block 256, batch 8": (
        BENCH_EMA
    ),
    "llama-style, weight decay 1.0, cosine to 0, β2 0.99, warm EMA 0.997, block 256, batch 8, "
    "seed 1": BENCH_EMA | {"seed": 1},
    # fewer and more steps than the 300 s fit on a quiet machine (1914; the wall-clock run
    # manages ~2100 on 2 threads): is its 2.075 the step count or the seed?
    **{
        "llama-style, weight decay 1.0, cosine to 0, β2 0.99, warm EMA 0.997, block 256, batch 8, "
        f"{steps} steps{f', seed {seed}' if seed else ''}": BENCH_EMA
        | {"steps": steps, "seed": seed}
        for steps, seed in ((1650, 0), (1780, 0), (2150, 0), (2150, 1))
    },
    "llama-style, weight decay 1.0, cosine to 0, β2 0.99, warm EMA 0.998, block 256, batch 8": (
        BENCH_EMA | {"ema": 0.998}
    ),
    # ≈ 0.9× the tokens/s, 2112 tokens per step
    "llama-style, weight decay 1.0, cosine to 0, β2 0.99, warm EMA 0.997, block 192, batch 11": (
        LONG_EMA | {"model": {"n_positions": 192}, "block": 192, "batch": 11, "steps_factor": 0.873}
    ),
    "llama-style, weight decay 1.0, cosine to 0, β2 0.99, warm EMA 0.997, block 256, batch 8, "
    "lr 4e-3": BENCH_EMA | {"lr": 4e-3},
    "llama-style, weight decay 1.0, cosine to 0, β2 0.99, warm EMA 0.997, block 512, batch 4": (
        LONG_EMA | {"model": {"n_positions": 512}, "block": 512, "batch": 4, "steps_factor": 0.68}
    ),
    "llama-style, weight decay 1.0, cosine to 0, β2 0.99, warm EMA 0.997, block 256, batch 8, "
    "attention dropout 0.1": BENCH_EMA
    | {"model": {"n_positions": LONG_BLOCK, "dropout": 0.1}, "steps_factor": 0.76},
    # 3 % of the input tokens replaced by random ones (TrainConfig.input_noise; the
    # targets are kept): the model cannot lean on every token it reads, and memorises slower.
    # (0.03: what bench.training runs now)
    **{
        "llama-style, weight decay 1.0, cosine to 0, β2 0.99, warm EMA 0.997, block 256, batch 8, "
        f"input noise {noise}{f', seed {seed}' if seed else ''}": BENCH_NOW
        | {"input_noise": noise, "seed": seed}
        for noise, seed in ((0.03, 0), (0.03, 1))
    },
    # the same run from other seeds (initial weights and batch order): how far figures scatter
    "llama-style, weight decay 1.0, cosine to 0, seed 1": LLAMA_LONG | {"seed": 1},
    "llama-style, weight decay 1.0, cosine to 0, seed 2": LLAMA_LONG | {"seed": 2},
    "nanoGPT recipe, β2 0.99, seed 1": NANOGPT_RECIPE | {"seed": 1},
    # with our trainer's β2 0.95 instead of nanoGPT's own 0.99 (its shakespeare_char config)
    "nanoGPT recipe": NANOGPT_RECIPE | {"beta2": 0.95},
    "nanoGPT recipe, β2 0.99": NANOGPT_RECIPE,
}


class _Optimizers:
    """Several optimizers stepped as one (the trainer sets every group's learning rate)."""

    def __init__(self, *optimizers: torch.optim.Optimizer) -> None:
        self.optimizers = optimizers

    @property
    def param_groups(self) -> list[dict]:
        return [g for o in self.optimizers for g in o.param_groups]

    def zero_grad(self, set_to_none: bool = True) -> None:
        for o in self.optimizers:
            o.zero_grad(set_to_none=set_to_none)

    def step(self) -> None:
        for o in self.optimizers:
            o.step()


def muon_and_adamw(model: torch.nn.Module, cfg: TrainConfig) -> _Optimizers:
    """Muon for the blocks' weight matrices; AdamW (as ``make_optimizer``) for embeddings,
    biases and norms. Muon's update is scaled to AdamW's size, so one learning rate fits both."""
    named = list(model.named_parameters())
    hidden = [
        p for n, p in named if p.dim() == 2 and not any(k in n for k in ("wte", "wpe", "lm_head"))
    ]
    ids = {id(p) for p in hidden}
    rest = [p for _, p in named if id(p) not in ids]
    groups = [
        {"params": [p for p in rest if p.dim() >= 2], "weight_decay": cfg.weight_decay},
        {"params": [p for p in rest if p.dim() < 2], "weight_decay": 0.0},
    ]
    return _Optimizers(
        torch.optim.Muon(
            hidden, lr=cfg.lr, weight_decay=cfg.weight_decay, adjust_lr_fn="match_rms_adamw"
        ),
        torch.optim.AdamW(groups, lr=cfg.lr, betas=(0.9, cfg.beta2)),
    )


def drop_sublayer_outputs(model: torch.nn.Module, p: float) -> None:
    """Residual dropout for a Llama block, which has none of its own: drop units of each
    attention and MLP output (training only) before it joins the residual stream."""

    def hook(module: torch.nn.Module, args: tuple, out: object) -> object:
        if not module.training:
            return out
        if isinstance(out, tuple):
            return (torch.nn.functional.dropout(out[0], p, True), *out[1:])
        return torch.nn.functional.dropout(out, p, True)

    for layer in model.model.layers:
        layer.self_attn.register_forward_hook(hook)
        layer.mlp.register_forward_hook(hook)


def segment_with_dropout(data: TokenData, tok, p: float, variants: int) -> TokenData:
    """BPE-dropout (Provilkov et al., 2020) as data augmentation: the training text again in
    ``variants`` segmentations where each merge is skipped with probability ``p``, joined to the
    usual one; validation keeps the usual segmentation. The training split's bytes count every
    copy, so its bits per byte stay bits per byte of the text."""
    bpe = copy.deepcopy(tok.backend_tokenizer)
    bpe.model.dropout = p
    eos = torch.tensor([tok.eos_token_id])
    copies = [torch.tensor(bpe.encode(training_text()).ids) for _ in range(variants)]
    train = torch.cat([data.train, *(torch.cat([c, eos]) for c in copies)])
    return dataclasses.replace(data, train=train, train_bytes=data.train_bytes * (1 + variants))


def run_config(name: str, steps: int | None = None) -> dict:
    """Train configuration ``name`` for its step-matched budget (or ``steps``); validation and
    training bits per byte at the three marks."""
    c = CONFIGS[name]
    torch.manual_seed(0)
    data, tok = _data(c.get("vocab", 2048))
    if "bpe_dropout" in c:
        data = segment_with_dropout(data, tok, c["bpe_dropout"], c.get("variants", 15))
    preset = dataclasses.replace(get_preset(c.get("preset", "nano")), **c.get("model", {}))
    steps = steps or c.get("steps") or round(BASE_STEPS * c.get("steps_factor", 1.0))
    keys = ("weight_decay", "min_lr_ratio", "beta2", "seed", "ema", "input_noise")
    recipe = {k: c[k] for k in keys if k in c}
    cfg = run_settings(steps, c.get("lr", 3e-3), c.get("batch", 16), c.get("block", 128), **recipe)
    model = build_model(preset, tok, seed=c.get("seed", 0))
    if "resid_dropout" in c:
        drop_sublayer_outputs(model, c["resid_dropout"])
    trainer = Trainer(model, tok, data, cfg, device="cpu")
    if c.get("muon"):
        trainer.optimizer = muon_and_adamw(trainer.model, trainer.config)
    marks = {int(steps * f): s for f, s in ((0.2, 60), (0.4, 120), (1.0, 300))}
    val_bpb, train_bpb = {}, {}
    for ev in trainer.run():
        if ev.kind == "step" and ev.step in marks:  # (with config.ema: the averaged weights)
            val_bpb[marks[ev.step]] = bpb(trainer, data)
            train_bpb[marks[ev.step]] = bpb(trainer, data, "train")
    return {
        "config": name,
        "steps": steps,
        "val_bpb_at_s": val_bpb,
        "train_bpb_at_s": train_bpb,
        "reduction_vs_nanogpt": {
            s: round(1 - v / NANOGPT["bpb"][s], 3) for s, v in val_bpb.items()
        },
    }


if __name__ == "__main__":
    torch.set_num_threads(1)
    for name in sys.argv[1:] or CONFIGS:
        print(json.dumps(run_config(name)), flush=True)
