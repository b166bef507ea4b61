"""Pre-training runs a page starts: what to train (``RunSpec``), the job that trains it, its curves.

``pretraining_job(spec)`` prepares the data (a corpus or the user's own text), trains a
tokenizer on it and builds a fresh model; the returned ``TrainingJob`` trains when a page
calls ``advance`` (see ``models.training.jobs``) and keeps the curves a chart draws.
Fine-tuning uses the same ``TrainingJob`` around its own trainer (``models.training.finetune``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from models.data.corpora import load_documents, validate_user_text
from models.model.device import pick_device
from models.model.loading import LoadedModel, build_model, zip_model
from models.model.presets import get_preset
from models.tokenization.tokenizer import train_tokenizer
from models.training.card import corpus_languages, session_card
from models.training.config import TrainConfig
from models.training.jobs import Job
from models.training.token_data import TokenData
from models.training.trainer import Trainer, TrainEvent


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
    first_sample: int = 10  # the first sample comes early: random letters, to compare with later
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


PRIVATE_FIELDS = ("user_text", "force_cpu")  # never written into a card


class TrainingJob(Job[TrainEvent]):
    """A ``Job`` around a ``Trainer``: trains when advanced, keeps the run's ``Curves``."""

    def __init__(self, trainer: Trainer, spec: object) -> None:
        super().__init__(events=trainer.run())
        self.trainer, self.spec, self.tokenizer = trainer, spec, trainer.tokenizer
        self.curves = Curves()

    @property
    def notes(self) -> list[str]:
        """Settings that were clamped into a sane range."""
        return self.trainer.notes

    def record(self, ev: TrainEvent) -> None:
        c = self.curves
        if ev.kind == "step" and ev.loss is not None:
            c.steps.append(ev.step)
            c.loss.append(ev.loss)
        elif ev.kind == "eval" and ev.val_loss is not None and ev.val_bpb is not None:
            c.val_steps.append(ev.step)
            c.val_loss.append(ev.val_loss)
            c.val_bpb.append(ev.val_bpb)
        elif ev.kind == "sample" and ev.sample is not None:
            c.samples.append((ev.step, ev.sample))

    def as_loaded_model(self, name: str = "my model") -> LoadedModel:
        """The trained model for the other lessons (this session's own object, eval mode)."""
        model = self.trainer.model.eval()
        return LoadedModel(model, self.tokenizer, name, self.trainer.device)

    def card(self, base_model: str | None = None) -> str:
        """The model card of this run's model: the recipe, the figures measured so far and real
        samples; with ``base_model`` (the model it started from) it is a fine-tuning card."""
        spec: Any = self.spec  # a RunSpec or a FineTuneSpec: both frozen dataclasses
        c, model = self.curves, self.trainer.model
        recipe = {k: v for k, v in dataclasses.asdict(spec).items() if k not in PRIVATE_FIELDS}
        rows = [(k.replace("_", " "), f"`{v}`") for k, v in recipe.items()]
        if getattr(spec, "user_text", None) is not None:
            rows.insert(0, ("data", f"the student's own text, {len(spec.user_text):,} characters"))
        rows += [
            ("parameters", f"{model.num_parameters():,}"),
            ("steps done", f"{self.trainer.step:,}"),
            ("last training loss", f"{c.loss[-1]:.3f}" if c.loss else "–"),
            ("last validation loss", f"{c.val_loss[-1]:.3f} nats/token" if c.val_loss else "–"),
            ("training time", f"{self.trainer.elapsed_s:.0f} s"),
        ]
        if hasattr(spec, "lang"):  # fine-tuning: one language's dialogues
            langs: list[str | None] = [spec.lang]
        else:  # the user's own text: a language we cannot tell
            known = None if spec.user_text is not None else corpus_languages(spec.corpus)
            langs = list(known) if known else [None]
        fine = base_model is not None
        return session_card(
            "Glassbox fine-tuned model" if fine else "Glassbox pre-trained model",
            "Fine-tuned in Glassbox to answer questions about a story (A:/B: dialogue, the "
            "tokenizer's chat template)."
            if fine
            else "Pre-trained from scratch in Glassbox.",
            langs=langs,
            tags=["fine-tuning" if fine else "pretraining"],
            rows=rows,
            model=model,
            tokenizer=self.tokenizer,
            base_model=base_model,
        )

    def export_zip(self, base_model: str | None = None) -> bytes:
        """The model as a zipped Hugging Face folder with its model card (``card``)."""
        model = self.trainer.model
        was_training = model.training
        model.eval()  # the card's samples: no dropout
        try:
            card = self.card(base_model)
        finally:
            model.train(was_training)
        return zip_model(model, self.tokenizer, card)


def pretraining_job(spec: RunSpec) -> TrainingJob:
    """Data, tokenizer and a fresh model for ``spec``, as a job that trains when advanced.

    Raises ``ValueError`` (``CorpusError`` too) for text or settings that cannot train.
    """
    docs = (
        [validate_user_text(spec.user_text)]
        if spec.user_text is not None
        else load_documents(spec.corpus, n_chars=spec.n_chars, seed=spec.seed)
    )
    tokenizer = train_tokenizer(docs, vocab_size=spec.vocab_size)
    preset = get_preset(spec.preset)
    data = TokenData.from_documents(docs, tokenizer)
    config = TrainConfig(
        steps=spec.steps,
        lr=spec.lr,
        batch_size=spec.batch_size,
        block_size=min(spec.block_size, preset.n_positions),
        warmup_steps=min(30, spec.steps // 10),
        eval_every=spec.eval_every,
        eval_batches=4,
        sample_every=spec.sample_every,
        first_sample=spec.first_sample,
        sample_prompt=spec.sample_prompt,
        seed=spec.seed,
    )
    model = build_model(preset, tokenizer, seed=spec.seed)
    return TrainingJob(Trainer(model, tokenizer, data, config, pick_device(spec.force_cpu)), spec)


def parameter_count(preset: str, vocab_size: int = 1024) -> int:
    """Parameters of ``preset`` with a ``vocab_size`` tokenizer (to show before training)."""
    return get_preset(preset).n_params(vocab_size)
