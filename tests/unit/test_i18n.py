"""UI strings and lesson files: every language has every key, fallbacks and errors behave."""

from __future__ import annotations

import string

import pytest

from app.i18n import (
    LANGUAGES,
    LESSONS_DIR,
    format_params,
    lesson_for,
    text_for,
    texts_for,
    ui_strings,
)

PAGES = ("home", "tokenization", "transformer", "next_token", "pretraining", "finetuning", "rlhf")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_every_language_has_the_same_keys(lang: str) -> None:
    assert set(ui_strings(lang)) == set(ui_strings("en"))


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_translations_keep_placeholders_and_are_not_empty(lang: str) -> None:
    for key, text in ui_strings(lang).items():
        assert text.strip(), f"{lang}:{key} is empty"
        assert placeholders(text) == placeholders(ui_strings("en")[key]), f"{lang}:{key}"


@pytest.mark.parametrize("page", PAGES)
def test_every_page_has_a_title_in_every_language(page: str) -> None:
    for lang in LANGUAGES:
        assert text_for(lang, f"page.{page}.title")


def test_missing_key_raises_and_formatting_fills_placeholders() -> None:
    with pytest.raises(KeyError):
        text_for("de", "no.such.key")
    assert text_for("en", "sidebar.params", n="3.4") == "3.4 M parameters"
    assert format_params(3_412_000, "de") == "3,4 Mio. Parameter"


def test_missing_key_in_one_language_falls_back_to_english(monkeypatch) -> None:
    only_english = dict(ui_strings("en"), **{"only.en": "fallback"})
    real = ui_strings

    def fake(lang: str) -> dict[str, str]:
        return only_english if lang == "en" else real(lang)

    monkeypatch.setattr("app.i18n.ui_strings", fake)
    assert text_for("ja", "only.en") == "fallback"


def test_unknown_language_is_rejected() -> None:
    with pytest.raises(ValueError):
        ui_strings("xx")


def test_lesson_files_exist_in_every_language() -> None:
    """home.md everywhere; any page with a lesson in one language has it in all three."""
    pages = {p.stem for lang in LANGUAGES for p in (LESSONS_DIR / lang).glob("*.md")}
    assert "home" in pages
    for page in pages:
        for lang in LANGUAGES:
            assert (LESSONS_DIR / lang / f"{page}.md").is_file(), f"lessons/{lang}/{page}.md"
            assert lesson_for(lang, page).strip()
    with pytest.raises(FileNotFoundError):
        lesson_for("de", "no-such-page")


@pytest.mark.parametrize("page", [p for p in PAGES if p != "home"])
@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_every_lesson_quiz_has_one_layout(page: str, lang: str) -> None:
    """[<page>.quiz]: a question, options, the right one's index, a feedback per option."""
    options = texts_for(lang, f"{page}.quiz.options")
    feedback = texts_for(lang, f"{page}.quiz.feedback")
    assert text_for(lang, f"{page}.quiz.question").strip()
    assert len(options) >= 3 and len(feedback) == len(options)
    assert len(options) == len(texts_for("en", f"{page}.quiz.options"))  # the same question
    assert 0 <= int(text_for(lang, f"{page}.quiz.answer")) < len(options)
    assert text_for(lang, f"{page}.quiz.answer") == text_for("en", f"{page}.quiz.answer")


def test_texts_for_reads_a_toml_array_in_order_and_refuses_a_missing_one() -> None:
    assert texts_for("de", "next_token.quiz.options")[0] == text_for(
        "de", "next_token.quiz.options.0"
    )
    with pytest.raises(KeyError):
        texts_for("en", "no.such.list")
