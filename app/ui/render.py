"""The one helper that turns token and user text into safe, visible HTML.

Everything the app shows with ``unsafe_allow_html=True`` goes through ``escape_text``:
HTML specials are escaped, invisible characters become visible escapes, and nothing
here can raise on odd input (control characters, lone surrogates, invalid UTF-8).

>>> escape_text("<b>\\x07")
'&lt;b&gt;\\\\x07'
>>> token_display(" hi\\n")
'·hi↵'
>>> token_display(b"\\xe3\\x81")
'&lt;0xE3&gt;&lt;0x81&gt;'
"""

from __future__ import annotations

import html
import unicodedata

from app.ui.palette import CHIP_BACKGROUNDS, OKABE_ITO

# Whitespace made visible inside a token (before escaping).
WHITESPACE_MARKERS: dict[str, str] = {" ": "·", "\n": "↵", "\t": "→"}

# Explicit bidirectional embeddings, overrides and isolates (the "Trojan Source" characters).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _visible_char(ch: str, keep_newlines: bool) -> str:
    """``ch`` itself, or a visible escape if it is a control character or a lone surrogate."""
    if keep_newlines and ch in "\n\t":
        return ch
    if ch in BIDI_CONTROLS:  # invisible, and would reorder the text around them
        return f"\\u{ord(ch):04x}"
    category = unicodedata.category(ch)
    if category == "Cc":  # C0 controls, DEL and C1 controls
        return f"\\x{ord(ch):02x}"
    if category == "Cs":  # lone surrogate: cannot be encoded as UTF-8
        return f"\\u{ord(ch):04x}"
    return ch


def escape_text(s: str, keep_newlines: bool = False) -> str:
    """``s`` made safe for HTML: ``& < > " '`` escaped, control characters shown as ``\\x07``.

    Lone surrogates (``"\\ud800"``) become ``\\ud800`` instead of crashing the page.
    ``keep_newlines`` leaves newline and tab as they are, for running text.
    """
    visible = "".join(_visible_char(ch, keep_newlines) for ch in s)
    return html.escape(visible, quote=True)


def literal(s: str) -> str:
    """``s`` for a Markdown string (``st.markdown``, ``st.error``, a widget label) that shows it
    exactly as typed: ``escape_text``, and every ASCII punctuation character as a numeric
    character reference, so no Markdown, emoji or colour shortcode, formula or link can start.
    For a nickname or any other user text inside a translated sentence.

    >>> literal("![](x) *a* :red[b] $c$")
    '&#33;&#91;&#93;&#40;x&#41; &#42;a&#42; &#58;red&#91;b&#93; &#36;c&#36;'
    """
    visible = "".join(_visible_char(ch, keep_newlines=False) for ch in s)
    return "".join(
        f"&#{ord(ch)};" if ch.isascii() and not (ch.isalnum() or ch.isspace()) else ch
        for ch in visible
    )


def _decode_bytes(piece: bytes) -> str:
    """UTF-8 text of ``piece``; each byte that is not valid UTF-8 becomes ``<0xE3>``."""
    text = piece.decode("utf-8", errors="surrogateescape")  # bad byte b → U+DC00 + b
    return "".join(
        f"<0x{ord(ch) - 0xDC00:02X}>" if 0xDC80 <= ord(ch) <= 0xDCFF else ch for ch in text
    )


def token_display(piece: str | bytes) -> str:
    """One token as escaped HTML text, its whitespace visible: ``" a\\n"`` → ``·a↵``.

    Bytes are decoded as UTF-8; bytes that do not decode (half a character) show as hex.
    """
    text = _decode_bytes(piece) if isinstance(piece, bytes) else piece
    for ws, marker in WHITESPACE_MARKERS.items():
        text = text.replace(ws, marker)
    return escape_text(text)


def token_chips_html(pieces: list[str | bytes], ids: list[int] | None = None) -> str:
    """Tokens as a row of coloured chips (neighbours differ in colour); ids in the tooltips.

    The result is safe to pass to ``st.markdown(..., unsafe_allow_html=True)``.
    """
    if ids is not None and len(ids) != len(pieces):
        raise ValueError(f"{len(pieces)} pieces but {len(ids)} ids")
    chips = []
    for i, piece in enumerate(pieces):
        k = i % len(OKABE_ITO)
        title = f' title="id {int(ids[i])}"' if ids is not None else ""
        style = (
            f"background:{CHIP_BACKGROUNDS[k]};border:1px solid {OKABE_ITO[k]};color:#111;"
            "border-radius:4px;padding:0 4px;margin:2px 1px;display:inline-block;"
            "min-width:0.6em;white-space:pre;unicode-bidi:isolate"
        )
        chips.append(f'<span class="gb-token"{title} style="{style}">{token_display(piece)}</span>')
    return (
        '<div class="gb-tokens" style="line-height:2;font-family:ui-monospace,monospace">'
        + "".join(chips)
        + "</div>"
    )
