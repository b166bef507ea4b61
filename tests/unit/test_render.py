"""The escaping helper: nothing raw reaches HTML, nothing odd raises, whitespace is visible."""

from __future__ import annotations

import re

import pytest

from app.ui.palette import OKABE_ITO
from app.ui.render import escape_text, token_chips_html, token_display

NASTY: list[str | bytes] = [
    "<script>alert(1)</script>",
    "a & b \" ' <img src=x onerror=alert(1)>",
    "bell\x07 nul\x00 del\x7f c1\x85 esc\x1b",
    "\ud800 lone surrogate",
    "👩‍👩‍👧‍👦 family, 🏴󠁧󠁢󠁳󠁣󠁴󠁿 flag",
    "مرحبا بالعالم \u202eevil",
    "日本語のテキスト",
    "",
    b"\xe3\x81",
    b"\xff\xfe<script>",
    "😀".encode()[:3],
]


@pytest.mark.parametrize("piece", NASTY)
def test_nothing_raises_and_no_raw_markup_survives(piece: str | bytes) -> None:
    for html in (token_display(piece), token_chips_html([piece], [7])):
        assert "<script" not in html
        assert "<img" not in html
        html.encode("utf-8")  # no lone surrogates left: the page can be sent to the browser


def test_escape_text_escapes_html_specials() -> None:
    assert escape_text("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert escape_text("a & \" '") == "a &amp; &quot; &#x27;"


def test_control_characters_and_surrogates_become_visible_escapes() -> None:
    assert escape_text("a\x07b") == "a\\x07b"
    assert escape_text("\x00\x7f\x85") == "\\x00\\x7f\\x85"
    assert escape_text("\ud800") == "\\ud800"
    assert escape_text("a\u202eb") == "a\\u202eb"  # bidi override: visible, not applied
    assert escape_text("a\nb") == "a\\x0ab"
    assert escape_text("a\nb", keep_newlines=True) == "a\nb"


def test_whitespace_is_made_visible() -> None:
    assert token_display(" the") == "·the"
    assert token_display("\n\t") == "↵→"
    assert token_display(b" a\n") == "·a↵"


def test_invalid_utf8_bytes_show_as_hex_and_valid_bytes_decode() -> None:
    assert token_display(b"\xe3\x81") == "&lt;0xE3&gt;&lt;0x81&gt;"
    assert token_display("日".encode()) == "日"
    assert token_display(b"ok\xff") == "ok&lt;0xFF&gt;"


def test_emoji_and_rtl_text_pass_through_unchanged() -> None:
    family = "👩‍👩‍👧‍👦"
    assert token_display(family) == family
    assert token_display("مرحبا") == "مرحبا"


def test_chips_carry_ids_and_cycle_through_the_palette() -> None:
    pieces = [f"t{i}" for i in range(len(OKABE_ITO) + 1)]
    html = token_chips_html(pieces, list(range(100, 100 + len(pieces))))
    assert html.count('class="gb-token"') == len(pieces)
    assert re.findall(r'title="id (\d+)"', html) == [str(100 + i) for i in range(len(pieces))]
    borders = re.findall(r"border:1px solid (#[0-9A-F]{6})", html)
    assert borders[0] == borders[len(OKABE_ITO)] and borders[0] != borders[1]
    assert "title=" not in token_chips_html(["a"])


def test_chips_reject_mismatched_ids() -> None:
    with pytest.raises(ValueError):
        token_chips_html(["a", "b"], [1])
