"""Long work that a page advances a slice at a time: one runner for every long job.

A page cannot block on a training loop. Every long job — pre-training, fine-tuning, the reward
model, DPO, RLHF — is a generator of typed events (``Event`` and its subclasses); a ``Job``
runs it for a short time slice per ``advance(budget_s)`` and records what happened, so a
Streamlit fragment can call it again and redraw. Pausing, resuming and stopping work the same
for every job, and ``status`` is always one of ``STATUSES``:

    ready → running ⇄ paused → done | stopped | error

Everything a job trains lives in the job (its own model, never a shared cached one), so
pausing, leaving the page or stopping always leaves a consistent model.

>>> def count():
...     for i in range(1, 4):
...         yield Event(step=i, total_steps=3)
>>> job = Job(count())
>>> job.status, len(job.advance(0.0)), job.status
('ready', 1, 'running')
>>> _ = job.advance(10.0); job.status, job.progress
('done', 1.0)
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from typing import Any, Generic, Literal, TypeVar

Status = Literal["ready", "running", "paused", "done", "stopped", "error"]
STATUSES: tuple[Status, ...] = ("ready", "running", "paused", "done", "stopped", "error")
ACTIVE: tuple[Status, ...] = ("ready", "running")  # a page keeps advancing these
FINISHED: tuple[Status, ...] = ("done", "stopped", "error")


@dataclass(kw_only=True)
class Event:
    """What a job reports. ``kind`` "step" is one unit of progress; "done", "stopped" and
    "error" end the job, saying why in ``message``; a job may report kinds of its own too
    (pre-training: "eval", "sample")."""

    kind: str = "step"
    step: int
    total_steps: int
    message: str | None = None

    def not_finite(self) -> str | None:
        """The first number of this event that is NaN or infinite, as ``"loss became nan"``."""
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, float) and not math.isfinite(value):
                return f"{f.name} became {value}"
        return None


E = TypeVar("E", bound=Event)


@dataclass(eq=False)
class Job(Generic[E]):
    """Runs ``events`` in slices (``advance``) so a page can redraw between them.

    A job that raises ``ValueError`` or ``RuntimeError`` (no pairs to learn from, out of
    memory) or reports a number that is not finite ends with status "error" and the reason in
    ``message``; the model it trains keeps the weights of its last complete step. ``meta``
    holds whatever the page needs beside the events (the model being trained, its base).
    """

    events: Iterator[E]
    meta: dict[str, Any] = field(default_factory=dict)
    status: Status = "ready"
    message: str | None = None
    history: list[E] = field(default_factory=list)
    last: E | None = None  # the newest "step" event
    elapsed_s: float = 0.0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()  # held while advancing: stop() never closes mid-step

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def progress(self) -> float:
        """Share of the steps done, 0 … 1."""
        if self.last is None:
            return 1.0 if self.status == "done" else 0.0
        return min(1.0, self.last.step / max(self.last.total_steps, 1))

    def advance(self, budget_s: float = 0.5) -> list[E]:
        """Run for about ``budget_s`` seconds (at least one step); return the new events."""
        with self._lock:
            if self.status not in ACTIVE:
                return []
            self.status = "running"
            new: list[E] = []
            t0 = time.perf_counter()
            try:
                for ev in self.events:
                    new.append(ev)
                    self._take(ev)
                    if self.status != "running":
                        break
                    if ev.kind == "step" and time.perf_counter() - t0 > budget_s:
                        break
                else:
                    self.status = "done" if self.status == "running" else self.status
            except (ValueError, RuntimeError) as exc:
                self.status, self.message = "error", str(exc)
            self.elapsed_s += time.perf_counter() - t0
            if self.status in ("stopped", "error"):
                self._close()
            return new

    def _take(self, ev: E) -> None:
        self.history.append(ev)
        problem = ev.not_finite()
        if ev.kind in FINISHED:  # the job says itself why it ended
            self.status, self.message = ev.kind, ev.message
        elif problem is not None:
            self.status, self.message = "error", problem
            return
        elif ev.kind == "step":
            self.last = ev
        self.record(ev)

    def record(self, ev: E) -> None:
        """Called for every event as it arrives; subclasses keep their own summaries."""

    def pause(self) -> None:
        if self.status == "running":
            self.status = "paused"

    def resume(self) -> None:
        if self.status == "paused":
            self.status = "running"

    def stop(self) -> None:
        """Stop for good; the model stays as trained so far (it is consistent after every step).

        Safe to call while another thread is inside ``advance``: that call ends after its
        current step and closes the events itself.
        """
        if self.finished:
            return
        self.status, self.message = "stopped", "stopped on request"
        if self._lock.acquire(blocking=False):
            try:
                self._close()
            finally:
                self._lock.release()

    def _close(self) -> None:
        close = getattr(self.events, "close", None)  # generators have it, plain iterators not
        if close is not None:
            close()
