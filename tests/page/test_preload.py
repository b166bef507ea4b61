"""The first page never waits for the model: home and sidebar draw without torch, the model
loads in the background, and the sidebar fills in its caption once it is there."""

from __future__ import annotations

import gc
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app import resources
from app.i18n import text_for
from app.resources import MODEL_ENV
from tests.support.apptest import ENTRY, ROOT, TIMEOUT, ok, open_page, save_tiny_model


@pytest.fixture(scope="module")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return save_tiny_model(tmp_path_factory.mktemp("tiny"), "the cat sat on the mat. " * 5)


@pytest.fixture()
def fresh_preload(monkeypatch):
    """The preload's process-wide state as in a server that has not served a page yet;
    afterwards, the garbage collector sees again what a preload froze."""
    monkeypatch.setattr(resources, "_preloading", set())
    monkeypatch.setattr(resources, "_preloaded", set())
    monkeypatch.setattr(resources, "_first_page_drawn", threading.Event())
    monkeypatch.setattr(resources, "PAINT_GRACE_S", 0.0)
    yield
    gc.unfreeze()


def test_home_and_sidebar_draw_without_torch() -> None:
    """In a fresh interpreter: the home page's first run, with the model still loading,
    imports neither torch nor transformers."""
    code = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from streamlit.testing.v1 import AppTest
from app import resources
resources._preloading.add(resources.default_model_path())  # as while the server preloads
at = AppTest.from_file({ENTRY!r}, default_timeout=60).run()
assert not at.exception, at.exception
assert at.title[0].value, "home has no title"
heavy = sorted(m for m in ("torch", "transformers", "tokenizers", "tiktoken") if m in sys.modules)
print("HEAVY", heavy)
"""
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "HEAVY []" in out.stdout, out.stdout


def test_tokenization_opened_first_draws_without_torch() -> None:
    """In a fresh interpreter: the tokenization page opened first (a prepared link), with the
    model still loading, shows all four tokenizers (ours read from tokenizer.json) without
    importing torch or transformers."""
    code = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from streamlit.testing.v1 import AppTest
from app import resources
resources._preloading.add(resources.default_model_path())  # as while the server preloads
at = AppTest.from_file({ENTRY!r}, default_timeout=60)
at.switch_page("../pages/tokenization.py")
at.run()
assert not at.exception, at.exception
from app.i18n import text_for
missing = text_for("en", "tokenization.ours_missing")
print("OURS", not any(w.value == missing for w in at.warning))
print("HEAVY", sorted(m for m in ("torch", "transformers") if m in sys.modules))
"""
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "OURS True" in out.stdout and "HEAVY []" in out.stdout, out.stdout


def test_sidebar_does_not_wait_for_a_model_still_loading(
    tiny_model_dir: Path, monkeypatch, fresh_preload
) -> None:
    monkeypatch.setenv(MODEL_ENV, str(tiny_model_dir))
    resources._preloading.add(str(tiny_model_dir))  # a background load is under way
    at = AppTest.from_file(ENTRY, default_timeout=TIMEOUT).run()
    ok(at)
    assert at.title[0].value == text_for("en", "home.heading")
    assert [c.value for c in at.sidebar.caption] == [text_for("en", "sidebar.loading")]
    assert at.session_state["model_path"] == str(tiny_model_dir)  # lessons will wait for it
    assert not resources._preloaded  # AppTest runs never start a background load themselves

    resources._preloading.clear()  # the load ended: the next run names the model
    at.run()
    ok(at)
    captions = " ".join(c.value for c in at.sidebar.caption)
    assert tiny_model_dir.name in captions and "M parameters" in captions


def test_preload_waits_for_the_first_page_then_loads(tiny_model_dir: Path, fresh_preload) -> None:
    path = str(tiny_model_dir)
    resources.start_preload(path)
    resources.start_preload(path)  # once per folder: the second call does nothing
    assert resources.is_loading(path)
    workers = [t for t in threading.enumerate() if t.name == "glassbox-preload"]
    assert len(workers) == 1
    resources.first_page_drawn()
    workers[0].join(timeout=60)
    assert not resources.is_loading(path)
    model, error = resources.try_load(path)
    assert error is None and model is not None and model.path == tiny_model_dir
    assert gc.get_freeze_count() > 100_000  # torch & co. are out of the collector's way


def test_preload_skips_a_folder_without_a_model(tmp_path: Path, fresh_preload) -> None:
    resources.start_preload(str(tmp_path))
    assert not resources.is_loading(str(tmp_path))


class RecordingLock:
    """An RLock that remembers which threads took it (the pages' heavy imports)."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self.takers: list[str] = []

    def __enter__(self):
        self._lock.acquire()
        self.takers.append(threading.current_thread().name)
        return self

    def __exit__(self, *exc) -> None:
        self._lock.release()


@pytest.mark.parametrize(
    "page", ["tokenization", "transformer", "next_token", "pretraining", "finetuning", "rlhf"]
)
def test_every_lesson_imports_its_model_code_under_the_preloads_lock(page, monkeypatch) -> None:
    """The background preload and a page's first run both import transformers' lazy classes;
    done at once, one of them can see a half-imported module. Every lesson page takes the same
    lock as the preload for those imports, so the second importer waits."""
    resources.import_torch()  # done once per process: its own use of the lock is not counted
    lock = RecordingLock()
    monkeypatch.setattr(resources, "_IMPORTS", lock)
    at = open_page(page)
    ok(at)
    by_page = [name for name in lock.takers if name != "glassbox-preload"]
    assert by_page, f"the {page} page imported its model code without the lock"
