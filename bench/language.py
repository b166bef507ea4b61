"""Which of the lessons' languages a short text is written in, for checking that the model
answers in the student's language.

Japanese is told by its scripts (kana and kanji); English and German by their most common short
words and by the letters German has and English has not. Good enough for the model's stories,
not for text in general: that is all it is for.

>>> detect("Once upon a time, Mia went to the park with her dog.")
'en'
>>> detect("Es war einmal ein Mädchen, das in den Park ging.")
'de'
>>> detect("むかしむかし、ユイは公園へ行きました。")
'ja'
>>> detect("1 2 3") is None
True
"""

from __future__ import annotations

import re

EN_WORDS = frozenset(
    "the a an and was were to of in on it he she his her they with said went had at for is "
    "that day then very but so happy sad time once upon".split()
)
DE_WORDS = frozenset(
    "der die das den dem des ein eine einen einem und war waren zu im in auf es er sie mit "
    "sagte ging hatte am für ist dass tag dann sehr aber so glücklich traurig einmal".split()
)
_WORD = re.compile(r"[a-zA-ZäöüÄÖÜß]+")
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")


def detect(text: str) -> str | None:
    """'en', 'de' or 'ja' for ``text``, or None when it has no letters to go by."""
    japanese = len(_JAPANESE.findall(text))
    words = [w.lower() for w in _WORD.findall(text)]
    latin = sum(len(w) for w in words)
    if japanese == 0 and latin == 0:
        return None
    if japanese >= latin:
        return "ja"
    en = sum(w in EN_WORDS for w in words)
    de = sum(w in DE_WORDS for w in words) + 2 * sum(ch in "äöüß" for w in words for ch in w)
    if en == de:
        return None
    return "en" if en > de else "de"


def share_in(lang: str, texts: list[str]) -> float:
    """Share of ``texts`` detected as written in ``lang`` (texts with nothing to go by count
    as not in it)."""
    return sum(detect(t) == lang for t in texts) / max(len(texts), 1)
