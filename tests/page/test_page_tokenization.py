"""The tokenization page headless (AppTest): every language, every control, every bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app.i18n import LANGUAGES, text_for, texts_for
from app.resources import MODEL_ENV

ROOT = Path(__file__).resolve().parents[2]
ENTRY = str(ROOT / "app" / "main.py")
TIMEOUT = 60

XSS = "<script>alert(1)</script>"
BAD_INPUTS = {
    "empty": "",
    "long": ("The cat sat. 猫が座った。 " * 5000)[:100_000],
    "zwj_emoji": "👨‍👩‍👧‍👦 👩🏽‍🚀 🏳️‍🌈",
    "rtl": "مرحبا بالعالم — שלום עולם",
    "control": "a\x00b\x07c\x1b[31m red \u202edesrever\u202c \x7f end",
    "xss": XSS,
    # A lone surrogate cannot travel in a widget's UTF-8 protobuf state: browsers send U+FFFD
    # in its place (that is what the page gets), and test_lone_surrogate_draws covers the rest.
    "lone_surrogate": "broken \ufffd pair",
}


@pytest.fixture(scope="module")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A throwaway, untrained GPT-2 with its own small tokenizer, saved in Hugging Face format."""
    from models.model.loading import build_model, save_model
    from models.model.presets import get_preset
    from models.tokenization.tokenizer import train_tokenizer

    tokenizer = train_tokenizer(["the cat sat on the mat. Die Katze. 猫が座った。"] * 20, 300)
    preset = get_preset("nano", n_layer=1, n_head=2, n_embd=16, n_positions=32)
    return save_model(build_model(preset, tokenizer), tokenizer, tmp_path_factory.mktemp("tiny"))


def page(lang: str, monkeypatch, model_dir: Path) -> AppTest:
    monkeypatch.setenv(MODEL_ENV, str(model_dir))
    at = AppTest.from_file(ENTRY, default_timeout=TIMEOUT).run()
    at.selectbox(key="lang").set_value(lang).run()
    at.switch_page("../pages/tokenization.py").run()
    assert not at.exception, at.exception
    return at


def html_values(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown] + [c.value for c in at.caption]


def assert_no_raw_script(at: AppTest) -> None:
    for value in html_values(at):
        assert "<script" not in value.lower(), value[:200]


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_every_control_in_every_language(lang: str, monkeypatch, tiny_model_dir: Path) -> None:
    at = page(lang, monkeypatch, tiny_model_dir)
    assert at.title[0].value == text_for(lang, "page.tokenization.title")
    assert any("gb-t" in m.value for m in at.markdown)  # chips drawn
    assert len([m for m in at.markdown if "gb-row" in m.value]) >= 4  # ours + 3 references

    for view in ("ids", "bytes", "text"):
        at.segmented_control(key="tok_view").set_value(view).run()
        assert not at.exception, at.exception
    at.text_input(key=f"tok_own_{lang}").set_value("Tokens cost money! 🐈").run()
    assert not at.exception, at.exception
    at.slider(key="tok_merges").set_value(25).run()
    for name in ("tok_bpe_next", "tok_bpe_next", "tok_bpe_back", "tok_bpe_reset", "tok_bpe_next"):
        at.button(key=name).click().run()
        assert not at.exception, at.exception
    at.slider(key="tok_bpe_step").set_value(10).run()
    assert not at.exception, at.exception
    merge = text_for(lang, "tokenization.step_info").split("{k}")[0]
    assert any(m.value.startswith(f"{merge}10") for m in at.markdown)  # the merge line
    assert any("→" in m.value and "gb-t" in m.value for m in at.markdown)  # pair → new token
    at.button(key="tok_bpe_play_button").click().run()  # play on
    assert at.session_state["tok_bpe_play"] is True
    at.button(key="tok_bpe_play_button").click().run()  # and off
    assert not at.exception, at.exception
    at.text_area(key=f"tok_bpe_{lang}").set_value("x").run()  # nothing to merge
    assert not at.exception and at.info, at.exception

    options = texts_for(lang, "tokenization.quiz.options")
    answer = int(text_for(lang, "tokenization.quiz.answer"))
    for choice in range(len(options)):
        at.radio(key="tok_quiz").set_value(choice).run()
        assert not at.exception, at.exception
        shown = at.success if choice == answer else at.error
        assert shown[0].value == text_for(lang, f"tokenization.quiz.feedback.{choice}")


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_never_raises(name: str, monkeypatch, tiny_model_dir: Path) -> None:
    at = page("en", monkeypatch, tiny_model_dir)
    for key in ("tok_text_en", "tok_bpe_en", "tok_own_en"):
        at.session_state[key] = BAD_INPUTS[name]
    at.run()
    assert not at.exception, at.exception
    assert_no_raw_script(at)
    if name == "empty":
        assert at.info[0].value == text_for("en", "tokenization.empty")
    if name == "long":  # capped drawing, full count
        assert any("Drawing the first" in c.value for c in at.caption)


def _draw_lone_surrogate() -> None:
    import streamlit as st

    from app.views import tokenization as tv
    from app.views.bpe_stepper import bpe_stepper
    from models.tokenization.compare import clean_text

    text, n = clean_text("broken \ud800 pair <b>")
    st.markdown(f"{n}")
    for encode in tv.encoders(None).values():
        tv.show_tokens(encode("broken \ud800 pair <b>"), "bytes")
    bpe_stepper(tv.bpe_run("broken \ud800 pair " * 3, 5), tv.URL)
    st.markdown(tv.quirk_table(("\ud800",), tv.encoders(None)), unsafe_allow_html=True)


def test_lone_surrogate_draws() -> None:
    at = AppTest.from_function(_draw_lone_surrogate, default_timeout=TIMEOUT).run()
    assert not at.exception, at.exception
    assert at.markdown[0].value == "1"
    chips = [m.value for m in at.markdown if "gb-row" in m.value]
    assert len(chips) >= 3 and "EF BF BD" in chips[0]  # U+FFFD's bytes, as tiktoken encodes it


def test_xss_renders_as_text(monkeypatch, tiny_model_dir: Path) -> None:
    at = page("en", monkeypatch, tiny_model_dir)
    at.text_area(key="tok_text_en").set_value(XSS).run()
    chips = [m.value for m in at.markdown if "gb-row" in m.value]
    assert chips and all("&lt;" in c and "<script" not in c for c in chips[:4])
    assert_no_raw_script(at)


def test_page_works_without_our_model(tmp_path: Path, monkeypatch) -> None:
    at = page("ja", monkeypatch, tmp_path / "not-trained-yet")
    assert at.warning[-1].value == text_for("ja", "tokenization.ours_missing") or any(
        w.value == text_for("ja", "tokenization.ours_missing") for w in at.main.warning
    )
    assert len([m for m in at.markdown if "gb-row" in m.value]) >= 3


def test_cost_bars_count_every_sentence_and_open_as_the_same_table(
    monkeypatch, tiny_model_dir: Path
) -> None:
    import re

    from app.views.tokenization import label
    from models.tokenization.reference import get_encoding

    at = page("de", monkeypatch, tiny_model_dir)
    own = f"{XSS} Grüße"
    at.text_input(key="tok_own_de").set_value(own).run()
    assert not at.exception, at.exception
    (bars,) = [m.value for m in at.markdown if "gb-cost" in m.value]
    assert bars.count('class="gb-cost-row"') == 4 * 4  # en, de, ja, own × four tokenizers
    assert text_for("de", "tokenization.own_name") in bars and "<script" not in bars
    counts = [int(n) for n in re.findall(r'class="gb-cost-n">(\d+)<', bars)]
    widths = [float(w) for w in re.findall(r"width:([\d.]+)%", bars)]
    assert max(widths) == 80.0 and widths.index(80.0) == counts.index(max(counts))
    assert all(abs(w - 80 * n / max(counts)) < 0.06 for w, n in zip(widths, counts, strict=True))

    assert not at.dataframe  # the table is built when its expander opens
    at.session_state["tok_cost_table"] = True
    at.run()
    table = at.dataframe[0].value
    assert table.iloc[:, 0].tolist()[-1] == text_for("de", "tokenization.own_name")
    assert table.iloc[:, 1:].to_numpy().ravel().tolist() == counts  # the bars' numbers, in order
    gpt4o = table[label("o200k_base")].tolist()[-1]
    assert gpt4o == len(get_encoding("o200k_base").encode(own, disallowed_special=()))
