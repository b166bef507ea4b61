"""Supervised fine-tuning of a copy of a model, and the held-out questions that show its effect.

The shared (cached) model is never trained: ``fine_tune_job`` deep-copies its weights.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import torch
from transformers import PreTrainedTokenizerBase

from models.data.dialogues import question_prompt, sft_stories
from models.data.stories import generate_stories, qa_pairs
from models.generation.loop import generate
from models.model.device import pick_device
from models.model.loading import LoadedModel
from models.training.config import TrainConfig
from models.training.pretraining import TrainingJob
from models.training.sft_data import DialogueData
from models.training.trainer import Trainer


@dataclass(frozen=True)
class FineTuneSpec:
    lang: str = "en"
    steps: int = 150
    lr: float = 1e-3
    batch_size: int = 8
    n_stories: int = 300
    force_cpu: bool = False


def fine_tune_job(base: LoadedModel, spec: FineTuneSpec) -> TrainingJob:
    """A job that fine-tunes a private copy of ``base`` on story + A:/B: dialogues."""
    data = DialogueData.from_stories(
        base.tokenizer, sft_stories(n=spec.n_stories, langs=(spec.lang,))
    )
    model = copy.deepcopy(base.model).to("cpu").train()  # never touch the shared model
    config = TrainConfig(
        steps=spec.steps,
        lr=spec.lr,
        batch_size=spec.batch_size,
        warmup_steps=min(10, spec.steps // 10),
        eval_every=max(5, spec.steps // 15),
        eval_batches=4,
    )
    trainer = Trainer(model, base.tokenizer, data, config, pick_device(spec.force_cpu))
    return TrainingJob(trainer, spec)


@dataclass(frozen=True)
class Question:
    """A held-out question about a story: the prompt the model sees and the true answer."""

    story: str
    question: str
    truth: str
    prompt: str
    lang: str


def heldout_questions(lang: str, n: int = 3, seed: int = 7) -> list[Question]:
    """``n`` questions about stories whose (hero, object) pairs fine-tuning never saw."""
    out: list[Question] = []
    for story in generate_stories(lang, n, seed=seed, split="heldout"):
        q, a = qa_pairs(story)[len(out) % 2]
        out.append(Question(story.text, q, a, question_prompt(story, q), lang))
    return out


@torch.no_grad()
def answer(
    model: torch.nn.Module,
    tokenizer: PreTrainedTokenizerBase,
    prompt: str,
    max_new_tokens: int = 30,
    lang: str | None = None,
) -> str:
    """The greedy continuation of ``prompt`` (without the prompt), first line only; a tagged
    model reads ``lang``'s tag first."""
    was_training = model.training
    model.eval()
    text = generate(
        model, tokenizer, prompt, max_new_tokens=max_new_tokens, temperature=0.0, lang=lang
    )
    model.train(was_training)
    new = text[len(prompt) :] if text.startswith(prompt) else text
    return new.strip("\n").split("\n")[0].strip() or "…"
