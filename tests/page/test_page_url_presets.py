"""Prepared links headless (AppTest): every page opened with a full set of query parameters shows
exactly those values, in every language; its link gives them back; hostile values are harmless."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from app.i18n import LANGUAGES
from app.resources import MODEL_ENV
from tests.support.apptest import ENTRY, TIMEOUT, ok
from tests.support.url_pages import pages

SCRIPT = "<script>alert(1)</script>"
LONG = "the cat sat on the mat. " * 30  # more than MAX_DRAWN tokens: the window slider shows
WIDGETS = (  # AppTest's widget lists, searched by key
    "text_area", "text_input", "slider", "number_input", "selectbox", "radio", "toggle",
    "checkbox", "multiselect", "select_slider", "segmented_control",
)  # fmt: skip

# page → (query parameters, the widget values they must show; "{lang}" in keys is filled in)
PRESETS: dict[str, tuple[dict[str, str], dict[str, object]]] = {
    "tokenization": (
        {"text": "Ein Text: <b>fett</b> 猫", "view": "bytes", "own": "Mein Satz",
         "bpe": "low lower lowest newer newest " * 4, "merges": "12", "step": "5"},
        {"tok_text_{lang}": "Ein Text: <b>fett</b> 猫", "tok_view": "bytes",
         "tok_own_{lang}": "Mein Satz", "tok_bpe_{lang}": "low lower lowest newer newest " * 4,
         "tok_merges": 12, "tok_bpe_step": 5},
    ),
    "transformer": (
        {"random": "1", "text": LONG, "view": "lines", "layer": "3", "head": "2", "query": "40",
         "per_head": "1", "start": "10", "words": "ja", "sets": "numbers,adjectives"},
        {"tf_random": True, "tf_text_{lang}": LONG, "tf_view": "lines", "tf_layer": 2,
         "tf_head": 1, "tf_query": 40, "tf_mode": True, "tf_start": 10, "tf_words_lang": "ja",
         "tf_sets": ["numbers", "adjectives"]},
    ),
    "next_token": (
        {"prompt": "<b>Es war</b> einmal", "temp": "0.7", "top_k": "20", "top_p": "0.9",
         "seed": "42", "n": "4", "len": "9"},
        {"nt_prompt": "<b>Es war</b> einmal", "nt_temperature": 0.7, "nt_top_k": 20,
         "nt_top_p": 0.9, "nt_seed": 42, "nt_n_samples": 4, "nt_sample_len": 9},
    ),
    "pretraining": (
        {"corpus": "own", "text": "Ein kurzer eigener Text. " * 10, "preset": "small",
         "cpu": "1", "steps": "120", "lr": "0.002", "batch": "32"},
        {"pt_corpus": "own", "pt_text": "Ein kurzer eigener Text. " * 10, "pt_preset": "small",
         "pt_cpu": True, "pt_steps": 120, "pt_lr": 0.002, "pt_batch": 32},
    ),
    "finetuning": (
        {"data": "ja", "steps": "60", "lr": "0.0005", "batch": "4"},
        {"ft_lang": "ja", "ft_steps": 60, "ft_lr": 0.0005, "ft_batch": 4},
    ),
    "rlhf": (
        {"taste": "animals", "sim_n": "25", "rm_steps": "70", "beta": "0.3", "dpo_steps": "90",
         "kl": "0", "rlhf_steps": "15"},
        {"rl_taste": "animals", "rl_sim_n": 25, "rl_rm_steps": 70, "rl_beta": 0.3,
         "rl_dpo_steps": 90, "rl_kl": 0.0, "rl_rlhf_steps": 15},
    ),
}  # fmt: skip


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An untrained GPT-2 with 3 layers × 2 heads and 128 positions (more than MAX_DRAWN)."""
    from models.model.loading import build_model, save_model
    from models.model.presets import get_preset
    from models.tokenization.tokenizer import train_tokenizer

    texts = ["the cat sat on the mat. Mia has a ball. Die Katze. 猫が座った。"] * 20
    tokenizer = train_tokenizer(texts, 300)
    preset = get_preset("nano", n_layer=3, n_head=2, n_embd=16, n_positions=128)
    return save_model(build_model(preset, tokenizer), tokenizer, tmp_path_factory.mktemp("url"))


@pytest.fixture(autouse=True)
def tiny_model(model_dir: Path, monkeypatch) -> None:
    monkeypatch.setenv(MODEL_ENV, str(model_dir))


def open_with(page: str, query: dict[str, str]) -> AppTest:
    """A new session whose first look at ``page`` has ``query`` in the URL (a prepared link)."""
    at = AppTest.from_file(ENTRY, default_timeout=TIMEOUT)
    at.query_params.update(query)
    at.run()  # the entry page; Streamlit needs one run before switch_page
    at.switch_page(f"../pages/{page}.py").run()
    ok(at)
    return at


def widget(at: AppTest, key: str):
    for kind in WIDGETS:
        for w in getattr(at, kind):
            if w.key == key:
                return w
    raise AssertionError(f"no widget with key {key!r} on the page")


def shown(at: AppTest, key: str):
    value = widget(at, key).value
    return list(value) if isinstance(value, tuple | list) else value


def link_query(at: AppTest, page: str) -> dict[str, str]:
    """The parameters of the URL that "Link to this view" shows."""
    at.button(key=f"url_link_{page}").click().run()
    ok(at)
    (code,) = [c.value for c in at.code if "?" in c.value]
    return dict(parse_qsl(urlsplit(code).query, keep_blank_values=True))


def everything_shown_as_html(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [str(c.proto) for c in at.get("plotly_chart")]
    return "\n".join(parts + [h.proto.body for h in at.html])


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
@pytest.mark.parametrize("page", sorted(PRESETS))
def test_a_prepared_link_restores_every_widget_exactly(page: str, lang: str) -> None:
    query, expected = PRESETS[page]
    assert set(query) == {p.name for p in pages()[page]}  # the preset sets every parameter
    at = open_with(page, {"lang": lang} | query)
    assert at.session_state["lang"] == lang
    for key, value in expected.items():
        assert shown(at, key.format(lang=lang)) == value, key
    # The address bar holds the same values, and so does the link to copy.
    assert {k: at.query_params[k] for k in query} == query
    assert link_query(at, page) == {"lang": lang} | query


def test_the_link_has_the_page_address_when_the_browser_gives_it() -> None:
    at = AppTest.from_file(ENTRY, default_timeout=TIMEOUT)
    at.context["url"] = "https://class.example/next-token"
    at.query_params.update({"lang": "ja", "seed": "7"})
    at.run()
    at.switch_page("../pages/next_token.py").run()
    at.button(key="url_link_next_token").click().run()
    url = [c.value for c in at.code if "?" in c.value][0]
    assert url.startswith("https://class.example/next-token?lang=ja&")
    assert "seed=7" in url and "temp=1" in url


def test_user_changes_are_never_overwritten_by_the_apps_own_url() -> None:
    at = open_with("next_token", {"temp": "0.7", "seed": "42"})
    at.slider(key="nt_temperature").set_value(1.5).run()
    assert at.query_params["temp"] == "1.5"  # the address bar follows the widget
    # A rerun that still carries the old address (sent before the browser got the new one):
    at.query_params["temp"] = "0.7"
    at.number_input(key="nt_seed").set_value(3).run()
    assert at.slider(key="nt_temperature").value == 1.5
    assert (at.query_params["temp"], at.query_params["seed"]) == ("1.5", "3")
    # An address this session has never seen (changed from outside) is applied.
    at.query_params["temp"] = "0.25"
    at.run()
    assert (
        at.slider(key="nt_temperature").value == 0.25 and at.number_input(key="nt_seed").value == 3
    )


def test_without_parameters_the_page_opens_as_usual_and_writes_its_values() -> None:
    at = open_with("next_token", {"lang": "de"})
    assert at.slider(key="nt_temperature").value == 1.0
    assert "prompt" not in at.query_params  # the default prompt keeps links short
    at.slider(key="nt_n_samples").set_value(2).run()  # a slider inside a fragment
    assert (at.query_params["n"], at.query_params["temp"]) == ("2", "1")


def test_changing_language_keeps_settings_and_drops_the_other_languages_text() -> None:
    at = open_with("transformer", {"lang": "en", "text": "Mia has a ball.", "layer": "2"})
    at.selectbox(key="lang").set_value("de").run()
    ok(at)
    assert at.session_state["tf_layer"] == 1
    assert "text" not in at.query_params  # the German field shows its own example again
    assert at.query_params["layer"] == "2"


HOSTILE = {
    "tokenization": {"text": SCRIPT + "\x00\u202e", "view": SCRIPT, "own": "x" * 900,
                     "merges": "-7", "step": "1e999", "bpe": "<img src=x onerror=alert(1)>"},
    "transformer": {"random": "maybe", "text": SCRIPT, "view": "../../etc", "layer": "99",
                    "head": "-1", "query": "nan", "per_head": SCRIPT, "start": "9" * 5000,
                    "words": "xx", "sets": "<b>,verbs"},
    "next_token": {"prompt": SCRIPT, "temp": "abc", "top_k": "-5", "top_p": "inf",
                   "seed": "99999999999999", "n": "7", "len": ""},
    "pretraining": {"corpus": "/etc/passwd", "text": SCRIPT, "preset": "huge", "cpu": "2",
                    "steps": "10000000", "lr": "-1", "batch": "3"},
    "finetuning": {"data": SCRIPT, "steps": "0", "lr": "1e999", "batch": "1024"},
}  # fmt: skip
# What the hostile values become: clamped into range, or ignored (the widget's default).
SANITISED = {
    "tokenization": {"tok_view": "text", "tok_own_en": "x" * 500, "tok_merges": 1},
    "transformer": {"tf_layer": 0, "tf_head": 0, "tf_view": "heatmap", "tf_random": False,
                    "tf_sets": ["verbs"], "tf_words_lang": "en"},
    "next_token": {"nt_temperature": 1.0, "nt_top_k": 0, "nt_top_p": 1.0,
                   "nt_seed": 2**31 - 1, "nt_n_samples": 4, "nt_sample_len": 15},
    "pretraining": {"pt_corpus": "tiny-stories-en", "pt_preset": "nano-llama", "pt_cpu": False,
                    "pt_steps": 20_000, "pt_lr": 1e-5, "pt_batch": 16},
    "finetuning": {"ft_lang": "en", "ft_steps": 1, "ft_lr": 1e-3, "ft_batch": 8},
}  # fmt: skip


@pytest.mark.parametrize("page", sorted(HOSTILE))
def test_hostile_parameters_neither_raise_nor_run(page: str) -> None:
    at = open_with(page, {"lang": "en"} | HOSTILE[page])
    for key, value in SANITISED[page].items():
        assert shown(at, key) == value, key
    html = everything_shown_as_html(at)
    assert "<script" not in html and "<img" not in html
    for p in pages()[page]:  # junk does not stay in the address bar: the shown value replaces it
        raw = HOSTILE[page][p.name] if p.name in HOSTILE[page] else None
        value = None if raw is None else p.kind.parse(raw)
        if raw is not None and (value is None or p.kind.encode(value) != raw):
            assert at.query_params.get(p.name) != raw, p.name
    if page == "next_token":
        assert at.text_area(key="nt_prompt").value == SCRIPT  # text goes into the text field
        assert "&lt;script&gt;" in html  # and is shown escaped wherever it is drawn
