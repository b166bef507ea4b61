"""Tiny stories: a seeded generator of short stories and dialogues in English, German, Japanese.

The text trains Glassbox's tiny model; the metadata gives later lessons ground truth:
`Story.facts` (who, what, where, how it ended), `Story.mentions` (every name, pronoun and
noun phrase that refers to a character or the object, with character offsets) and a
held-out split: `is_heldout(hero, object)` marks 1 in 8 (hero, object) pairs that the
"train" split never produces.

    >>> s = generate_story("en", random.Random(0))
    >>> s.text[s.mentions[0].start:s.mentions[0].end] in s.text
    True

Word lists and templates live in models/lexicon/<lang>.py; this module only fills slots like
{hero.he} or {obj.der.akk.adj} (German: article, adjective ending and noun by gender and case).
"""

from __future__ import annotations

import random
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from models.lexicon import LEXICONS, key

LANGS: tuple[str, ...] = ("en", "de", "ja")
SPLITS: tuple[str, ...] = ("train", "heldout")
KINDS: tuple[str, ...] = ("story", "dialogue")
HELDOUT_MODULUS = 8  # 1 in 8 (hero, object) pairs is held out: big enough to test, small to lose


@dataclass(frozen=True)
class Mention:
    start: int  # character offset in Story.text
    end: int
    entity: str  # "char:Mia", "obj:ball", "animal:dog"
    kind: str  # "name" | "pronoun" | "np"


@dataclass(frozen=True)
class Story:
    lang: str  # "en" | "de" | "ja"
    text: str
    kind: str  # "story" | "dialogue"
    facts: dict[str, str]  # hero, hero_gender, object, object_adjective, place, ending, tone, ...
    mentions: tuple[Mention, ...]  # in text order
    split: str  # "train" | "heldout"


def is_heldout(hero: str, obj: str) -> bool:
    """Whether the (hero name, object lemma) pair belongs to the held-out split (crc32 rule)."""
    return zlib.crc32(f"{hero}|{obj}".encode()) % HELDOUT_MODULUS == 0


def _check(lang: str, split: str = "train") -> None:
    if lang not in LEXICONS:
        raise ValueError(f"unknown language {lang!r}; choose one of {LANGS}")
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; choose one of {SPLITS}")


@dataclass
class _Cast:
    """Everything a template slot can refer to; entries are raw lexicon entries."""

    hero: tuple[str, str]
    obj: object
    adj: object
    place: object
    feel: object
    friend: tuple[str, str] | None = None
    animal: object = None
    food: object = None
    act: object = None
    verb: object = None
    animv: object = None
    weather: object = None
    trait: object = None
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


def _slot_en(c: _Cast, role: str, form: str) -> tuple[str, str | None, str | None]:
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


def _slot_de(c: _Cast, role: str, form: str) -> tuple[str, str | None, str | None]:
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


def _slot_ja(c: _Cast, role: str, form: str) -> tuple[str, str | None, str | None]:
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


_SLOTS = {"en": _slot_en, "de": _slot_de, "ja": _slot_ja}
_TOKEN = re.compile(r"\{(\w+)(?:\.([\w.]+))?\}|\[([^|\]]*)\|([^\]]*)\]")
_SENTENCE_START = (". ", "! ", "? ", "\n", '"', "„")


@dataclass
class _Writer:
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

    def render(self, template: str, cast: _Cast, slot) -> None:
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


def _by_gender(lang: str) -> dict[str, list[tuple[str, str]]]:
    names = LEXICONS[lang].NAMES
    return {g: [n for n in names if n[1] == g] for g in ("f", "m")}


_NAMES_BY_GENDER = {lang: _by_gender(lang) for lang in LANGS}


def _choose_cast(lang: str, rng: random.Random, split: str, kind: str, ending: str) -> _Cast:
    lex = LEXICONS[lang]
    want_heldout = split == "heldout"
    while True:  # rejection sampling: ~1/8 of pairs are held out, so this ends fast
        hero, obj = rng.choice(lex.NAMES), rng.choice(lex.OBJECTS)
        if is_heldout(hero[0], key(obj)) == want_heldout:
            break
    # the friend has the other gender, so "she"/"he" is never ambiguous between them
    friend = rng.choice(_NAMES_BY_GENDER[lang]["m" if hero[1] == "f" else "f"])
    has_friend = kind == "dialogue" or rng.random() < 0.7
    has_animal = kind == "story" and (not has_friend or rng.random() < 0.4)
    feelings = lex.GOOD_FEELINGS if ending == "happy" else lex.BAD_FEELINGS
    return _Cast(
        hero=hero,
        obj=obj,
        adj=rng.choice(lex.OBJ_ADJS),
        place=rng.choice(lex.PLACES),
        feel=rng.choice(feelings),
        friend=friend if has_friend else None,
        animal=rng.choice(lex.ANIMALS) if has_animal else None,
        food=rng.choice(lex.FOODS),
        act=rng.choice(lex.ACT_VERBS),
        verb=rng.choice(lex.OBJ_VERBS),
        animv=rng.choice(lex.ANIMAL_VERBS),
        weather=rng.choice(lex.WEATHER),
        trait=rng.choice(lex.TRAITS),
        polite=lang != "ja" or rng.random() < 0.5,
    )


def _facts(lang: str, kind: str, c: _Cast, tone: str, ending: str, actor: str) -> dict[str, str]:
    facts = {
        "hero": c.hero[0],
        "hero_gender": c.hero[1],
        "object": key(c.obj),
        "object_adjective": key(c.adj),
        "place": key(c.place),
        "feeling": key(c.feel),
        "ending": ending,
        "tone": tone,
        "actor": actor,
        "kind": kind,
    }
    if c.friend:
        facts.update(friend=c.friend[0], friend_gender=c.friend[1])
    if c.animal:
        facts["animal"] = key(c.animal)
    if lang == "ja":
        facts["register"] = "polite" if c.polite else "plain"
    return facts


def generate_story(
    lang: str, rng: random.Random, split: str = "train", kind: str | None = None
) -> Story:
    """One story (or, with kind="dialogue", a short quoted conversation) drawn from `rng`."""
    _check(lang, split)
    if kind is None:
        kind = "dialogue" if rng.random() < 0.25 else "story"
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; choose one of {KINDS}")
    tone, ending = rng.choice(("kind", "unkind")), rng.choice(("happy", "sad"))
    c = _choose_cast(lang, rng, split, kind, ending)
    if kind == "dialogue":
        actor, sep = "friend", "\n"
        sections = ["d_open", f"d_{tone}", f"d_{tone}_{ending}"]
    else:
        both = c.friend and c.animal
        actor = "friend" if c.friend and not (both and rng.random() < 0.5) else "animal"
        sep = "" if lang == "ja" else " "
        sections = (
            ["intro", "go"] + ["meet_friend"] * bool(c.friend) + ["meet_animal"] * bool(c.animal)
        )
        extras = ["detail", "play" if c.friend else "play_animal", "snack"]
        picked = set(rng.sample(extras, rng.choice((0, 1, 1, 2))))
        sections += [e for e in extras if e in picked]
        sections += [f"{tone}_{ending}_{actor}", f"end_{ending}"]
    templates, slot = LEXICONS[lang].TEMPLATES, _SLOTS[lang]
    w = _Writer(caps=lang != "ja")
    for i, section in enumerate(sections):
        if i:
            w.add(sep)
        w.render(rng.choice(templates[section]), c, slot)
    facts = _facts(lang, kind, c, tone, ending, actor)
    return Story(lang, w.text, kind, facts, tuple(w.mentions), split)


def generate_stories(lang: str, n: int, seed: int = 0, split: str = "train") -> list[Story]:
    """`n` stories in one language, reproducible from `seed`."""
    _check(lang, split)
    rng = random.Random(f"stories:{lang}:{split}:{seed}")
    return [generate_story(lang, rng, split) for _ in range(n)]


def generate_documents(
    langs: Sequence[str] = LANGS, n_chars: int = 1_000_000, seed: int = 0, split: str = "train"
) -> list[str]:
    """Story texts, languages taking turns, until their total length reaches `n_chars`."""
    if isinstance(langs, str) or not langs:
        raise ValueError(f"langs must be a non-empty sequence of languages from {LANGS}")
    for lang in langs:
        _check(lang, split)
    rng = random.Random(f"documents:{split}:{seed}")
    docs: list[str] = []
    total = 0
    while total < n_chars:
        for lang in langs:
            docs.append(generate_story(lang, rng, split).text)
            total += len(docs[-1])
            if total >= n_chars:
                break
    return docs


def _find(entries: Sequence, lemma: str | None):
    return next((e for e in entries if key(e) == lemma), None) if lemma else None


def _cast_from_facts(lang: str, facts: dict[str, str], polite: bool = True) -> _Cast:
    lex = LEXICONS[lang]
    names = dict(lex.NAMES)
    friend = facts.get("friend")
    return _Cast(
        hero=(facts["hero"], facts["hero_gender"]),
        obj=_find(lex.OBJECTS, facts["object"]),
        adj=_find(lex.OBJ_ADJS, facts["object_adjective"]),
        place=_find(lex.PLACES, facts["place"]),
        feel=_find(lex.GOOD_FEELINGS + lex.BAD_FEELINGS, facts["feeling"]),
        friend=(friend, names[friend]) if friend else None,
        animal=_find(lex.ANIMALS, facts.get("animal")),
        polite=polite,
    )


def qa_pairs(story: Story) -> list[tuple[str, str]]:
    """(question, answer) pairs in the story's language, answers true by `story.facts`.

    Japanese questions and answers are polite, whatever the story's register.
    """
    lex, slot = LEXICONS[story.lang], _SLOTS[story.lang]
    cast = _cast_from_facts(story.lang, story.facts)
    pairs = []
    for fact, question, answer in lex.QA:
        if fact in story.facts:
            texts = []
            for template in (question, answer):
                w = _Writer(caps=story.lang != "ja")
                w.render(template, cast, slot)
                texts.append(w.text)
            pairs.append((texts[0], texts[1]))
    return pairs


def dialogue(story: Story) -> str:
    """The story's facts as "A: question / B: answer" lines, 2 to 4 turns (for fine-tuning)."""
    pairs = qa_pairs(story)
    n = 2 + zlib.crc32(story.text.encode()) % 3  # 2-4 turns, fixed per story
    turns = pairs[: n - 1] + pairs[-1:]  # always end on how the story ended
    return "\n".join(f"A: {q}\nB: {a}" for q, a in turns)


def unknown_question(lang: str, rng: random.Random) -> tuple[str, str]:
    """A question about a reserved name that no generated story uses, and its language."""
    _check(lang)
    lex = LEXICONS[lang]
    cast = _Cast(
        hero=(rng.choice(lex.RESERVED_NAMES), "f"), obj=None, adj=None, place=None, feel=None
    )
    w = _Writer(caps=lang != "ja")
    w.render(rng.choice(lex.UNKNOWN_QUESTIONS), cast, _SLOTS[lang])
    return w.text, lang
