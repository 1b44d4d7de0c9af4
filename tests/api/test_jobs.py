"""The background job manager: order, progress, results, failures, back-pressure, forgetting."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from migralex.api.jobs import Busy, JobManager, Progress
from migralex.errors import InvalidInput


def wait_until_finished(manager: JobManager, job_id: str, timeout: float = 10) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = manager.get(job_id)
        assert job is not None
        if job.state in ("done", "failed"):
            return job.to_dict()
        time.sleep(0.01)
    raise AssertionError(f"job {job_id} did not finish")


def test_job_reports_progress_and_result() -> None:
    manager = JobManager()
    seen: list[float] = []
    release = threading.Event()

    def work(progress: Progress) -> dict:
        progress(0.5, "half way")
        release.wait(5)
        return {"answer": 42}

    job = manager.submit("test", {"n": 1}, work)
    deadline = time.monotonic() + 5
    while manager.get(job.id).progress < 0.5 and time.monotonic() < deadline:  # type: ignore[union-attr]
        time.sleep(0.01)
    running = manager.get(job.id)
    assert running is not None and running.state == "running" and running.message == "half way"
    seen.append(running.progress)
    release.set()
    done = wait_until_finished(manager, job.id)
    assert seen == [0.5]
    assert done["state"] == "done" and done["progress"] == 1.0 and done["result"] == {"answer": 42}
    assert done["started"] <= done["finished"]
    manager.shutdown()


def test_failing_job_is_reported_and_the_worker_survives() -> None:
    manager = JobManager()

    def bad_input(progress: Progress) -> None:
        raise InvalidInput("days", "must be positive")

    def bug(progress: Progress) -> None:
        raise ZeroDivisionError("boom")

    first = manager.submit("test", {}, bad_input)
    second = manager.submit("test", {}, bug)
    third = manager.submit("test", {}, lambda progress: "fine")
    assert wait_until_finished(manager, first.id)["error"] == "days: must be positive"
    failed = wait_until_finished(manager, second.id)
    assert failed["state"] == "failed" and "ZeroDivisionError" in failed["error"]
    assert wait_until_finished(manager, third.id)["result"] == "fine"
    manager.shutdown()


def test_queue_is_bounded_and_jobs_run_in_order() -> None:
    manager = JobManager(max_queued=2)
    gate = threading.Event()
    order: list[int] = []

    def blocker(progress: Progress) -> None:
        gate.wait(5)

    def record(i: int) -> Callable[[Progress], None]:
        return lambda progress: order.append(i)

    running = manager.submit("test", {}, blocker)
    deadline = time.monotonic() + 5
    while manager.get(running.id).state != "running" and time.monotonic() < deadline:  # type: ignore[union-attr]
        time.sleep(0.01)
    a = manager.submit("test", {}, record(1))
    b = manager.submit("test", {}, record(2))
    with pytest.raises(Busy):
        manager.submit("test", {}, record(3))
    gate.set()
    wait_until_finished(manager, a.id)
    wait_until_finished(manager, b.id)
    assert order == [1, 2]
    manager.shutdown()


def test_old_finished_jobs_are_forgotten() -> None:
    manager = JobManager(kept=2)
    ids = []
    for i in range(4):
        job = manager.submit("test", {"i": i}, lambda progress: None)
        wait_until_finished(manager, job.id)
        ids.append(job.id)
    manager.submit("test", {}, lambda progress: None)
    known = {j.id for j in manager.list()}
    assert ids[0] not in known and ids[1] not in known and ids[3] in known
    manager.shutdown()


def test_manager_starts_again_after_a_shutdown_and_cancels_waiting_jobs() -> None:
    manager = JobManager(max_queued=3)
    gate = threading.Event()
    running = manager.submit("test", {}, lambda progress: gate.wait(5))
    while manager.get(running.id).state != "running":  # type: ignore[union-attr]
        time.sleep(0.01)
    waiting = manager.submit("test", {}, lambda progress: "never")
    manager.shutdown()
    cancelled = manager.get(waiting.id)
    assert cancelled is not None and cancelled.state == "failed" and "stopped" in (cancelled.error or "")
    gate.set()
    again = manager.submit("test", {}, lambda progress: "after restart")
    assert wait_until_finished(manager, again.id)["result"] == "after restart"
    manager.shutdown()


def test_drain_waits_for_queued_and_running_jobs_and_times_out_while_one_runs() -> None:
    manager = JobManager(max_queued=2)
    gate = threading.Event()
    done: list[str] = []
    manager.submit("test", {}, lambda progress: gate.wait(5))
    manager.submit("test", {}, lambda progress: done.append("second"))
    assert manager.drain(timeout=0.2) is False  # the first still waits on the gate
    gate.set()
    assert manager.drain(timeout=5) is True
    assert done == ["second"] and all(j.state == "done" for j in manager.list())
    manager.shutdown()
