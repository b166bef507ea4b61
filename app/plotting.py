"""plotly's figures, imported so that no thread ever sees half of pandas.

plotly looks pandas up with ``sys.modules.get("pandas")`` when it validates and serialises a
figure, without importing it. A Streamlit server runs every session, and the model preload, in
threads of one process, so while one thread imports pandas for the first time (the transformer
lesson's tables, the preload warming the lessons), another thread drawing a chart could pick up
the module half-initialised: "partially initialized module 'pandas' has no attribute 'Series'".
Importing pandas for real before plotly makes every chart module wait for the whole of it.
Chart modules import ``go`` from here; pages without plotly charts (home, tokenization) never
pay the ~0.3 s that pandas takes.
"""

from __future__ import annotations

import pandas  # noqa: F401 - imported whole before any figure is built
import plotly.graph_objects as go

__all__ = ["go"]
