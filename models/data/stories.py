"""Tiny stories: a seeded generator of short stories and dialogues in English, German, Japanese.

The text trains Glassbox's tiny model; the metadata gives later lessons ground truth:
`Story.facts` (who, what, where, how it ended), `Story.mentions` (every name, pronoun and
noun phrase that refers to a character or the object, with character offsets) and a
held-out split: `is_heldout(hero, object)` marks 1 in 8 (hero, object) pairs that the
"train" split never produces.

    >>> s = generate_story("en", random.Random(0))
    >>> s.text[s.mentions[0].start:s.mentions[0].end] in s.text
    True

Word lists and templates live in ``models/data/lexicon/<lang>.py``; ``story_slots`` fills the
templates' slots like {hero.he} or {obj.der.akk.adj} in each language.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from models.data.lexicon import LEXICONS, key
from models.data.story_slots import SLOTS, Cast, Mention, Writer

__all__ = ["LANGS", "Mention", "Story", "generate_stories", "generate_story", "qa_pairs"]

LANGS: tuple[str, ...] = ("en", "de", "ja")
# The tag a document of each language starts with when a model is trained on all three at once
# (``generate_documents(..., lang_tags=True)``); a prompt that starts with it keeps the model in
# that language (``models.model.inputs.prompt_ids``).
LANG_TAGS: dict[str, str] = {lang: f"<|{lang}|>" for lang in LANGS}
SPLITS: tuple[str, ...] = ("train", "heldout")
KINDS: tuple[str, ...] = ("story", "dialogue")
HELDOUT_MODULUS = 8  # 1 in 8 (hero, object) pairs is held out: big enough to test, small to lose


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


def _by_gender(lang: str) -> dict[str, list[tuple[str, str]]]:
    names = LEXICONS[lang].NAMES
    return {g: [n for n in names if n[1] == g] for g in ("f", "m")}


_NAMES_BY_GENDER = {lang: _by_gender(lang) for lang in LANGS}


def _choose_cast(lang: str, rng: random.Random, split: str, kind: str, ending: str) -> Cast:
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
    return Cast(
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


def _facts(lang: str, kind: str, c: Cast, tone: str, ending: str, actor: str) -> dict[str, str]:
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
    templates, slot = LEXICONS[lang].TEMPLATES, SLOTS[lang]
    w = Writer(caps=lang != "ja")
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
    langs: Sequence[str] = LANGS,
    n_chars: int = 1_000_000,
    seed: int = 0,
    split: str = "train",
    lang_tags: bool = False,
) -> list[str]:
    """Story texts, languages taking turns, until their total length reaches `n_chars`; with
    ``lang_tags`` each starts with its language's tag (``LANG_TAGS``, not counted in the length)."""
    if isinstance(langs, str) or not langs:
        raise ValueError(f"langs must be a non-empty sequence of languages from {LANGS}")
    for lang in langs:
        _check(lang, split)
    rng = random.Random(f"documents:{split}:{seed}")
    docs: list[str] = []
    total = 0
    while total < n_chars:
        for lang in langs:
            text = generate_story(lang, rng, split).text
            docs.append(LANG_TAGS[lang] + text if lang_tags else text)
            total += len(text)
            if total >= n_chars:
                break
    return docs


def _find(entries: Sequence, lemma: str | None):
    return next((e for e in entries if key(e) == lemma), None) if lemma else None


def _cast_from_facts(lang: str, facts: dict[str, str], polite: bool = True) -> Cast:
    lex = LEXICONS[lang]
    names = dict(lex.NAMES)
    friend = facts.get("friend")
    return Cast(
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
    lex, slot = LEXICONS[story.lang], SLOTS[story.lang]
    cast = _cast_from_facts(story.lang, story.facts)
    pairs = []
    for fact, question, answer in lex.QA:
        if fact in story.facts:
            texts = []
            for template in (question, answer):
                w = Writer(caps=story.lang != "ja")
                w.render(template, cast, slot)
                texts.append(w.text)
            pairs.append((texts[0], texts[1]))
    return pairs


def dialogue_turns(story: Story) -> list[tuple[str, str]]:
    """2 to 4 (question, answer) turns about the story, fixed per story, always ending on how
    the story ended (for fine-tuning)."""
    pairs = qa_pairs(story)
    n = 2 + zlib.crc32(story.text.encode()) % 3  # 2-4 turns, fixed per story
    return pairs[: n - 1] + pairs[-1:]


def dialogue(story: Story) -> str:
    """The story's facts as "A: question / B: answer" lines, 2 to 4 turns (for fine-tuning)."""
    return "\n".join(f"A: {q}\nB: {a}" for q, a in dialogue_turns(story))


def question_about(lang: str, hero: str, index: int) -> tuple[str, str]:
    """The ``index``-th question about a character (``lexicon.UNKNOWN_QUESTIONS``) and the
    start of an answer to it, for the model to go on with.

    >>> question_about("en", "Mia", 0)
    ('Where did Mia go?', 'Mia went')
    """
    _check(lang)
    templates = LEXICONS[lang].UNKNOWN_QUESTIONS[index % len(LEXICONS[lang].UNKNOWN_QUESTIONS)]
    cast = Cast(hero=(hero, "f"), obj=None, adj=None, place=None, feel=None)
    texts = []
    for template in templates:
        w = Writer(caps=lang != "ja")
        w.render(template, cast, SLOTS[lang])
        texts.append(w.text)
    return texts[0], texts[1]


def unknown_question(lang: str, rng: random.Random) -> tuple[str, str, str]:
    """A question about a reserved name that no generated story uses: (question, the start of
    an answer, the name)."""
    _check(lang)
    lex = LEXICONS[lang]
    name = rng.choice(lex.RESERVED_NAMES)
    question, stem = question_about(lang, name, rng.randrange(len(lex.UNKNOWN_QUESTIONS)))
    return question, stem, name
