"""Model presets: tiny GPT-2 shapes named by what they are for.

Each default carries its reason; the same ``help`` text feeds the app's tooltips.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace

from transformers import GPT2Config


@dataclass(frozen=True)
class ModelPreset:
    """Shape of a GPT-2 style causal LM. ``vocab_size`` comes from the tokenizer."""

    name: str
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
        if self.n_embd % self.n_head:
            raise ValueError(f"n_embd={self.n_embd} must be divisible by n_head={self.n_head}")

    def to_hf_config(
        self, vocab_size: int, bos_token_id: int = 0, eos_token_id: int = 0
    ) -> GPT2Config:
        """The `transformers` config for this preset (bos/eos set inside the small vocabulary)."""
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
        """Parameter count of the GPT-2 model this preset builds (tied embeddings)."""
        d, L = self.n_embd, self.n_layer
        per_block = (
            12 * d * d + 13 * d
        )  # attn qkv+proj (4d²+4d), mlp (8d²+5d), two layer norms (4d)
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
            "small",
            n_layer=6,
            n_head=6,
            n_embd=192,
            n_positions=256,
            description="≈3.5 M parameters: the shipped tiny-stories model, about an hour on 2 CPU cores.",
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


def get_preset(name: str, **overrides: object) -> ModelPreset:
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
