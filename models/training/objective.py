"""What training minimises and how fast: the loss, bits per byte, the schedule, the optimizer.

Small pure functions, each tested against a hand-computed value.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from models.training.config import TrainConfig

IGNORE = -100  # target id that the loss skips (used to mask prompts during fine-tuning)


def lm_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy in nats over targets that are not ``IGNORE``.

    logits (B, T, V) predict targets (B, T) at the same positions.
    """
    return F.cross_entropy(
        logits.reshape(-1, logits.size(-1)), targets.reshape(-1), ignore_index=IGNORE
    )


def bits_per_byte(loss_nats: float, tokens_per_byte: float) -> float:
    """Cross-entropy per token (nats) → bits per byte of text: comparable across tokenizers."""
    return loss_nats / math.log(2) * tokens_per_byte


def lr_at(step: int, cfg: TrainConfig) -> float:
    """Linear warm-up to ``cfg.lr``, then cosine decay to ``cfg.lr * cfg.min_lr_ratio``."""
    if step < cfg.warmup_steps:
        return cfg.lr * (step + 1) / cfg.warmup_steps
    span = max(1, cfg.steps - cfg.warmup_steps)
    progress = min(1.0, (step - cfg.warmup_steps) / span)
    floor = cfg.lr * cfg.min_lr_ratio
    return floor + (cfg.lr - floor) * 0.5 * (1 + math.cos(math.pi * progress))


def make_optimizer(model: torch.nn.Module, cfg: TrainConfig) -> torch.optim.AdamW:
    """AdamW with weight decay on matrices only (biases, norms and 1-D params undecayed)."""
    params = [p for p in model.parameters() if p.requires_grad]
    decay = [p for p in params if p.dim() >= 2]
    no_decay = [p for p in params if p.dim() < 2]
    groups = [
        {"params": decay, "weight_decay": cfg.weight_decay},
        {"params": no_decay, "weight_decay": 0.0},
    ]
    return torch.optim.AdamW(groups, lr=cfg.lr, betas=(0.9, cfg.beta2))


def descend(
    optimizer: torch.optim.Optimizer, module: torch.nn.Module, loss: torch.Tensor, clip: float = 1.0
) -> None:
    """One update: gradients of ``loss``, their norm clipped to ``clip``, the optimizer's step."""
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(module.parameters(), clip)
    optimizer.step()
