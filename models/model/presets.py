"""Model presets: tiny causal-LM shapes named by what they are for.

Two blocks are on offer: GPT-2's (layer norm, learned positions, GELU MLP) and the Llama-style
block of today's open models (RMSNorm, rotary positions, SwiGLU MLP, no biases).

Each default carries its reason; the same ``help`` text feeds the app's tooltips.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from transformers import GPT2Config, LlamaConfig

ARCHS = ("gpt2", "llama")


@dataclass(frozen=True)
class ModelPreset:
    """Shape of a small causal LM. ``vocab_size`` comes from the tokenizer."""

    name: str
    arch: str = field(
        default="gpt2",
        metadata={
            "help": "Block design: 'gpt2' (layer norm, learned positions, GELU) or 'llama' "
            "(RMSNorm, rotary positions, SwiGLU, as in today's open models)."
        },
    )
    n_layer: int = field(
        default=4, metadata={"help": "Transformer blocks stacked on top of each other."}
    )
    n_head: int = field(
        default=4,
        metadata={"help": "Attention heads per block; each looks at the text its own way."},
    )
    n_embd: int = field(
        default=128, metadata={"help": "Width of every token vector (must divide by the heads)."}
    )
    n_positions: int = field(
        default=256, metadata={"help": "Context window: the most tokens the model sees at once."}
    )
    dropout: float = field(
        default=0.0,
        metadata={"help": "Dropout hurts tiny models trained briefly; kept at 0 by default."},
    )
    description: str = ""

    def __post_init__(self) -> None:
        if self.arch not in ARCHS:
            raise ValueError(f"unknown arch {self.arch!r}; choose one of {ARCHS}")
        if self.n_embd % self.n_head:
            raise ValueError(f"n_embd={self.n_embd} must be divisible by n_head={self.n_head}")
        if self.arch == "llama" and (self.n_embd // self.n_head) % 2:
            raise ValueError("rotary positions need an even head width (n_embd / n_head)")

    @property
    def d_mlp(self) -> int:
        """Width inside the MLP: 4 D for GPT-2; for SwiGLU's three matrices 8/3 D (rounded up
        to a multiple of 8), which gives the MLP the same parameter count as GPT-2's two."""
        if self.arch == "gpt2":
            return 4 * self.n_embd
        return -(-8 * self.n_embd // 3 // 8) * 8

    def to_hf_config(
        self, vocab_size: int, bos_token_id: int = 0, eos_token_id: int = 0
    ) -> GPT2Config | LlamaConfig:
        """The `transformers` config for this preset (bos/eos set inside the small vocabulary)."""
        if self.arch == "llama":
            return LlamaConfig(
                vocab_size=vocab_size,
                hidden_size=self.n_embd,
                intermediate_size=self.d_mlp,
                num_hidden_layers=self.n_layer,
                num_attention_heads=self.n_head,
                max_position_embeddings=self.n_positions,
                attention_dropout=self.dropout,
                bos_token_id=bos_token_id,
                eos_token_id=eos_token_id,
                pad_token_id=eos_token_id,
                tie_word_embeddings=True,
            )
        return GPT2Config(
            vocab_size=vocab_size,
            n_positions=self.n_positions,
            n_embd=self.n_embd,
            n_layer=self.n_layer,
            n_head=self.n_head,
            resid_pdrop=self.dropout,
            embd_pdrop=self.dropout,
            attn_pdrop=self.dropout,
            bos_token_id=bos_token_id,
            eos_token_id=eos_token_id,
            pad_token_id=eos_token_id,
            tie_word_embeddings=True,
        )

    def n_params(self, vocab_size: int) -> int:
        """Parameter count of the model this preset builds (tied embeddings)."""
        d, L = self.n_embd, self.n_layer
        if self.arch == "llama":  # attn q,k,v,o (4d²), SwiGLU (3 d d_mlp), two RMSNorms (2d)
            return vocab_size * d + L * (4 * d * d + 3 * d * self.d_mlp + 2 * d) + d
        # attn qkv+proj (4d²+4d), mlp (8d²+5d), two layer norms (4d)
        per_block = 12 * d * d + 13 * d
        return vocab_size * d + self.n_positions * d + L * per_block + 2 * d

    def as_dict(self) -> dict:
        return asdict(self)


PRESETS: dict[str, ModelPreset] = {
    p.name: p
    for p in (
        ModelPreset(
            "nano",
            n_layer=4,
            n_head=4,
            n_embd=128,
            n_positions=128,
            description="≈1 M parameters: trains live on a laptop CPU in a minute or two.",
        ),
        ModelPreset(
            "nano-llama",
            arch="llama",
            n_layer=4,
            n_head=4,
            n_embd=128,
            n_positions=128,
            description="≈1 M parameters, Llama-style block: the default for live training on a "
            "CPU, it learns fastest there.",
        ),
        ModelPreset(
            "small",
            n_layer=6,
            n_head=6,
            n_embd=192,
            n_positions=256,
            description="≈3.5 M parameters: the shipped tiny-stories model, about an hour on 2 CPU cores.",
        ),
        ModelPreset(
            "small-llama",
            arch="llama",
            n_layer=6,
            n_head=6,
            n_embd=192,
            n_positions=256,
            description="≈3.4 M parameters, Llama-style: the shipped tiny-stories model, trained "
            "with language tags (about an hour on 2 CPU cores).",
        ),
        ModelPreset(
            "gpu",
            n_layer=8,
            n_head=8,
            n_embd=512,
            n_positions=512,
            description="≈27 M parameters: for a CUDA GPU.",
        ),
        ModelPreset(
            "baby-gpt",
            n_layer=4,
            n_head=4,
            n_embd=128,
            n_positions=64,
            description="nanoGPT's CPU 'baby GPT' shape (4×4×128, block 64), for benchmark comparisons.",
        ),
    )
}


def get_preset(name: str, **overrides: Any) -> ModelPreset:
    """A named preset, optionally with some fields replaced. Unknown names raise ValueError."""
    if name not in PRESETS:
        raise ValueError(f"unknown preset {name!r}; choose one of {sorted(PRESETS)}")
    return replace(PRESETS[name], **overrides) if overrides else PRESETS[name]


def field_help(name: str) -> str:
    """The help text of a ModelPreset field, for tooltips."""
    for f in fields(ModelPreset):
        if f.name == name:
            return f.metadata.get("help", "")
    raise KeyError(name)
