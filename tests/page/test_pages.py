"""Every registered page runs headless (Streamlit AppTest) in every language, without exceptions."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app.i18n import LANGUAGES, text_for
from app.resources import MODEL_ENV

ROOT = Path(__file__).resolve().parents[2]
ENTRY = str(ROOT / "app" / "main.py")
PAGES = ("home", "tokenization", "transformer", "next_token", "pretraining", "finetuning", "rlhf")
TIMEOUT = 60  # the first run imports torch and transformers


@pytest.fixture(scope="module")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A throwaway, untrained GPT-2 (a few thousand parameters) saved in Hugging Face format."""
    from models.model.loading import build_model, save_model
    from models.model.presets import get_preset
    from models.tokenization.tokenizer import train_tokenizer

    tokenizer = train_tokenizer(["the cat sat on the mat. Die Katze. 猫が座った。"] * 20, 300)
    preset = get_preset("nano", n_layer=1, n_head=2, n_embd=16, n_positions=32)
    return save_model(build_model(preset, tokenizer), tokenizer, tmp_path_factory.mktemp("tiny"))


def app(lang: str | None = None) -> AppTest:
    """The app after its first run, in ``lang`` (chosen with the sidebar's language widget)."""
    at = AppTest.from_file(ENTRY, default_timeout=TIMEOUT).run()
    if lang is not None:
        at.selectbox(key="lang").set_value(lang).run()
    assert not at.exception, at.exception
    return at


def test_every_page_file_is_in_the_list() -> None:
    scripts = {p.stem for p in (ROOT / "pages").glob("*.py")} - {"__init__"}  # the package
    assert scripts == set(PAGES)


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
@pytest.mark.parametrize("page", PAGES)
def test_page_runs_in_language(page: str, lang: str, tiny_model_dir: Path, monkeypatch) -> None:
    monkeypatch.setenv(MODEL_ENV, str(tiny_model_dir))
    at = app(lang)
    at.switch_page(f"../pages/{page}.py").run()  # raises if the page is not registered
    assert not at.exception, at.exception
    heading = text_for(lang, "home.heading" if page == "home" else f"page.{page}.title")
    assert [t.value for t in at.title] == [heading]
    assert at.sidebar.selectbox(key="lang").label == text_for(lang, "sidebar.language")


def test_lang_query_parameter_sets_the_language_on_first_load() -> None:
    at = AppTest.from_file(ENTRY, default_timeout=TIMEOUT)
    at.query_params["lang"] = "ja"
    at.run()
    assert not at.exception
    assert at.selectbox(key="lang").value == "ja"
    assert at.title[0].value == text_for("ja", "home.heading")


def test_sidebar_shows_model_and_device(tiny_model_dir: Path, monkeypatch) -> None:
    monkeypatch.setenv(MODEL_ENV, str(tiny_model_dir))
    at = app("en")
    captions = " ".join(c.value for c in at.sidebar.caption)
    assert tiny_model_dir.name in captions
    assert "M parameters" in captions and "CPU" in captions
    assert not at.sidebar.warning and not at.sidebar.error
    assert at.session_state["model_path"] == str(tiny_model_dir)


def test_missing_checkpoint_warns_instead_of_failing(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(MODEL_ENV, str(tmp_path / "not-trained-yet"))
    for page in PAGES:
        at = app("de")
        at.switch_page(f"../pages/{page}.py").run()
        assert not at.exception, at.exception
        assert len(at.sidebar.warning) == 1
        assert "models.train" in at.sidebar.code[0].value
        assert at.session_state["model_path"] is None


def test_bad_custom_path_shows_error_and_falls_back(tiny_model_dir: Path, tmp_path, monkeypatch):
    monkeypatch.setenv(MODEL_ENV, str(tiny_model_dir))
    at = app("en")
    at.sidebar.text_input(key="model_custom_path").set_value(str(tmp_path / "nope")).run()
    assert not at.exception
    assert len(at.sidebar.error) == 1  # what went wrong, then the path as typed, verbatim
    assert [c.value for c in at.sidebar.code] == [str(tmp_path / "nope")]
    assert at.session_state["model_path"] == str(tiny_model_dir)  # fell back to the default
    at.sidebar.text_input(key="model_custom_path").set_value(str(tiny_model_dir)).run()
    assert not at.sidebar.error
