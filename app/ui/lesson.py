"""Lesson text on a page: the markdown of ``lessons/<lang>/<page>.md`` cut at its ``## ``
headings, each section drawn with the same header and divider."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import streamlit as st

from app.i18n import format_params, number

if TYPE_CHECKING:
    from models.model.loading import LoadedModel


def lesson_sections(markdown: str) -> list[tuple[str, str]]:
    """The lesson as (heading, body) pairs split at ``## `` headings; the intro has heading "".

    >>> lesson_sections("intro\\n## A\\ntext\\n## B\\nmore")
    [('', 'intro'), ('A', 'text'), ('B', 'more')]
    """
    sections = []
    for part in re.split(r"(?m)^(?=## )", markdown):
        head, _, body = part.partition("\n") if part.startswith("## ") else ("", "", part)
        sections.append((head.removeprefix("## ").strip(), body.strip()))
    return sections


def section(heading: str, body: str) -> None:
    """One lesson section: a header with a divider, then its text."""
    st.header(heading, anchor=False, divider="gray")
    st.markdown(body)


def model_facts(lm: LoadedModel) -> dict[str, str]:
    """The loaded model's numbers that lesson text may name, in the student's number format."""
    cfg = lm.model.config
    width = lm.model.get_input_embeddings().weight.shape[1]
    return {
        "width": number(width),
        "layers": number(lm.n_layers),
        "heads": number(lm.n_heads),
        "context": number(lm.context_length),
        "params": format_params(lm.n_params),
        "vocab": number(int(cfg.vocab_size)),
    }


def with_model_facts(markdown: str, lm: LoadedModel) -> str:
    """``markdown`` with ``{model.width}``, ``{model.layers}`` … (``model_facts``) filled in from
    the loaded model, so the text never states a size the page's model does not have. Other
    braces (LaTeX) are left alone."""
    facts = model_facts(lm)
    return re.sub(r"\{model\.(\w+)\}", lambda m: facts.get(m.group(1), m.group(0)), markdown)
