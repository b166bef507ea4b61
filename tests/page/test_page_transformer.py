"""The transformer page headless (AppTest): every control in every language, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app.i18n import LANGUAGES, text_for
from app.resources import MODEL_ENV
from app.views.transformer import MAX_DRAWN, MAX_GRID

ROOT = Path(__file__).resolve().parents[2]
ENTRY = str(ROOT / "app" / "main.py")
TIMEOUT = 120  # the first run imports torch and transformers and measures the heads


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An untrained GPT-2 with 3 layers × 2 heads and 128 positions (more than MAX_DRAWN)."""
    from models.model.loading import build_model, save_model
    from models.model.presets import get_preset
    from models.tokenization.tokenizer import train_tokenizer

    texts = ["the cat sat on the mat. Mia has a ball. Die Katze. 猫が座った。"] * 20
    tokenizer = train_tokenizer(texts, 300)
    preset = get_preset("nano", n_layer=3, n_head=2, n_embd=16, n_positions=128)
    return save_model(build_model(preset, tokenizer), tokenizer, tmp_path_factory.mktemp("tf"))


@pytest.fixture()
def page(model_dir: Path, monkeypatch):
    """Open the transformer page in a language; returns the AppTest after its first run."""
    monkeypatch.setenv(MODEL_ENV, str(model_dir))

    def open_in(lang: str = "en") -> AppTest:
        at = AppTest.from_file(ENTRY, default_timeout=TIMEOUT).run()
        at.selectbox(key="lang").set_value(lang).run()
        at.switch_page("../pages/transformer.py").run()
        assert not at.exception, at.exception
        return at

    return open_in


def charts(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def chart_titles(at: AppTest) -> list[str]:
    return [(c["layout"].get("title") or {}).get("text", "") for c in charts(at)]


def html_blocks(at: AppTest) -> str:
    return " ".join(m.value for m in at.markdown)


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_page_draws_attention_roles_embeddings_and_block(page, lang):
    at = page(lang)
    assert at.title[0].value == text_for(lang, "page.transformer.title")
    assert at.text_area(key=f"tf_text_{lang}").value == text_for(lang, "transformer.example")
    titles = chart_titles(at)
    assert text_for(lang, "transformer.heat_title", layer=1, head=1) in html_blocks(at)
    for role in ("previous", "start", "coreference"):
        assert text_for(lang, f"transformer.role.{role}") in titles
    assert len(at.get("graphviz_chart")) == 1
    assert len(at.header) == 5  # attention, roles, embeddings, block, quiz


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_every_control(page, lang):
    at = page(lang)
    at.selectbox(key="tf_layer").set_value(2).run()
    at.selectbox(key="tf_head").set_value(1).run()
    assert text_for(lang, "transformer.heat_title", layer=3, head=2) in html_blocks(at)

    at.radio(key="tf_view").set_value("grid").run()
    assert not at.exception
    grid = charts(at)[0]
    assert sum(tr["type"] == "heatmap" for tr in grid["data"]) == 3 * 2

    at.radio(key="tf_view").set_value("lines").run()
    at.selectbox(key="tf_query").set_value(1).run()
    at.radio(key="tf_mode").set_value(True).run()
    assert not at.exception
    legend = {tr.get("name") for tr in charts(at)[0]["data"]}
    assert text_for(lang, "transformer.head_n", n=2) in legend

    at.toggle(key="tf_random").set_value(True).run()
    assert not at.exception
    assert any(text_for(lang, "transformer.random_note") in c.value for c in at.caption)

    at.multiselect(key="tf_sets").set_value(["numbers", "adjectives"]).run()
    at.selectbox(key="tf_words_lang").set_value("de").run()
    assert not at.exception
    at.multiselect(key="tf_sets").set_value([]).run()
    assert text_for(lang, "transformer.no_sets") in [i.value for i in at.info]

    at.button(key="tf_open_start").click().run()
    assert at.radio(key="tf_view").value == "heatmap"

    right = int(text_for(lang, "transformer.quiz.answer"))
    for option in (right + 1, right + 2, right):
        at.radio(key="tf_quiz").set_value(option % 3).run()
        assert not at.exception
    assert at.success[0].value == text_for(lang, f"transformer.quiz.feedback.{right}")


def test_empty_and_one_token(page):
    at = page("en")
    at.text_area(key="tf_text_en").set_value("").run()
    assert not at.exception
    assert text_for("en", "transformer.empty") in [i.value for i in at.info]
    at.text_area(key="tf_text_en").set_value("a").run()
    assert not at.exception
    assert text_for("en", "transformer.one_token") in [i.value for i in at.info]


def test_longer_than_context_is_truncated_and_capped_with_a_range(page):
    at = page("de")
    at.text_area(key="tf_text_de").set_value("the cat sat on the mat. " * 60).run()
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert text_for("de", "transformer.truncated", n="", c=128).split()[-1] in warnings
    assert text_for("de", "transformer.capped", n=128, m=MAX_DRAWN) in warnings
    slider = at.slider(key="tf_start")
    assert slider.max == 128 - MAX_DRAWN
    slider.set_value(10).run()
    assert not at.exception
    assert f'data-first="10" data-n="{MAX_DRAWN}"' in html_blocks(at)
    at.radio(key="tf_view").set_value("grid").run()  # the grid caps itself further
    assert not at.exception


@pytest.mark.parametrize(
    "text", ["<script>alert(1)</script>", "I ❤️ 🐈‍⬛ and 👩🏽‍🚀! 🇯🇵", "<img src=x onerror=alert(1)>"]
)
def test_script_and_emoji_are_shown_not_run(page, text):
    at = page("ja")
    at.text_area(key="tf_text_ja").set_value(text).run()
    assert not at.exception
    for view in ("heatmap", "grid", "lines"):
        at.radio(key="tf_view").set_value(view).run()
        assert not at.exception
        assert "<script" not in html_blocks(at) and "<img" not in html_blocks(at)
        for chart in at.get("plotly_chart"):
            assert "<script" not in chart.proto.spec and "<img" not in chart.proto.spec
    if text.startswith("<script"):
        at.radio(key="tf_view").set_value("heatmap").run()
        assert "&lt;" in html_blocks(at)  # the token chips show "<" as text
        heat = html_blocks(at).split('class="gb-heat', 1)[1]  # ja adds gb-upright
        assert "&lt;" in heat and "<script" not in heat  # so do the heatmap's labels


TABLES = ("tf_table_heatmap", "tf_table_roles", "tf_table_pca", "tf_table_positions")
ALTS = ("heatmap", "roles", "pca", "positions", "block")  # the charts' names, top to bottom


def test_every_chart_has_its_numbers_as_a_table_built_only_when_opened(page):
    at = page("de")
    names = [text_for("de", f"transformer.alt.{a}") for a in ALTS]
    labels = [e.label for e in at.expander]
    assert [text_for("de", "a11y.table_of", name=n) for n in names] == [
        label for label in labels if label.startswith(text_for("de", "a11y.table_of", name=""))
    ]
    assert not at.dataframe  # closed: nothing built, nothing sent
    for key in (*TABLES, "tf_table_block"):
        at.session_state[key] = True
    at.run()
    assert not at.exception
    heat, roles, pca, positions, block = (d.value for d in at.dataframe)
    T = heat.shape[0]
    assert heat.shape == (T, T) and (heat.values[0, 1:] == "").all()  # the mask stays empty
    weights = heat.apply(pd.to_numeric).fillna(0)
    assert abs(weights.sum(axis=1) - 1).max() < 0.05  # rows add up to 1 (rounded cells)
    assert list(roles.columns[2:]) == [
        text_for("de", f"transformer.role.{r}") for r in ("previous", "start", "coreference")
    ]
    assert len(roles) == 3 * 2 and len(pca) > 0 and positions.shape[0] == positions.shape[1]
    assert text_for("de", "transformer.block.mlp") in block.iloc[:, 0].tolist()
    alts = [c.proto.alt for c in (*at.get("plotly_chart"), *at.get("graphviz_chart"))]
    assert all(alts) and text_for("de", "transformer.alt.block") in alts  # every chart is named

    at.session_state["tf_table_grid"] = at.session_state["tf_table_lines"] = True
    at.radio(key="tf_view").set_value("grid").run()
    grid, g = at.dataframe[0].value, min(T, MAX_GRID)  # the grid draws the last MAX_GRID
    assert grid.shape == (g * (g + 1) // 2, 3 * 2)  # every unmasked pair, every head
    at.radio(key="tf_view").set_value("lines").run()
    at.radio(key="tf_mode").set_value(True).run()
    lines = at.dataframe[0].value
    assert list(lines.columns) == [text_for("de", "transformer.head_n", n=h) for h in (1, 2)]
    assert len(lines) == T  # the last token looks at every token


def test_tables_show_tokens_as_text_not_as_escaped_html(page):
    at = page("en")
    at.text_area(key="tf_text_en").set_value("<b>x</b> & y").run()
    at.session_state["tf_table_heatmap"] = True
    at.run()
    heat = at.dataframe[0].value
    joined = "".join(heat.columns)
    assert "<" in joined and "&lt;" not in joined and "&amp;" not in joined
    assert 'role="img"' in html_blocks(at)  # the grid itself is one named image


@pytest.mark.parametrize("lang", ["en", "de", "ja"])
def test_the_text_states_the_loaded_models_width_not_the_shipped_ones(page, lang) -> None:
    at = page(lang)
    text = " ".join(m.value for m in at.markdown)
    assert "{model." not in text
    width = {"en": "16 numbers", "de": "16 Zahlen", "ja": "16個"}[lang]
    assert width in text and "192" not in text
