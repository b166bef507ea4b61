"""Language state and text lookup: UI strings from ``lessons/<lang>/*.toml``, lessons from ``.md``.

The pure functions (``ui_strings``, ``text_for``, ``lesson_for``) take the language
explicitly and are what the tests use; ``t`` and ``lesson_text`` read the selected
language from ``st.session_state``.

>>> text_for("en", "page.tokenization.title")
'Tokenization'
"""

from __future__ import annotations

import functools
import re
import tomllib
from pathlib import Path
from typing import Any

import streamlit as st

LANGUAGES: dict[str, str] = {"en": "English", "de": "Deutsch", "ja": "日本語"}
DEFAULT_LANG = "en"
LANG_KEY = "lang"  # the sidebar's language widget key, and the ``?lang=`` query parameter
LESSONS_DIR = Path(__file__).resolve().parent.parent / "lessons"


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """``{"a": {"b": "x", "c": ["y", "z"]}}`` → ``{"a.b": "x", "a.c.0": "y", "a.c.1": "z"}``:
    TOML tables become dotted keys, arrays numbered ones (see ``texts_for``)."""
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        elif isinstance(value, list):
            flat.update(_flatten({str(i): v for i, v in enumerate(value)}, f"{name}."))
        else:
            flat[name] = str(value)
    return flat


@functools.lru_cache(maxsize=len(LANGUAGES))
def ui_strings(lang: str) -> dict[str, str]:
    """All UI strings of ``lang`` (every ``lessons/<lang>/*.toml``) as one flat dict of dotted keys."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {sorted(LANGUAGES)}")
    merged: dict[str, str] = {}
    # ui.toml holds the shared strings; each lesson page may add its own <page>.toml.
    for path in sorted((LESSONS_DIR / lang).glob("*.toml")):
        with open(path, "rb") as f:
            strings = _flatten(tomllib.load(f))
        clash = merged.keys() & strings.keys()
        if clash:
            raise ValueError(f"{path} repeats UI keys defined in another file: {sorted(clash)}")
        merged.update(strings)
    return merged


def text_for(lang: str, key: str, **fmt: object) -> str:
    """The UI string ``key`` in ``lang``, falling back to English; KeyError if missing everywhere.

    ``fmt`` fills ``{placeholders}`` with ``str.format``; without it the text is returned as is.
    """
    strings = ui_strings(lang)
    if key in strings:
        text = strings[key]
    elif key in ui_strings(DEFAULT_LANG):
        text = ui_strings(DEFAULT_LANG)[key]
    else:
        raise KeyError(f"no UI string {key!r} in lessons/{lang}/ui.toml nor lessons/en/ui.toml")
    return text.format(**fmt) if fmt else text


def texts_for(lang: str, key: str) -> list[str]:
    """The UI strings of the TOML array ``key`` in ``lang`` (``key.0``, ``key.1``, …).

    >>> len(texts_for("en", "next_token.quiz.options")) >= 2
    True
    """
    strings = ui_strings(lang) if f"{key}.0" in ui_strings(lang) else ui_strings(DEFAULT_LANG)
    out: list[str] = []
    while f"{key}.{len(out)}" in strings:
        out.append(strings[f"{key}.{len(out)}"])
    if not out:
        raise KeyError(f"no UI strings {key}.0, {key}.1, … in lessons/{lang}/ nor lessons/en/")
    return out


def lesson_for(lang: str, page: str) -> str:
    """Markdown of ``lessons/<lang>/<page>.md``, falling back to English; FileNotFoundError if none."""
    for candidate in (lang, DEFAULT_LANG):
        path = LESSONS_DIR / candidate / f"{page}.md"
        if path.is_file():
            return path.read_text(encoding="utf-8")
    raise FileNotFoundError(f"no lesson text lessons/{lang}/{page}.md (nor an English one)")


def current_lang() -> str:
    """The selected language code; on a session's first run, taken from ``?lang=xx`` if valid."""
    lang = st.session_state.get(LANG_KEY)
    if lang not in LANGUAGES:
        wanted = st.query_params.get(LANG_KEY)
        lang = wanted if wanted in LANGUAGES else DEFAULT_LANG
        st.session_state[LANG_KEY] = lang
    return lang


def t(key: str, **fmt: object) -> str:
    """The UI string ``key`` in the selected language (see ``text_for``)."""
    return text_for(current_lang(), key, **fmt)


def lesson_text(page: str) -> str:
    """The lesson markdown for ``page`` in the selected language (see ``lesson_for``)."""
    return lesson_for(current_lang(), page)


def number(x: float, digits: int = 0, lang: str | None = None, signed: bool = False) -> str:
    """``x`` with ``digits`` decimals and the language's separators (Babel, CLDR data);
    ``signed`` writes a plus sign too. Never "-0": a rounded zero is zero.

    >>> number(12345.678, 1, "en"), number(12345.678, 1, "de"), number(-0.001, 2, "de")
    ('12,345.7', '12.345,7', '0,00')
    >>> number(0.25, 2, "en", signed=True)
    '+0.25'
    """
    from babel.numbers import format_decimal

    x = round(x, digits) + 0.0  # + 0.0 turns -0.0 into 0.0
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    if signed:
        pattern = f"+{pattern};-{pattern}"
    return format_decimal(x, format=pattern, locale=lang or current_lang())


@functools.cache
def _percent_pattern(lang: str, digits: int) -> str:
    """The language's own percent pattern (``#,##0 %`` in German), with ``digits`` decimals."""
    from babel import Locale

    pattern = Locale.parse(lang).percent_formats[None].pattern  # "#,##0%", "#,##0\xa0%"
    return re.sub(r"0(?=\D*%)", "0." + "0" * digits, pattern, count=1) if digits > 0 else pattern


def percent(share: float, digits: int = 0, lang: str | None = None) -> str:
    """``share`` (0 … 1) as a percentage, written the language's way (Babel, CLDR data).

    >>> percent(0.096, 1, "en"), percent(0.096, 1, "de"), percent(0.5, 0, "ja")
    ('9.6%', '9,6\xa0%', '50%')
    """
    from babel.numbers import format_percent

    lang = lang or current_lang()
    return format_percent(share, format=_percent_pattern(lang, digits), locale=lang)


def decimal_separators(lang: str | None = None) -> str:
    """Decimal and thousands separator for plotly's ``layout.separators`` (".," in English).

    >>> decimal_separators("de")
    ',.'
    """
    from babel import Locale

    symbols = Locale.parse(lang or current_lang()).number_symbols["latn"]
    return symbols["decimal"] + symbols["group"]


def format_params(n: int, lang: str | None = None) -> str:
    """A parameter count for people: 3_412_000 → '3.4 M parameters' (in ``lang``'s words)."""
    lang = lang or current_lang()
    return text_for(lang, "sidebar.params", n=number(n / 1e6, 1 if n >= 1_000_000 else 2, lang))
