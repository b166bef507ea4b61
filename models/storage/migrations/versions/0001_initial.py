"""The schema as the app created it before migrations existed (``create_all``, 2026-12).

A database made by that code already has these tables: they are left as they are, so its
rows stay untouched, and only the missing ones are created.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    have = set(sa.inspect(op.get_bind()).get_table_names())
    if "classes" not in have:
        op.create_table(
            "classes",
            sa.Column("code", sa.String(6), primary_key=True),
            sa.Column("title", sa.Text, nullable=False),
            sa.Column("pass_salt", sa.LargeBinary(16), nullable=False),
            sa.Column("pass_hash", sa.LargeBinary(32), nullable=False),
            sa.Column("created_at", sa.DateTime, nullable=False),
            sa.Column("closed_at", sa.DateTime),
        )
    if "students" not in have:
        op.create_table(
            "students",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("class_code", sa.String(6), sa.ForeignKey("classes.code"), nullable=False),
            sa.Column("nickname", sa.String(96), nullable=False),
            sa.Column("created_at", sa.DateTime, nullable=False),
            sa.UniqueConstraint("class_code", "nickname"),
        )
    if "rounds" not in have:
        op.create_table(
            "rounds",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("class_code", sa.String(6), sa.ForeignKey("classes.code")),
            sa.Column("prompt", sa.Text, nullable=False),
            sa.Column("responses", sa.JSON, nullable=False),
            sa.Column("fingerprint", sa.String(16), nullable=False),
            sa.Column("lang", sa.String(16), nullable=False),
            sa.Column("policy_version", sa.Integer, nullable=False),
            sa.Column("created_at", sa.DateTime, nullable=False),
        )
        op.create_index("ix_rounds_class_code", "rounds", ["class_code"])
    if "rankings" not in have:
        op.create_table(
            "rankings",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("class_code", sa.String(6), sa.ForeignKey("classes.code")),
            sa.Column("student_id", sa.Integer, sa.ForeignKey("students.id")),
            sa.Column("rater", sa.Text, nullable=False),
            sa.Column("round_pk", sa.Integer, sa.ForeignKey("rounds.id")),
            sa.Column("prompt", sa.Text, nullable=False),
            sa.Column("responses", sa.JSON, nullable=False),
            sa.Column("groups", sa.JSON, nullable=False),
            sa.Column("all_bad", sa.Boolean, nullable=False),
            sa.Column("lang", sa.String(16), nullable=False),
            sa.Column("archived", sa.Boolean, nullable=False),
            sa.Column("created_at", sa.DateTime, nullable=False),
        )
        op.create_index("ix_rankings_class_code", "rankings", ["class_code"])
        op.create_index("ix_rankings_student_id", "rankings", ["student_id"])


def downgrade() -> None:
    for table in ("rankings", "rounds", "students", "classes"):
        op.drop_table(table)
