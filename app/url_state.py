"""A lesson's state as a link: widget values ↔ query parameters, so an instructor prepares URLs.

Each page's view declares which of its widgets travel in the URL (``URL = Page(name,
params)``: parameter name, widget key, kind), next to the widgets it draws with the same kinds'
ranges. Three calls wire a page:

- ``restore(page)`` at the top, before the widgets exist: the first time this session sees a
  set of the page's parameters (a prepared link, or a URL changed from outside), their valid
  values go into ``st.session_state``. A URL the app wrote itself is never applied again, so it
  never overwrites what the user is changing.
- ``link_button(page)``: "Link to this view" opens a dialog with the exact URL in ``st.code``
  (built when clicked, from the current values).
- ``keep_in_step(page)`` at the end of the page and of each fragment that holds such widgets:
  writes the current values into the address bar (one small message, only when something
  changed; no rerun, no redraw).

Parsing never raises: a bad value (``?temp=abc``) is ignored, a number out of range
(``?layer=99``) is clamped (the page then resets what the loaded model does not have), text
is cut to ``max_chars`` and only ever goes into text widgets, which show it escaped.

Another page adopts it with a few lines. In its view::

    BETA = Float(0.01, 1.0)  # the slider's range: st.slider(..., BETA.lo, BETA.hi, ...)
    URL = Page("rlhf", (Param("beta", "rl_beta", BETA),))

and in ``pages/rlhf.py``: ``url_state.restore(view.URL)`` and ``url_state.link_button(view.URL)``
after the title, ``url_state.keep_in_step(view.URL)`` at the end.

Why not Streamlit's own ``bind="query-params"``: it names parameters after widget keys (ours
are per language, ``tf_text_en``) and writes option widgets as their displayed, translated
labels, so a link made in English would not survive a switch to German.

>>> Float(0.0, 2.0).parse("9"), Float(0.0, 2.0).parse("abc"), Float(0.0, 2.0).parse("nan")
(2.0, None, None)
>>> layer = Int(0, 63, offset=1)  # the URL counts layers from 1, like the page
>>> layer.parse("3"), layer.encode(2), layer.parse("99"), layer.parse("3.5")
(2, '3', 63, None)
>>> Many(("nouns", "verbs", "names")).parse("verbs,x,nouns,verbs")
['verbs', 'nouns']
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import quote, urlencode

import streamlit as st

from app.i18n import LANG_KEY, current_lang, t

TEXT_MAX = 1000  # characters of one text in a link: ≤ 9 kB URL-encoded, even in Japanese
SEEN_KEY = "_url_state_seen"  # session_state: page → signatures of URLs applied or written
SEEN_MAX = 64  # signatures kept per page (a long session writes one per change)


class Kind(Protocol):
    """How one widget value is read from and written to the URL."""

    def parse(self, raw: str) -> Any | None:
        """The widget value for URL text ``raw``, or None to ignore it. Never raises."""

    def encode(self, value: Any) -> str | None:
        """URL text for a widget value, or None to leave the parameter out."""


@dataclass(frozen=True)
class Int:
    """An integer clamped into [lo, hi]; ``offset`` 1 shows it counted from 1 in the URL."""

    lo: int
    hi: int
    offset: int = 0

    def parse(self, raw: str) -> int | None:
        try:
            n = int(raw.strip()) - self.offset
        except ValueError:  # also "3.5" and digit strings longer than Python accepts
            return None
        return min(max(n, self.lo), self.hi)

    def encode(self, value: Any) -> str | None:
        return str(int(value) + self.offset)


@dataclass(frozen=True)
class Float:
    """A finite float clamped into [lo, hi]; written with 6 significant digits."""

    lo: float
    hi: float

    def parse(self, raw: str) -> float | None:
        try:
            x = float(raw.strip())
        except ValueError:
            return None
        return min(max(x, self.lo), self.hi) if math.isfinite(x) else None

    def encode(self, value: Any) -> str | None:
        return f"{float(value):.6g}"


@dataclass(frozen=True)
class Choice:
    """One of ``options``, written as ``str(option)``; anything else is ignored."""

    options: tuple

    def parse(self, raw: str) -> Any | None:
        for option in self.options:
            if str(option) == raw.strip():
                return option
        return None

    def encode(self, value: Any) -> str | None:
        return str(value) if value in self.options else None


@dataclass(frozen=True)
class Flag:
    """A switch: ``1``/``0`` (``true``/``false``, ``on``/``off``, ``yes``/``no`` are read too)."""

    def parse(self, raw: str) -> bool | None:
        word = raw.strip().lower()
        if word in ("1", "true", "on", "yes"):
            return True
        if word in ("0", "false", "off", "no"):
            return False
        return None

    def encode(self, value: Any) -> str | None:
        return "1" if value else "0"


@dataclass(frozen=True)
class Many:
    """A subset of ``options`` in the user's order, comma-separated; unknown names are dropped."""

    options: tuple[str, ...]

    def parse(self, raw: str) -> list[str] | None:
        names = [name.strip() for name in raw.split(",")] if raw.strip() else []
        chosen = list(dict.fromkeys(n for n in names if n in self.options))
        return chosen if chosen or not names else None  # only unknown names: ignore

    def encode(self, value: Any) -> str | None:
        return ",".join(v for v in value if v in self.options)


@dataclass(frozen=True)
class Text:
    """Free text, cut to ``max_chars``; left out of the URL while it equals the UI string
    ``default`` (the widget's default in the selected language), so links stay short."""

    max_chars: int = TEXT_MAX
    default: str | None = None

    def parse(self, raw: str) -> str | None:
        return raw[: self.max_chars]

    def encode(self, value: Any) -> str | None:
        if not isinstance(value, str) or (self.default and value == t(self.default)):
            return None
        return value[: self.max_chars]


@dataclass(frozen=True)
class Param:
    """One widget in the URL: ``?name=…`` ↔ ``st.session_state[key]``.

    ``key`` may contain ``{lang}`` for widgets keyed per language (``tf_text_{lang}``).
    """

    name: str
    key: str
    kind: Kind

    def widget_key(self, lang: str) -> str:
        return self.key.format(lang=lang)


@dataclass(frozen=True)
class Page:
    """A page's parameters, in the order a link lists them. Each view declares its page's
    ``URL = Page("next_token", (Param(...), ...))`` beside its widgets, with the same ``Kind``
    objects that give the widgets their ranges, so a range is written once."""

    name: str
    params: tuple[Param, ...]


# ---- pure: URL text ↔ widget values --------------------------------------------------------
def parse_params(params: Sequence[Param], query: dict[str, str], lang: str) -> dict[str, Any]:
    """Widget key → value for every valid parameter of ``params`` present in ``query``.

    >>> spec = (Param("temp", "t", Float(0, 2)), Param("text", "x_{lang}", Text(max_chars=3)))
    >>> parse_params(spec, {"temp": "abc", "text": "<script>", "other": "1"}, "de")
    {'x_de': '<sc'}
    """
    values = {}
    for p in params:
        raw = query.get(p.name)
        if isinstance(raw, str):
            value = p.kind.parse(raw)
            if value is not None:
                values[p.widget_key(lang)] = value
    return values


def encode_params(params: Sequence[Param], state: dict[str, Any], lang: str) -> dict[str, str]:
    """Parameter name → URL text for every widget of ``params`` that has a value in ``state``.

    Values a kind cannot write (a wrong type put there by other code) are left out.

    >>> spec = (Param("layer", "l", Int(0, 63, offset=1)), Param("sets", "s", Many(("a", "b"))))
    >>> encode_params(spec, {"l": 0, "s": ["b", "a"]}, "en")
    {'layer': '1', 'sets': 'b,a'}
    """
    out = {}
    for p in params:
        key = p.widget_key(lang)
        if key not in state:
            continue
        try:
            text = p.kind.encode(state[key])
        except (TypeError, ValueError):
            text = None
        if text is not None:
            out[p.name] = text
    return out


def signature(params: Sequence[Param], query: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """The page's parameters in ``query`` as a hashable, order-free value (what 'seen' means)."""
    names = {p.name for p in params}
    return tuple(sorted((k, str(v)) for k, v in query.items() if k in names))


# ---- Streamlit ----------------------------------------------------------------------------
def _query() -> dict[str, str]:
    return st.query_params.to_dict()  # the last value of a repeated parameter


def _seen(page: str) -> list:
    return st.session_state.setdefault(SEEN_KEY, {}).setdefault(page, [])


def _remember(page: str, sig: tuple) -> None:
    seen = _seen(page)
    if sig in seen:
        seen.remove(sig)
    seen.append(sig)
    del seen[:-SEEN_MAX]


def restore(page: Page) -> None:
    """Copy the page's valid URL parameters into ``st.session_state`` (before its widgets exist)
    when this session has not seen them yet: on opening a link, never on the app's own URLs."""
    query = _query()
    sig = signature(page.params, query)
    if not sig or sig in _seen(page.name):
        return
    for key, value in parse_params(page.params, query, current_lang()).items():
        st.session_state[key] = value
    _remember(page.name, sig)


def _state(params: Sequence[Param], lang: str) -> dict[str, Any]:
    """The session's values of the widgets in ``params`` (those that have one)."""
    keys = [p.widget_key(lang) for p in params]
    return {key: st.session_state[key] for key in keys if key in st.session_state}


def current_params(page: Page) -> dict[str, str]:
    """The page's parameters for the widget values this session has now."""
    lang = current_lang()
    return encode_params(page.params, _state(page.params, lang), lang)


def keep_in_step(page: Page) -> None:
    """Write the page's current widget values into the URL; nothing is sent when it already
    holds them. Other parameters (``lang``, ``presenter``) are left as they are."""
    wanted = current_params(page)
    names = {p.name for p in page.params}
    have = {k: v for k, v in _query().items() if k in names}
    if have != wanted:
        for name in have.keys() - wanted.keys():
            del st.query_params[name]
        changed = {k: v for k, v in wanted.items() if have.get(k) != v}
        if changed:
            st.query_params.update(changed)
    _remember(page.name, signature(page.params, wanted))


def link(page: Page) -> str:
    """The URL of this page with the current values: ``st.context.url`` (scheme, host, page
    path) when the browser told us, else just ``?…`` (tests, old clients)."""
    names = {p.name for p in page.params}
    others = {k: v for k, v in _query().items() if k not in names and k != LANG_KEY}
    query = {LANG_KEY: current_lang()} | current_params(page) | others
    encoded = urlencode(query, quote_via=quote, safe=",")
    return f"{st.context.url or ''}?{encoded}"


def cut_texts(page: Page) -> int | None:
    """The smallest ``max_chars`` of the page's texts that are longer than a link keeps, or None."""
    lang = current_lang()
    state = _state(page.params, lang)
    cut = [
        p.kind.max_chars
        for p in page.params
        if isinstance(p.kind, Text)
        and len(str(state.get(p.widget_key(lang), ""))) > p.kind.max_chars
    ]
    return min(cut, default=None)


def _show_link(url: str, cut: int | None) -> None:
    st.code(url, language=None, wrap_lines=True)
    st.caption(t("url.link_caption"))
    if cut is not None:
        st.warning(t("url.text_cut", n=cut), icon=":material/content_cut:")


def link_button(page: Page) -> None:
    """A small "Link to this view" button; clicked, a dialog shows the exact URL to copy."""
    if st.button(
        t("url.link"),
        key=f"url_link_{page.name}",
        icon=":material/link:",
        type="tertiary",
        help=t("url.link_help"),
    ):
        st.dialog(t("url.link_title"), width="large")(_show_link)(link(page), cut_texts(page))
