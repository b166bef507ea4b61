"""Charts for everyone: every plotly chart has a name for screen readers and its data as a table.

``chart_with_table(fig, key, alt=...)`` draws ``fig`` (projector-sized in presenter view, via
``app.presenter.chart``) and under it a folded expander "Data as a table: <alt>" that holds
the same numbers in ``st.dataframe``. The table is read off the figure's traces
(``figure_table``) unless the caller passes a better one. ``data_table`` is the expander alone,
for charts that are not plotly (``st.bar_chart``).

The table is built only while its expander is open (``table_expander`` tracks the state and
reruns on a click): a folded table costs a redraw nothing, and a page's first draw does not
wait for ``st.dataframe``'s pandas and Arrow.

Plotly labels carry HTML entities (``&lt;``, ``&#34;`` from ``app.ui.render``) and ``<br>``; the
table shows the characters themselves. ``st.dataframe`` draws every cell as text, never as HTML.

>>> import plotly.graph_objects as go
>>> fig = go.Figure(layout={"xaxis": {"title": {"text": "step"}}})
>>> _ = fig.add_scatter(x=[1, 2, 3], y=[3.0, 2.5, 2.25], name="train")
>>> _ = fig.add_scatter(x=[2], y=[2.75], name="validation")
>>> figure_table(fig, "label")
{'step': [1, 2, 3], 'train': [3.0, 2.5, 2.25], 'validation': [None, 2.75, None]}
>>> bars = go.Figure(go.Bar(y=["1. &lt;b&gt;", "2. &#34;"], x=[0.5, 0.25], orientation="h"))
>>> figure_table(bars, "token", "p")
{'token': ['1. <b>', '2. "'], 'p': [0.5, 0.25]}
"""

from __future__ import annotations

import html
import numbers
from functools import partial
from typing import Any, Literal

import plotly.graph_objects as go
import streamlit as st

from app import presenter
from app.i18n import t

Table = dict[str, list[Any]]
TableSource = Any  # a Table or DataFrame, or a function that builds one when it is shown
CONFIG = {"displayModeBar": False}  # the default plotly config of our charts
DIGITS = 4  # decimals kept in derived tables: enough to compare, few enough to read


def _cell(value: Any) -> Any:
    """One value as a table shows it: plotly's markup undone, numbers rounded, numpy unwrapped."""
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    if isinstance(value, str):
        return html.unescape(value.replace("<br>", " "))
    if isinstance(value, float):
        return round(value, DIGITS)
    return value


def _unique(name: str, taken: set[str]) -> str:
    """``name``, or ``name (2)``, ``name (3)``, … when a column of that name exists already."""
    out, n = name, 1
    while out in taken:
        n += 1
        out = f"{name} ({n})"
    taken.add(out)
    return out


def _axis_title(fig: go.Figure, axis: str) -> str:
    title = fig.layout[axis].title.text if axis in fig.layout else None
    return _cell(title) if title else ""


def _series(trace: Any) -> tuple[list[Any], list[Any]] | None:
    """(categories, values) of a bar or scatter trace, or None when it has no data (a trace that
    only makes a legend entry, ``x=[None]``)."""
    horizontal = getattr(trace, "orientation", None) == "h"
    cats, vals = (trace.y, trace.x) if horizontal else (trace.x, trace.y)
    if vals is None:
        return None
    vals = [_cell(v) for v in vals]
    if all(v is None for v in vals):
        return None
    cats = [_cell(c) for c in cats] if cats is not None else list(range(len(vals)))
    return cats, vals


def _heatmap_table(fig: go.Figure, trace: Any, index_name: str) -> Table:
    """One heatmap as a matrix: a column of row labels, then one column per x label."""
    z = [[_cell(v) for v in row] for row in trace.z]
    text = trace.text
    rows = [_cell(y) for y in trace.y] if trace.y is not None else list(range(len(z)))
    cols = [_cell(x) for x in trace.x] if trace.x is not None else list(range(len(z[0])))
    taken: set[str] = set()
    table: Table = {_unique(_axis_title(fig, "yaxis") or index_name, taken): rows}
    for j, col in enumerate(cols):
        cells = []
        for i in range(len(rows)):
            label = _cell(text[i][j]) if text is not None else None
            cells.append(f"{label} ({z[i][j]})" if label is not None else z[i][j])
        table[_unique(str(col), taken)] = cells
    return table


def figure_table(fig: go.Figure, index_name: str, value_name: str = "") -> Table:
    """The data behind ``fig`` as columns: ``{column name: values}``.

    One heatmap becomes its matrix. Bar and scatter traces share one column of categories (the
    bars' labels, or the x values; the axis title names it, else ``index_name``) and give one
    column each (named by the trace, else ``value_name``), empty where a trace has no point.
    """
    traces = [tr for tr in fig.data if tr.type == "heatmap" and tr.z is not None]
    if traces:
        return _heatmap_table(fig, traces[0], index_name)
    series = [(tr, s) for tr in fig.data if (s := _series(tr)) is not None]
    if not series:
        return {}
    horizontal = getattr(series[0][0], "orientation", None) == "h"
    taken: set[str] = set()
    index = _unique(_axis_title(fig, "yaxis" if horizontal else "xaxis") or index_name, taken)
    categories: list[Any] = []
    for _, (cats, _) in series:
        categories += [c for c in cats if c not in categories]
    if all(isinstance(c, numbers.Real) for c in categories):
        categories.sort()
    table: Table = {index: categories}
    for tr, (cats, vals) in series:
        by_cat = dict(zip(cats, vals, strict=False))
        name = _cell(tr.name) if tr.name else value_name or _axis_title(fig, "yaxis")
        table[_unique(str(name or value_name), taken)] = [by_cat.get(c) for c in categories]
    return table


def table_expander(key: str, alt: str) -> Any:
    """The folded expander "Data as a table: ``alt``"; its ``.open`` says whether to build it."""
    label = t("a11y.table_of", name=alt)
    return st.expander(label, key=key, on_change="rerun", icon=":material/table:")


def data_table(key: str, alt: str, table: TableSource, digits: int = DIGITS) -> None:
    """A folded expander "Data as a table: ``alt``" holding ``table`` (``{column: values}`` or
    a ``pandas.DataFrame``), built (when ``table`` is a function) and sent only while the
    expander is open.

    A frame's missing cells (the causal mask of an attention table) stay empty rather than
    showing Streamlit's "None"; its other numbers are then written with ``digits`` decimals.
    A frame keeps its index when the index has a name.
    """
    box = table_expander(key, alt)
    if not box.open:
        return
    table = table() if callable(table) else table
    if hasattr(table, "isna"):  # a DataFrame (duck-typed: this module never imports pandas)
        config = None
        if table.isna().values.any():
            table = table.map(lambda v: "" if v != v else f"{v:.{digits}f}")  # v != v: NaN
            config = {c: st.column_config.TextColumn(alignment="right") for c in table.columns}
        box.dataframe(table, column_config=config, hide_index=table.index.name is None, alt=alt)
    elif table:
        box.dataframe(table, hide_index=True, alt=alt)
    else:
        box.caption(t("a11y.no_data"))


def chart_with_table(
    fig: go.Figure,
    key: str,
    *,
    alt: str,
    table: TableSource | None = None,
    index_name: str | None = None,
    theme: Literal["streamlit"] | None = "streamlit",
    config: dict[str, Any] | None = None,
) -> None:
    """Draw ``fig`` (presenter-sized) named ``alt`` for screen readers, then its data as a table.

    ``alt`` is a short name of what the chart shows (a fixed UI string, never user text).
    ``table`` replaces the table read off the figure; ``index_name`` names the first column when
    the figure's axis has no title. The table's expander has the key ``{key}_table``.
    """
    st.plotly_chart(presenter.chart(fig), key=key, theme=theme, config=config or CONFIG, alt=alt)
    if table is None:
        table = partial(figure_table, fig, index_name or t("a11y.label"), t("a11y.value"))
    data_table(f"{key}_table", alt, table)
