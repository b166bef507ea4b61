"""The ranking load script at a small scale: every ranking the students' sessions send over the
app's websocket is in the database afterwards (the full run is ``python -m bench load_rankings``)."""

from __future__ import annotations

from bench.load_rankings import run


def test_concurrent_students_lose_no_ranking() -> None:
    report = run(students=3, rankings=3)
    assert report["errors"] == 0, report["first_errors"]
    assert report["sent"] == 9
    assert report["stored"] == report["sent"] and report["lost"] == 0
