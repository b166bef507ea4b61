"""The rankings database's tables, and the records the store returns.

A class is a 6-character code (``classes``); students join it with a nickname (``students``);
the instructor publishes rounds (``rounds``) so everyone ranks the same responses; each
submitted ``Ranking`` is a row of ``rankings``. A student working alone has no class: their
rankings have ``class_code`` NULL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from models.preference.rankings import Ranking
from models.storage.checks import CODE_LENGTH, NICKNAME_MAX, utc
from models.storage.database import StoreError


class UnknownClass(StoreError):
    """No class has this code."""

    kind = "unknown_class"


class AccessDenied(StoreError):
    """Wrong instructor passcode; nothing was changed."""

    kind = "passcode"


class StaleRound(StoreError):
    """The ranked responses are not those of the round any more."""

    kind = "stale_round"


class ClassClosed(StoreError):
    """The instructor closed the class: no more joins or rankings."""

    kind = "closed"


class NicknameTaken(StoreError):
    """Someone joined under this nickname; only their rejoin secret gets it back."""

    kind = "nickname_taken"


class LoginLocked(StoreError):
    """Too many wrong passcodes in a row: the class refuses logins for a while."""

    kind = "login_locked"


metadata = sa.MetaData()
class_table = sa.Table(
    "classes",
    metadata,
    sa.Column("code", sa.String(CODE_LENGTH), primary_key=True),
    sa.Column("title", sa.Text, nullable=False, default=""),
    sa.Column("pass_salt", sa.LargeBinary(16), nullable=False),
    sa.Column("pass_hash", sa.LargeBinary(32), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),  # naive UTC, on every backend
    sa.Column("closed_at", sa.DateTime),
    sa.Column("failed_logins", sa.Integer, nullable=False, server_default="0"),  # in a row
    sa.Column("locked_until", sa.DateTime),  # no logins before this (naive UTC)
)
student_table = sa.Table(
    "students",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("class_code", sa.ForeignKey("classes.code"), nullable=False),
    sa.Column("nickname", sa.String(NICKNAME_MAX * 4), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("secret_hash", sa.LargeBinary(32)),  # SHA-256 of the rejoin secret
    sa.UniqueConstraint("class_code", "nickname"),
)
round_table = sa.Table(
    "rounds",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("class_code", sa.ForeignKey("classes.code"), index=True),
    sa.Column("prompt", sa.Text, nullable=False),
    sa.Column("responses", sa.JSON, nullable=False),
    sa.Column("fingerprint", sa.String(16), nullable=False),  # models.preference.rankings.round_id
    sa.Column("lang", sa.String(16), nullable=False),
    sa.Column("policy_version", sa.Integer, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
)
ranking_table = sa.Table(
    "rankings",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("class_code", sa.ForeignKey("classes.code"), index=True),  # NULL: working alone
    sa.Column("student_id", sa.ForeignKey("students.id"), index=True),
    sa.Column("rater", sa.Text, nullable=False),
    sa.Column("round_pk", sa.ForeignKey("rounds.id"), index=True),
    sa.Column("prompt", sa.Text, nullable=False),
    sa.Column("responses", sa.JSON, nullable=False),
    sa.Column("groups", sa.JSON, nullable=False),  # Ranking.order: index groups, best first
    sa.Column("all_bad", sa.Boolean, nullable=False),
    sa.Column("lang", sa.String(16), nullable=False),
    sa.Column("archived", sa.Boolean, nullable=False, default=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
)


@dataclass(frozen=True)
class ClassInfo:
    code: str
    title: str
    created_at: datetime
    closed_at: datetime | None

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


@dataclass(frozen=True)
class Membership:
    """A student in a class: their id, nickname, and the secret that proves it is them."""

    student_id: int
    nickname: str
    secret: str  # shown to the student once; only its hash is stored


@dataclass(frozen=True)
class Round:
    """What the instructor published: every student ranks these same responses."""

    id: int
    class_code: str | None
    prompt: str
    responses: tuple[str, ...]
    fingerprint: str
    lang: str
    policy_version: int
    created_at: datetime


@dataclass(frozen=True)
class StoredRanking:
    id: int
    ranking: Ranking
    nickname: str | None  # None for a student working alone
    student_id: int | None
    round_pk: int | None
    lang: str
    created_at: datetime
    class_code: str | None = None
    archived: bool = False


def round_record(r: sa.Row) -> Round:
    return Round(
        r.id,
        r.class_code,
        r.prompt,
        tuple(r.responses),
        r.fingerprint,
        r.lang,
        r.policy_version,
        utc(r.created_at),
    )


def stored_record(r: sa.Row) -> StoredRanking:
    ranking = Ranking(r.prompt, tuple(r.responses), r.groups, bool(r.all_bad), r.rater, r.lang)
    return StoredRanking(
        id=r.id,
        ranking=ranking,
        nickname=r.nickname,
        student_id=r.student_id,
        round_pk=r.round_pk,
        lang=r.lang,
        created_at=utc(r.created_at),
        class_code=r.class_code,
        archived=bool(r.archived),
    )
