"""Where the shipped checkpoints live and which local folders hold a model.

Plain paths, no torch: the sidebar lists the models (and the home page draws) before
torch and transformers are imported. ``models.model.loading`` loads what is listed here.

>>> DEFAULT_CHECKPOINT.name
'tiny-stories'
"""

from __future__ import annotations

from pathlib import Path

CHECKPOINT_DIR = Path(__file__).resolve().parent.parent / "checkpoints"
DEFAULT_CHECKPOINT = CHECKPOINT_DIR / "tiny-stories"


def has_model(folder: str | Path) -> bool:
    """True if ``folder`` looks like a Hugging Face model (it has a config.json)."""
    return (Path(folder) / "config.json").is_file()


def list_local_models(root: str | Path = CHECKPOINT_DIR) -> list[Path]:
    """Folders under ``root`` that hold a Hugging Face model (config.json), sorted by name."""
    root = Path(root)
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if has_model(p))
