"""Charts for everyone (``app/ui/a11y.py``): the table read off a figure, every chart drawn through
the helper, and only colour-blind-safe colours in our figures."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import plotly.graph_objects as go
import pytest
from plotly.colors import get_colorscale
from streamlit.testing.v1 import AppTest

from app.i18n import text_for
from app.ui.a11y import figure_table
from app.ui.palette import OKABE_ITO
from models.generation.distribution import Row, TopTokens
from models.inspection.lens import LensTable
from models.training.pretraining import Curves

ROOT = Path(__file__).resolve().parents[2]
# Sequential scales that stay readable with every kind of colour blindness (and in grey), as
# plotly writes them into a figure: the colours of its list of (position, colour).
SAFE_SCALES = [
    [colour.lower() for _, colour in get_colorscale(name)] for name in ("cividis", "viridis")
]
# Figures still drawn with st.plotly_chart directly, to be moved onto app.ui.a11y by their owner.
PENDING = {"app/views/transformer.py"}


def test_lines_with_different_steps_share_one_step_column() -> None:
    fig = go.Figure(layout={"xaxis": {"title": {"text": "step"}}})
    fig.add_scatter(x=[10, 20], y=[3.0, 2.0], name="validation")
    fig.add_scatter(x=[5, 10, 15, 20], y=[3.5, 2.9, 2.5, 1.9], name="train")
    fig.add_scatter(x=[None], y=[None], name="legend only")  # no data: no column
    assert figure_table(fig, "label") == {
        "step": [5, 10, 15, 20],
        "validation": [None, 3.0, None, 2.0],
        "train": [3.5, 2.9, 2.5, 1.9],
    }


def test_bar_labels_show_characters_not_entities_and_names_stay_unique() -> None:
    fig = go.Figure()
    for name in ("run", "run"):
        fig.add_bar(y=["·&lt;script&gt;", "&#34;a&#34;<br>b"], x=[0.123456, 0.5], name=name,
                    orientation="h")  # fmt: skip
    table = figure_table(fig, "Token", "Value")
    assert table == {
        "Token": ["·<script>", '"a" b'],
        "run": [0.1235, 0.5],
        "run (2)": [0.1235, 0.5],
    }


def test_a_heatmap_becomes_its_matrix_with_the_cell_text() -> None:
    fig = go.Figure(go.Heatmap(z=[[0.5, 0.25], [1.0, 0.0]], x=["a", "b"], y=["r1", "r2"],
                               text=[["x", "y"], ["&lt;z", "w"]]))  # fmt: skip
    assert figure_table(fig, "row") == {
        "row": ["r1", "r2"],
        "a": ["x (0.5)", "<z (1.0)"],
        "b": ["y (0.25)", "w (0.0)"],
    }
    assert figure_table(go.Figure(), "row") == {}


def _chart_page() -> None:
    import plotly.graph_objects as go

    from app.ui.a11y import chart_with_table

    fig = go.Figure(go.Bar(x=["a", "b"], y=[1, 2], name="count"))
    chart_with_table(fig, "demo", alt="Counts per letter")


def test_the_chart_is_named_and_its_table_is_built_when_its_expander_opens() -> None:
    at = AppTest.from_function(_chart_page, default_timeout=60).run()
    assert not at.exception
    (chart,) = at.get("plotly_chart")
    assert "Counts per letter" in str(chart.proto)  # the accessible name travels with it
    (expander,) = at.expander
    assert expander.label == text_for("en", "a11y.table_of", name="Counts per letter")
    assert not at.dataframe  # folded: nothing built, nothing sent
    at.session_state["demo_table"] = True  # what a click on the expander does
    at.run()
    frame = at.expander[0].dataframe[0].value
    assert list(frame.columns) == [text_for("en", "a11y.label"), "count"]
    assert frame["count"].tolist() == [1, 2]
    at.session_state["demo_table"] = False
    assert not at.run().dataframe


def _builder_page() -> None:
    import streamlit as st

    from app.ui.a11y import data_table

    def build() -> dict:
        st.session_state["built"] = st.session_state.get("built", 0) + 1
        return {"student": ["<b>ann</b>"], "rankings": [3]}

    data_table("counts_table", "Rankings per student", build)


def test_a_table_builder_runs_only_while_its_table_is_open() -> None:
    at = AppTest.from_function(_builder_page, default_timeout=60).run()
    at.run()
    assert "built" not in at.session_state and not at.dataframe
    at.session_state["counts_table"] = True
    at.run()
    assert at.session_state["built"] == 1
    assert at.dataframe[0].value["student"].tolist() == ["<b>ann</b>"]  # text, not markup


def test_every_chart_goes_through_the_helper() -> None:
    """No plotly chart is drawn without its table; a Streamlit chart is followed by one."""
    for path in sorted([*ROOT.glob("app/**/*.py"), *ROOT.glob("pages/*.py")]):
        name = path.relative_to(ROOT).as_posix()
        source = path.read_text(encoding="utf-8")
        if name in PENDING or name == "app/ui/a11y.py":
            continue
        assert "plotly_chart(" not in source, f"{name}: draw charts with a11y.chart_with_table"
        for chart in re.findall(r"st\.(?:bar|line|area|scatter)_chart\(", source):
            assert "data_table(" in source, f"{name}: {chart} needs a11y.data_table beside it"


def _colours(node: object, found: set[str], scales: list) -> None:
    """Every colour (``…color`` keys) and colour scale in a figure's JSON."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "colorscale":
                scales.append(value)
            elif key.endswith("color") and isinstance(value, str):
                found.add(value.upper())
            elif key.endswith("color") and isinstance(value, list):
                found.update(v.upper() for v in value if isinstance(v, str))
            else:
                _colours(value, found, scales)
    elif isinstance(node, list):
        for item in node:
            _colours(item, found, scales)


@pytest.fixture()
def english(monkeypatch) -> None:
    """UI strings outside a Streamlit run: the views' ``t`` reads the language from here."""
    monkeypatch.setattr("app.i18n.current_lang", lambda: "en")


def _our_figures() -> list[go.Figure]:
    from app.views import next_token_charts as nv
    from app.views import pretraining as ptv
    from app.views import training as trv

    rows = [Row(1, b" a", 0.5, 0.6), Row(2, b"<b>", 0.2, 0.0)]
    top = TopTokens(rows, rest_before=0.3, rest_after=0.4, n_kept=1, vocab_size=10)
    lens = LensTable([[b"a", b"b"]] * 3, [[0.6, 0.4]] * 3)
    curves = Curves([1, 2, 3], [3.0, 2.0, 1.0], [1, 2, 3], [2.0, 1.5, 2.5], [4.0, 3.0, 3.5])
    old = [{"label": "old", "val_steps": [1, 2], "val_loss": [3.0, 2.0]}] * 4
    return [
        nv.top_tokens_figure(top),
        nv.lens_figure(lens),
        trv.loss_figure(curves, old),
        ptv.bpb_figure(curves),
    ]


def test_the_html_cost_bars_use_okabe_ito_and_name_every_bar(english) -> None:
    """The tokenization page's bars are HTML (no plotly on that page): same rules."""
    from app.views import tokenization as tv

    cost = [{"text": lang, "tokenizer": name, "tokens": 3, "chars": 9, "bytes": 9}
            for lang in ("en", "ja") for name in ("ours", *tv.REFERENCES)]  # fmt: skip
    bars = tv.cost_bars_html(cost, {"en": "English", "ja": "<b>日本語</b>"}, "Costs")
    colours = {c.upper() for c in re.findall(r"background:(#[0-9A-Fa-f]{6})", bars)}
    assert len(colours) == 4 and colours <= set(OKABE_ITO)
    assert bars.count('class="gb-cost-name"') == 8  # every bar has its tokenizer's name beside it
    assert "&lt;b&gt;日本語" in bars and "<b>日本語" not in bars
    assert 'aria-label="Costs"' in bars


def test_our_figures_use_only_okabe_ito_and_safe_scales(english) -> None:
    """The RLHF page's figures take their colours from OKABE_ITO by name (see rlhf_view)."""
    for fig in _our_figures():
        found: set[str] = set()
        scales: list = []
        spec = fig.to_dict()
        spec["layout"].pop("template", None)  # plotly's own theme, not our choice of colours
        _colours(spec, found, scales)
        assert found <= set(OKABE_ITO), found - set(OKABE_ITO)
        for scale in scales:
            assert [colour.lower() for _, colour in scale] in SAFE_SCALES, scale


def test_tables_of_our_figures_have_a_named_first_column(english) -> None:
    for fig in _our_figures():
        table = figure_table(fig, "label", "value")
        assert table and all(name for name in table), table.keys()
        lengths = {len(column) for column in table.values()}
        assert len(lengths) == 1, lengths  # a rectangle: every column as long as the first


def test_streamlit_charts_take_okabe_ito_from_the_theme() -> None:
    with open(ROOT / ".streamlit" / "config.toml", "rb") as f:
        theme = tomllib.load(f)["theme"]
    assert [c.upper() for c in theme["chartCategoricalColors"]] == list(OKABE_ITO)
    assert [c.lower() for c in theme["chartSequentialColors"]] == SAFE_SCALES[0]  # cividis
