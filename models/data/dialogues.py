"""The fine-tuning format: a story, then questions and answers about it.

Each example is a tiny story followed by the seeds' conversation form::

    <story>
    A: Where did Ella go?
    B: Ella went to the square.

The text format lives here (plain strings, no torch); ``models.training.sft_data`` turns it
into token ids with the loss on B's answers only.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from models.data.stories import LANGS, Story, dialogue, generate_stories

ANSWER = "B:"


def sft_text(story: Story) -> str:
    """The training text of one example: the story, a newline, its A:/B: dialogue."""
    return f"{story.text}\n{dialogue(story)}"


def answer_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of B's answers: from after ``B:`` to the end of its line (newline included).

    >>> answer_spans("A: Hi?\\nB: Yes.\\nA: Ok?\\nB: No.")
    [(9, 15), (24, 28)]
    """
    spans, pos = [], 0
    for line in text.splitlines(keepends=True):
        if line.startswith(ANSWER):
            spans.append((pos + len(ANSWER), pos + len(line)))
        pos += len(line)
    return spans


def sft_stories(n: int = 600, seed: int = 1, langs: Sequence[str] = LANGS) -> list[Story]:
    """``n`` stories, languages interleaved, from a seed the pre-training data did not use."""
    rng = random.Random(seed)
    per_lang = {
        lang: generate_stories(lang, n // len(langs) + 1, seed=rng.randrange(2**31))
        for lang in langs
    }
    return [per_lang[langs[i % len(langs)]][i // len(langs)] for i in range(n)]


def question_prompt(story: Story, question: str) -> str:
    """What a fine-tuned model is asked at test time: story, question, and ``B:`` to answer after."""
    return f"{story.text}\nA: {question}\n{ANSWER}"
