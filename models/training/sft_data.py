"""Fine-tuning data as token ids: the loss on B's answers only.

The model sees everything of an example (story, questions, answers), but only the tokens of
B's answers (and the end-of-text after the last one) are targets: we teach it to *answer*, not
to write questions or stories. The text format is ``models.data.dialogues``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
from transformers import PreTrainedTokenizerBase

from models.data.dialogues import answer_spans, sft_text
from models.data.stories import Story
from models.model.inputs import lang_prefix
from models.training.objective import IGNORE


def encode_example(
    tokenizer: PreTrainedTokenizerBase, text: str, lang: str | None = None
) -> tuple[list[int], list[int]]:
    """(ids, labels): ids of ``text`` + end-of-text; labels = ids on answer tokens, IGNORE elsewhere.

    A token is an answer token when it starts inside an answer span (so ``" Yes"`` after
    ``B:`` counts, ``"B"`` and ``":"`` do not). The closing end-of-text is a target, so the
    model learns to stop. A tagged model reads ``lang``'s prefix first (never a target).
    """
    enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    spans = answer_spans(text)
    prefix = lang_prefix(tokenizer, lang)
    ids, labels = prefix + list(enc["input_ids"]), [IGNORE] * len(prefix)
    for tid, (start, _end) in zip(enc["input_ids"], enc["offset_mapping"], strict=True):
        labels.append(tid if any(a <= start < b for a, b in spans) else IGNORE)
    ids.append(tokenizer.eos_token_id)
    labels.append(tokenizer.eos_token_id)
    return ids, labels


@dataclass
class DialogueData:
    """Fine-tuning examples as (ids, labels), one example per batch row, padded per batch."""

    train: list[tuple[list[int], list[int]]]
    val: list[tuple[list[int], list[int]]]
    train_bytes: int
    val_bytes: int
    pad_id: int

    @classmethod
    def from_stories(
        cls, tokenizer: PreTrainedTokenizerBase, stories: Sequence[Story], val_fraction: float = 0.1
    ) -> DialogueData:
        texts = [sft_text(s) for s in stories]
        n_val = max(1, int(len(texts) * val_fraction))
        enc = [encode_example(tokenizer, t, s.lang) for t, s in zip(texts, stories, strict=True)]

        def answer_bytes(part: Sequence[str]) -> int:
            return sum(len(t[a:b].encode()) for t in part for a, b in answer_spans(t))

        return cls(
            enc[:-n_val],
            enc[-n_val:],
            answer_bytes(texts[:-n_val]),
            answer_bytes(texts[-n_val:]),
            tokenizer.eos_token_id,
        )

    def validate(self, block_size: int) -> None:
        if not self.train or not self.val:
            raise ValueError("fine-tuning needs at least two dialogues (one for validation)")

    def tokens_per_byte(self, split: str) -> float:
        rows, nb = (
            (self.train, self.train_bytes) if split == "train" else (self.val, self.val_bytes)
        )
        targets = sum(1 for _, labels in rows for t in labels if t != IGNORE)
        return targets / max(nb, 1)

    def batch(
        self, split: str, batch_size: int, block_size: int, generator: torch.Generator
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """x (B, T) padded with end-of-text, y (B, T) shifted labels padded with IGNORE.

        Examples longer than ``block_size + 1`` keep their *last* tokens (the answers).
        """
        rows = self.train if split == "train" else self.val
        picks = torch.randint(0, len(rows), (batch_size,), generator=generator).tolist()
        cut = [(rows[i][0][-(block_size + 1) :], rows[i][1][-(block_size + 1) :]) for i in picks]
        T = max(len(ids) for ids, _ in cut) - 1
        x = torch.full((batch_size, T), self.pad_id, dtype=torch.long)
        y = torch.full((batch_size, T), IGNORE, dtype=torch.long)
        for row, (ids, labels) in enumerate(cut):
            x[row, : len(ids) - 1] = torch.tensor(ids[:-1])
            y[row, : len(ids) - 1] = torch.tensor(labels[1:])
        return x, y
