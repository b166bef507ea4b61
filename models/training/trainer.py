"""One trainer for the CLI and the pages: AdamW, warm-up + cosine, clipping, validation.

Progress comes out of ``Trainer.run()`` as a generator of ``TrainEvent``s, so a page can
redraw after each one and stop whenever it likes; the CLI prints them with a progress bar.

    python -m models.training --preset small-llama --corpus tiny-stories --out DIR
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

import torch
from transformers import PreTrainedModel, PreTrainedTokenizerBase

from models.model.device import pick_device
from models.model.loading import context_length
from models.training.config import TrainConfig
from models.training.jobs import Event
from models.training.objective import bits_per_byte, descend, lm_loss, lr_at, make_optimizer
from models.training.token_data import BatchSource


@dataclass(kw_only=True)
class TrainEvent(Event):
    """One thing that happened during training. ``kind``: step | eval | sample | done | stopped | error."""

    loss: float | None = None
    val_loss: float | None = None
    val_bpb: float | None = None
    train_bpb: float | None = None
    lr: float | None = None
    tokens_per_s: float | None = None
    elapsed_s: float = 0.0
    eta_s: float | None = None
    sample: str | None = None


@torch.no_grad()
def _copy(targets: Iterable[torch.Tensor], sources: Iterable[torch.Tensor]) -> None:
    for t, s in zip(targets, sources, strict=True):
        t.copy_(s)


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
        # A loss twice that of guessing uniformly among all tokens has exploded: the run stops
        # (a high learning rate spikes the loss; past this it only wrecks the weights).
        self.explodes_above = 2 * math.log(self.model.get_input_embeddings().num_embeddings)
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
        from models.generation.loop import generate

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
            if not math.isfinite(loss_value) or loss_value > self.explodes_above:
                yield self._event(
                    "error",
                    loss=loss_value if math.isfinite(loss_value) else None,
                    lr=lr,
                    message=f"the loss became {loss_value:.4g} at step {self.step}, far above the "
                    f"{self.explodes_above / 2:.2f} of guessing at random: the learning rate "
                    f"({lr:.2g}) is too high; the weights before this step are kept",
                )
                return
            descend(self.optimizer, self.model, loss, cfg.grad_clip)
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
            if cfg.sample_every and (
                self.step % cfg.sample_every == 0 or self.step in (cfg.first_sample, end)
            ):
                yield self._event("sample", sample=self.sample())
        if self.average is not None and self.step >= cfg.steps:
            _copy(self.model.parameters(), self.average)  # the run ends with the averaged weights
        yield self._event("done", message=f"finished {self.step} steps")

    def _autocast(self) -> contextlib.AbstractContextManager:
        """bfloat16 matrix products on CUDA (weights and optimizer stay float32); none on CPU."""
        if self.device.type != "cuda":
            return contextlib.nullcontext()
        return torch.autocast("cuda", dtype=torch.bfloat16)

    def _event(self, kind: str, **kw: Any) -> TrainEvent:
        event = TrainEvent(
            kind=kind, step=self.step, total_steps=self.config.steps, elapsed_s=self.elapsed_s, **kw
        )
        self.history.append(event)
        return event
