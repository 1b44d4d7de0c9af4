"""Background jobs for long computations (scenario runs): a queue, one worker thread, progress, results.

A job is a callable taking a `progress(fraction, message)` function and returning JSON-ready data.
Jobs run one at a time, in submission order, in a worker thread, so the API stays responsive; at
most `max_queued` wait behind the running one (a further submission raises `Busy`, answered 429).
Finished jobs are kept for `kept` later look-ups, oldest forgotten first.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import traceback
import uuid
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal

from migralex.errors import MigralexError

Progress = Callable[[float, str], None]
State = Literal["queued", "running", "done", "failed"]


class Busy(Exception):
    """Too many jobs are waiting."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class Job:
    """One submitted computation and what is known about it."""

    id: str
    kind: str
    request: dict[str, Any]
    state: State = "queued"
    progress: float = 0.0
    message: str = "queued"
    submitted: dt.datetime = field(default_factory=_now)
    started: dt.datetime | None = None
    finished: dt.datetime | None = None
    result: Any = None
    error: str | None = None

    def to_dict(self, with_result: bool = True) -> dict[str, Any]:
        """JSON-ready view (the result only when asked and available)."""
        out = {
            "id": self.id,
            "kind": self.kind,
            "request": self.request,
            "state": self.state,
            "progress": round(self.progress, 4),
            "message": self.message,
            "submitted": self.submitted.isoformat(),
            "started": self.started.isoformat() if self.started else None,
            "finished": self.finished.isoformat() if self.finished else None,
            "error": self.error,
        }
        if with_result:
            out["result"] = self.result
        return out


class JobManager:
    """Runs submitted jobs one at a time in a worker thread; thread-safe."""

    def __init__(self, max_queued: int = 4, kept: int = 32) -> None:
        self.max_queued = max_queued
        self.kept = kept
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None

    def submit(self, kind: str, request: dict[str, Any], work: Callable[[Progress], Any]) -> Job:
        """Queue `work`; raise `Busy` when `max_queued` jobs are already waiting."""
        with self._lock:
            waiting = sum(1 for j in self._jobs.values() if j.state == "queued")
            if waiting >= self.max_queued:
                raise Busy(f"{waiting} jobs are already waiting; try again when one has finished")
            job = Job(id=uuid.uuid4().hex[:16], kind=kind, request=request)
            self._jobs[job.id] = job
            self._forget_old()
            if self._pool is None:  # started on first use, again after a shutdown
                self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="migralex-job")
            self._pool.submit(self._run, job, work)
        return job

    def get(self, job_id: str) -> Job | None:
        """The job with that id, if it is still known."""
        with self._lock:
            return self._jobs.get(job_id)

    def list(self) -> list[Job]:
        """Known jobs, newest first."""
        with self._lock:
            return list(reversed(self._jobs.values()))

    def drain(self, timeout: float | None = None) -> bool:
        """Wait until no job is queued or running (at most `timeout` seconds); True when none is."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with self._lock:
                busy = any(j.state in ("queued", "running") for j in self._jobs.values())
            if not busy:
                return True
            if deadline is not None and time.monotonic() >= deadline:
                return False
            time.sleep(0.05)

    def shutdown(self) -> None:
        """Stop the worker: cancel waiting jobs (marked failed), do not wait for the running one."""
        with self._lock:
            pool, self._pool = self._pool, None
            for job in self._jobs.values():
                if job.state == "queued":
                    job.state, job.finished, job.message = "failed", _now(), "failed"
                    job.error = "cancelled: the server stopped"
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    def _forget_old(self) -> None:
        finished = [j.id for j in self._jobs.values() if j.state in ("done", "failed")]
        for job_id in finished[: max(0, len(finished) - self.kept)]:
            del self._jobs[job_id]

    def _run(self, job: Job, work: Callable[[Progress], Any]) -> None:
        def progress(fraction: float, message: str) -> None:
            with self._lock:
                job.progress = min(1.0, max(job.progress, float(fraction)))
                job.message = message

        with self._lock:
            job.state, job.started, job.message = "running", _now(), "started"
        try:
            result = work(progress)
        except MigralexError as exc:
            self._finish(job, "failed", error=str(exc))
        except Exception as exc:  # a bug in a job must not kill the worker; it is reported on the job
            tail = traceback.format_exception_only(type(exc), exc)[-1].strip()
            self._finish(job, "failed", error=f"internal error: {tail}")
        else:
            self._finish(job, "done", result=result)

    def _finish(self, job: Job, state: State, result: Any = None, error: str | None = None) -> None:
        with self._lock:
            job.state, job.finished, job.result, job.error = state, _now(), result, error
            job.progress = 1.0 if state == "done" else job.progress
            job.message = "finished" if state == "done" else "failed"
