"""Tokenization page figures: tokenize + draw with all four tokenizers, BPE stepper training."""

from __future__ import annotations

import time

from app.i18n import text_for
from app.views.tokenization import chips_html
from bench.common import edit_redraw_figures, median_ms
from models.data.stories import generate_stories
from models.model.catalog import DEFAULT_CHECKPOINT
from models.tokenization.bpe_replay import train_bpe
from models.tokenization.compare import hf_tokenize, tiktoken_tokenize
from models.tokenization.reference import get_encoding
from models.tokenization.tokenizer import load_tokenizer, train_tokenizer


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
        "tokenize_and_draw_2000_chars_4_tokenizers_ms": median_ms(lambda: all_four(stories[:2000])),
        "tokenize_and_draw_100000_chars_4_tokenizers_ms": median_ms(
            lambda: all_four(stories[:100_000]), repeat=3
        ),
        "tokenize_only_100000_chars_4_tokenizers_ms": median_ms(
            lambda: all_four(stories[:100_000], draw=False), repeat=3
        ),
        "tokenize_and_draw_sample_sentence_ms": median_ms(lambda: all_four(sample)),
        "bpe_train_8000_chars_300_merges_s": round(bpe_s, 3),
        "bpe_merges_learned": len(run_.merges),
        "bpe_step_redraw_ms": median_ms(
            lambda: chips_html(ids := run_.tokens_after(150), [run_.token_bytes[i] for i in ids])
        ),
        **browser_figures(),
        "redraw_goal_ms_p50": 250,
    }


CHIPS_SPELL = """prefix => {
    const row = document.querySelector('.gb-row');
    return row && row.innerText.replace(/[\\s·↵]+/g, '').startsWith(prefix);
}"""


def browser_figures(edits: int = 11) -> dict:
    """Edit → chips painted, in Chromium: 2 000 characters through all four tokenizers."""
    base = ("The little cat found a red ball. Die Katze fand einen Ball. 猫が見つけた。 " * 40)[
        :2000
    ]
    return edit_redraw_figures(
        "/tokenization?lang=en",
        text_for("en", "tokenization.input_label"),
        [f"{i} {base}"[:2000] for i in range(edits)],
        CHIPS_SPELL,
        lambda text: "".join(text[:12].split()),
        "edit_2000_chars_to_chips",
    )
