"""Students' rankings in a real database, so nothing a student submitted is ever lost.

One ``RankingStore`` per process talks to SQLite (a file under ``data/``, in WAL mode, the
default) or to any SQLAlchemy URL such as PostgreSQL (``GLASSBOX_DB_URL``), so several app
replicas can serve one class. Every submit is one transaction, all or nothing. The store
keeps no per-user state: Streamlit sessions may share one object, and the engine (with its
connection pool) is shared per URL within a process.

A class is a 6-character code (``classes``); students join it with a nickname
(``students``); the instructor publishes rounds (``rounds``) so everyone ranks the same
responses; each submitted ``Ranking`` is a row of ``rankings``. A student working alone has
no class: their rankings have ``class_code`` NULL. Instructor actions need the class
passcode, stored only as a salted scrypt hash. "Reset" archives, it never deletes.

Every failure reaches the caller as a ``StoreError`` whose message a student can read.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import os
import secrets
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import segno
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from models.database import (
    BUSY_TIMEOUT_S,
    Conflict,
    StoreError,
    describe,
    engine_for,
    friendly_errors,
    write_transaction,
)
from models.rankings import Pair, Ranking, RankingError, round_id
from models.rankings_agreement import Agreement, DisputedPair, agreement, disputed_pairs

REPO_ROOT = Path(__file__).resolve().parent.parent
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read off a projector
CODE_LENGTH = 6  # 32**6 ≈ 10⁹ codes: collisions are rare, and retried
NICKNAME_MAX = 24  # fits a leaderboard column
PASSCODE_MIN = 4
MAX_RESPONSES = 16  # the lesson shows 2–6; more is a mistake or abuse
MAX_TEXT = 20_000  # characters per prompt or response
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}  # ≈ 16 MiB and tens of ms per check


class UnknownClass(StoreError):
    """No class has this code."""


class AccessDenied(StoreError):
    """Wrong instructor passcode; nothing was changed."""


class StaleRound(StoreError):
    """The ranked responses are not those of the round any more."""


class ClassClosed(StoreError):
    """The instructor closed the class: no more joins or rankings."""


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
)
student_table = sa.Table(
    "students",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("class_code", sa.ForeignKey("classes.code"), nullable=False),
    sa.Column("nickname", sa.String(NICKNAME_MAX * 4), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.UniqueConstraint("class_code", "nickname"),
)
round_table = sa.Table(
    "rounds",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("class_code", sa.ForeignKey("classes.code"), index=True),
    sa.Column("prompt", sa.Text, nullable=False),
    sa.Column("responses", sa.JSON, nullable=False),
    sa.Column("fingerprint", sa.String(16), nullable=False),  # models.rankings.round_id
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
    sa.Column("round_pk", sa.ForeignKey("rounds.id")),
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


def default_url() -> str:
    """``GLASSBOX_DB_URL`` if set, else a SQLite file in the repository's ``data/`` folder."""
    return (
        os.environ.get("GLASSBOX_DB_URL") or f"sqlite:///{REPO_ROOT / 'data' / 'glassbox.sqlite'}"
    )


# ------------------------------------------------------------------------------- helpers


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


def _hash_passcode(passcode: str, salt: bytes) -> bytes:
    return hashlib.scrypt(passcode.encode("utf-8", "surrogatepass"), salt=salt, **_SCRYPT)


def _check_text(text: object, what: str) -> None:
    if not isinstance(text, str):
        raise StoreError(f"The {what} must be text.")
    if len(text) > MAX_TEXT:
        raise StoreError(f"The {what} is longer than {MAX_TEXT} characters.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise StoreError(f"The {what} contains broken characters.") from None


def _check_round_texts(prompt: str, responses: tuple[str, ...] | list[str]) -> None:
    if len(responses) > MAX_RESPONSES:
        raise StoreError(f"At most {MAX_RESPONSES} responses can be ranked at once.")
    _check_text(prompt, "prompt")
    for r in responses:
        _check_text(r, "response")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _utc(t: datetime | None) -> datetime | None:
    return None if t is None else t.replace(tzinfo=UTC)


def join_qr_svg(url: str) -> str:
    """The join link as an inline SVG QR code, for the instructor to put on the projector."""
    return segno.make(url, error="m").svg_inline(scale=6, border=2)


# --------------------------------------------------------------------------------- store


class RankingStore:
    """Rankings, classes and rounds in one database; see the module docstring.

    ``url``: any SQLAlchemy URL; default ``GLASSBOX_DB_URL``, else ``data/glassbox.sqlite``.
    ``busy_timeout_s``: how long a SQLite write waits for other writers before it fails.
    """

    def __init__(self, url: str | None = None, *, busy_timeout_s: float = BUSY_TIMEOUT_S):
        self.engine = engine_for(url or default_url(), metadata, busy_timeout_s)

    @property
    def url_for_display(self) -> str:
        """The database URL with any password replaced by ``***``."""
        return describe(self.engine)

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        with friendly_errors(self.engine), self.engine.connect() as conn:
            yield conn

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        with friendly_errors(self.engine), write_transaction(self.engine) as conn:
            yield conn

    # ------------------------------------------------------------------ classes & students

    def create_class(self, passcode: str, title: str = "") -> str:
        """A new class; returns its code. Only the passcode's salted hash is stored."""
        if len(passcode) < PASSCODE_MIN:
            raise StoreError(f"The passcode needs at least {PASSCODE_MIN} characters.")
        _check_text(title, "title")
        salt = secrets.token_bytes(16)
        digest = _hash_passcode(passcode, salt)
        for _ in range(10):
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            try:
                with self._writing() as conn:
                    conn.execute(
                        class_table.insert().values(
                            code=code,
                            title=title.strip(),
                            pass_salt=salt,
                            pass_hash=digest,
                            created_at=_now(),
                        )
                    )
                return code
            except Conflict:  # the code is taken: draw another
                continue
        raise StoreError("Could not find a free class code; please try again.")

    def _class_row(self, conn: Connection, code: str) -> sa.Row:
        row = conn.execute(sa.select(class_table).filter_by(code=normalize_code(code))).first()
        if row is None:
            raise UnknownClass(f"There is no class with the code {code.strip()!r}.")
        return row

    def class_info(self, code: str) -> ClassInfo:
        with self._reading() as conn:
            row = self._class_row(conn, code)
        return ClassInfo(row.code, row.title, _utc(row.created_at), _utc(row.closed_at))

    def verify_passcode(self, code: str, passcode: str) -> bool:
        """True if ``passcode`` is the class's; compared in constant time."""
        with self._reading() as conn:
            row = self._class_row(conn, code)
        return hmac.compare_digest(_hash_passcode(passcode, row.pass_salt), row.pass_hash)

    def _instructor(self, conn: Connection, code: str, passcode: str) -> sa.Row:
        row = self._class_row(conn, code)
        if not hmac.compare_digest(_hash_passcode(passcode, row.pass_salt), row.pass_hash):
            raise AccessDenied("Wrong passcode for this class; nothing was changed.")
        return row

    def join(self, code: str, nickname: str) -> int:
        """The student id for ``nickname`` in the class; the same name gets the same id back."""
        name = clean_nickname(nickname)
        try:
            return self._join_once(code, name)
        except Conflict:  # a replica inserted the same name between our select and insert
            return self._join_once(code, name)

    def _join_once(self, code: str, name: str) -> int:
        with self._writing() as conn:
            row = self._class_row(conn, code)
            if row.closed_at is not None:
                raise ClassClosed("This class is closed; it takes no new students.")
            found = conn.execute(
                sa.select(student_table.c.id).filter_by(class_code=row.code, nickname=name)
            ).scalar()
            if found is not None:
                return found
            insert = student_table.insert().values(
                class_code=row.code, nickname=name, created_at=_now()
            )
            return conn.execute(insert).inserted_primary_key[0]

    def close_class(self, code: str, passcode: str) -> None:
        """No more joins, rounds or rankings; everything stored stays readable."""
        with self._writing() as conn:
            row = self._instructor(conn, code, passcode)
            if row.closed_at is None:
                conn.execute(class_table.update().filter_by(code=row.code).values(closed_at=_now()))

    def per_student_counts(self, code: str) -> dict[str, int]:
        """Nickname → number of (unarchived) rankings, every joined student, in join order."""
        n = sa.func.count(ranking_table.c.id)
        on = sa.and_(
            ranking_table.c.student_id == student_table.c.id, ranking_table.c.archived.is_(False)
        )
        with self._reading() as conn:
            row = self._class_row(conn, code)
            result = conn.execute(
                sa.select(student_table.c.nickname, n)
                .select_from(student_table.outerjoin(ranking_table, on))
                .where(student_table.c.class_code == row.code)
                .group_by(student_table.c.id, student_table.c.nickname)
                .order_by(student_table.c.id)
            )
            return {name: count for name, count in result}

    # --------------------------------------------------------------------------- rounds

    def publish_round(
        self,
        code: str,
        passcode: str,
        prompt: str,
        responses: list[str] | tuple[str, ...],
        lang: str = "en",
        policy_version: int = 0,
    ) -> int:
        """Instructor: every student of the class will rank these same responses."""
        responses = tuple(responses)
        if len(responses) < 2:
            raise StoreError("A round needs at least two responses.")
        _check_round_texts(prompt, responses)
        with self._writing() as conn:
            row = self._instructor(conn, code, passcode)
            if row.closed_at is not None:
                raise ClassClosed("This class is closed.")
            return conn.execute(
                round_table.insert().values(
                    class_code=row.code,
                    prompt=prompt,
                    responses=list(responses),
                    fingerprint=round_id(prompt, responses),
                    lang=lang,
                    policy_version=int(policy_version),
                    created_at=_now(),
                )
            ).inserted_primary_key[0]

    def current_rounds(self, code: str) -> list[Round]:
        """The rounds of the newest policy version, in the order they were published."""
        with self._reading() as conn:
            row = self._class_row(conn, code)
            newest = (
                sa.select(sa.func.max(round_table.c.policy_version))
                .where(round_table.c.class_code == row.code)
                .scalar_subquery()
            )
            result = conn.execute(
                sa.select(round_table)
                .where(round_table.c.class_code == row.code, round_table.c.policy_version == newest)
                .order_by(round_table.c.id)
            )
            return [_round(r) for r in result]

    def get_round(self, pk: int) -> Round:
        """One published round, e.g. to re-show it after a reload."""
        with self._reading() as conn:
            r = conn.execute(sa.select(round_table).filter_by(id=pk)).first()
        if r is None:
            raise StaleRound("This round no longer exists; please reload.")
        return _round(r)

    # --------------------------------------------------------------------------- submit

    def submit(
        self,
        ranking: Ranking,
        *,
        class_code: str | None = None,
        student_id: int | None = None,
        round_pk: int | None = None,
        lang: str = "en",
    ) -> int:
        """Store one ranking at once, in one transaction; returns its id.

        Refused (``StoreError`` subclasses, nothing written) for an invalid ranking, an
        unknown or closed class, a student of another class, or — with ``round_pk`` — a
        ranking of other responses than the round's (``StaleRound``).
        """
        try:
            ranking.validate()
        except RankingError as err:
            raise StoreError(f"This ranking cannot be saved: {err}.") from None
        _check_round_texts(ranking.prompt, ranking.responses)
        _check_text(ranking.rater, "rater name")
        with self._writing() as conn:
            code = None
            if student_id is not None:
                student = conn.execute(sa.select(student_table).filter_by(id=student_id)).first()
                if student is None:
                    raise StoreError("Unknown student; please join the class again.")
                if class_code is not None and student.class_code != normalize_code(class_code):
                    raise StoreError("This student belongs to another class.")
                class_code = student.class_code
            if class_code is not None:
                row = self._class_row(conn, class_code)
                if row.closed_at is not None:
                    raise ClassClosed("This class is closed; your ranking was not saved.")
                code = row.code
            if round_pk is not None:
                r = conn.execute(sa.select(round_table).filter_by(id=round_pk)).first()
                if r is None or r.class_code != code:
                    raise StaleRound(
                        "This round is not part of your class any more; please reload."
                    )
                if r.prompt != ranking.prompt or tuple(r.responses) != ranking.responses:
                    raise StaleRound(
                        "The responses changed since you loaded them; please rank the new ones."
                    )
            return conn.execute(
                ranking_table.insert().values(
                    class_code=code,
                    student_id=student_id,
                    rater=ranking.rater,
                    round_pk=round_pk,
                    prompt=ranking.prompt,
                    responses=list(ranking.responses),
                    groups=[list(g) for g in ranking.order],
                    all_bad=ranking.all_bad,
                    lang=lang,
                    archived=False,
                    created_at=_now(),
                )
            ).inserted_primary_key[0]

    # ---------------------------------------------------------------------------- reads

    def _where(
        self,
        class_code: str | None,
        student_id: int | None,
        rater: str | None,
        include_archived: bool,
    ) -> list[sa.ColumnElement[bool]]:
        """Rankings of one class (``class_code`` None: of students working alone)."""
        where = [
            ranking_table.c.class_code.is_(None)
            if class_code is None
            else ranking_table.c.class_code == normalize_code(class_code)
        ]
        if student_id is not None:
            where.append(ranking_table.c.student_id == student_id)
        if rater is not None:
            where.append(ranking_table.c.rater == rater)
        if not include_archived:
            where.append(ranking_table.c.archived.is_(False))
        return where

    def rankings(
        self,
        class_code: str | None = None,
        student_id: int | None = None,
        include_archived: bool = False,
        *,
        rater: str | None = None,
    ) -> list[StoredRanking]:
        """Stored rankings, oldest first; ``class_code`` None means those made alone."""
        query = (
            sa.select(ranking_table, student_table.c.nickname)
            .select_from(
                ranking_table.outerjoin(
                    student_table, ranking_table.c.student_id == student_table.c.id
                )
            )
            .where(*self._where(class_code, student_id, rater, include_archived))
            .order_by(ranking_table.c.id)
        )
        with self._reading() as conn:
            return [_stored(r) for r in conn.execute(query)]

    def count(
        self,
        class_code: str | None = None,
        student_id: int | None = None,
        include_archived: bool = False,
        *,
        rater: str | None = None,
    ) -> int:
        """How many rankings ``rankings()`` would return, counted by the database."""
        query = sa.select(sa.func.count(ranking_table.c.id)).where(
            *self._where(class_code, student_id, rater, include_archived)
        )
        with self._reading() as conn:
            return conn.execute(query).scalar_one()

    def pairs(
        self,
        class_code: str | None = None,
        student_id: int | None = None,
        *,
        rater: str | None = None,
    ) -> list[Pair]:
        """Every (chosen, rejected) pair of the unarchived rankings, for reward/DPO training."""
        return [
            p for s in self.rankings(class_code, student_id, rater=rater) for p in s.ranking.pairs()
        ]

    def agreement(self, code: str) -> Agreement:
        """How often the class's raters agree, on rounds ranked by more than one of them."""
        return agreement(self._latest_by_round(code).values())

    def disputed_pairs(self, code: str, n: int = 5) -> list[DisputedPair]:
        """The response pairs on which the class is split most evenly."""
        return disputed_pairs(self._latest_by_round(code).values(), n)

    def _latest_by_round(self, code: str) -> dict[str, list[Ranking]]:
        """Per round (what was shown), each rater's latest unarchived ranking of it."""
        self.class_info(code)  # UnknownClass for a wrong code, rather than "no data"
        latest: dict[str, dict[object, Ranking]] = defaultdict(dict)
        for s in self.rankings(code):  # oldest first: a later ranking replaces an earlier one
            who = (
                ("student", s.student_id)
                if s.student_id is not None
                else ("rater", s.ranking.rater or s.id)
            )
            latest[round_id(s.ranking.prompt, s.ranking.responses)][who] = s.ranking
        return {k: list(v.values()) for k, v in latest.items()}

    # ------------------------------------------------------------------------ instructor

    def archive_all(self, code: str, passcode: str) -> int:
        """Reset the class: its rankings leave counts and training, but are never deleted."""
        with self._writing() as conn:
            row = self._instructor(conn, code, passcode)
            return conn.execute(
                ranking_table.update()
                .where(ranking_table.c.class_code == row.code, ranking_table.c.archived.is_(False))
                .values(archived=True)
            ).rowcount

    def _export_rows(
        self, code: str | None, passcode: str | None, include_archived: bool, rater: str | None
    ) -> list[StoredRanking]:
        if code is not None:
            with self._reading() as conn:
                self._instructor(conn, code, passcode or "")
        return self.rankings(code, include_archived=include_archived, rater=rater)

    def export_jsonl(
        self, code: str | None, passcode: str | None = None, *, rater: str | None = None
    ) -> str:
        """One ``{"prompt", "chosen", "rejected"}`` line per pair: what TRL's reward and DPO
        trainers read. A class needs its passcode; ``code`` None exports rankings made alone."""
        lines = [
            json.dumps(
                {"prompt": p.prompt, "chosen": p.chosen, "rejected": p.rejected}, ensure_ascii=False
            )
            for s in self._export_rows(code, passcode, False, rater)
            for p in s.ranking.pairs()
        ]
        return "".join(line + "\n" for line in lines)

    def export_csv(
        self, code: str | None, passcode: str | None = None, *, rater: str | None = None
    ) -> str:
        """One row per ranking, archived ones included, for a spreadsheet or pandas."""
        out = io.StringIO()
        w = csv.writer(out)
        w.writerow(CSV_COLUMNS)
        for s in self._export_rows(code, passcode, True, rater):
            r = s.ranking
            w.writerow(
                [
                    s.id,
                    s.created_at.isoformat(),
                    s.nickname if s.nickname is not None else r.rater,
                    s.lang,
                    r.prompt,
                    json.dumps(list(r.responses), ensure_ascii=False),
                    json.dumps([list(g) for g in r.order]),
                    "true" if r.all_bad else "false",
                    "true" if s.archived else "false",
                ]
            )
        return out.getvalue()


CSV_COLUMNS = (
    "id",
    "created_at",
    "nickname",
    "lang",
    "prompt",
    "responses",
    "order",
    "all_bad",
    "archived",
)


def _round(r: sa.Row) -> Round:
    return Round(
        r.id,
        r.class_code,
        r.prompt,
        tuple(r.responses),
        r.fingerprint,
        r.lang,
        r.policy_version,
        _utc(r.created_at),
    )


def _stored(r: sa.Row) -> StoredRanking:
    ranking = Ranking(r.prompt, tuple(r.responses), r.groups, bool(r.all_bad), r.rater)
    return StoredRanking(
        id=r.id,
        ranking=ranking,
        nickname=r.nickname,
        student_id=r.student_id,
        round_pk=r.round_pk,
        lang=r.lang,
        created_at=_utc(r.created_at),
        class_code=r.class_code,
        archived=bool(r.archived),
    )
