"""The one "download this model" button of every page that trains a model."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from app.i18n import t


def model_download(zipped: Callable[[], bytes], key: str, container: object = st) -> None:
    """A button that downloads the model as a zipped Hugging Face folder (``zip_model``'s,
    with its card). ``zipped`` runs only when the button is pressed, and pressing it does not
    rerun the page."""
    container.download_button(  # type: ignore[attr-defined]
        t("export.download"),
        data=zipped,
        file_name="glassbox-model.zip",
        mime="application/zip",
        key=key,
        on_click="ignore",
        icon=":material/download:",
        help=t("export.download_help"),
    )
