"""The pre-training page headless (AppTest): a tiny run to completion in every language, bad inputs."""

from __future__ import annotations

import tomllib

import pytest
import torch
from streamlit.testing.v1 import AppTest

from app.i18n import LANGUAGES, text_for
from app.resources import SESSION_MODEL_KEY
from app.views.pretraining import JOB_KEY, RUNS_KEY
from app.views.training import config_help
from tests.support.apptest import ROOT, ok, open_page
from tests.support.apptest import run_to_end as run_to_end_of


@pytest.fixture(autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def page(lang: str = "en") -> AppTest:
    return open_page("pretraining", lang)


def run_to_end(at: AppTest):
    return run_to_end_of(at, JOB_KEY)


def tiny_settings(at: AppTest, steps: int = 6, preset: int = 0) -> None:
    at.selectbox(key="pt_preset").select_index(preset).run()  # 0: nano-llama, 1: nano
    at.number_input(key="pt_steps").set_value(steps).run()
    at.select_slider(key="pt_batch").set_value(4).run()
    ok(at)


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_a_tiny_run_completes_in_every_language(lang: str) -> None:
    at = page(lang)
    assert [t.value for t in at.title] == [text_for(lang, "page.pretraining.title")]
    tiny_settings(at)
    at.button(key="pt_start").click().run()
    ok(at)
    job = run_to_end(at)
    assert job.status == "done" and job.trainer.step == 6
    assert job.curves.loss and job.curves.val_loss and job.curves.samples
    at.run()
    ok(at)
    assert at.get("plotly_chart"), "the loss chart is drawn"
    assert at.button(key="pt_use").label == text_for(lang, "pretraining.use_model")
    assert len(at.session_state[RUNS_KEY]) == 1  # kept for comparison


def test_pause_resume_stop_and_compare_runs() -> None:
    at = page()
    tiny_settings(at, steps=400)
    at.button(key="pt_start").click().run()
    at.button(key="pt_pause").click().run()
    job = at.session_state[JOB_KEY]
    assert job.status == "paused"
    step = job.trainer.step
    at.run()
    assert job.trainer.step == step  # paused: no training
    at.button(key="pt_resume").click().run()
    assert job.trainer.step > step
    at.button(key="pt_stop").click().run()
    ok(at)
    assert job.status == "stopped"
    zipped = job.export_zip()
    assert zipped[:2] == b"PK"
    tiny_settings(at, steps=4)
    at.button(key="pt_start").click().run()
    run_to_end(at)
    at.run()
    runs = at.session_state[RUNS_KEY]
    assert len(runs) == 2  # the stopped run and the finished one, for the overlay


@pytest.mark.parametrize("preset", [0, 1])  # a Llama-style model and a GPT-2
def test_use_in_lessons_makes_every_lesson_use_the_trained_model(preset: int) -> None:
    at = page()
    tiny_settings(at, steps=3, preset=preset)
    at.button(key="pt_start").click().run()
    job = run_to_end(at)
    at.button(key="pt_use").click().run()
    ok(at)
    session = at.session_state[SESSION_MODEL_KEY]
    assert session.model is job.trainer.model and session.path is None
    name = text_for("en", "pretraining.session_model_name")
    assert any(name in c.value for c in at.sidebar.caption)  # the sidebar says which model
    for other in ("next_token", "transformer"):  # other lessons run on it
        at.switch_page(f"../pages/{other}.py").run()
        ok(at)
    at.sidebar.button(key="forget_session_model").click().run()
    ok(at)
    assert SESSION_MODEL_KEY not in at.session_state
    assert not any(name in c.value for c in at.sidebar.caption)


@pytest.mark.parametrize(
    ("steps", "lr", "shown"),
    [
        (0, 3e-3, "using 1."),
        (1e9, 3e-3, "20000"),
        (300, 0.0, "1e-05"),
        (300, 100.0, "100 is outside"),
    ],
)
def test_absurd_settings_are_clamped_with_a_note(steps: float, lr: float, shown: str) -> None:
    at = page()
    at.number_input(key="pt_steps").set_value(steps).run()
    at.number_input(key="pt_lr").set_value(lr).run()
    ok(at)
    notes = [w.value for w in at.warning]
    assert any(shown in n for n in notes), notes


@pytest.mark.parametrize(
    ("text", "upload", "expect"),
    [
        ("", None, "pretraining.need_text"),
        ("   ", None, "pretraining.need_text"),
        ("", b"\x00\x01\x02binary\x00" * 50, "binary"),
        ("", b"\xff\xfe\xfa not utf-8", "UTF-8"),
        ("", b"", "empty"),
        ("too short for one block", None, "fewer than one block"),
    ],
)
def test_bad_own_text_gives_a_clear_message(text: str, upload: bytes | None, expect: str) -> None:
    at = page()
    at.selectbox(key="pt_corpus").select_index(4).run()  # own text
    at.text_area(key="pt_text").set_value(text).run()
    if upload is not None:
        at.file_uploader(key="pt_upload").upload("data.txt", upload, "text/plain").run()
    at.button(key="pt_start").click().run()
    ok(at)
    messages = " ".join(m.value for m in [*at.warning, *at.error])
    wanted = text_for("en", expect) if expect.startswith("pretraining.") else expect
    assert wanted in messages, messages
    assert JOB_KEY not in at.session_state or at.session_state[JOB_KEY] is None


def test_tooltips_are_the_trainer_help_and_keys_match_in_every_language() -> None:
    at = page()
    assert at.number_input(key="pt_steps").help == config_help("steps")
    assert at.number_input(key="pt_lr").help == config_help("lr")
    assert at.select_slider(key="pt_batch").help == config_help("batch_size")
    keys = {
        lang: set(
            tomllib.loads((ROOT / "lessons" / lang / "pretraining.toml").read_text())["pretraining"]
        )
        for lang in LANGUAGES
    }
    assert keys["de"] == keys["en"] == keys["ja"]
