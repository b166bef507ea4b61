"""Students' rankings in a real database, so nothing a student submitted is ever lost.

One ``RankingStore`` per process talks to SQLite (a file under ``data/``, in WAL mode, the
default) or to any SQLAlchemy URL such as PostgreSQL (``GLASSBOX_DB_URL``), so several app
replicas can serve one class. Every submit is one transaction, all or nothing. The store
keeps no per-user state: Streamlit sessions may share one object, and the engine (with its
connection pool) is shared per URL within a process.

The tables are in ``models.storage.schema``. Instructor actions need the class passcode,
stored only as a salted scrypt hash. "Reset" archives, it never deletes. Every failure
reaches the caller as a ``StoreError`` whose message a student can read.
"""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa

from models.preference.agreement import Agreement, DisputedPair, agreement, disputed_pairs
from models.preference.rankings import Pair, Ranking, RankingError, round_id
from models.storage.checks import check_round_texts, check_text, normalize_code, now
from models.storage.classes import ClassStore, default_url
from models.storage.database import StoreError, inserted_id
from models.storage.export import CSV_COLUMNS, pairs_jsonl, rankings_csv
from models.storage.schema import (
    AccessDenied,
    ClassClosed,
    ClassInfo,
    LoginLocked,
    Membership,
    NicknameTaken,
    Round,
    StaleRound,
    StoredRanking,
    UnknownClass,
    ranking_table,
    round_table,
    stored_record,
    student_table,
)

__all__ = [
    "CSV_COLUMNS",
    "AccessDenied",
    "ClassClosed",
    "ClassInfo",
    "LoginLocked",
    "Membership",
    "NicknameTaken",
    "RankingStore",
    "Round",
    "StaleRound",
    "StoreError",
    "StoredRanking",
    "UnknownClass",
    "default_url",
    "normalize_code",
]


class RankingStore(ClassStore):
    """Rankings, classes and rounds in one database; see the module docstring.

    ``url``: any SQLAlchemy URL; default ``GLASSBOX_DB_URL``, else ``data/glassbox.sqlite``.
    ``busy_timeout_s``: how long a SQLite write waits for other writers before it fails.
    """

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
        check_round_texts(ranking.prompt, ranking.responses)
        check_text(ranking.rater, "rater name")
        with self._writing() as conn:
            code = None
            if student_id is not None:
                student = conn.execute(sa.select(student_table).filter_by(id=student_id)).first()
                if student is None:
                    raise StoreError(
                        "Unknown student; please join the class again.", "unknown_student"
                    )
                if class_code is not None and student.class_code != normalize_code(class_code):
                    raise StoreError("This student belongs to another class.", "other_class")
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
            return inserted_id(
                conn.execute(
                    ranking_table.insert().values(
                        class_code=code,
                        student_id=student_id,
                        rater=ranking.rater,
                        round_pk=round_pk,
                        prompt=ranking.prompt,
                        responses=list(ranking.responses),
                        groups=[list(g) for g in ranking.order],
                        all_bad=ranking.all_bad,
                        lang=ranking.lang or lang,
                        archived=False,
                        created_at=now(),
                    )
                )
            )

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
            return [stored_record(r) for r in conn.execute(query)]

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
        return pairs_jsonl(self._export_rows(code, passcode, False, rater))

    def export_csv(
        self, code: str | None, passcode: str | None = None, *, rater: str | None = None
    ) -> str:
        """One row per ranking, archived ones included, for a spreadsheet or pandas."""
        return rankings_csv(self._export_rows(code, passcode, True, rater))
