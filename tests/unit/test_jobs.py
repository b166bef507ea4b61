"""The one job runner: slices, statuses, errors, and stopping from another thread.

Streamlit can run a new script run while an older one is still inside ``advance`` (a click
during a training slice), so ``stop`` and ``pause`` must be safe to call from another thread
while the job's generator is executing: that race used to end the page with
``ValueError: generator already executing``.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import pytest

from models.training.jobs import ACTIVE, FINISHED, STATUSES, Event, Job


@dataclass(kw_only=True)
class Tick(Event):
    value: float = 1.0


def ticks(n: int, pause_s: float = 0.0, closed: list | None = None):
    try:
        for i in range(1, n + 1):
            time.sleep(pause_s)
            yield Tick(step=i, total_steps=n)
    finally:
        if closed is not None:
            closed.append(True)


def test_statuses_are_one_set() -> None:
    assert set(ACTIVE) | set(FINISHED) | {"paused"} == set(STATUSES)


def test_advance_runs_at_least_one_step_and_finishes_done() -> None:
    job = Job(ticks(5))
    assert job.status == "ready" and job.progress == 0.0
    assert [e.step for e in job.advance(0.0)] == [1] and job.status == "running"
    while not job.finished:
        job.advance(10.0)
    assert job.status == "done" and job.progress == 1.0 and len(job.history) == 5


def test_pause_resume_and_stop_close_the_generator() -> None:
    closed: list = []
    job = Job(ticks(5, closed=closed))
    job.advance(0.0)
    job.pause()
    assert job.advance(1.0) == [] and job.status == "paused"
    job.resume()
    job.advance(0.0)
    job.stop()
    assert job.status == "stopped" and job.message and closed == [True]
    assert job.advance(1.0) == [] and job.last is not None and job.last.step == 2


def test_stop_from_another_thread_while_a_step_runs() -> None:
    """A click (another script run) stops the job while a slice is inside the generator."""
    closed: list = []
    job = Job(ticks(1000, pause_s=0.02, closed=closed))
    errors: list[BaseException] = []

    def slice_() -> None:
        try:
            job.advance(30.0)  # would run for 20 s
        except BaseException as exc:  # noqa: BLE001 - the test reports it
            errors.append(exc)

    worker = threading.Thread(target=slice_)
    worker.start()
    time.sleep(0.2)  # inside the slice, most likely inside the generator's sleep
    job.stop()  # must not raise "generator already executing"
    assert job.status == "stopped"
    worker.join(5)
    assert not worker.is_alive() and not errors, errors
    assert closed == [True] and job.status == "stopped" and 0 < len(job.history) < 1000


def test_pause_from_another_thread_ends_the_slice_after_its_step() -> None:
    job = Job(ticks(1000, pause_s=0.02))
    worker = threading.Thread(target=job.advance, args=(30.0,))
    worker.start()
    time.sleep(0.2)
    job.pause()
    worker.join(5)
    assert not worker.is_alive() and job.status == "paused"
    n = len(job.history)
    job.resume()
    job.advance(0.0)
    assert len(job.history) == n + 1  # it goes on where it paused


def test_errors_and_non_finite_numbers_end_the_job_with_a_reason() -> None:
    def failing():
        yield Tick(step=1, total_steps=3)
        raise ValueError("no pairs to learn from")

    job = Job(failing())
    job.advance(1.0)
    assert job.status == "error" and "no pairs" in (job.message or "")
    nan = Job(iter([Tick(step=1, total_steps=2, value=float("nan"))]))
    nan.advance(1.0)
    assert nan.status == "error" and "value became nan" in (nan.message or "")


@pytest.mark.parametrize("kind", ["done", "stopped", "error"])
def test_an_event_can_end_the_job(kind: str) -> None:
    job = Job(
        iter([Tick(step=1, total_steps=9), Event(kind=kind, step=1, total_steps=9, message="m")])
    )
    job.advance(1.0)
    assert job.status == kind and job.message == "m" and job.finished
