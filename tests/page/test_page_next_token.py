"""The next-token page headless (AppTest) in every language, every control, and the bad inputs."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from streamlit.testing.v1 import AppTest

from app.i18n import LANGUAGES, text_for
from app.resources import MODEL_ENV
from tests.support.apptest import ok, open_page, save_tiny_model

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return save_tiny_model(
        tmp_path_factory.mktemp("tiny"), "the cat sat on the mat. <b>Die Katze</b>. 猫が座った。"
    )


@pytest.fixture(autouse=True)
def setup(tiny_model_dir: Path, monkeypatch):
    monkeypatch.setenv(MODEL_ENV, str(tiny_model_dir))
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny model: one thread is faster, and kinder to a training run
    yield
    torch.set_num_threads(threads)


def page(lang: str = "en") -> AppTest:
    return open_page("next_token", lang)


def written(at: AppTest) -> list:
    return at.session_state["nt_gen"].choices


def html_and_charts(at: AppTest) -> str:
    """Everything the page sends as HTML or chart data, where raw user text must never appear."""
    parts = [m.value for m in at.markdown] + [b.label for b in at.button]
    parts += [str(e.proto) for e in at.get("plotly_chart")]
    return "\n".join(parts)


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_every_control_in_every_language(lang: str) -> None:
    at = page(lang)
    assert [t.value for t in at.title] == [text_for(lang, "page.next_token.title")]
    assert at.text_area(key="nt_prompt").value == text_for(lang, "next_token.default_prompt")
    assert len(at.get("plotly_chart")) == 2  # top tokens, logit lens

    at.slider(key="nt_temperature").set_value(0.7).run()
    at.number_input(key="nt_top_k").set_value(20).run()
    at.slider(key="nt_top_p").set_value(0.9).run()
    at.number_input(key="nt_seed").set_value(7).run()
    ok(at)

    at.button(key="nt_cand_1").click().run()  # the student picks the second candidate
    at.button(key="nt_sample").click().run()
    at.button(key="nt_greedy").click().run()
    ok(at)
    assert [c.how for c in written(at)] == ["pick", "sample", "greedy"]
    at.button(key="nt_undo").click().run()
    assert [c.how for c in written(at)] == ["pick", "sample"]
    at.button(key="nt_reset").click().run()
    assert written(at) == []
    assert at.button(key="nt_undo").disabled

    at.slider(key="nt_n_samples").set_value(4).run()
    at.slider(key="nt_sample_len").set_value(6).run()
    at.button(key="nt_run_samples").click().run()
    ok(at)
    _, seed, runs = at.session_state["nt_samples"]
    assert seed == 7 and len(runs) == 4 and all(1 <= len(r) <= 6 for r in runs)

    at.button(key="nt_run_demo").click().run()
    ok(at)
    demo = at.session_state["nt_demo"][2]
    assert demo.lang == lang and demo.unknown.name in demo.question
    assert any(text_for(lang, "next_token.unknown") in m.value for m in at.markdown)

    at.radio(key="nt_quiz").set_value(1).run()
    assert at.error and not at.success
    at.radio(key="nt_quiz").set_value(0).run()
    assert at.success[0].value == text_for(lang, "next_token.quiz.feedback.0")


def test_same_seed_same_sample_through_the_page() -> None:
    tokens = []
    for _ in range(2):
        at = page()
        at.number_input(key="nt_seed").set_value(42).run()
        for _ in range(3):
            at.button(key="nt_sample").click().run()
        tokens.append([c.token_id for c in written(at)])
    assert tokens[0] == tokens[1]


def test_empty_prompt_predicts_from_the_start() -> None:
    at = page("de")
    at.text_area(key="nt_prompt").input("").run()
    ok(at)
    assert text_for("de", "next_token.empty_prompt") in [c.value for c in at.caption]
    at.button(key="nt_greedy").click().run()
    ok(at)
    assert len(written(at)) == 1


def test_too_long_prompt_is_truncated_and_says_so() -> None:
    at = page("ja")
    at.text_area(key="nt_prompt").input("the cat sat on the mat. " * 30).run()
    ok(at)
    assert any("32" in w.value for w in at.main.warning), [w.value for w in at.warning]
    for _ in range(2):
        at.button(key="nt_sample").click().run()
    ok(at)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("nt_temperature", 0.0),
        ("nt_temperature", 2.0),
        ("nt_top_p", 0.0),
        ("nt_top_p", 1.0),
        ("nt_top_k", 1_000_000),  # larger than the vocabulary
        ("nt_top_k", 1),
    ],
)
def test_edge_settings(key: str, value: float) -> None:
    at = page()
    (at.slider if key != "nt_top_k" else at.number_input)(key=key).set_value(value).run()
    at.button(key="nt_sample").click().run()
    at.button(key="nt_run_samples").click().run()
    ok(at)
    if (key, value) in (("nt_temperature", 0.0), ("nt_top_p", 0.0), ("nt_top_k", 1)):
        # only one token is left: sampling is greedy
        at.button(key="nt_greedy").click().run()
        a, b = written(at)
        assert a.token_id == b.token_id and a.prob == 1.0


def test_script_prompt_is_never_unescaped() -> None:
    at = page()
    at.text_area(key="nt_prompt").input(f"{SCRIPT} the cat").run()
    for key in ("nt_cand_0", "nt_sample", "nt_greedy", "nt_run_samples", "nt_run_demo"):
        at.button(key=key).click().run()
    ok(at)
    shown = html_and_charts(at)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown
    assert "<script" not in shown.lower()
