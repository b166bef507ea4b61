"""Tokenization page figures: tokenize + draw with all four tokenizers, BPE stepper training."""

from __future__ import annotations

import statistics
import time

from app.token_view import chips_html
from models.bpe_steps import train_bpe
from models.encodings import get_encoding
from models.model import DEFAULT_CHECKPOINT
from models.stories import generate_stories
from models.token_compare import hf_tokenize, tiktoken_tokenize
from models.tokenizer import load_tokenizer, train_tokenizer


def _median_ms(fn, repeat: int = 7) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return round(statistics.median(times), 2)


def _our_tokenizer():
    """The shipped checkpoint's tokenizer, or (while it is missing) one trained like it."""
    try:
        return load_tokenizer(DEFAULT_CHECKPOINT), DEFAULT_CHECKPOINT.name
    except Exception:
        texts = [s.text for lang in ("en", "de", "ja") for s in generate_stories(lang, 300)]
        return train_tokenizer(texts, vocab_size=4096), "stand-in (4096, stories)"


def run() -> dict:
    ours, ours_name = _our_tokenizer()
    encs = {n: get_encoding(n) for n in ("gpt2", "cl100k_base", "o200k_base")}
    stories = "\n".join(s.text for lang in ("en", "de", "ja") for s in generate_stories(lang, 400))

    def all_four(text: str, draw: bool = True) -> None:
        results = [hf_tokenize(ours, text)] + [tiktoken_tokenize(e, text) for e in encs.values()]
        if draw:
            for tk in results:
                chips_html(tk.ids, tk.pieces)  # capped at MAX_DRAWN chips

    sample = "The little cat found a red ball. Die Katze fand einen Ball. 猫がボールを見つけた。"
    bpe_text = stories[:8_000]
    t = time.perf_counter()
    run_ = train_bpe(bpe_text, 300)
    bpe_s = time.perf_counter() - t
    return {
        "our_tokenizer": ours_name,
        "tokenize_and_draw_2000_chars_4_tokenizers_ms": _median_ms(
            lambda: all_four(stories[:2000])
        ),
        "tokenize_and_draw_100000_chars_4_tokenizers_ms": _median_ms(
            lambda: all_four(stories[:100_000]), repeat=3
        ),
        "tokenize_only_100000_chars_4_tokenizers_ms": _median_ms(
            lambda: all_four(stories[:100_000], draw=False), repeat=3
        ),
        "tokenize_and_draw_sample_sentence_ms": _median_ms(lambda: all_four(sample)),
        "bpe_train_8000_chars_300_merges_s": round(bpe_s, 3),
        "bpe_merges_learned": len(run_.merges),
        "bpe_step_redraw_ms": _median_ms(
            lambda: chips_html(ids := run_.tokens_after(150), [run_.token_bytes[i] for i in ids])
        ),
        "note": "Python side only; tests/test_browser_tokenization.py times the redraw in Chromium",
    }
