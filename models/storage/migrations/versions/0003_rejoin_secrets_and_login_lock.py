"""A rejoin secret per student, and a lock against guessing a class's passcode.

``students.secret_hash``: SHA-256 of the secret the joining browser received; the same
nickname is given back only to whoever brings it (NULL for students who joined before this
revision: the next to join under that name receives a secret). ``classes.failed_logins`` and
``classes.locked_until``: wrong passcodes in a row, and until when the class refuses logins.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("students", sa.Column("secret_hash", sa.LargeBinary(32)))
    op.add_column(
        "classes", sa.Column("failed_logins", sa.Integer, nullable=False, server_default="0")
    )
    op.add_column("classes", sa.Column("locked_until", sa.DateTime))


def downgrade() -> None:  # plain DROP COLUMN (SQLite ≥ 3.35): a batch copy would break the keys
    op.drop_column("classes", "locked_until")
    op.drop_column("classes", "failed_logins")
    op.drop_column("students", "secret_hash")
