"""The sidebar shared by every page: language, model choice, and what is loaded where."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from app import presenter
from app.i18n import LANG_KEY, LANGUAGES, current_lang, format_params, t
from app.resources import (
    MODEL_PATH_KEY,
    SESSION_MODEL_KEY,
    TRAIN_COMMAND,
    default_model_path,
    forget_session_model,
    is_loading,
    load_upload,
    try_load,
    use_session_model,
)
from models.model.catalog import has_model, list_local_models

CHOICE_KEY = "model_choice"  # selectbox over the shipped models
CUSTOM_KEY = "model_custom_path"  # text field: any local Hugging Face model folder
UPLOAD_KEY = "model_upload"  # file uploader: a model zip (a lesson's download, or any HF folder)
UPLOADED_KEY = "model_uploaded_id"  # session_state: file_id of the upload now in use


def _upload() -> None:
    """A model zip uploaded here becomes this session's model (until "back to the selected
    model"); a zip that is no usable model is refused with the reason, in plain text."""
    up = st.file_uploader(
        t("sidebar.upload"), type=["zip"], key=UPLOAD_KEY, help=t("sidebar.upload_help")
    )
    if up is None or st.session_state.get(UPLOADED_KEY) == up.file_id:
        return
    with st.spinner(t("sidebar.loading")):
        model, error = load_upload(up.getvalue(), name=t("sidebar.uploaded"))
    if model is None:
        st.error(t("sidebar.bad_upload"))
        st.text(error)
        return
    st.session_state[UPLOADED_KEY] = up.file_id
    use_session_model(model)


def _language_switch() -> str:
    """The language selectbox; keeps ``?lang=`` in the URL in step so links can be shared."""
    current_lang()  # seeds session_state from ?lang= before the widget exists
    lang = st.selectbox(
        t("sidebar.language"), list(LANGUAGES), format_func=LANGUAGES.__getitem__, key=LANG_KEY
    )
    if st.query_params.get(LANG_KEY) != lang:
        st.query_params[LANG_KEY] = lang
    return lang


def _model_choice() -> None:
    """Model selector; stores the loaded model's folder (or None) in session_state.

    While the server is still loading the chosen model in the background (the first seconds
    after it starts), the page is not held up: the folder is stored at once (a lesson that
    needs the model waits for it) and the caption follows when the model is ready.
    """
    default = default_model_path()
    options = [str(p) for p in list_local_models()]
    if default not in options:
        options.insert(0, default)
    missing = t("sidebar.not_trained")
    labels = {  # built now, not inside format_func, so the labels are in this run's language
        p: Path(p).name + ("" if has_model(p) else f" {missing}") for p in options
    }
    chosen = (
        st.selectbox(t("sidebar.model"), options, format_func=labels.__getitem__, key=CHOICE_KEY)
        or default
    )
    custom = st.text_input(
        t("sidebar.custom_path"), key=CUSTOM_KEY, help=t("sidebar.custom_path_help")
    ).strip()
    _upload()

    if not custom and is_loading(chosen):
        st.session_state[MODEL_PATH_KEY] = chosen
        _caption_when_loaded(chosen)
        return

    with st.spinner(t("sidebar.loading")):
        model, error = try_load(custom) if custom else (None, None)
        if custom and model is None:
            st.error(t("sidebar.bad_path"))  # the path and error are the user's: plain text
            st.code(custom, language=None)
            st.text(error)
        if model is None:
            model, error = try_load(chosen)

    if model is None:
        st.session_state[MODEL_PATH_KEY] = None
        st.warning(t("sidebar.no_model", path=chosen))
        st.code(TRAIN_COMMAND, language="bash")
        if has_model(chosen):  # there is a model, but it did not load
            st.caption(error)
        return
    st.session_state[MODEL_PATH_KEY] = str(model.path)
    session = st.session_state.get(SESSION_MODEL_KEY)
    shown = session or model
    trained_here = session is not None and session.path is None  # an upload has a folder
    label = "sidebar.session_model" if trained_here else "sidebar.loaded"
    params = format_params(shown.n_params)
    from models.model.device import device_label  # torch: imported by now, the model is loaded

    st.caption(t(label, name=shown.name, params=params, device=device_label(shown.device)))
    if session:
        st.button(
            t("sidebar.forget_session_model"),
            key="forget_session_model",
            on_click=forget_session_model,
        )


@st.fragment(run_every=1.0)
def _caption_when_loaded(path: str) -> None:
    """Says the model is loading until the background load of ``path`` ends, then asks for one
    full rerun: it draws the model's caption (or why it failed) and, being a full run, stops
    this fragment's polling."""
    if is_loading(path):
        st.caption(t("sidebar.loading"))
    else:
        st.rerun()


def render_sidebar() -> None:
    """Draw the shared sidebar (call once per run, from the entry point, before the page)."""
    with st.sidebar:
        _language_switch()
        presenter.toggle()
        st.divider()
        _model_choice()
    presenter.apply()  # in presenter view: its CSS and a way back, at the top of the page
