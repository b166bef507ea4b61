"""The model's next-token distribution, before and after the sampling filters, and its top tokens.

Everything takes a ``LoadedModel`` (ours or any local Hugging Face causal LM) and token ids
or text, and returns plain dataclasses for the page to draw. Nothing here changes the model.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from models.generation.sampling import SamplingSettings, entropy_bits, filter_distribution
from models.inspection.attention import forward
from models.inspection.lens import LensTable, logit_lens_for_ids, top_of_lens
from models.model.inputs import Encoded, encode, encode_ids, piece_bytes
from models.model.loading import LoadedModel

TOP_N = 12  # bars in the chart: enough to see the tail, few enough to read on a projector


@dataclass(frozen=True)
class NextToken:
    encoded: Encoded
    before: torch.Tensor  # (V,) plain softmax of the last position's logits
    after: torch.Tensor  # (V,) after temperature, top-k, top-p; sums to 1
    entropy_before: float  # bits
    entropy_after: float

    def top(
        self, lm: LoadedModel, k: int = 10, by: str = "before"
    ) -> list[tuple[int, str, float, float]]:
        """The ``k`` most likely tokens: (id, display text, p_before, p_after)."""
        probs = self.before if by == "before" else self.after
        ids = torch.topk(probs, min(k, probs.numel())).indices.tolist()
        return [
            (
                i,
                piece_bytes(lm, i).decode("utf-8", errors="replace"),
                float(self.before[i]),
                float(self.after[i]),
            )
            for i in ids
        ]


def _next_token(enc: Encoded, logits: torch.Tensor, settings: SamplingSettings) -> NextToken:
    before, after = filter_distribution(logits, settings)  # (V,), (V,)
    return NextToken(enc, before, after, entropy_bits(before), entropy_bits(after))


def next_token_for_ids(
    lm: LoadedModel, enc: Encoded, settings: SamplingSettings | None = None
) -> NextToken:
    """The distribution after already encoded tokens (see ``encode`` and ``encode_ids``)."""
    logits = forward(lm, enc.ids).logits[0, -1].float().cpu()  # (V,)
    return _next_token(enc, logits, settings or SamplingSettings())


def next_token(lm: LoadedModel, text: str, settings: SamplingSettings | None = None) -> NextToken:
    """The model's distribution for the token after ``text``, before and after filtering."""
    return next_token_for_ids(lm, encode(lm, text), settings)


def distribution(
    lm: LoadedModel, ids: list[int], settings: SamplingSettings | None = None
) -> NextToken:
    """The next-token distribution after ``ids`` (last context_length of them), before/after filters."""
    return next_token_for_ids(lm, encode_ids(lm, ids), settings)


def distribution_and_lens(
    lm: LoadedModel, ids: list[int], settings: SamplingSettings, k: int = 5
) -> tuple[NextToken, LensTable | None]:
    """``distribution`` and the logit lens's table from one forward pass (what the page draws
    per click).

    The lens's last row is the model's output distribution, so its log serves as the logits.
    The lens is None for architectures whose final norm we cannot find.
    """
    enc = encode_ids(lm, ids)
    try:
        _, lens = logit_lens_for_ids(lm, enc)  # (L+1, V)
    except AttributeError:
        return next_token_for_ids(lm, enc, settings), None
    return _next_token(enc, torch.log(lens[-1]), settings), top_of_lens(lm, lens, k)


@dataclass(frozen=True)
class Row:
    token_id: int
    piece: bytes  # the token's bytes (display with app.ui.render.token_display)
    p_before: float  # the model's plain softmax
    p_after: float  # after temperature, top-k, top-p (0 = cut)


@dataclass(frozen=True)
class TopTokens:
    rows: list[Row]  # the top_n tokens by the model's probability, most likely first
    rest_before: float  # probability mass of all other tokens, before filtering
    rest_after: float  # ... and after
    n_kept: int  # tokens with probability > 0 after filtering
    vocab_size: int


def top_tokens(lm: LoadedModel, nt: NextToken, top_n: int = TOP_N) -> TopTokens:
    """The ``top_n`` most likely tokens with before/after probabilities, and the rest summed.

    Rows are ordered by the model's own probability, so filters cut from the bottom up
    (temperature never changes the order).
    """
    k = max(1, min(top_n, nt.before.numel()))
    top = torch.topk(nt.before, k)
    rows = [
        Row(int(i), piece_bytes(lm, int(i)), float(pb), float(nt.after[i]))
        for pb, i in zip(top.values, top.indices, strict=True)
    ]
    return TopTokens(
        rows,
        rest_before=max(0.0, 1.0 - sum(r.p_before for r in rows)),
        rest_after=max(0.0, 1.0 - sum(r.p_after for r in rows)),
        n_kept=int((nt.after > 0).sum()),
        vocab_size=int(nt.before.numel()),
    )
