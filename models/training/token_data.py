"""Training data as token ids: what the trainer draws its batches from.

``BatchSource`` is all the trainer asks of data; ``TokenData`` is running text (documents
joined by end-of-text) cut into random windows. Fine-tuning's one-dialogue-per-row data is
``models.training.sft_data.DialogueData``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import torch
from transformers import PreTrainedTokenizerBase


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
