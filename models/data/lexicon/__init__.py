"""Word lists and story templates per language, as plain data (see models/data/stories.py).

Each language module defines NAMES, RESERVED_NAMES, ANIMALS, OBJECTS, FOODS, PLACES,
ACT_VERBS, OBJ_VERBS, ANIMAL_VERBS, OBJ_ADJS, GOOD_FEELINGS, BAD_FEELINGS, WEATHER, TRAITS,
TEMPLATES, QA and UNKNOWN_QUESTIONS ((question, start of an answer) pairs).
"""

from types import ModuleType

from . import de, en, ja

LEXICONS: dict[str, ModuleType] = {"en": en, "de": de, "ja": ja}


def key(entry: str | tuple) -> str:
    """The lemma of a lexicon entry: "ball" -> "ball", ("Ball", "m") -> "Ball"."""
    return entry if isinstance(entry, str) else entry[0]


def vocabulary(lang: str) -> dict[str, set[str]]:
    """Distinct lemmas per word class, e.g. vocabulary("de")["nouns"] contains "Ball"."""
    lex = LEXICONS[lang]

    def lemmas(*groups: tuple) -> set[str]:
        return {key(e) for group in groups for e in group}

    return {
        "nouns": lemmas(lex.ANIMALS, lex.OBJECTS, lex.FOODS, lex.PLACES),
        "verbs": lemmas(lex.ACT_VERBS, lex.OBJ_VERBS, lex.ANIMAL_VERBS),
        "adjectives": lemmas(
            lex.OBJ_ADJS, lex.GOOD_FEELINGS, lex.BAD_FEELINGS, lex.WEATHER, lex.TRAITS
        ),
        "names": lemmas(lex.NAMES),
    }
