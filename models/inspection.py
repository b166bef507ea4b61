"""What the lessons look at: tokens, attention, hidden states, next-token distributions, logit lens.

Every function takes a ``LoadedModel`` (ours or any local Hugging Face causal LM) and
plain text. Text longer than the context window keeps its last tokens and says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from models.generate import GenStep, prompt_ids
from models.model import LoadedModel
from models.sampling import SamplingSettings, entropy_bits, filter_distribution, sample
from models.tokenizer import token_bytes


@dataclass(frozen=True)
class TokenInfo:
    id: int
    text: str  # the token's bytes decoded for display ('\ufffd' marks a partial character)
    bytes: bytes  # the exact bytes this token stands for
    start: int  # character span in the input text (a partial character maps to its whole character)
    end: int


@dataclass(frozen=True)
class Encoded:
    """The model's view of a text: ids and tokens, after truncation to the context window."""

    ids: list[int]
    tokens: list[TokenInfo]
    truncated: bool  # True when the text had more tokens than the context window
    n_tokens_total: int  # tokens before truncation


def tokenize(lm: LoadedModel, text: str) -> list[TokenInfo]:
    """Tokens of ``text`` with ids, bytes and character spans (no special tokens added)."""
    enc = lm.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    out = []
    for tid, (start, end) in zip(enc["input_ids"], enc["offset_mapping"], strict=True):
        raw = token_bytes(lm.tokenizer, tid)
        out.append(TokenInfo(tid, raw.decode("utf-8", errors="replace"), raw, start, end))
    return out


def encode(lm: LoadedModel, text: str) -> Encoded:
    """Tokens the model will see: the last ``context_length`` tokens; empty text → end-of-text."""
    tokens = tokenize(lm, text) if text else []
    if not tokens:
        tid = prompt_ids(lm.tokenizer, "")[0]
        tokens = [TokenInfo(tid, lm.tokenizer.convert_ids_to_tokens(tid), b"", 0, 0)]
    n = len(tokens)
    tokens = tokens[-lm.context_length :]
    return Encoded([t.id for t in tokens], tokens, truncated=n > len(tokens), n_tokens_total=n)


@torch.no_grad()
def _forward(lm: LoadedModel, ids: list[int], **kw: bool):
    return lm.model(input_ids=torch.tensor([ids], device=lm.device), **kw)


@dataclass(frozen=True)
class Attention:
    encoded: Encoded
    weights: np.ndarray  # (L, H, T, T): row = query position, column = key position; rows sum to 1


def attention(lm: LoadedModel, text: str) -> Attention:
    """Attention weights of every layer and head for ``text``."""
    enc = encode(lm, text)
    out = _forward(lm, enc.ids, output_attentions=True)
    if not out.attentions:
        raise RuntimeError(
            "the model returned no attention weights; load it with attn_implementation='eager' "
            "(models.model.load_model does this)"
        )
    weights = torch.stack([a[0] for a in out.attentions])  # (L, H, T, T)
    return Attention(enc, weights.float().cpu().numpy())


def hidden_states(lm: LoadedModel, text: str) -> tuple[Encoded, np.ndarray]:
    """Residual stream after the embeddings and after every block: (L+1, T, D)."""
    enc = encode(lm, text)
    out = _forward(lm, enc.ids, output_hidden_states=True)
    return enc, torch.stack([h[0] for h in out.hidden_states]).float().cpu().numpy()


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
                token_bytes(lm.tokenizer, i).decode("utf-8", errors="replace"),
                float(self.before[i]),
                float(self.after[i]),
            )
            for i in ids
        ]


def next_token(lm: LoadedModel, text: str, settings: SamplingSettings | None = None) -> NextToken:
    """The model's distribution for the token after ``text``, before and after filtering."""
    return next_token_for_ids(lm, encode(lm, text), settings)


def encode_ids(lm: LoadedModel, ids: list[int]) -> Encoded:
    """``Encoded`` for token ids we already have (e.g. a prompt plus generated tokens).

    Keeps the last ``context_length`` ids like ``encode``; no ids → the end-of-text token.
    ``tokens`` is left empty: ids alone carry no character spans.
    """
    ids = list(ids) or prompt_ids(lm.tokenizer, "")
    kept = ids[-lm.context_length :]
    return Encoded(kept, [], truncated=len(kept) < len(ids), n_tokens_total=len(ids))


def next_token_for_ids(
    lm: LoadedModel, enc: Encoded, settings: SamplingSettings | None = None
) -> NextToken:
    """``next_token`` for already encoded tokens (see ``encode`` and ``encode_ids``)."""
    settings = settings or SamplingSettings()
    logits = _forward(lm, enc.ids).logits[0, -1].float().cpu()  # (V,)
    before, after = filter_distribution(logits, settings)
    return NextToken(enc, before, after, entropy_bits(before), entropy_bits(after))


def generate_step(
    lm: LoadedModel, ids: list[int], settings: SamplingSettings, generator: torch.Generator
) -> GenStep:
    """Choose one next token after ``ids`` (the last context_length of them) with ``settings``."""
    logits = _forward(lm, ids[-lm.context_length :]).logits[0, -1].float().cpu()
    before, after = filter_distribution(logits, settings)
    tid = sample(after, generator)
    return GenStep(tid, lm.tokenizer.decode([tid]), float(after[tid]), float(before[tid]))


def _final_norm(model: torch.nn.Module) -> torch.nn.Module:
    base = model.base_model
    for name in ("ln_f", "norm", "final_layernorm", "final_layer_norm"):
        if hasattr(base, name):
            return getattr(base, name)
    raise AttributeError(f"cannot find the final norm of {type(model).__name__} for the logit lens")


@torch.no_grad()
def logit_lens(lm: LoadedModel, text: str) -> tuple[Encoded, torch.Tensor]:
    """Next-token distribution read out after the embeddings and after each block: (L+1, V).

    Intermediate residual streams go through the final norm and the unembedding. The last
    hidden state already has the final norm applied (as in Hugging Face models), so the last
    row equals the model's actual output distribution.
    """
    return logit_lens_for_ids(lm, encode(lm, text))


@torch.no_grad()
def logit_lens_for_ids(lm: LoadedModel, enc: Encoded) -> tuple[Encoded, torch.Tensor]:
    """``logit_lens`` for already encoded tokens (see ``encode_ids``): (L+1, V)."""
    out = _forward(lm, enc.ids, output_hidden_states=True)
    norm, head = _final_norm(lm.model), lm.model.get_output_embeddings()
    hs = out.hidden_states  # L+1 tensors of (1, T, D)
    rows = [head(norm(h[0, -1])) for h in hs[:-1]] + [head(hs[-1][0, -1])]
    return enc, torch.softmax(torch.stack(rows).float(), dim=-1).cpu()
