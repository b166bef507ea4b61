"""Build, load and save causal LMs: ours from a preset, or any local Hugging Face model.

The model is a stock ``transformers`` class (GPT-2, or Llama for Llama-style presets). We
never fork its forward pass: inspection asks it for attentions and hidden states instead.
"""

from __future__ import annotations

import copy
import io
import json
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
    GenerationConfig,
    GPT2LMHeadModel,
    LlamaForCausalLM,
    PreTrainedModel,
    PreTrainedTokenizerBase,
)
from transformers.utils import logging as hf_logging  # noqa: E402

from models.data.dialogues import CHAT_TEMPLATE  # noqa: E402
from models.model.catalog import DEFAULT_CHECKPOINT  # noqa: E402
from models.model.device import pick_device  # noqa: E402
from models.model.presets import ModelPreset  # noqa: E402

hf_logging.disable_progress_bar()
hf_logging.set_verbosity_error()


def context_length(model: PreTrainedModel) -> int:
    """The most tokens ``model`` sees at once (GPT-2 calls it n_positions, Llama
    max_position_embeddings); 1024 for a model that states none (``check_model`` refuses those)."""
    return known_context_length(model.config) or 1024


class ModelCheckError(ValueError):
    """A local model no lesson can use. ``code`` names the problem (the app words it in the
    student's language from ``model_check.<code>``) and ``params`` fill that message in."""

    def __init__(self, code: str, message: str, **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


def known_context_length(config: object) -> int | None:
    """The context length a config states (GPT-2's n_positions / n_ctx, most others'
    max_position_embeddings), or None when it states none."""
    for name in ("n_positions", "max_position_embeddings", "n_ctx", "seq_length"):
        n = getattr(config, name, None)
        if isinstance(n, int) and n > 0:
            return n
    return None


def check_model(model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase) -> None:
    """Raise ModelCheckError unless every lesson can use ``model`` with ``tokenizer``: a causal
    decoder (a token never sees the tokens after it), an embedding row for every token id the
    tokenizer can produce, and a stated context length.

    Causality is tested, not read off the config: a BERT folder loads through
    ``AutoModelForCausalLM`` too, and only its logits show that it looks ahead.
    """
    if model.config.is_encoder_decoder:
        raise ModelCheckError("not_causal", "an encoder-decoder model, not a causal decoder")
    rows = model.get_input_embeddings().weight.shape[0]
    if len(tokenizer) > rows:
        raise ModelCheckError(
            "vocab",
            f"the tokenizer has {len(tokenizer):,} tokens but the model only {rows:,} embeddings",
            tokens=len(tokenizer),
            rows=rows,
        )
    n_ctx = known_context_length(model.config)
    if n_ctx is None:
        raise ModelCheckError("context", "the model's config states no context length")
    device = next(model.parameters()).device
    ids = torch.randint(
        0, min(rows, len(tokenizer)), (2, 6), generator=torch.Generator().manual_seed(0)
    )
    ids[1, :3] = ids[0, :3]  # same first three tokens, different last three
    with torch.no_grad():
        logits = model(input_ids=ids.to(device)).logits  # (2, 6, vocab)
    if not torch.allclose(logits[0, :3], logits[1, :3], atol=1e-4, rtol=1e-4):
        raise ModelCheckError(
            "not_causal", "the model's outputs depend on later tokens: it is not a causal decoder"
        )


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
    attention weights. Raises FileNotFoundError with a hint when the folder is missing, and
    ModelCheckError when the model is not one the lessons can use (``check_model``).
    """
    path = Path(path)
    if not (path / "config.json").is_file():
        raise FileNotFoundError(
            f"no Hugging Face model at {path} (expected config.json there); "
            "train one with: python -m models.training --preset small-llama --corpus tiny-stories --out DIR"
        )
    device = torch.device(device) if device is not None else pick_device()
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    model = AutoModelForCausalLM.from_pretrained(
        path, attn_implementation="eager", local_files_only=True, dtype=torch.float32
    )
    model.to(device).eval()
    check_model(model, tokenizer)
    return LoadedModel(
        model=model, tokenizer=tokenizer, name=name or path.name, device=device, path=path
    )


# What ``generate`` does with a saved model unless told otherwise: the sampling the model
# cards' samples and the lessons' defaults use.
SAMPLING_DEFAULTS = {"do_sample": True, "temperature": 0.8, "top_k": 40, "max_new_tokens": 80}
ZIP_ROOT = "glassbox-model"  # the folder a downloaded zip unpacks to
TOKENIZER_CLASS = "PreTrainedTokenizerFast"  # the name transformers 4.5x and 5.x both read


def save_model(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    out: str | Path,
    chat_template: str = CHAT_TEMPLATE,
) -> Path:
    """Save in plain Hugging Face format (config.json, model.safetensors, tokenizer.json,
    tokenizer_config.json, generation_config.json) that any ``transformers`` 4.5x or 5.x reads.

    The tokenizer knows the model's context length (``model_max_length``; without it clients
    believe in 10^30 tokens and index past the position table) and carries ``chat_template``
    (by default our A:/B: ``CHAT_TEMPLATE``), so ``apply_chat_template`` renders the format
    our fine-tuning trains on.
    ``generation_config.json`` holds ``SAMPLING_DEFAULTS``.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tokenizer = copy.copy(tokenizer)  # the caller's (often cached) tokenizer stays as it was
    tokenizer.model_max_length = context_length(model)
    tokenizer.chat_template = chat_template
    gen = GenerationConfig.from_model_config(model.config)
    for key, value in SAMPLING_DEFAULTS.items():
        setattr(gen, key, value)
    model.save_pretrained(out, safe_serialization=True)
    gen.save_pretrained(out)
    tokenizer.save_pretrained(out)
    config_file = out / "tokenizer_config.json"
    config = json.loads(config_file.read_text())
    config["tokenizer_class"] = TOKENIZER_CLASS  # 5.x writes a class 4.x does not know
    for key in ("is_local", "local_files_only"):  # how this copy was loaded, not the tokenizer's
        config.pop(key, None)
    extra = config.pop("extra_special_tokens", None)  # 5.x's list; 4.x wants a dict there
    if extra:
        config["additional_special_tokens"] = extra  # the name both read a list under
    config_file.write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n")
    return out


def zip_model(
    model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, card: str | None = None
) -> bytes:
    """``save_model``'s folder as a zip (entries under ``glassbox-model/``), for a download;
    ``card`` becomes its README.md (the Hub's model card)."""
    buf = io.BytesIO()
    with TemporaryDirectory() as tmp, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        save_model(model, tokenizer, tmp)
        if card is not None:
            (Path(tmp) / "README.md").write_text(card, encoding="utf-8")
        for path in sorted(Path(tmp).iterdir()):
            zf.write(path, arcname=f"{ZIP_ROOT}/{path.name}")
    return buf.getvalue()


MAX_UNZIPPED_BYTES = 500_000_000  # an uploaded model: far above ours, far below a disk


def unzip_model(data: bytes, dest: str | Path) -> Path:
    """Unpack an uploaded model zip (``zip_model``'s, or any zipped Hugging Face folder) into
    ``dest`` and return the folder that holds its config.json.

    Refuses, with a ValueError saying why, what is not a zip, entries that would land outside
    ``dest``, more than ``MAX_UNZIPPED_BYTES`` unpacked, and a zip without config.json.
    """
    dest = Path(dest).resolve()
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ValueError("not a zip file") from None
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if sum(i.file_size for i in infos) > MAX_UNZIPPED_BYTES:
            raise ValueError(f"unpacked it would be over {MAX_UNZIPPED_BYTES // 1_000_000} MB")
        for info in infos:
            target = (dest / info.filename).resolve()
            if not target.is_relative_to(dest):
                raise ValueError(f"the entry {info.filename!r} points outside its folder")
        configs = sorted(
            (i.filename for i in infos if Path(i.filename).name == "config.json"), key=len
        )
        if not configs:
            raise ValueError("the zip holds no config.json (not a Hugging Face model folder)")
        zf.extractall(dest, members=infos)
    return (dest / configs[0]).parent
