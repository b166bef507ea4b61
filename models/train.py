"""One trainer for the CLI and the pages: AdamW, warm-up + cosine, clipping, validation.

Progress comes out of ``Trainer.run()`` as a generator of ``TrainEvent``s, so a page can
redraw after each one and stop whenever it likes; the CLI prints them with a progress bar.

    python -m models.train --preset small --corpus tiny-stories --out DIR
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Protocol

import torch
import torch.nn.functional as F
from transformers import PreTrainedModel, PreTrainedTokenizerBase

from models.device import pick_device
from models.model import context_length

IGNORE = -100  # target id that the loss skips (used to mask prompts during fine-tuning)


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
    sample_prompt: str = "Once upon a time"
    sample_tokens: int = 40
    seed: int = field(default=0, metadata={"help": "Same seed, same data order, same model."})

    def checked(self, context_length: int) -> tuple[TrainConfig, list[str]]:
        """A copy with absurd values clamped into a sane range, plus what was changed."""
        notes: list[str] = []

        def clamp(name: str, lo: float, hi: float) -> None:
            value = getattr(self_, name)
            new = min(max(value, lo), hi)
            if new != value:
                notes.append(f"{name} {value} → {new}")
                setattr_[name] = type(value)(new)

        self_, setattr_ = self, {}
        clamp("steps", 1, 1_000_000)
        clamp("lr", 1e-6, 1.0)
        clamp("batch_size", 1, 512)
        clamp("block_size", 8, context_length)
        clamp("warmup_steps", 0, 10_000)
        clamp("ema", 0.0, 0.9999)
        clamp("input_noise", 0.0, 0.5)
        return replace(self, **setattr_), notes


class BatchSource(Protocol):
    """What the trainer needs from data (``TokenData``, ``models.sft.DialogueData``)."""

    def batch(
        self, split: str, batch_size: int, block_size: int, generator: torch.Generator
    ) -> tuple[torch.Tensor, torch.Tensor]: ...

    def tokens_per_byte(self, split: str) -> float: ...

    def validate(self, block_size: int) -> None: ...


@dataclass
class TokenData:
    """Token ids for training and validation, and bytes per token of each (for bits per byte)."""

    train: torch.Tensor  # (N_train,) int64
    val: torch.Tensor  # (N_val,) int64
    train_bytes: int
    val_bytes: int

    @classmethod
    def from_documents(
        cls, docs: Sequence[str], tokenizer: PreTrainedTokenizerBase, val_fraction: float = 0.1
    ) -> TokenData:
        """Encode documents joined by end-of-text; the last ``val_fraction`` is validation.

        Several documents are split by document; a single text by position.
        """
        docs = [d for d in docs if d]
        if not docs:
            raise ValueError("no text to train on")
        eos = tokenizer.eos_token_id
        if len(docs) >= 10:
            n_val = max(1, int(len(docs) * val_fraction))
            train_docs, val_docs = docs[:-n_val], docs[-n_val:]
        else:
            text = "\n\n".join(docs)
            cut = int(len(text) * (1 - val_fraction))
            train_docs, val_docs = [text[:cut]], [text[cut:]]

        def encode(parts: Sequence[str]) -> torch.Tensor:
            ids: list[int] = []
            for row in tokenizer(list(parts), add_special_tokens=False)["input_ids"]:
                ids.extend(row)
                ids.append(eos)
            return torch.tensor(ids, dtype=torch.long)

        def n_bytes(parts: Sequence[str]) -> int:
            return sum(len(p.encode("utf-8", errors="surrogatepass")) for p in parts)

        return cls(encode(train_docs), encode(val_docs), n_bytes(train_docs), n_bytes(val_docs))

    def tokens_per_byte(self, split: str) -> float:
        ids, nb = (self.train, self.train_bytes) if split == "train" else (self.val, self.val_bytes)
        return len(ids) / max(nb, 1)

    def validate(self, block_size: int) -> None:
        """Raise ValueError when the text is too short for one training block."""
        if len(self.train) <= block_size + 1:
            raise ValueError(
                f"the training text has {len(self.train)} tokens, fewer than one block of "
                f"{block_size + 1}; add more text or lower the block size"
            )

    def batch(
        self, split: str, batch_size: int, block_size: int, generator: torch.Generator
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Random windows: inputs x (B, T) and next-token targets y (B, T)."""
        ids = self.train if split == "train" else self.val
        T = min(block_size, len(ids) - 1)
        starts = torch.randint(0, len(ids) - T, (batch_size,), generator=generator).tolist()
        x = torch.stack([ids[s : s + T] for s in starts])
        y = torch.stack([ids[s + 1 : s + 1 + T] for s in starts])
        return x, y


@dataclass
class TrainEvent:
    """One thing that happened during training. ``kind``: step | eval | sample | done | stopped | error."""

    kind: str
    step: int
    total_steps: int
    loss: float | None = None
    val_loss: float | None = None
    val_bpb: float | None = None
    train_bpb: float | None = None
    lr: float | None = None
    tokens_per_s: float | None = None
    elapsed_s: float = 0.0
    eta_s: float | None = None
    sample: str | None = None
    message: str | None = None


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


@torch.no_grad()
def _copy(targets: Iterable[torch.Tensor], sources: Iterable[torch.Tensor]) -> None:
    for t, s in zip(targets, sources, strict=True):
        t.copy_(s)


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


class Trainer:
    """Trains a causal LM; knows nothing about pages, printing, or how batches are laid out.

    ``data`` is anything with ``batch(split, batch_size, block_size, generator) -> (x, y)``,
    ``tokens_per_byte(split)`` and ``validate(block_size)``: ``TokenData`` (windows of running
    text) or ``models.sft.DialogueData`` (one padded dialogue per row, prompts masked).

    Batches are drawn from a seeded generator, so a run is reproducible, and
    ``state_dict`` / ``load_state_dict`` let a stopped run resume where it was.
    """

    def __init__(
        self,
        model: PreTrainedModel,
        tokenizer: PreTrainedTokenizerBase,
        data: BatchSource,
        config: TrainConfig,
        device: torch.device | str | None = None,
    ) -> None:
        self.config, self.notes = config.checked(context_length(model))
        data.validate(self.config.block_size)
        self.device = torch.device(device) if device is not None else pick_device()
        self.model = model.to(self.device)
        self.tokenizer = tokenizer
        self.data = data
        self.optimizer = make_optimizer(self.model, self.config)
        self.step = 0
        self.elapsed_s = 0.0
        self.generator = torch.Generator().manual_seed(self.config.seed)
        # the moving average of the weights (config.ema), in the order of model.parameters()
        self.average = (
            [p.detach().clone() for p in self.model.parameters()] if self.config.ema else None
        )
        self._stop = False
        self.history: list[TrainEvent] = []

    # -- data ---------------------------------------------------------------
    def get_batch(
        self, split: str, generator: torch.Generator | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """A batch from the data: inputs x (B, T) and targets y (B, T), on the device."""
        x, y = self.data.batch(
            split, self.config.batch_size, self.config.block_size, generator or self.generator
        )
        return x.to(self.device), y.to(self.device)

    # -- measuring ----------------------------------------------------------
    @torch.no_grad()
    def evaluate(self, split: str = "val") -> float:
        """Mean loss on ``split`` (validation by default) over fixed batches (same every time)."""
        self.model.eval()
        g = torch.Generator().manual_seed(1234)
        with self.averaged(), self._autocast():
            losses = [
                float(lm_loss(self.model(input_ids=x).logits.float(), y))
                for x, y in (self.get_batch(split, g) for _ in range(self.config.eval_batches))
            ]
        self.model.train()
        return sum(losses) / len(losses)

    @torch.no_grad()
    def sample(self) -> str:
        from models.generate import generate

        self.model.eval()
        with self.averaged():
            text = generate(
                self.model,
                self.tokenizer,
                self.config.sample_prompt,
                max_new_tokens=self.config.sample_tokens,
                temperature=0.8,
                top_k=40,
                seed=0,
            )
        self.model.train()
        return text

    def _noised(self, x: torch.Tensor) -> torch.Tensor:
        """``x`` with a ``config.input_noise`` fraction of its tokens replaced by random ones,
        drawn from the run's generator (so a resumed run draws the same): the model cannot lean
        on every token of its context, which slows memorising text it reads many times."""
        if not self.config.input_noise:
            return x
        shape = x.shape
        hit = torch.rand(shape, generator=self.generator) < self.config.input_noise
        vocab = self.model.get_input_embeddings().num_embeddings
        noise = torch.randint(0, vocab, shape, generator=self.generator)
        return torch.where(hit.to(x.device), noise.to(x.device), x)

    # -- the average of the weights -----------------------------------------
    @torch.no_grad()
    def _update_average(self) -> None:
        """Move the average towards the weights; its horizon starts short and grows to
        ``1 / (1 − ema)`` steps, so early on it does not hold on to the random start."""
        if self.average is None:
            return
        decay = min(self.config.ema, (1 + self.step) / (10 + self.step))
        for a, p in zip(self.average, self.model.parameters(), strict=True):
            a.lerp_(p.detach(), 1 - decay)

    @contextlib.contextmanager
    def averaged(self) -> Iterator[None]:
        """Inside, the model holds the averaged weights (no-op without ``config.ema``)."""
        if self.average is None:
            yield
            return
        live = [p.detach().clone() for p in self.model.parameters()]
        _copy(self.model.parameters(), self.average)
        try:
            yield
        finally:
            _copy(self.model.parameters(), live)

    # -- control ------------------------------------------------------------
    def request_stop(self) -> None:
        """Ask ``run`` to finish after the current step, leaving a consistent model."""
        self._stop = True

    def state_dict(self) -> dict:
        return {
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "step": self.step,
            "elapsed_s": self.elapsed_s,
            "generator": self.generator.get_state(),
            "config": asdict(self.config),
            "average": self.average,
        }

    def load_state_dict(self, state: dict) -> None:
        self.model.load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.step = int(state["step"])
        self.elapsed_s = float(state["elapsed_s"])
        self.generator.set_state(state["generator"])
        if self.average is not None and state.get("average") is not None:
            _copy(self.average, state["average"])

    # -- the loop -----------------------------------------------------------
    def run(self, steps: int | None = None) -> Iterator[TrainEvent]:
        """Train up to ``steps`` more updates (default: to ``config.steps``), yielding events.

        Stops early on ``request_stop()`` (event "stopped") or a non-finite loss ("error").
        The caller may also simply stop iterating: the model is consistent after every step.
        """
        cfg = self.config
        end = cfg.steps if steps is None else min(cfg.steps, self.step + steps)
        self._stop = False
        self.model.train()
        t_start, elapsed0, step0, n_tokens = time.perf_counter(), self.elapsed_s, self.step, 0
        while self.step < end:
            if self._stop:
                yield self._event("stopped", message="stopped on request")
                return
            lr = lr_at(self.step, cfg)
            for group in self.optimizer.param_groups:
                group["lr"] = lr
            x, y = self.get_batch("train")
            x = self._noised(x)
            n_tokens += x.numel()
            with self._autocast():
                loss = lm_loss(self.model(input_ids=x).logits, y)
            loss_value = float(loss.detach())
            if not math.isfinite(loss_value):
                yield self._event(
                    "error",
                    message=f"the loss became {loss_value} at step {self.step}: the learning rate "
                    f"({lr:.2g}) is probably too high; the weights before this step are kept",
                )
                return
            self.optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(self.model.parameters(), cfg.grad_clip)
            self.optimizer.step()
            self.step += 1
            self._update_average()
            now = time.perf_counter()
            self.elapsed_s = elapsed0 + (now - t_start)
            rate = n_tokens / max(now - t_start, 1e-9)
            eta = (end - self.step) * (now - t_start) / max(self.step - step0, 1)
            yield self._event(
                "step",
                loss=loss_value,
                lr=lr,
                tokens_per_s=rate,
                eta_s=eta,
                train_bpb=bits_per_byte(loss_value, self.data.tokens_per_byte("train")),
            )
            if cfg.eval_every and (self.step % cfg.eval_every == 0 or self.step == end):
                val = self.evaluate()
                yield self._event(
                    "eval",
                    val_loss=val,
                    val_bpb=bits_per_byte(val, self.data.tokens_per_byte("val")),
                )
            if cfg.sample_every and (self.step % cfg.sample_every == 0 or self.step == end):
                yield self._event("sample", sample=self.sample())
        if self.average is not None and self.step >= cfg.steps:
            _copy(self.model.parameters(), self.average)  # the run ends with the averaged weights
        yield self._event("done", message=f"finished {self.step} steps")

    def _autocast(self) -> contextlib.AbstractContextManager:
        """bfloat16 matrix products on CUDA (weights and optimizer stay float32); none on CPU."""
        if self.device.type != "cuda":
            return contextlib.nullcontext()
        return torch.autocast("cuda", dtype=torch.bfloat16)

    def _event(self, kind: str, **kw: object) -> TrainEvent:
        event = TrainEvent(
            kind=kind, step=self.step, total_steps=self.config.steps, elapsed_s=self.elapsed_s, **kw
        )
        self.history.append(event)
        return event


if __name__ == "__main__":
    from models.train_cli import main

    raise SystemExit(main())
