"""Build, load and save causal LMs: ours from a preset, or any local Hugging Face model.

The model is a stock ``transformers`` class (GPT-2, or Llama for Llama-style presets). We
never fork its forward pass: inspection asks it for attentions and hidden states instead.
"""

from __future__ import annotations

import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # nothing here ever downloads
os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")

import torch  # noqa: E402
from transformers import (  # noqa: E402
    AutoModelForCausalLM,
    AutoTokenizer,
    GPT2LMHeadModel,
    LlamaForCausalLM,
    PreTrainedModel,
    PreTrainedTokenizerBase,
)
from transformers.utils import logging as hf_logging  # noqa: E402

from models.model.catalog import DEFAULT_CHECKPOINT  # noqa: E402
from models.model.device import pick_device  # noqa: E402
from models.model.presets import ModelPreset  # noqa: E402

hf_logging.disable_progress_bar()
hf_logging.set_verbosity_error()


def context_length(model: PreTrainedModel) -> int:
    """The most tokens ``model`` sees at once (GPT-2 calls it n_positions, Llama max_position_embeddings)."""
    cfg = model.config
    n = getattr(cfg, "n_positions", None) or getattr(cfg, "max_position_embeddings", None)
    return int(n or 1024)


@dataclass
class LoadedModel:
    """A causal LM with its tokenizer, where it lives and what it is called."""

    model: PreTrainedModel
    tokenizer: PreTrainedTokenizerBase
    name: str
    device: torch.device
    path: Path | None = None

    @property
    def n_params(self) -> int:
        return sum(p.numel() for p in self.model.parameters())

    @property
    def identity(self) -> str:
        """Tells models apart for caches: the folder of a checkpoint, or the object of a model
        trained in this session (which has no folder)."""
        return str(self.path) if self.path is not None else f"in-memory:{id(self.model)}"

    @property
    def context_length(self) -> int:
        return context_length(self.model)

    @property
    def n_layers(self) -> int:
        return int(self.model.config.num_hidden_layers)

    @property
    def n_heads(self) -> int:
        return int(self.model.config.num_attention_heads)


def build_model(
    preset: ModelPreset, tokenizer: PreTrainedTokenizerBase, seed: int = 0
) -> GPT2LMHeadModel | LlamaForCausalLM:
    """A freshly initialised model of ``preset``'s architecture and shape for ``tokenizer``'s
    vocabulary."""
    eos = tokenizer.eos_token_id if tokenizer.eos_token_id is not None else 0
    config = preset.to_hf_config(len(tokenizer), bos_token_id=eos, eos_token_id=eos)
    config._attn_implementation = "eager"  # attention weights must be inspectable
    torch.manual_seed(seed)
    return LlamaForCausalLM(config) if preset.arch == "llama" else GPT2LMHeadModel(config)


def load_model(
    path: str | Path = DEFAULT_CHECKPOINT,
    device: torch.device | str | None = None,
    name: str | None = None,
) -> LoadedModel:
    """Load any Hugging Face causal LM from a local folder, in eval mode, with eager attention.

    Eager attention is requested because the default SDPA path silently returns no
    attention weights. Raises FileNotFoundError with a hint when the folder is missing.
    """
    path = Path(path)
    if not (path / "config.json").is_file():
        raise FileNotFoundError(
            f"no Hugging Face model at {path} (expected config.json there); "
            "train one with: python -m models.training --preset small --corpus tiny-stories --out DIR"
        )
    device = torch.device(device) if device is not None else pick_device()
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    model = AutoModelForCausalLM.from_pretrained(
        path, attn_implementation="eager", local_files_only=True, dtype=torch.float32
    )
    model.to(device).eval()
    return LoadedModel(
        model=model, tokenizer=tokenizer, name=name or path.name, device=device, path=path
    )


def save_model(model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, out: str | Path) -> Path:
    """Save in plain Hugging Face format: config.json, model.safetensors, tokenizer.json."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)
    return out


def zip_model(model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase) -> bytes:
    """``save_model``'s folder as a zip (entries under ``glassbox-model/``), for a download."""
    buf = io.BytesIO()
    with TemporaryDirectory() as tmp, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        save_model(model, tokenizer, tmp)
        for path in sorted(Path(tmp).iterdir()):
            zf.write(path, arcname=f"glassbox-model/{path.name}")
    return buf.getvalue()
