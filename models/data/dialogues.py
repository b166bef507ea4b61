"""The fine-tuning format: a story, then questions and answers about it.

Each example is a tiny story followed by the seeds' conversation form::

    <story>
    A: Where did Ella go?
    B: Ella went to the square.

The format is one chat template (``CHAT_TEMPLATE``, Jinja, as Hugging Face tokenizers keep
one): the story is the system message, questions are the user's ("A:"), answers the
assistant's ("B:"). The training text and the test prompts are rendered through it, and every
model folder Glassbox saves carries it, so ``tokenizer.apply_chat_template`` gives exactly the
text our fine-tuning trained on. ``models.training.sft_data`` turns the text into token ids
with the loss on B's answers only.

>>> print(render([{"role": "system", "content": "Mia had a kite."},
...               {"role": "user", "content": "What did Mia have?"}], add_generation_prompt=True))
Mia had a kite.
A: What did Mia have?
B:
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from functools import cache

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from models.data.stories import LANGS, Story, dialogue_turns, generate_stories

ANSWER = "B:"
Message = dict[str, str]  # {"role": "system" | "user" | "assistant", "content": …}
CHAT_TEMPLATE = (
    "{%- for m in messages -%}"
    "{%- if m['role'] == 'system' -%}{{ m['content'] }}"
    "{%- elif m['role'] == 'user' -%}{{ '\\nA: ' + m['content'] }}"
    "{%- elif m['role'] == 'assistant' -%}{{ '\\nB: ' + m['content'] }}"
    "{%- endif -%}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{ '\\nB:' }}{%- endif -%}"
)


@cache
def _template() -> jinja2.Template:
    # the environment transformers renders chat templates in: sandboxed, immutable
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    return env.from_string(CHAT_TEMPLATE)


def render(messages: Sequence[Message], add_generation_prompt: bool = False) -> str:
    """The conversation as the model reads it, through ``CHAT_TEMPLATE``."""
    return _template().render(messages=list(messages), add_generation_prompt=add_generation_prompt)


def story_messages(story: Story) -> list[Message]:
    """A fine-tuning example as a conversation: the story, then 2 to 4 questions and answers."""
    out: list[Message] = [{"role": "system", "content": story.text}]
    for question, answer in dialogue_turns(story):
        out += [{"role": "user", "content": question}, {"role": "assistant", "content": answer}]
    return out


def sft_text(story: Story) -> str:
    """The training text of one example: the story, a newline, its A:/B: dialogue."""
    return render(story_messages(story))


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
    conversation = [
        {"role": "system", "content": story.text},
        {"role": "user", "content": question},
    ]
    return render(conversation, add_generation_prompt=True)
