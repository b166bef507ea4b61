"""Shared, cached resources: the model checkpoints, loaded once per process.

``st.cache_resource`` objects are shared by every user and session, so a ``LoadedModel``
from here is read-only: pages run it (in eval mode, under ``torch.no_grad``) and never
train, move or modify it. Training pages copy the weights first. Per-user choices live
in ``st.session_state``.
"""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st
import torch

from models.device import pick_device
from models.model import DEFAULT_CHECKPOINT, LoadedModel, load_model

# One server answers many sessions on few cores: tiny-model forward passes are fastest and
# steadiest on one thread each (two threads fight every other request for the same cores).
torch.set_num_threads(int(os.environ.get("GLASSBOX_TORCH_THREADS", "1")))

SESSION_MODEL_KEY = "session_model"  # session_state: a LoadedModel this user trained, or absent
MODEL_PATH_KEY = "model_path"  # session_state: folder of the model the sidebar selected, or None
MODEL_ENV = "GLASSBOX_MODEL"  # environment override of the default checkpoint folder
TRAIN_COMMAND = (
    "python -m models.train --preset small --corpus tiny-stories "
    "--out models/checkpoints/tiny-stories"
)


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
    e.g. FileNotFoundError for a folder without config.json; errors are not cached.
    """
    return load_model(path, device=device)


def try_load(path: str) -> tuple[LoadedModel | None, str | None]:
    """``(model, None)`` if the folder holds a loadable model, else ``(None, why)``. Never raises."""
    try:
        return get_model(path, str(pick_device()), model_version(path)), None
    except FileNotFoundError as exc:
        return None, str(exc)
    except Exception as exc:  # a user-typed folder can hold anything; report, don't crash
        return None, f"{type(exc).__name__}: {exc}"


def use_session_model(lm: LoadedModel) -> None:
    """Let every lesson use ``lm`` (a model this user trained) for the rest of the session."""
    st.session_state[SESSION_MODEL_KEY] = lm


def forget_session_model() -> None:
    """Go back to the model selected in the sidebar."""
    st.session_state.pop(SESSION_MODEL_KEY, None)


def current_model() -> LoadedModel | None:
    """The model this user trained (if they chose to use it), else the sidebar's selection,
    else None (the sidebar says why)."""
    session = st.session_state.get(SESSION_MODEL_KEY)
    if session is not None:
        return session
    path = st.session_state.get(MODEL_PATH_KEY)
    if not path:
        return None
    model, _ = try_load(path)
    return model
