"""Classes, students and rounds in the database: what an instructor creates and students join.

``ClassStore`` holds the engine (shared per URL and process) and every operation on classes;
``models.storage.rankings_store.RankingStore`` adds the rankings themselves. Instructor
actions need the class passcode, stored only as a salted scrypt hash.
"""

from __future__ import annotations

import hmac
import math
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from models.preference.rankings import round_id
from models.storage.checks import (
    CODE_ALPHABET,
    CODE_LENGTH,
    FAIL_DELAY_S,
    LOGIN_LOCK_S,
    MAX_FAILED_LOGINS,
    PASSCODE_MIN,
    TITLE_MAX,
    check_round_texts,
    check_text,
    clean_nickname,
    hash_passcode,
    new_secret,
    normalize_code,
    now,
    secret_digest,
    utc,
)
from models.storage.database import (
    BUSY_TIMEOUT_S,
    Conflict,
    StoreError,
    default_url,
    describe,
    engine_for,
    friendly_errors,
    inserted_id,
    write_transaction,
)
from models.storage.migrate import migrate
from models.storage.schema import (
    AccessDenied,
    ClassClosed,
    ClassInfo,
    LoginLocked,
    Membership,
    NicknameTaken,
    Round,
    StaleRound,
    UnknownClass,
    class_table,
    ranking_table,
    round_record,
    round_table,
    student_table,
)


class ClassStore:
    """Classes, students and rounds in one database; see the module docstring.

    ``url``: any SQLAlchemy URL; default ``GLASSBOX_DB_URL``, else ``data/glassbox.sqlite``.
    ``busy_timeout_s``: how long a SQLite write waits for other writers before it fails.
    """

    fail_delay_s = FAIL_DELAY_S  # each wrong passcode answers this much later

    def __init__(self, url: str | None = None, *, busy_timeout_s: float = BUSY_TIMEOUT_S):
        self.engine = engine_for(url or default_url(), migrate, busy_timeout_s)

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
            raise StoreError(
                f"The passcode needs at least {PASSCODE_MIN} characters.",
                "passcode_short",
                n=PASSCODE_MIN,
            )
        check_text(title, "title")
        if len(title.strip()) > TITLE_MAX:
            raise StoreError(
                f"A class title can have at most {TITLE_MAX} characters.", "title_long", n=TITLE_MAX
            )
        salt = secrets.token_bytes(16)
        digest = hash_passcode(passcode, salt)
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
                            created_at=now(),
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
        return ClassInfo(row.code, row.title, utc(row.created_at), utc(row.closed_at))

    def verify_passcode(self, code: str, passcode: str) -> bool:
        """True if ``passcode`` is the class's (compared in constant time).

        Guessing is slowed down and then stopped, per class and across replicas: each wrong
        passcode answers only after ``fail_delay_s``, and ``MAX_FAILED_LOGINS`` in a row lock
        the class's logins for ``LOGIN_LOCK_S`` seconds (``LoginLocked``, even for the right
        passcode). A right passcode resets the count.
        """
        with self._reading() as conn:
            row = self._class_row(conn, code)
        self._refuse_if_locked(row)
        ok = hmac.compare_digest(hash_passcode(passcode, row.pass_salt), row.pass_hash)
        if ok and row.failed_logins == 0:
            return True  # nothing to write: a read-only database still lets the instructor in
        with self._writing() as conn:
            row = conn.execute(
                sa.select(class_table).filter_by(code=row.code).with_for_update()
            ).one()
            self._refuse_if_locked(row)  # another replica may have locked it meanwhile
            failed = 0 if ok else row.failed_logins + 1
            locked = (
                now() + timedelta(seconds=LOGIN_LOCK_S) if failed >= MAX_FAILED_LOGINS else None
            )
            conn.execute(
                class_table.update()
                .filter_by(code=row.code)
                .values(failed_logins=0 if locked else failed, locked_until=locked)
            )
        if not ok:
            time.sleep(self.fail_delay_s)
        return ok

    @staticmethod
    def _refuse_if_locked(row: sa.Row) -> None:
        if row.locked_until is not None and row.locked_until > now():
            seconds = math.ceil((row.locked_until - now()).total_seconds())
            raise LoginLocked(
                f"Too many wrong passcodes: this class takes no logins for {seconds} s.",
                "login_locked",
                seconds=seconds,
            )

    def _instructor(self, conn: Connection, code: str, passcode: str) -> sa.Row:
        row = self._class_row(conn, code)
        if not hmac.compare_digest(hash_passcode(passcode, row.pass_salt), row.pass_hash):
            raise AccessDenied("Wrong passcode for this class; nothing was changed.")
        return row

    def join(self, code: str, nickname: str, secret: str | None = None) -> Membership:
        """Join the class as ``nickname``; returns the membership with its rejoin secret.

        A new nickname gets a new student and a new secret. A nickname already in the class
        is given back only with its ``secret`` (``NicknameTaken`` otherwise), so nobody can
        rank as a classmate whose nickname they know; a student who joined before secrets
        existed receives one on their next join.
        """
        name = clean_nickname(nickname)
        try:
            return self._join_once(code, name, secret)
        except Conflict:  # a replica inserted the same name between our select and insert
            return self._join_once(code, name, secret)

    def _join_once(self, code: str, name: str, secret: str | None) -> Membership:
        with self._writing() as conn:
            row = self._class_row(conn, code)
            if row.closed_at is not None:
                raise ClassClosed("This class is closed; it takes no new students.")
            found = conn.execute(
                sa.select(student_table).filter_by(class_code=row.code, nickname=name)
            ).first()
            if found is not None and found.secret_hash is not None:
                if secret is None or not hmac.compare_digest(
                    secret_digest(secret), found.secret_hash
                ):
                    raise NicknameTaken(
                        "Someone in this class already uses this nickname. Choose another, or "
                        "enter your rejoin key to come back as yourself.",
                        "nickname_taken",
                    )
                return Membership(found.id, name, secret)
            fresh = new_secret()
            if found is not None:  # joined before secrets existed
                conn.execute(
                    student_table.update()
                    .filter_by(id=found.id)
                    .values(secret_hash=secret_digest(fresh))
                )
                return Membership(found.id, name, fresh)
            insert = student_table.insert().values(
                class_code=row.code,
                nickname=name,
                created_at=now(),
                secret_hash=secret_digest(fresh),
            )
            return Membership(inserted_id(conn.execute(insert)), name, fresh)

    def rejoin(self, code: str, secret: str) -> Membership:
        """The membership ``secret`` proves (after a reload, or on another device)."""
        with self._reading() as conn:
            row = self._class_row(conn, code)
            found = conn.execute(
                sa.select(student_table).filter_by(
                    class_code=row.code, secret_hash=secret_digest(secret.strip())
                )
            ).first()
        if found is None:
            raise StoreError("This rejoin key belongs to nobody in this class.", "bad_secret")
        if row.closed_at is not None:
            raise ClassClosed("This class is closed; it takes no new students.")
        return Membership(found.id, found.nickname, secret.strip())

    def close_class(self, code: str, passcode: str) -> None:
        """No more joins, rounds or rankings; everything stored stays readable."""
        with self._writing() as conn:
            row = self._instructor(conn, code, passcode)
            if row.closed_at is None:
                conn.execute(class_table.update().filter_by(code=row.code).values(closed_at=now()))

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
        check_round_texts(prompt, responses)
        with self._writing() as conn:
            row = self._instructor(conn, code, passcode)
            if row.closed_at is not None:
                raise ClassClosed("This class is closed.")
            return inserted_id(
                conn.execute(
                    round_table.insert().values(
                        class_code=row.code,
                        prompt=prompt,
                        responses=list(responses),
                        fingerprint=round_id(prompt, responses),
                        lang=lang,
                        policy_version=int(policy_version),
                        created_at=now(),
                    )
                )
            )

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
            return [round_record(r) for r in result]

    def get_round(self, pk: int) -> Round:
        """One published round, e.g. to re-show it after a reload."""
        with self._reading() as conn:
            r = conn.execute(sa.select(round_table).filter_by(id=pk)).first()
        if r is None:
            raise StaleRound("This round no longer exists; please reload.")
        return round_record(r)
