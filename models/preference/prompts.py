"""Story openings for the RLHF lesson: the first half of a generated story, so the continuation
has to decide how the story goes on and ends (happy or sad, with an animal…).

>>> story_prompts("en", 2)[0].endswith((".", "!", "?", '"'))
True
"""

from __future__ import annotations

import re

from models.data.stories import generate_stories

_QUOTES = {"en": ('"', '"'), "de": ("„", "“"), "ja": ("「", "」")}


def _sentences(text: str, lang: str) -> list[str]:
    """Sentences of a story, never cut inside a quotation."""
    open_q, close_q = _QUOTES[lang]
    out, start = [], 0
    for m in re.finditer(r"[.!?。！？](\s+|(?=\S))" if lang == "ja" else r"[.!?]\s+", text):
        part = text[start : m.end()]
        balanced = (
            part.count('"') % 2 == 0
            if open_q == close_q
            else part.count(open_q) == part.count(close_q)
        )
        if balanced:
            out.append(part.strip())
            start = m.end()
    if text[start:].strip():
        out.append(text[start:].strip())
    return out


def story_prompts(lang: str, n: int = 8, seed: int = 11) -> list[str]:
    """Story beginnings to continue: the first half of generated stories' sentences, so the
    continuation has to decide how the story goes on and ends (happy or sad, with an animal…)."""
    out: list[str] = []
    for story in generate_stories(lang, n * 3, seed=seed):
        sentences = _sentences(story.text.replace("\n", " "), lang)
        first = ("" if lang == "ja" else " ").join(sentences[: max(1, len(sentences) // 2)])
        if first not in out:
            out.append(first)
        if len(out) == n:
            break
    return out
