"""What users type, checked before it reaches the database: class codes, nicknames, passcodes
and texts. Every refusal is a ``StoreError`` whose message a student can read.

>>> normalize_code(" ab c-d2 3 ")
'ABCD23'
"""

from __future__ import annotations

import hashlib
import unicodedata
from datetime import UTC, datetime
from typing import overload

from models.storage.database import StoreError

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read off a projector
CODE_LENGTH = 6  # 32**6 ≈ 10⁹ codes: collisions are rare, and retried
NICKNAME_MAX = 24  # fits a leaderboard column
PASSCODE_MIN = 4
MAX_RESPONSES = 16  # the lesson shows 2–6; more is a mistake or abuse
MAX_TEXT = 20_000  # characters per prompt or response
SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}  # ≈ 16 MiB and tens of ms per check


def normalize_code(code: str) -> str:
    """What a student types, as the stored code: case and spaces do not matter.

    >>> normalize_code(" ab c-d2 3 ")
    'ABCD23'
    """
    return "".join(ch for ch in code.upper() if ch not in " \t\r\n-")


def clean_nickname(nickname: str) -> str:
    """The nickname as stored, or a ``StoreError`` saying what is wrong with it.

    Kept raw (the page escapes it when it renders); only trimmed and NFC-normalized, so the
    same name typed on two keyboards is the same student.

    >>> clean_nickname("  Zoë 🐈 ")
    'Zoë 🐈'
    """
    name = unicodedata.normalize("NFC", nickname.strip())
    if not name:
        raise StoreError("Please choose a nickname.")
    if len(name) > NICKNAME_MAX:
        raise StoreError(f"A nickname can have at most {NICKNAME_MAX} characters.")
    if any(unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp") for ch in name):
        raise StoreError("A nickname cannot contain line breaks or control characters.")
    return name


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
