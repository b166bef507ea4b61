"""The browser-less session client (bench/ws_session.py) against a real server: it opens a
page, reads what the page drew, and changes widgets the way the browser does."""

from __future__ import annotations

import html
import re

from app.i18n import text_for
from bench.common import run_coroutine
from bench.ws_session import Session

TYPED = "Zebras quietly juggle seven xylophones"


def spelled(markup: str) -> str:
    """What a chip row reads as: tags and whitespace markers gone (see app/ui/render.py)."""
    markup = re.sub(r"<style>.*?</style>", "", markup, flags=re.S)
    return re.sub(r"[\s·↵]+", "", html.unescape(re.sub(r"<[^>]+>", "", markup)))


def chip_rows(s: Session, fragment_id: str) -> list[str]:
    """The chip rows of the four tokenizers under the text field (its fragment's)."""
    rows = [n.text for n in s.elements("main") if n.fragment_id == fragment_id]
    return [spelled(t) for t in rows if 'class="gb-row"' in t]


def test_typing_on_tokenization_redraws_every_tokenizer(server: str) -> None:
    async def scenario() -> None:
        async with Session(server, "tokenization", query="lang=en") as s:
            assert s.first_run.status == "finished" and s.session_id
            assert s.exceptions() == []
            assert text_for("en", "page.tokenization.title") in s.texts()
            box = s.widget(label=text_for("en", "tokenization.input_label"), kind="text_area")
            assert box.key == "tok_text_en" and box.fragment_id  # the text lives in a fragment
            before = chip_rows(s, box.fragment_id)
            assert len(before) == 4 and not any(r.startswith(spelled(TYPED)) for r in before)

            run = await s.set_value(box, TYPED)

            assert run.status == "fragment finished" and run.seconds > 0 and run.messages > 0
            after = chip_rows(s, box.fragment_id)
            assert len(after) == 4 and all(r.startswith(spelled(TYPED)) for r in after)
            assert text_for("en", "page.tokenization.title") in s.texts()  # outside: kept
            assert s.exceptions() == []

    run_coroutine(scenario())


def test_slider_and_button_on_next_token(server: str) -> None:
    async def scenario() -> None:
        async with Session(server, "next-token", query="lang=en") as s:
            assert s.exceptions() == [] and s.query_string.startswith("lang=en")
            entropy = text_for("en", "next_token.entropy_after")

            def metric() -> str:
                return next(t for t in s.texts() if t.startswith(entropy))

            def spans() -> int:
                return max(t.count("<span title=") for t in s.texts())

            hot = metric()
            run = await s.set_value(s.widget(key="nt_temperature"), 0.3)
            assert run.status == "finished"  # the settings sit outside any fragment
            assert metric() != hot  # a colder distribution has less entropy

            written = spans()
            run = await s.click(s.widget(key="nt_greedy"))
            assert run.status == "fragment finished"
            assert spans() == written + 1  # one more token in the text
            assert s.exceptions() == []

            run = await s.switch_page("")  # home, the default page
            assert s.texts()[0] == text_for("en", "home.heading")

    run_coroutine(scenario())
