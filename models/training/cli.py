"""Command line for ``python -m models.training``: corpus → tokenizer → model → checkpoint + card."""

from __future__ import annotations

import argparse
import dataclasses
import json
import platform
import shlex
import sys
import time
from pathlib import Path

import torch
from tqdm import tqdm

from models.data.corpora import CORPORA, CorpusError, load_documents, text_documents
from models.data.stories import LANG_TAGS
from models.model.device import device_label, pick_device
from models.model.loading import build_model, save_model
from models.model.presets import PRESETS, get_preset
from models.tokenization.tokenizer import load_tokenizer, train_tokenizer
from models.training.card import write_model_card
from models.training.config import TrainConfig
from models.training.token_data import TokenData
from models.training.trainer import Trainer

STATE_SUFFIX = ".trainer_state.pt"  # optimiser + step for --resume, beside OUT, never inside it


def state_file(out: Path) -> Path:
    """Where ``--resume`` keeps the optimiser state: next to the model folder, so the folder
    itself is exactly what ships or uploads."""
    return out.with_name(out.name + STATE_SUFFIX)


# TrainConfig fields given as --flags of the same name (bench.training.LONG_RUN's 300 s recipe
# is --weight-decay 1 --min-lr-ratio 0 --beta2 0.99 --ema 0.997 --input-noise 0.03)
CONFIG_FLAGS = (
    *("steps", "lr", "batch_size", "warmup_steps"),
    *("min_lr_ratio", "weight_decay", "beta2", "grad_clip", "ema", "input_noise"),
)
TRAIN_FIELDS = {f.name: f for f in dataclasses.fields(TrainConfig)}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m models.training",
        description=__doc__,
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("--preset", choices=sorted(PRESETS), default="nano", help="model shape")
    p.add_argument(
        "--corpus", choices=sorted(CORPORA), default="tiny-stories", help="built-in text"
    )
    p.add_argument(
        "--text",
        type=Path,
        help="train on your own text instead of --corpus: a UTF-8 file, or a folder whose .txt "
        "files are read as one document each",
    )
    p.add_argument("--out", type=Path, required=True, help="folder for the Hugging Face checkpoint")
    p.add_argument(
        "--n-chars", type=int, default=2_000_000, help="characters of corpus to generate/read"
    )
    p.add_argument(
        "--vocab-size", type=int, default=4096, help="tokens the new BPE tokenizer learns"
    )
    p.add_argument(
        "--lang-tags",
        action="store_true",
        help="start every tiny story with its language's tag (<|en|>, <|de|>, <|ja|>), one token "
        "each: a prompt that starts with the tag keeps the model in that language",
    )
    p.add_argument(
        "--tokenizer", type=Path, help="reuse this tokenizer folder instead of training one"
    )
    d = TrainConfig()
    for name in CONFIG_FLAGS:  # with TrainConfig's defaults and help
        default = getattr(d, name)
        help_ = TRAIN_FIELDS[name].metadata["help"]
        p.add_argument(
            "--" + name.replace("_", "-"), type=type(default), default=default, help=help_
        )
    p.add_argument("--block-size", type=int, help="tokens per sequence; unset: the model's context")
    p.add_argument("--eval-every", type=int, default=200, help="steps between validation losses")
    p.add_argument("--save-every", type=int, default=500, help="steps between checkpoint saves")
    p.add_argument("--seed", type=int, default=0, help="data, initialisation and batches")
    p.add_argument(
        "--threads", type=int, default=0, help="CPU threads for torch (0 = torch's default)"
    )
    p.add_argument("--force-cpu", action="store_true", help="train on the CPU even with a GPU")
    p.add_argument("--resume", action="store_true", help=f"continue from OUT{STATE_SUFFIX}")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    device = pick_device(force_cpu=args.force_cpu)
    preset = get_preset(args.preset)
    t0 = time.perf_counter()
    try:
        if args.text is not None:
            docs = text_documents(args.text, n_chars=args.n_chars)
        else:
            docs = load_documents(
                args.corpus, n_chars=args.n_chars, seed=args.seed, lang_tags=args.lang_tags
            )
    except CorpusError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    tags = list(LANG_TAGS.values()) if args.lang_tags else []
    tok_src = args.tokenizer or (
        args.out if args.resume and (args.out / "tokenizer.json").exists() else None
    )
    tokenizer = load_tokenizer(tok_src) if tok_src else train_tokenizer(docs, args.vocab_size, tags)
    data = TokenData.from_documents(docs, tokenizer)
    model = build_model(preset, tokenizer, seed=args.seed)
    cfg = TrainConfig(
        block_size=args.block_size or preset.n_positions,
        eval_every=args.eval_every,
        seed=args.seed,
        **{name: getattr(args, name) for name in CONFIG_FLAGS},
    )
    trainer = Trainer(model, tokenizer, data, cfg, device=device)
    for note in trainer.notes:
        print(f"clamped: {note}", file=sys.stderr)
    if args.resume and state_file(args.out).exists():
        trainer.load_state_dict(torch.load(state_file(args.out), weights_only=False))
    print(
        f"{args.preset}: {trainer.model.num_parameters():,} params on {device_label(device)}; "
        f"{len(data.train):,} train / {len(data.val):,} val tokens "
        f"(prep {time.perf_counter() - t0:.1f}s)",
        file=sys.stderr,
    )

    def save() -> None:
        with trainer.averaged():  # with --ema, the weights its validation figures measured
            save_model(trainer.model, tokenizer, args.out)
        torch.save(trainer.state_dict(), state_file(args.out))
        record = {
            "preset": preset.as_dict(),
            "corpus": f"text:{args.text.name}" if args.text is not None else args.corpus,
            "lang_tags": args.lang_tags,
            "n_chars": args.n_chars,
            "vocab_size": len(tokenizer),
            "train": trainer.config.__dict__,
            "step": trainer.step,
            "train_time_s": round(trainer.elapsed_s, 1),
            "last_val_loss": last.get("val_loss"),
            "last_val_bpb": last.get("val_bpb"),
            "n_params": trainer.model.num_parameters(),
            "device": device_label(device),
            "machine": f"{platform.machine()}, {torch.get_num_threads()} torch threads, {platform.processor() or platform.system()}",
            "command": "python -m models.training "
            + " ".join(shlex.quote(a) for a in (argv or sys.argv[1:])),
        }
        (args.out / "training.json").write_text(json.dumps(record, indent=2))

    last: dict = {}
    bar = tqdm(total=trainer.config.steps, initial=trainer.step, unit="step", dynamic_ncols=True)
    for ev in trainer.run():
        if ev.kind == "step":
            bar.update(1)
            bar.set_postfix(loss=f"{ev.loss:.3f}", tok_s=f"{ev.tokens_per_s:,.0f}")
            if ev.step % args.save_every == 0:
                save()
        elif ev.kind == "eval" and ev.val_loss is not None and ev.val_bpb is not None:
            last = {"val_loss": round(ev.val_loss, 4), "val_bpb": round(ev.val_bpb, 4)}
            bar.write(f"step {ev.step}: val loss {ev.val_loss:.3f}, {ev.val_bpb:.3f} bits/byte")
        elif ev.kind == "error":
            bar.write(f"error: {ev.message}")
            break
    bar.close()
    save()
    write_model_card(args.out)
    print(f"saved {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
