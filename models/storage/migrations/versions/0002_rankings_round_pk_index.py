"""An index on ``rankings.round_pk``: a round's rankings (the class dashboard, the pooled
training data) are read by round, and without it every read scans the whole table.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_rankings_round_pk", "rankings", ["round_pk"])


def downgrade() -> None:
    op.drop_index("ix_rankings_round_pk", table_name="rankings")
