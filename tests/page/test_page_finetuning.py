"""The fine-tuning page headless (AppTest): a tiny run to completion in every language, bad inputs,
and the shared (cached) model is never changed by fine-tuning."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import torch
from streamlit.testing.v1 import AppTest

from app.i18n import LANGUAGES, text_for
from app.resources import MODEL_ENV, try_load
from app.views.finetuning import FT_JOB_KEY
from tests.support.apptest import ROOT, ok, open_page, save_tiny_model
from tests.support.apptest import run_to_end as run_to_end_of


@pytest.fixture(scope="module")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return save_tiny_model(
        tmp_path_factory.mktemp("tiny"), "A: Where did Mia go?\nB: Mia went home. Die Katze. 猫。"
    )


@pytest.fixture(autouse=True)
def setup(tiny_model_dir: Path, monkeypatch):
    monkeypatch.setenv(MODEL_ENV, str(tiny_model_dir))
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def page(lang: str = "en") -> AppTest:
    return open_page("finetuning", lang)


def run_to_end(at: AppTest):
    return run_to_end_of(at, FT_JOB_KEY)


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_a_tiny_fine_tuning_run_completes_in_every_language(lang: str, tiny_model_dir) -> None:
    shared, _ = try_load(str(tiny_model_dir))
    before = {k: v.clone() for k, v in shared.model.state_dict().items()}
    at = page(lang)
    assert [t.value for t in at.title] == [text_for(lang, "page.finetuning.title")]
    assert at.selectbox(key="ft_lang").value == lang
    at.number_input(key="ft_steps").set_value(5).run()
    at.select_slider(key="ft_batch").set_value(4).run()
    at.button(key="ft_start").click().run()
    ok(at)
    job = run_to_end(at)
    assert job.status == "done" and job.trainer.step == 5
    assert job.curves.loss and job.curves.val_loss
    at.run()
    ok(at)
    assert at.get("plotly_chart"), "the loss chart is drawn"
    downloads = [d.label for d in at.get("download_button")]
    assert downloads == [text_for(lang, "export.download")], "the tuned model can leave the app"
    after = text_for(lang, "finetuning.after_pending")
    assert after not in [c.value for c in at.caption]  # the fine-tuned answers are shown
    tuned = job.trainer.model.state_dict()
    assert any(not torch.equal(before[k], tuned[k]) for k in before), "fine-tuning changed weights"
    assert all(torch.equal(before[k], v) for k, v in shared.model.state_dict().items()), (
        "the shared, cached model must never change"
    )


@pytest.mark.parametrize(
    ("steps", "lr", "shown"), [(0, 1e-3, ("using 1.",)), (1e9, 100.0, ("using 20000.", "using 1."))]
)
def test_absurd_settings_are_clamped_with_a_note(steps: float, lr: float, shown: tuple) -> None:
    at = page()
    at.number_input(key="ft_steps").set_value(steps).run()
    at.number_input(key="ft_lr").set_value(lr).run()
    ok(at)
    notes = [w.value for w in at.warning]
    for value in shown:
        assert any(value in n for n in notes), notes


def test_pause_shows_the_answers_then_stop() -> None:
    at = page()
    at.number_input(key="ft_steps").set_value(500).run()
    at.select_slider(key="ft_batch").set_value(4).run()
    at.button(key="ft_start").click().run()
    at.button(key="ft_pause").click().run()
    ok(at)
    job = at.session_state[FT_JOB_KEY]
    assert job.status == "paused" and job.trainer.step > 0
    assert text_for("en", "finetuning.after_pending") not in [c.value for c in at.caption]
    at.button(key="ft_stop").click().run()
    ok(at)
    assert job.status == "stopped"


def test_the_mask_example_and_the_quiz() -> None:
    at = page()
    html = "\n".join(m.value for m in at.markdown)
    assert "font-weight:700" in html and "font-weight:400" in html  # answers and context
    at.radio(key="finetuning_quiz").set_value(0).run()
    assert at.success[0].value == text_for("en", "finetuning.quiz.feedback.0")
    at.radio(key="finetuning_quiz").set_value(1).run()
    assert at.error[0].value == text_for("en", "finetuning.quiz.feedback.1")


def test_ui_keys_match_in_every_language() -> None:
    keys = {
        lang: set(
            tomllib.loads((ROOT / "lessons" / lang / "finetuning.toml").read_text())["finetuning"]
        )
        for lang in LANGUAGES
    }
    assert keys["de"] == keys["en"] == keys["ja"]


def test_the_base_answers_are_the_models_own_and_shared_between_students(
    tiny_model_dir, monkeypatch
) -> None:
    import app.views.finetuning as view
    from app.ui.render import escape_text
    from app.views.finetuning import _checkpoint_answers
    from models.training.finetune import answer, heldout_questions

    _checkpoint_answers.clear()
    lm, _ = try_load(str(tiny_model_dir))
    expected = [answer(lm.model, lm.tokenizer, q.prompt) for q in heldout_questions("de")]
    for student in range(2):
        if student:  # the second student is served from the process-wide cache
            monkeypatch.setattr(view, "answer", lambda *a, **k: pytest.fail("regenerated"))
        at = page()
        at.selectbox(key="ft_lang").set_value("de").run()
        ok(at)
        html = "\n".join(m.value for m in at.markdown)
        assert all(f"<b>B:</b> {escape_text(a)}" in html for a in expected)
