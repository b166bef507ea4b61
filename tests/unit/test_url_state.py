"""URL presets: every kind parses, clamps and writes back; hostile values never raise."""

from __future__ import annotations

import math

import pytest

from app.url_state import (
    TEXT_MAX,
    Choice,
    Flag,
    Float,
    Int,
    Many,
    Param,
    Text,
    encode_params,
    parse_params,
    signature,
)
from tests.support.url_pages import pages

HOSTILE = [
    "",
    " ",
    "abc",
    "nan",
    "inf",
    "-inf",
    "1e999",
    "-1e999",
    "9" * 5000,  # longer than int() accepts
    "0x10",
    "1,5",
    "3.5",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "\x00\x07\u202e",
    "🐈‍⬛",
    "\ud800",  # a lone surrogate cannot come from a URL, but parse must not care
    "%3Cscript%3E",
]


@pytest.mark.parametrize(
    ("kind", "raw", "value"),
    [
        (Int(0, 10), "3", 3),
        (Int(0, 10), " 7 ", 7),
        (Int(0, 10), "-4", 0),  # clamped
        (Int(0, 10), "99", 10),  # clamped
        (Int(0, 10), "3.5", None),  # not an integer: ignored
        (Int(0, 10), "abc", None),
        (Int(0, 63, offset=1), "1", 0),  # layers count from 1 in the URL, as on the page
        (Int(0, 63, offset=1), "99", 63),
        (Int(0, 63, offset=1), "0", 0),
        (Float(0.0, 2.0), "0.7", 0.7),
        (Float(0.0, 2.0), "5", 2.0),
        (Float(0.0, 2.0), "-1", 0.0),
        (Float(0.0, 2.0), "nan", None),
        (Float(0.0, 2.0), "inf", None),
        (Float(0.0, 2.0), "1e999", None),
        (Float(1e-5, 0.1), "2e-3", 0.002),
        (Choice(("heatmap", "grid")), "grid", "grid"),
        (Choice(("heatmap", "grid")), "Grid", None),  # exact names only
        (Choice((1, 2, 4, 8)), "4", 4),  # options keep their type
        (Choice((1, 2, 4, 8)), "3", None),
        (Flag(), "1", True),
        (Flag(), "TRUE", True),
        (Flag(), "off", False),
        (Flag(), "2", None),
        (Many(("a", "b", "c")), "c,a", ["c", "a"]),  # the user's order
        (Many(("a", "b", "c")), "a,a,x,b", ["a", "b"]),  # repeats and unknown names dropped
        (Many(("a", "b", "c")), "", []),  # an empty choice is a choice
        (Many(("a", "b", "c")), "x,y", None),  # only unknown names: ignored
        (Text(), "<script>alert(1)</script>", "<script>alert(1)</script>"),  # text stays text
        (Text(max_chars=3), "abcdef", "abc"),
        (Text(), "", ""),
    ],
)
def test_parse_textbook_cases(kind, raw: str, value) -> None:
    assert kind.parse(raw) == value
    if value is not None:
        assert type(kind.parse(raw)) is type(value)


@pytest.mark.parametrize(
    ("kind", "value", "text"),
    [
        (Int(0, 10), 3, "3"),
        (Int(0, 63, offset=1), 0, "1"),
        (Float(0.0, 2.0), 0.7000000000000001, "0.7"),  # a slider's float noise stays out
        (Float(1e-5, 0.1), 3e-3, "0.003"),
        (Float(1e-5, 0.1), 1e-5, "1e-05"),
        (Choice((1, 2, 4)), 4, "4"),
        (Choice(("a", "b")), "z", None),  # not an option (e.g. None from a cleared control)
        (Flag(), True, "1"),
        (Flag(), False, "0"),
        (Many(("a", "b")), ["b", "a"], "b,a"),
        (Many(("a", "b")), [], ""),
        (Text(max_chars=3), "abcdef", "abc"),
        (Text(), 12, None),  # not text: left out
    ],
)
def test_encode(kind, value, text) -> None:
    assert kind.encode(value) == text


def every_param() -> list[Param]:
    return [p for params in pages().values() for p in params]


@pytest.mark.parametrize("param", every_param(), ids=lambda p: f"{p.key}")
def test_hostile_values_never_raise_and_land_in_range(param: Param) -> None:
    for raw in HOSTILE:
        value = param.kind.parse(raw)
        if value is None:
            continue
        kind = param.kind
        if isinstance(kind, Int | Float):
            assert kind.lo <= value <= kind.hi and not (
                isinstance(value, float) and math.isnan(value)
            )
        elif isinstance(kind, Choice):
            assert value in kind.options
        elif isinstance(kind, Many):
            assert set(value) <= set(kind.options)
        elif isinstance(kind, Text):
            assert isinstance(value, str) and len(value) <= kind.max_chars


def samples(kind) -> list[str]:
    """URL texts the app itself writes for ``kind``: its ends, every option, some text."""
    if isinstance(kind, Int):
        return [str(kind.lo + kind.offset), str(kind.hi + kind.offset)]
    if isinstance(kind, Float):
        return [f"{kind.lo:.6g}", f"{kind.hi:.6g}", f"{(kind.lo + kind.hi) / 3:.6g}"]
    if isinstance(kind, Choice):
        return [str(o) for o in kind.options]
    if isinstance(kind, Flag):
        return ["0", "1"]
    if isinstance(kind, Many):
        return [",".join(kind.options), ",".join(reversed(kind.options[:2])), ""]
    return ["Es war einmal <b>", "猫が座った。\n"]


@pytest.mark.parametrize("param", every_param(), ids=lambda p: f"{p.key}")
def test_what_is_written_reads_back_the_same(param: Param) -> None:
    """encode ∘ parse is stable: a link the app wrote restores the values it was written from."""
    for text in samples(param.kind):
        value = param.kind.parse(text)
        assert param.kind.encode(value) == text, (param, text)
        assert param.kind.parse(param.kind.encode(value)) == value


def test_every_page_names_each_parameter_and_widget_once() -> None:
    assert set(pages()) == {
        "tokenization",
        "transformer",
        "next_token",
        "pretraining",
        "finetuning",
        "rlhf",
    }
    for params in pages().values():
        assert len({p.name for p in params}) == len(params)
        assert len({p.key for p in params}) == len(params)
        assert all(p.name not in ("lang", "presenter", "embed") for p in params)


def test_parse_and_encode_params_use_the_language_in_keys() -> None:
    spec = (
        Param("text", "tf_text_{lang}", Text()),
        Param("layer", "tf_layer", Int(0, 63, offset=1)),
        Param("sets", "tf_sets", Many(("nouns", "verbs"))),
    )
    query = {"text": "Hallo <b>", "layer": "99", "sets": "verbs,evil", "lang": "de", "x": "1"}
    values = parse_params(spec, query, "de")
    assert values == {"tf_text_de": "Hallo <b>", "tf_layer": 63, "tf_sets": ["verbs"]}
    back = encode_params(spec, values | {"unrelated": 1}, "de")
    assert back == {"text": "Hallo <b>", "layer": "64", "sets": "verbs"}
    assert encode_params(spec, values, "ja") == {"layer": "64", "sets": "verbs"}  # other key


def test_encode_params_leaves_out_values_of_the_wrong_type() -> None:
    spec = (Param("n", "k_n", Int(0, 9)), Param("t", "k_t", Float(0.0, 1.0)))
    assert encode_params(spec, {"k_n": "seven", "k_t": None}, "en") == {}


def test_signature_ignores_order_and_other_parameters() -> None:
    spec = pages()["next_token"]
    a = signature(spec, {"temp": "0.7", "seed": "1", "lang": "de"})
    b = signature(spec, {"presenter": "1", "seed": "1", "temp": "0.7"})
    assert a == b == (("seed", "1"), ("temp", "0.7"))
    assert signature(spec, {"lang": "de"}) == ()


def test_texts_in_links_are_capped_for_url_length() -> None:
    # 1 000 Japanese characters are 9 000 bytes URL-encoded: far below what servers accept.
    assert TEXT_MAX <= 1000
    assert all(p.kind.max_chars <= TEXT_MAX for p in every_param() if isinstance(p.kind, Text))
