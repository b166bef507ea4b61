"""Lesson text on a page: the markdown of ``lessons/<lang>/<page>.md`` cut at its ``## ``
headings, each section drawn with the same header and divider."""

from __future__ import annotations

import re

import streamlit as st


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
