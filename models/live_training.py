"""A training run that a page owns and advances a little at a time.

A page cannot block on a training loop, so ``TrainingJob.advance(budget_s)`` runs steps
for at most ``budget_s`` seconds and returns; a Streamlit fragment calls it again and
redraws. Everything lives in the job (its own model, never a shared cached one), so
pausing, leaving the page or stopping always leaves a consistent model.
"""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from tempfile import TemporaryDirectory

from models.config import get_preset
from models.corpora import load_documents, validate_user_text
from models.device import pick_device
from models.model import LoadedModel, build_model, save_model
from models.tokenizer import train_tokenizer
from models.train import TokenData, TrainConfig, Trainer, TrainEvent


@dataclass(frozen=True)
class RunSpec:
    """What to train: corpus (or the user's own text), preset and training settings."""

    corpus: str = "tiny-stories-en"
    preset: str = "nano-llama"
    n_chars: int = 400_000
    vocab_size: int = 1024
    steps: int = 300
    lr: float = 3e-3
    batch_size: int = 16
    block_size: int = 128
    eval_every: int = 25
    sample_every: int = 50
    sample_prompt: str = "Once upon a time"
    seed: int = 0
    force_cpu: bool = False
    user_text: str | None = None  # used instead of ``corpus`` when given

    def label(self) -> str:
        source = "own text" if self.user_text is not None else self.corpus
        return f"{source} · {self.preset} · lr {self.lr:g} · {self.steps} steps"


@dataclass
class Curves:
    """Everything a chart of the run needs, as plain lists."""

    steps: list[int] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    val_steps: list[int] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_bpb: list[float] = field(default_factory=list)
    samples: list[tuple[int, str]] = field(default_factory=list)


class TrainingJob:
    """One run: prepares data and model at creation, then trains when ``advance`` is called.

    ``status`` is one of: ready, running, paused, done, stopped, error.
    """

    def __init__(self, spec: RunSpec) -> None:
        self.spec = spec
        docs = (
            [validate_user_text(spec.user_text)]
            if spec.user_text is not None
            else load_documents(spec.corpus, n_chars=spec.n_chars, seed=spec.seed)
        )
        self.tokenizer = train_tokenizer(docs, vocab_size=spec.vocab_size)
        preset = get_preset(spec.preset)
        data = TokenData.from_documents(docs, self.tokenizer)
        config = TrainConfig(
            steps=spec.steps,
            lr=spec.lr,
            batch_size=spec.batch_size,
            block_size=min(spec.block_size, preset.n_positions),
            warmup_steps=min(30, spec.steps // 10),
            eval_every=spec.eval_every,
            eval_batches=4,
            sample_every=spec.sample_every,
            sample_prompt=spec.sample_prompt,
            seed=spec.seed,
        )
        model = build_model(preset, self.tokenizer, seed=spec.seed)
        self._start(Trainer(model, self.tokenizer, data, config, pick_device(spec.force_cpu)))

    @classmethod
    def from_trainer(cls, trainer: Trainer, spec: object) -> TrainingJob:
        """A job around a trainer someone else prepared (e.g. fine-tuning a copied model)."""
        job = cls.__new__(cls)
        job.spec, job.tokenizer = spec, trainer.tokenizer
        job._start(trainer)
        return job

    def _start(self, trainer: Trainer) -> None:
        self.trainer = trainer
        self.curves = Curves()
        self.status = "ready"
        self.message: str | None = None
        self.last: TrainEvent | None = None
        self._events: Iterator[TrainEvent] | None = None

    @property
    def notes(self) -> list[str]:
        """Settings that were clamped into a sane range."""
        return self.trainer.notes

    @property
    def finished(self) -> bool:
        return self.status in ("done", "stopped", "error")

    def advance(self, budget_s: float = 0.5) -> list[TrainEvent]:
        """Train for about ``budget_s`` seconds (at least one step); return the events."""
        if self.finished or self.status == "paused":
            return []
        if self._events is None:
            self._events = self.trainer.run()
        self.status = "running"
        events, deadline = [], time.perf_counter() + budget_s
        for ev in self._events:
            events.append(ev)
            self._record(ev)
            if self.finished or (ev.kind == "step" and time.perf_counter() > deadline):
                break
        else:
            self.status = "done" if self.status == "running" else self.status
        return events

    def _record(self, ev: TrainEvent) -> None:
        c = self.curves
        if ev.kind == "step":
            self.last = ev
            c.steps.append(ev.step)
            c.loss.append(ev.loss)
        elif ev.kind == "eval":
            c.val_steps.append(ev.step)
            c.val_loss.append(ev.val_loss)
            c.val_bpb.append(ev.val_bpb)
        elif ev.kind == "sample":
            c.samples.append((ev.step, ev.sample))
        elif ev.kind in ("done", "stopped", "error"):
            self.status, self.message = ev.kind, ev.message

    def pause(self) -> None:
        if self.status == "running":
            self.status = "paused"

    def resume(self) -> None:
        if self.status == "paused":
            self.status = "running"

    def stop(self) -> None:
        """Stop for good; the model stays as trained so far (it is consistent after every step)."""
        if not self.finished:
            if self._events is not None:
                self._events.close()
            self.status, self.message = "stopped", "stopped on request"

    def as_loaded_model(self, name: str = "my model") -> LoadedModel:
        """The trained model for the other lessons (this session's own object, eval mode)."""
        model = self.trainer.model.eval()
        return LoadedModel(model, self.tokenizer, name, self.trainer.device)

    def export_zip(self) -> bytes:
        """The model in Hugging Face format (config.json, model.safetensors, tokenizer.json), zipped."""
        buf = io.BytesIO()
        with TemporaryDirectory() as tmp, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            save_model(self.trainer.model, self.tokenizer, tmp)
            for path in sorted(Path(tmp).iterdir()):
                zf.write(path, arcname=f"glassbox-model/{path.name}")
        return buf.getvalue()


def parameter_count(preset: str, vocab_size: int = 1024) -> int:
    """Parameters of ``preset`` with a ``vocab_size`` tokenizer (to show before training)."""
    return get_preset(preset).n_params(vocab_size)
