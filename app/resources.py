"""Shared, cached resources: the model checkpoints, loaded once per process.

``st.cache_resource`` objects are shared by every user and session, so a ``LoadedModel``
from here is read-only: pages run it (in eval mode, under ``torch.no_grad``) and never
train, move or modify it. Training pages copy the weights first. Per-user choices live
in ``st.session_state``.

Nothing here imports torch or transformers at module level (they take ~3 s on 2 cores):
the home page and the sidebar draw without them. Streamlit runs no app code before the
first browser connects, so the first page view calls ``start_preload``; once that page's
script has run (``first_page_drawn``) and the browser has had a moment to paint it, a
background thread loads the default model, and by the time a student opens a lesson it is
there. It waits because importing torch holds Python's GIL and a core for seconds: started
at once, it slowed the very page it is meant to spare (cold home page 3.6-5.0 s instead of
2.8-3.1 s on a busy 2-core machine).
"""

from __future__ import annotations

import functools
import gc
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st
from streamlit import config

from app.i18n import number, t
from models.model.catalog import DEFAULT_CHECKPOINT, has_model

if TYPE_CHECKING:
    from tokenizers import Tokenizer
    from transformers import PreTrainedTokenizerBase

    from models.model.loading import LoadedModel

SESSION_MODEL_KEY = "session_model"  # session_state: a LoadedModel this user trained, or absent
MODEL_PATH_KEY = "model_path"  # session_state: folder of the model the sidebar selected, or None
MODEL_ENV = "GLASSBOX_MODEL"  # environment override of the default checkpoint folder
THREADS_ENV = "GLASSBOX_TORCH_THREADS"  # torch threads per process (default 1, see below)
TRAIN_COMMAND = (
    "python -m models.training --preset small-llama --corpus tiny-stories "
    "--out models/checkpoints/tiny-stories"
)

_preloading: set[str] = set()  # folders a background thread is loading right now
_preloaded: set[str] = set()  # folders whose preload has been started (once per process)
_preload_lock = threading.Lock()
_first_page_drawn = threading.Event()
FIRST_PAGE_WAIT_S = 5.0  # the preload starts after the first page, or after this at the latest
PAINT_GRACE_S = 1.0  # ...plus this, for the browser to draw that page (it shares the cores)


_IMPORTS = threading.RLock()


@contextmanager
def heavy_imports() -> Iterator[None]:
    """Hold while importing what pulls in torch or transformers: one thread at a time.

    transformers imports its classes lazily, on first use; a page importing them while the
    background preload does too can see a half-imported module ("cannot import name
    'PreTrainedModel' from 'transformers'", 5 of 7 cold starts on a busy machine). With the
    lock, the second importer waits and then finds everything in place.
    """
    with _IMPORTS:
        yield


@functools.cache
def import_torch() -> None:
    """Import torch and transformers (~3 s on 2 cores) once per process, set torch's threads,
    and keep what they created out of the garbage collector's way.

    One server answers many sessions on few cores: tiny-model forward passes are fastest and
    steadiest on one thread each (two threads fight every other request for the same cores).
    The count is process-wide: torch applies it to every thread that computes later.
    """
    with heavy_imports():
        import torch

        import models.model.loading  # noqa: F401 - transformers, and what loading a model needs

    torch.set_num_threads(int(os.environ.get(THREADS_ENV, "1")))
    freeze_long_lived_objects()


def freeze_long_lived_objects() -> None:
    """Move every object that exists now out of the garbage collector's sight.

    Streamlit runs a full ``gc.collect(2)`` after every script run, fragment runs included
    (``runner.postScriptGC``). With torch, transformers and the model loaded that walks
    ~400 000 objects: ~230 ms of CPU, holding the GIL, after every click of every student
    (and every poll of the sidebar while the model loads). What exists after the imports
    (modules, and later the model and the encodings) lives as long as the process, so
    ``gc.freeze()`` takes it out; a collection then costs a few ms. Objects made later are
    collected as before.
    """
    gc.collect()
    gc.freeze()


def default_model_path() -> str:
    """The folder used when the user has chosen nothing: ``$GLASSBOX_MODEL`` or the shipped one."""
    return os.environ.get(MODEL_ENV) or str(DEFAULT_CHECKPOINT)


def model_version(path: str) -> float:
    """Newest modification time of the model's files, so a retrained checkpoint is reloaded."""
    folder = Path(path)
    stamps = [p.stat().st_mtime for p in folder.glob("*") if p.is_file()]
    return max(stamps, default=0.0)


@st.cache_resource(show_spinner=False, max_entries=4)
def get_model(path: str, device: str, version: float = 0.0) -> LoadedModel:
    """The model in folder ``path`` on ``device``, loaded once and shared (read-only!).

    ``version`` only keys the cache (see ``model_version``). Raises what ``load_model`` raises,
    e.g. FileNotFoundError for a folder without config.json; errors are not cached. A second
    caller asking for the same model while it loads waits for that load (Streamlit holds a
    lock per cache key), so a preload and a page never load it twice.
    """
    import_torch()
    from models.model.loading import load_model

    return load_model(path, device=device)


def load_error_text(exc: Exception) -> str:
    """What went wrong loading a model, for the student: a ``ModelCheckError`` in their
    language, anything else as the exception's own words."""
    from models.model.loading import ModelCheckError  # torch is imported by any failed load

    if isinstance(exc, ModelCheckError):  # loads, but no lesson could use it: say why
        params = {k: number(v) if isinstance(v, int) else v for k, v in exc.params.items()}
        return t(f"model_check.{exc.code}", **params)
    if isinstance(exc, FileNotFoundError | ValueError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def try_load(path: str) -> tuple[LoadedModel | None, str | None]:
    """``(model, None)`` if the folder holds a loadable model, else ``(None, why)``. Never raises."""
    try:
        import_torch()
        from models.model.device import pick_device

        return get_model(path, str(pick_device()), model_version(path)), None
    except Exception as exc:  # a user-typed folder can hold anything; report, don't crash
        return None, load_error_text(exc)


def load_upload(data: bytes, name: str) -> tuple[LoadedModel | None, str | None]:
    """An uploaded model zip, unpacked into a folder of its own and loaded for this session
    only (never into the shared cache): ``(model, None)``, or ``(None, why)``. Never raises."""
    import tempfile

    try:
        import_torch()
        from models.model.device import pick_device
        from models.model.loading import load_model, unzip_model

        folder = unzip_model(data, tempfile.mkdtemp(prefix="glassbox-upload-"))
        return load_model(folder, device=pick_device(), name=name), None
    except Exception as exc:  # an uploaded file can hold anything; report, don't crash
        return None, load_error_text(exc)


def start_preload(path: str | None = None, warm: Callable[[], None] | None = None) -> None:
    """Load the model in ``path`` (default: ``default_model_path()``) in a background thread,
    then call ``warm`` (what the first visitor of a lesson would otherwise wait for: the entry
    point hands in the lessons' imports).

    Once per folder and process; returns at once. The load waits for ``first_page_drawn`` (at
    most ``FIRST_PAGE_WAIT_S``), then ``PAINT_GRACE_S``; until it ends, ``is_loading(path)`` is
    true. Does nothing for a folder without a model, nor under ``AppTest``, whose runs are
    synchronous and must not race a background load.
    """
    path = path or default_model_path()
    # AppTest patches streamlit.config.get_option (not st.get_option) while a run lasts.
    if config.get_option("global.appTest") or not has_model(path):
        return
    with _preload_lock:
        if path in _preloaded:
            return
        _preloaded.add(path)
        _preloading.add(path)
    threading.Thread(
        target=_preload, args=(path, warm), name="glassbox-preload", daemon=True
    ).start()


def first_page_drawn() -> None:
    """Tell a waiting preload that the first page's script has finished (call after every run)."""
    _first_page_drawn.set()


def _preload(path: str, warm: Callable[[], None] | None) -> None:
    try:
        if _first_page_drawn.wait(FIRST_PAGE_WAIT_S):
            time.sleep(PAINT_GRACE_S)
        with heavy_imports():
            try_load(path)  # errors are reported when a page asks for the model; not cached
    finally:
        with _preload_lock:
            _preloading.discard(path)
    if warm is not None:
        try:
            with heavy_imports():
                warm()
        except Exception:  # noqa: BLE001 - the lesson that needs it reports the error itself
            pass
    freeze_long_lived_objects()  # the model, the lessons' modules and encodings too


def is_loading(path: str) -> bool:
    """True while a background preload of ``path`` runs (a page asking for it now would wait)."""
    with _preload_lock:
        return path in _preloading


def use_session_model(lm: LoadedModel) -> None:
    """Let every lesson use ``lm`` (a model this user trained) for the rest of the session."""
    st.session_state[SESSION_MODEL_KEY] = lm


def forget_session_model() -> None:
    """Go back to the model selected in the sidebar."""
    st.session_state.pop(SESSION_MODEL_KEY, None)


def current_model() -> LoadedModel | None:
    """The model this user trained (if they chose to use it), else the sidebar's selection,
    else None (the sidebar says why). Waits for the model if it is still loading."""
    session = st.session_state.get(SESSION_MODEL_KEY)
    if session is not None:
        return session
    path = st.session_state.get(MODEL_PATH_KEY)
    if not path:
        return None
    model, _ = try_load(path)
    return model


@st.cache_resource(show_spinner=False, max_entries=4)
def get_tokenizer_file(path: str, version: float = 0.0) -> Tokenizer:
    """The tokenizer.json in folder ``path``, loaded with `tokenizers` alone (milliseconds, no
    torch or transformers), shared and read-only. ``version`` only keys the cache."""
    from tokenizers import Tokenizer

    return Tokenizer.from_file(str(Path(path) / "tokenizer.json"))


def current_tokenizer() -> PreTrainedTokenizerBase | Tokenizer | None:
    """The tokenizer of ``current_model()``, without waiting for the model to load.

    A model this user trained brings its own; the selected folder's tokenizer.json is read
    directly (a page that only tokenizes then opens in a cold server without importing torch);
    a folder without one falls back to loading the model. None where there is no model.
    """
    session = st.session_state.get(SESSION_MODEL_KEY)
    if session is not None:
        return session.tokenizer
    path = st.session_state.get(MODEL_PATH_KEY)
    if not path or not has_model(path):
        return None
    if (Path(path) / "tokenizer.json").is_file():
        try:
            return get_tokenizer_file(path, model_version(path))
        except Exception:  # noqa: BLE001 - not a tokenizers file: let the model loader report it
            pass
    lm = current_model()
    return lm.tokenizer if lm is not None else None
