"""No chart sees half of pandas: while another thread is importing pandas for the first time
(a session opening the transformer lesson's tables, the preload warming the lessons), a chart
module still builds and serialises its figures (see ``app.ui.charts``)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.support.apptest import ROOT

pytestmark = pytest.mark.slow  # a fresh interpreter per chart module

# pandas' own import is slowed down half-way (before it defines Series) while the chart is built
RACE = """
import sys, threading, time
import importlib
view = importlib.import_module(sys.argv[1])
started = threading.Event()

class SlowPandas:
    def find_spec(self, name, path=None, target=None):
        if name == "pandas.core.api":
            started.set()
            time.sleep(3)
        return None

sys.meta_path.insert(0, SlowPandas())
importer = threading.Thread(target=importlib.import_module, args=("pandas",))
importer.start()
if not started.wait(0.5):  # nothing to wait for: the chart module brought pandas whole
    assert hasattr(sys.modules["pandas"], "Series")
go = view.go
go.Figure(go.Bar(x=[1, 2], y=[3.0, 4.0])).to_json()
importer.join()
print("ok")
"""


@pytest.mark.parametrize(
    "module",
    [
        "app.views.next_token_charts",
        "app.views.training",
        "app.views.rlhf_training",
        "app.views.transformer_charts",
    ],
)
def test_a_chart_is_built_while_another_thread_imports_pandas(module: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", RACE, module], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]
