"""The one chart style of Glassbox: projector-sized fonts, tight margins, colour-blind-safe colours.

Every plotly figure goes through ``styled(fig, height=…)`` (``app.ui.a11y.chart_with_table``
then draws it with its data as a table); ``FONT`` is the size every text of a chart starts
from, and ``app.presenter`` scales it for a projector.

plotly is imported here, after pandas, so that no thread ever sees half of pandas: plotly
looks pandas up with ``sys.modules.get("pandas")`` when it validates and serialises a figure,
without importing it. A Streamlit server runs every session, and the model preload, in threads
of one process, so while one thread imports pandas for the first time (the transformer
lesson's tables, the preload warming the lessons), another thread drawing a chart could pick up
the module half-initialised: "partially initialized module 'pandas' has no attribute 'Series'".
Importing pandas for real before plotly makes every chart module wait for the whole of it.
Chart modules import ``go`` from here; pages without plotly charts (home, tokenization) never
pay the ~0.3 s that pandas takes.

>>> fig = styled(go.Figure(), height=300, top=10)
>>> fig.layout.font.size, fig.layout.margin.t, fig.layout.height, fig.layout.separators
(18, 10, 300, '.,')
"""

from __future__ import annotations

from typing import Any

import pandas  # noqa: F401 - imported whole before any figure is built
import plotly.graph_objects as go

from app.i18n import decimal_separators
from app.ui.palette import OKABE_ITO

FONT: dict[str, Any] = {"size": 18}  # projector-sized: read from the back of a classroom
MARGIN = {"l": 10, "r": 10, "t": 40, "b": 10}  # the page gives charts little room to waste
SEQUENTIAL = "Viridis"  # sequential and colour-blind safe (also readable in grey)
HORIZONTAL_LEGEND = {"orientation": "h", "y": 1.15}

__all__ = ["FONT", "HORIZONTAL_LEGEND", "MARGIN", "OKABE_ITO", "SEQUENTIAL", "go", "styled"]


def styled(fig: go.Figure, *, height: int, top: int = MARGIN["t"], **layout: Any) -> go.Figure:
    """``fig`` with the house style: ``FONT``, ``MARGIN`` (``top`` for the title's room),
    ``height``, and the selected language's decimal and thousands separators for every number
    plotly writes; ``layout`` sets anything else (axes, legend, title). Returns ``fig``.

    Every axis's ticks and title, the legend and the colour bars get ``FONT`` unless the figure
    set their size itself: Streamlit's chart theme gives them a small size of its own, which
    would win over ``layout.font`` and which presenter view could not enlarge.
    """
    fig.update_layout(
        font=FONT,
        height=height,
        margin={**MARGIN, "t": top},
        separators=decimal_separators(),
        **layout,
    )
    size = FONT["size"]
    for axis in (*fig.select_xaxes(), *fig.select_yaxes()):
        if axis.tickfont.size is None:
            axis.tickfont.size = size
        if axis.title.font.size is None:
            axis.title.font.size = size
    if fig.layout.legend.font.size is None:
        fig.layout.legend.font.size = size
    bars = [tr.colorbar for tr in fig.data if "colorbar" in tr]
    bars += [fig.layout.coloraxis.colorbar]
    for bar in bars:
        if bar.tickfont.size is None:
            bar.tickfont.size = size
    return fig
