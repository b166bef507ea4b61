"""What users type, checked before it reaches the database: class codes, nicknames, passcodes
and texts. Every refusal is a ``StoreError`` whose message a student can read.

>>> normalize_code(" ab c-d2 3 ")
'ABCD23'
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from datetime import UTC, datetime
from typing import overload

from models.storage.database import StoreError

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read off a projector
CODE_LENGTH = 6  # 32**6 ≈ 10⁹ codes: collisions are rare, and retried
NICKNAME_MAX = 24  # fits a leaderboard column
TITLE_MAX = 60  # a class's title, on the dashboard's first line
PASSCODE_MIN = 8  # new classes; classes made before keep theirs
MAX_FAILED_LOGINS = 5  # wrong passcodes in a row before a class locks its logins ...
LOGIN_LOCK_S = 60  # ... for this long
FAIL_DELAY_S = 1.0  # and every wrong passcode answers this much later
MAX_RESPONSES = 16  # the lesson shows 2–6; more is a mistake or abuse
MAX_TEXT = 20_000  # characters per prompt or response
SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}  # ≈ 16 MiB and tens of ms per check


def normalize_code(code: str) -> str:
    """What a student types, as the stored code: case and spaces do not matter.

    >>> normalize_code(" ab c-d2 3 ")
    'ABCD23'
    """
    return "".join(ch for ch in code.upper() if ch not in " \t\r\n-")


# Characters that reorder or hide text: bidirectional embeddings, overrides and isolates, and
# the invisible marks (a nickname made of them looks empty, or displays as another's).
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def clean_nickname(nickname: str) -> str:
    """The nickname as stored, or a ``StoreError`` saying what is wrong with it.

    Trimmed and NFC-normalized (the same name typed on two keyboards is the same student),
    otherwise kept as typed: the page shows it as plain text. It must hold a visible letter or
    digit, and no control or bidirectional-override character.

    >>> clean_nickname("  Zoë 🐈 ")
    'Zoë 🐈'
    >>> clean_nickname("\u200d")
    Traceback (most recent call last):
    ...
    models.storage.database.StoreError: A nickname needs at least one letter or digit.
    """
    name = unicodedata.normalize("NFC", nickname.strip())
    if not name:
        raise StoreError("Please choose a nickname.", "nickname_empty")
    if len(name) > NICKNAME_MAX:
        raise StoreError(
            f"A nickname can have at most {NICKNAME_MAX} characters.",
            "nickname_long",
            n=NICKNAME_MAX,
        )
    if any(unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp") for ch in name):
        raise StoreError(
            "A nickname cannot contain line breaks or control characters.", "nickname_control"
        )
    if any(ch in BIDI_CONTROLS for ch in name):
        raise StoreError(
            "A nickname cannot contain characters that change the direction of text.",
            "nickname_bidi",
        )
    if not any(unicodedata.category(ch)[0] in "LN" for ch in name):
        raise StoreError("A nickname needs at least one letter or digit.", "nickname_letters")
    return name


def new_secret() -> str:
    """A student's rejoin key: 12 characters, about 72 random bits, safe in a URL."""
    return secrets.token_urlsafe(9)


def secret_digest(secret: str) -> bytes:
    """What is stored of a rejoin key (it is random, so one SHA-256 is enough)."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).digest()


def hash_passcode(passcode: str, salt: bytes) -> bytes:
    return hashlib.scrypt(passcode.encode("utf-8", "surrogatepass"), salt=salt, **SCRYPT)


def check_text(text: object, what: str) -> None:
    if not isinstance(text, str):
        raise StoreError(f"The {what} must be text.")
    if len(text) > MAX_TEXT:
        raise StoreError(f"The {what} is longer than {MAX_TEXT} characters.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise StoreError(f"The {what} contains broken characters.") from None


def check_round_texts(prompt: str, responses: tuple[str, ...] | list[str]) -> None:
    if len(responses) > MAX_RESPONSES:
        raise StoreError(f"At most {MAX_RESPONSES} responses can be ranked at once.")
    check_text(prompt, "prompt")
    for r in responses:
        check_text(r, "response")


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@overload
def utc(t: datetime) -> datetime: ...
@overload
def utc(t: None) -> None: ...
def utc(t: datetime | None) -> datetime | None:
    """A naive UTC time from the database as an aware one (None stays None)."""
    return None if t is None else t.replace(tzinfo=UTC)
