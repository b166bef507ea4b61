"""Exports of stored rankings: JSONL pairs (what TRL's reward and DPO trainers read) and CSV
(one row per ranking, for a spreadsheet or pandas)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from models.storage.schema import StoredRanking

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


def pairs_jsonl(rows: Sequence[StoredRanking]) -> str:
    """One ``{"prompt", "chosen", "rejected"}`` line per pair of every ranking in ``rows``."""
    lines = [
        json.dumps(
            {"prompt": p.prompt, "chosen": p.chosen, "rejected": p.rejected}, ensure_ascii=False
        )
        for s in rows
        for p in s.ranking.pairs()
    ]
    return "".join(line + "\n" for line in lines)


def rankings_csv(rows: Sequence[StoredRanking]) -> str:
    """A header (``CSV_COLUMNS``) and one row per ranking; cells are exact, never formulas
    escaped, so a spreadsheet must open it with care."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(CSV_COLUMNS)
    for s in rows:
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
