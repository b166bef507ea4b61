"""Write a checkpoint's Hub-shaped model card, README.md: YAML front matter (license, languages,
library, pipeline, tags), then data, preset, results, the command and real samples.

python -m models.training.card models/checkpoints/tiny-stories
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

# Story openings per language; the samples in the card continue them.
SAMPLE_PROMPTS: dict[str, list[str]] = {
    "en": ["Once upon a time", "It was"],
    "de": ["Es war einmal", "An einem"],
    "ja": ["むかしむかし、", "ある"],
}


def model_samples(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    langs: Sequence[str | None],
    n_tokens: int = 80,
    seed: int = 0,
) -> dict[str, list[tuple[str, str]]]:
    """Language → (prompt, continuation) pairs sampled like ``SAMPLING_DEFAULTS`` (temperature
    0.8, top-k 40, ``seed``): ``SAMPLE_PROMPTS`` of each language, or one sample from nothing for
    ``None`` (text in a language we cannot tell)."""
    from models.generation.loop import generate

    out: dict[str, list[tuple[str, str]]] = {}
    for lang in langs:
        prompts = SAMPLE_PROMPTS.get(lang or "", [""])
        texts = [
            generate(model, tokenizer, p, n_tokens, temperature=0.8, top_k=40, seed=seed, lang=lang)
            for p in prompts
        ]
        out[lang or "text"] = list(zip(prompts, texts, strict=True))
    return out


def samples(path: Path, n_tokens: int = 80, seed: int = 0) -> dict[str, list[str]]:
    """The saved checkpoint's continuations of ``SAMPLE_PROMPTS`` (see ``model_samples``)."""
    from models.model.loading import load_model

    lm = load_model(path, device="cpu")
    pairs = model_samples(lm.model, lm.tokenizer, list(SAMPLE_PROMPTS), n_tokens, seed)
    return {lang: [text for _, text in got] for lang, got in pairs.items()}


def sample_lines(got: dict[str, list[tuple[str, str]]]) -> list[str]:
    """Markdown for samples: a heading per language, each sample quoted, its prompt in bold."""
    lines: list[str] = []
    for lang, pairs in got.items():
        lines += [f"### {lang}", ""]
        for prompt, text in pairs:
            body = text[len(prompt) :].replace("\n", " ")
            lines += [f"> **{prompt}**{body}" if prompt else f"> {body}", ""]
    return lines


LOAD_LINES = (  # the three lines of plain transformers the cards and the README show
    "from transformers import pipeline",
    "",  # as ruff formats it: a user's linter stays quiet on the copied lines
    'generate = pipeline("text-generation", model="FOLDER")',
    'print(generate("Once upon a time")[0]["generated_text"])',
)


def usage_lines(folder: str) -> list[str]:
    """How to use the folder with plain ``transformers`` (three lines), as Markdown."""
    code = [line.replace("FOLDER", folder) for line in LOAD_LINES]
    return [
        "Use it with plain `transformers` (no Glassbox code):",
        "",
        "```python",
        *code,
        "```",
        "",
    ]


def session_card(
    title: str,
    summary: str,
    *,
    langs: Sequence[str | None],
    tags: list[str],
    rows: list[tuple[str, str]],
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    base_model: str | None = None,
) -> str:
    """The README.md of a model a student trained in the app: front matter, what it is, the
    recipe and measured figures (``rows``), usage, and real samples of ``model``."""
    known = [lang for lang in langs if lang is not None]
    lines = [
        front_matter(known or None, tags, base_model),
        f"# {title}",
        "",
        summary,
        "",
        "| | |",
        "|---|---|",
        *(f"| {k} | {v} |" for k, v in rows),
        "",
        *usage_lines("glassbox-model"),
        "## Samples",
        "",
        "Real output of this model (temperature 0.8, top-k 40, seed 0). The prompt is in bold.",
        "",
        *sample_lines(model_samples(model, tokenizer, list(langs))),
    ]
    return "\n".join(lines)


BLOCKS = {  # ModelPreset.arch → what the card calls the model
    "gpt2": "GPT-2 (`transformers.GPT2LMHeadModel`)",
    "llama": "Llama-style model (`transformers.LlamaForCausalLM`: RMSNorm, rotary positions, SwiGLU)",
}


CARD_FILE = "README.md"  # where the Hugging Face Hub and ``huggingface_hub.ModelCard`` look
LANGUAGES = {"tiny-stories": ["en", "de", "ja"], "shakespeare": ["en"]}  # else the -xx suffix


def corpus_languages(corpus: str) -> list[str] | None:
    """The languages of a built-in corpus; None for the user's own text (we cannot tell)."""
    langs = LANGUAGES.get(corpus)
    if langs is None and corpus.startswith("tiny-stories-"):
        langs = [corpus.rsplit("-", 1)[-1]]
    return langs


def front_matter(
    langs: Sequence[str] | None, tags: list[str], base_model: str | None = None
) -> str:
    """The card's YAML block, written by ``huggingface_hub.ModelCardData``.

    The licence is "other": the weights come from this project's own generated stories, and the
    project has not chosen a licence for them yet.
    """
    from huggingface_hub import ModelCardData

    data = ModelCardData(
        license="other",
        language=list(langs) if langs else None,
        library_name="transformers",
        pipeline_tag="text-generation",
        tags=["glassbox", "teaching", *tags],
        base_model=base_model,
    )
    return f"---\n{data.to_yaml()}\n---\n"


def write_model_card(path: str | Path) -> Path:
    """Render README.md from ``training.json`` and fresh samples of the saved model."""
    path = Path(path)
    info = json.loads((path / "training.json").read_text())
    p, t = info["preset"], info["train"]
    lines = [
        front_matter(corpus_languages(info["corpus"]), [p.get("arch", "gpt2"), info["corpus"]]),
        f"# {path.name}",
        "",
        f"A tiny {BLOCKS[p.get('arch', 'gpt2')]} trained from scratch by Glassbox's own code.",
        "",
        *usage_lines(path.as_posix()),
        "| | |",
        "|---|---|",
        f"| data | `{info['corpus']}`, {info['n_chars']:,} characters, 90 % train / 10 % validation by document |",
        f"| tokenizer | byte-level BPE trained on the same data, {info['vocab_size']:,} tokens |",
        f"| preset | `{p['name']}`: {p['n_layer']} layers × {p['n_head']} heads × {p['n_embd']} wide, context {p['n_positions']} |",
        f"| parameters | {info['n_params']:,} |",
        f"| training | {info['step']:,} steps × batch {t['batch_size']} × {t['block_size']} tokens, AdamW, peak lr {t['lr']}, warm-up {t['warmup_steps']}, cosine |",
        f"| validation loss | {info['last_val_loss']} nats/token |",
        f"| validation bits per byte | {info['last_val_bpb']} |",
        f"| training time | {info['train_time_s'] / 60:.1f} min on {info['device']} ({info['machine']}) |",
        "",
        "Reproduce (same seed, same data, same result up to floating-point noise):",
        "",
        "```",
        info["command"],
        "```",
        "",
        "## Samples",
        "",
        "Real output of this checkpoint (temperature 0.8, top-k 40, seed 0), regenerated by "
        f"`python -m models.training.card {path.as_posix()}`. The prompt is in bold.",
        "",
    ]

    lm_samples = samples(path)
    got = {
        lang: list(zip(SAMPLE_PROMPTS[lang], texts, strict=True))
        for lang, texts in lm_samples.items()
    }
    lines += sample_lines(got)
    out = path / CARD_FILE
    out.write_text("\n".join(lines))
    return out


if __name__ == "__main__":
    print(write_model_card(sys.argv[1]))
