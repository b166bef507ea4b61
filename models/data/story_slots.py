"""The grammar of the tiny stories: fill a template's slots in English, German or Japanese.

A template says ``{hero.he}`` or ``{obj.der.akk.adj}``; ``SLOTS[lang](cast, role, form)`` turns
that into text (German: article, adjective ending and noun by gender and case; Japanese:
polite or plain register) and says which character or object the words refer to, so
``Writer`` can record every mention with its character offsets.

>>> de_noun_phrase(("Ball", "m"), "ein", "akk", "rot")
'einen roten Ball'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

Entry = Any  # a raw lexicon entry: a word, or a tuple of forms, by language and word class


@dataclass(frozen=True)
class Mention:
    start: int  # character offset in Story.text
    end: int
    entity: str  # "char:Mia", "obj:ball", "animal:dog"
    kind: str | None  # "name" | "pronoun" | "np"


@dataclass
class Cast:
    """Everything a template slot can refer to; entries are raw lexicon entries."""

    hero: tuple[str, str]
    obj: Entry
    adj: Entry
    place: Entry
    feel: Entry
    friend: tuple[str, str] | None = None
    animal: Entry = None
    food: Entry = None
    act: Entry = None
    verb: Entry = None
    animv: Entry = None
    weather: Entry = None
    trait: Entry = None
    polite: bool = True  # Japanese register


# ---- English slots -------------------------------------------------------------------------
_EN_PRON = {
    "f": {"he": "she", "him": "her", "his": "her"},
    "m": {"he": "he", "him": "him", "his": "his"},
}
_EN_CONSONANT_SOUND = ("uni", "use", "eu", "one")  # "a unicorn", "a useful", "a one"


def _en_a(phrase: str) -> str:
    """Indefinite article for a phrase: _en_a("apple") -> "an", _en_a("red apple") -> "a"."""
    vowel = phrase[0] in "aeiou" and not phrase.startswith(_EN_CONSONANT_SOUND)
    return "an" if vowel else "a"


def _slot_en(c: Cast, role: str, form: str) -> tuple[str, str | None, str | None]:
    if role in ("hero", "friend"):
        name, g = getattr(c, role)
        if form == "kid":
            return ("girl" if g == "f" else "boy"), None, None
        if form:
            return _EN_PRON[g][form], f"char:{name}", "pronoun"
        return name, f"char:{name}", "name"
    if role in ("obj", "animal"):
        noun, ent = getattr(c, role), f"{role}:{getattr(c, role)}"
        phrase = f"{c.adj} {noun}" if role == "obj" else noun
        forms = {"a": f"{_en_a(phrase)} {phrase}", "the": f"the {noun}", "theadj": f"the {phrase}"}
        if form in forms:
            return forms[form], ent, "np"
        if form == "it":
            return "it", ent, "pronoun"
        return {"noun": noun, "adj": c.adj}[form], None, None
    if role == "food":
        return f"{_en_a(c.food)} {c.food}", None, None
    if role == "place":
        noun, prep = c.place
        return (
            {"to": f"to the {noun}", "at": f"{prep} the {noun}", "the": f"the {noun}"}[form],
            None,
            None,
        )
    if role in ("act", "verb", "animv"):
        base, past = getattr(c, role)
        return (past if form == "past" else base), None, None
    word = getattr(c, role)  # feel, weather, trait
    return (f"{_en_a(word)} {word}" if form == "a" else word), None, None


# ---- German slots --------------------------------------------------------------------------
_CASE = {"nom": 0, "akk": 1, "dat": 2}
_DE_ART = {
    "der": {"m": ("der", "den", "dem"), "f": ("die", "die", "der"), "n": ("das", "das", "dem")},
    "ein": {
        "m": ("ein", "einen", "einem"),
        "f": ("eine", "eine", "einer"),
        "n": ("ein", "ein", "einem"),
    },
}
# adjective endings: weak after der/die/das, mixed after ein/eine
_DE_ADJ = {
    "der": {"m": ("e", "en", "en"), "f": ("e", "e", "en"), "n": ("e", "e", "en")},
    "ein": {"m": ("er", "en", "en"), "f": ("e", "e", "en"), "n": ("es", "es", "en")},
}
_DE_PRON = {
    "m": {"er": "er", "ihn": "ihn", "ihm": "ihm"},
    "f": {"er": "sie", "ihn": "sie", "ihm": "ihr"},
    "n": {"er": "es", "ihn": "es", "ihm": "ihm"},
}
_DE_CONTRACT = {"in dem": "im", "an dem": "am", "in das": "ins", "an das": "ans"}


def _de_adj(stem: str, ending: str) -> str:
    """Attach an ending to an adjective stem: ("rot", "en") -> "roten", ("leise", "en") -> "leisen"."""
    return stem + (ending[1:] if stem.endswith("e") and ending.startswith("e") else ending)


def de_noun_phrase(entry: tuple, det: str, case: str, adj: str | None = None) -> str:
    """A declined noun phrase: (("Ball", "m"), "ein", "akk", "rot") -> "einen roten Ball"."""
    noun, gender, i = entry[0], entry[1], _CASE[case]
    form = entry[2] if len(entry) > 2 and i > 0 else noun  # weak nouns: den Hasen
    art = _DE_ART[det][gender][i]
    return f"{art} {_de_adj(adj, _DE_ADJ[det][gender][i])} {form}" if adj else f"{art} {form}"


def _slot_de(c: Cast, role: str, form: str) -> tuple[str, str | None, str | None]:
    if role in ("hero", "friend"):
        name, g = getattr(c, role)
        if form == "kind":
            return ("ein Mädchen" if g == "f" else "ein Junge"), None, None
        if form:
            return _DE_PRON[g][form], f"char:{name}", "pronoun"
        return name, f"char:{name}", "name"
    if role in ("obj", "animal", "food"):
        entry = getattr(c, role)
        ent = None if role == "food" else f"{role}:{entry[0]}"
        parts = form.split(".")
        if parts[0] in ("er", "ihn", "ihm"):
            return _DE_PRON[entry[1]][parts[0]], ent, ent and "pronoun"
        adj = c.adj if len(parts) > 2 else None
        return de_noun_phrase(entry, parts[0], parts[1], adj), ent, ent and "np"
    if role == "place":
        noun, g, prep = c.place
        art = _DE_ART["der"][g][1 if form == "wohin" else 2]
        pp = f"{prep} {art}"
        return f"{_DE_CONTRACT.get(pp, pp)} {noun}", None, None
    if role in ("act", "verb", "animv"):
        inf, past, part = getattr(c, role)
        forms = {
            "prät": past,
            "prätpl": past + ("n" if past.endswith("e") else "en"),
            "part": f" {part}" if part else "",
            "sub": part + past,
            "inf": inf,
        }
        return forms[form], None, None
    word = getattr(c, role)  # feel, weather, trait
    return (_de_adj(word, form) if form else word), None, None


# ---- Japanese slots ------------------------------------------------------------------------
def _ja_attr(adj: tuple[str, str]) -> str:
    word, t = adj
    return word + {"i": "", "na": "な", "no": "の"}[t]


def _ja_adj_past(adj: tuple[str, str], polite: bool) -> str:
    word, t = adj
    if t == "i":
        return word[:-1] + "かった" + ("です" if polite else "")
    return word + ("でした" if polite else "だった")


def _slot_ja(c: Cast, role: str, form: str) -> tuple[str, str | None, str | None]:
    if role in ("hero", "friend"):
        name, g = getattr(c, role)
        if form == "kid":
            return ("女の子" if g == "f" else "男の子"), None, None
        if form == "kare":
            return ("彼女" if g == "f" else "彼"), f"char:{name}", "pronoun"
        if form == "boku":
            return ("わたし" if g == "f" else "ぼく"), f"char:{name}", "pronoun"
        return name, f"char:{name}", "name"
    if role in ("obj", "animal"):
        noun = getattr(c, role)
        if form == "sore":
            return "それ", f"{role}:{noun}", "pronoun"
        prefix = {
            "": "",
            "sono": "その",
            "kono": "この",
            "adj": _ja_attr(c.adj) if form == "adj" else "",
        }
        return prefix[form] + noun, f"{role}:{noun}", "np"
    if role in ("food", "place"):
        return getattr(c, role), None, None
    if role in ("act", "verb", "animv"):
        dic, stem, ta = getattr(c, role)
        if form == "past":
            return (stem + "ました" if c.polite else ta), None, None
        if form == "te":
            return ta[:-1] + ("で" if ta.endswith("だ") else "て"), None, None
        return {"stem": stem, "dict": dic}[form], None, None
    adj = getattr(c, role)  # feel, weather, trait
    if form == "past":
        return _ja_adj_past(adj, c.polite), None, None
    if form == "te":
        return (adj[0][:-1] + "くて" if adj[1] == "i" else adj[0] + "で"), None, None
    return _ja_attr(adj), None, None


SLOTS = {"en": _slot_en, "de": _slot_de, "ja": _slot_ja}
_TOKEN = re.compile(r"\{(\w+)(?:\.([\w.]+))?\}|\[([^|\]]*)\|([^\]]*)\]")
_SENTENCE_START = (". ", "! ", "? ", "\n", '"', "„")


@dataclass
class Writer:
    """Accumulates text and mentions; capitalises slots that start a sentence (en/de)."""

    caps: bool
    parts: list[str] = field(default_factory=list)
    size: int = 0
    mentions: list[Mention] = field(default_factory=list)

    def add(self, s: str, entity: str | None = None, kind: str | None = None, slot=False) -> None:
        if self.caps and slot:
            last = self.parts[-1][-2:] if self.parts else ""
            if not last or last.endswith(_SENTENCE_START):
                s = s[:1].upper() + s[1:]
        if entity is not None:
            self.mentions.append(Mention(self.size, self.size + len(s), entity, kind))
        self.parts.append(s)
        self.size += len(s)

    def render(self, template: str, cast: Cast, slot) -> None:
        pos = 0
        for m in _TOKEN.finditer(template):
            self.add(template[pos : m.start()])
            if m.group(1):
                s, entity, kind = slot(cast, m.group(1), m.group(2) or "")
                self.add(s, entity, kind, slot=True)
            else:
                self.add(m.group(3) if cast.polite else m.group(4))
            pos = m.end()
        self.add(template[pos:])

    @property
    def text(self) -> str:
        return "".join(self.parts)
