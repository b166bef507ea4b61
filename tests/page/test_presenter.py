"""Presenter view headless (AppTest): switched by ?presenter=1 or the sidebar toggle, left with the
button at the top; CSS from constants only; charts scaled for a projector."""

from __future__ import annotations

import json
from pathlib import Path

import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from app.i18n import LANGUAGES, text_for
from app.presenter import BODY_PX, CSS, FONT_SCALE, PRESENTER_KEY, scale_fonts
from app.resources import MODEL_ENV
from tests.support.apptest import ENTRY, TIMEOUT, ok, save_tiny_model


@pytest.fixture(scope="module")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return save_tiny_model(tmp_path_factory.mktemp("tiny"), "the cat sat on the mat. 猫が座った。")


@pytest.fixture(autouse=True)
def tiny_model(tiny_model_dir: Path, monkeypatch) -> None:
    monkeypatch.setenv(MODEL_ENV, str(tiny_model_dir))


def open_next_token(query: dict[str, str]) -> AppTest:
    at = AppTest.from_file(ENTRY, default_timeout=TIMEOUT)
    at.query_params.update(query)
    at.run()
    at.switch_page("../pages/next_token.py").run()
    ok(at)
    return at


def presenter_css(at: AppTest) -> list[str]:
    return [h.proto.body for h in at.html if f"html {{ font-size: {BODY_PX}px" in h.proto.body]


def chart_font(at: AppTest, key: str) -> float:
    (chart,) = [c for c in at.get("plotly_chart") if c.proto.id.endswith(f"-{key}")]
    return json.loads(chart.proto.spec)["layout"]["font"]["size"]


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_link_opens_presenter_view_and_the_button_leaves_it(lang: str) -> None:
    at = open_next_token({"lang": lang, "presenter": "1"})
    assert at.session_state[PRESENTER_KEY] is True
    assert at.sidebar.toggle(key=PRESENTER_KEY).value is True
    assert at.sidebar.toggle(key=PRESENTER_KEY).label == text_for(lang, "presenter.toggle")
    assert presenter_css(at) == [CSS]
    leave = at.main.button(key="presenter_leave")
    assert leave.label == text_for(lang, "presenter.leave")
    assert at.query_params["presenter"] == "1"
    big = chart_font(at, "nt_chart")

    leave.click().run()
    ok(at)
    assert at.session_state[PRESENTER_KEY] is False
    assert not presenter_css(at) and not [b for b in at.button if b.key == "presenter_leave"]
    assert "presenter" not in at.query_params
    assert chart_font(at, "nt_chart") == 18 and big == round(18 * FONT_SCALE)


def test_sidebar_toggle_switches_it_on_and_puts_it_in_the_url() -> None:
    at = open_next_token({"lang": "de", "temp": "0.5"})
    assert at.session_state[PRESENTER_KEY] is False and not presenter_css(at)
    at.sidebar.toggle(key=PRESENTER_KEY).set_value(True).run()
    ok(at)
    assert presenter_css(at)
    assert at.query_params["presenter"] == "1" and at.query_params["temp"] == "0.5"
    at.button(key="url_link_next_token").click().run()
    link = [c.value for c in at.code if "?" in c.value][0]
    assert "presenter=1" in link and "temp=0.5" in link


@pytest.mark.parametrize("raw", ["0", "", "<script>alert(1)</script>", "yes please"])
def test_anything_but_a_yes_leaves_it_off(raw: str) -> None:
    at = open_next_token({"presenter": raw})
    assert at.session_state[PRESENTER_KEY] is False
    assert not presenter_css(at)
    assert "presenter" not in at.query_params


def test_the_css_is_a_constant_without_markup_beyond_its_style_tag() -> None:
    assert CSS.startswith("<style>") and CSS.endswith("</style>")
    assert CSS.count("<") == 2 and "{" in CSS


def test_scale_fonts_scales_every_font_and_leaves_the_original() -> None:
    fig = go.Figure(go.Heatmap(z=[[1]], colorbar={"tickfont": {"size": 10}}, textfont={"size": 20}))
    fig.update_layout(
        height=300,
        legend={"font": {"size": 10}},
        xaxis={"tickfont": {"size": 14}, "title": {"text": "x", "font": {"size": 16}}},
        annotations=[{"text": "a", "font": {"size": 12}}],
    )
    big = scale_fonts(fig, 2)
    assert big.layout.font.size == 24  # plotly's default 12, doubled
    assert big.layout.legend.font.size == 20 and big.layout.xaxis.tickfont.size == 28
    assert big.layout.xaxis.title.font.size == 32 and big.layout.annotations[0].font.size == 24
    assert big.data[0].colorbar.tickfont.size == 20 and big.data[0].textfont.size == 40
    assert big.layout.height == 600
    assert fig.layout.legend.font.size == 10 and fig.layout.height == 300  # untouched
