"""What a training run does: ``TrainConfig``, one dataclass whose defaults each carry a reason.

The same ``help`` texts feed the command line's ``--help`` and the app's tooltips.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class TrainConfig:
    steps: int = field(default=300, metadata={"help": "Optimizer updates to make."})
    lr: float = field(
        default=3e-3, metadata={"help": "Peak learning rate; tiny models like it high."}
    )
    batch_size: int = field(default=16, metadata={"help": "Sequences per update."})
    block_size: int = field(
        default=128, metadata={"help": "Tokens per training sequence (≤ the model's context)."}
    )
    warmup_steps: int = field(
        default=30,
        metadata={
            "help": "Steps to ramp the learning rate up from 0, which keeps early updates stable."
        },
    )
    min_lr_ratio: float = field(
        default=0.1, metadata={"help": "Cosine decay ends at this fraction of the peak rate."}
    )
    weight_decay: float = field(
        default=0.1, metadata={"help": "AdamW decay on weight matrices (not on biases and norms)."}
    )
    beta2: float = field(
        default=0.95,
        metadata={
            "help": "AdamW's β2: how long its memory of squared gradients is (0.95 ≈ 20 steps)."
        },
    )
    grad_clip: float = field(
        default=1.0,
        metadata={
            "help": "Clip the gradient norm to this, so one bad batch cannot blow up the weights."
        },
    )
    ema: float = field(
        default=0.0,
        metadata={
            "help": "Keep an average of the weights over about 1 / (1 − ema) steps; evaluate and "
            "sample with it, and end the run with it (0 = off)."
        },
    )
    input_noise: float = field(
        default=0.0,
        metadata={
            "help": "Replace this fraction of the input tokens (never the targets) with random "
            "ones: a regulariser for many passes over little text (0 = off)."
        },
    )
    eval_every: int = field(default=50, metadata={"help": "Steps between validation measurements."})
    eval_batches: int = field(
        default=8, metadata={"help": "Batches averaged per validation measurement."}
    )
    sample_every: int = field(
        default=0, metadata={"help": "Steps between sample generations (0 = never)."}
    )
    first_sample: int = field(
        default=0,
        metadata={
            "help": "Also sample after this many steps, so the first words show early "
            "(0 = only every sample_every steps)."
        },
    )
    sample_prompt: str = "Once upon a time"
    sample_tokens: int = 40
    seed: int = field(default=0, metadata={"help": "Same seed, same data order, same model."})

    def checked(self, context_length: int) -> tuple[TrainConfig, list[str]]:
        """A copy with absurd values clamped into a sane range, plus what was changed."""
        notes: list[str] = []

        changed: dict[str, Any] = {}  # field → clamped value, of the field's own type

        def clamp(name: str, lo: float, hi: float) -> None:
            value = getattr(self, name)
            new = min(max(value, lo), hi)
            if new != value:
                notes.append(f"{name} {value} → {new}")
                changed[name] = type(value)(new)

        clamp("steps", 1, 1_000_000)
        clamp("lr", 1e-6, 1.0)
        clamp("batch_size", 1, 512)
        clamp("block_size", 8, context_length)
        clamp("warmup_steps", 0, 10_000)
        clamp("ema", 0.0, 0.9999)
        clamp("input_noise", 0.0, 0.5)
        return replace(self, **changed), notes
