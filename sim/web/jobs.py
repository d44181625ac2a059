"""Jobs: long work in worker processes outside the page.

A :class:`JobManager` keeps a few worker processes (``spawn``ed, warmed up with the
simulation's imports) and a queue of jobs. Each job names a task of
:mod:`sim.web.tasks`; a thread per running job sends it to an idle worker and
reads back progress, the result, or the failure message (an
:class:`~sim.files.errors.InputError` as the command line prints it; anything else
as ``Type: message``). Cancelling a job ends its worker process and starts a fresh
one. Jobs belong to the server, not to a browser tab: closing the tab leaves them
running, and any tab sees them. The page's event loop never waits for a job; it
reads the :class:`Job` objects, which the threads update.
"""

from __future__ import annotations

import itertools
import multiprocessing
import queue
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

#: states of a job
QUEUED, RUNNING, DONE, FAILED, CANCELLED = "queued", "running", "done", "failed", "cancelled"


def _worker_main(conn: Connection) -> None:
    """A worker process: run tasks sent on ``conn`` until it is closed or sent None."""
    from sim.files.errors import InputError
    from sim.run.pool import end_with_parent
    from sim.web.tasks import TASKS

    end_with_parent()  # a server killed with SIGKILL leaves no worker behind
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        task, kwargs = message
        try:
            result = TASKS[task](**kwargs, progress=lambda d, t: conn.send(("progress", d, t))) \
                if task != "warm_up" else TASKS[task]()
            conn.send(("done", result))
        except InputError as exc:
            conn.send(("failed", str(exc)))
        except Exception as exc:  # noqa: BLE001 - shown in the page as the job's failure
            conn.send(("failed", f"{type(exc).__name__}: {exc}",
                       traceback.format_exc(limit=8)))


@dataclass
class Job:
    """One piece of work and what is known of it so far."""

    id: int
    kind: str
    title: str
    task: str
    kwargs: dict[str, Any]
    state: str = QUEUED
    done: int = 0
    total: int = 0
    result: dict[str, Any] | None = None
    error: str = ""
    created: float = field(default_factory=time.time)
    finished: float | None = None

    @property
    def active(self) -> bool:
        """Queued or running."""
        return self.state in (QUEUED, RUNNING)

    @property
    def fraction(self) -> float:
        """Share of the work done, 0 to 1."""
        if self.state == DONE:
            return 1.0
        return self.done / self.total if self.total else 0.0


class _Worker:
    def __init__(self, ctx: Any) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child,), daemon=True,
                                   name="hallsim-web-worker")
        self.process.start()
        child.close()

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.terminate()
        self.process.join(timeout=5)
        self.conn.close()


class JobManager:
    """Worker processes and the jobs given to them."""

    def __init__(self, workers: int = 1) -> None:
        self._ctx = multiprocessing.get_context("spawn")
        self._size = max(1, workers)
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._pending: queue.Queue[Job | None] = queue.Queue()
        self._jobs: dict[int, Job] = {}
        self._running: dict[int, _Worker] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._started = False
        self._closed = False
        self.listeners: list[Callable[[Job], None]] = []

    @property
    def started(self) -> bool:
        """Whether the workers were started."""
        return self._started

    def start(self) -> None:
        """Start the workers (warming them up) and the dispatcher (once)."""
        with self._lock:
            if self._started or self._closed:
                return
            self._started = True
        for _ in range(self._size):
            self._idle.put(self._new_worker())
        threading.Thread(target=self._dispatch, name="hallsim-jobs", daemon=True).start()

    def _new_worker(self) -> _Worker:
        worker = _Worker(self._ctx)
        worker.conn.send(("warm_up", {}))
        worker.warming = True  # type: ignore[attr-defined]
        return worker

    def submit(self, kind: str, title: str, task: str, **kwargs: Any) -> Job:
        """Queue a job running ``task`` of :mod:`sim.web.tasks` with ``kwargs``."""
        self.start()
        with self._lock:
            job = Job(next(self._ids), kind, title, task, kwargs)
            self._jobs[job.id] = job
        self._pending.put(job)
        return job

    def jobs(self) -> list[Job]:
        """Every job, newest first."""
        with self._lock:
            return sorted(self._jobs.values(), key=lambda j: -j.id)

    def get(self, job_id: int) -> Job | None:
        """The job with id ``job_id``."""
        return self._jobs.get(job_id)

    def cancel(self, job_id: int) -> bool:
        """Cancel a queued or running job; True if it was still active."""
        job = self._jobs.get(job_id)
        if job is None or not job.active:
            return False
        with self._lock:
            worker = self._running.get(job_id)
            job.state, job.finished = CANCELLED, time.time()
        if worker is not None:
            worker.process.terminate()  # its thread sees the pipe close and replaces it
        return True

    def shutdown(self) -> None:
        """Stop the dispatcher and every worker process; the manager starts no more."""
        with self._lock:
            self._closed = True
        self._pending.put(None)
        with self._lock:
            running = list(self._running.values())
        for w in running:
            w.stop()
        while not self._idle.empty():
            self._idle.get_nowait().stop()

    def _dispatch(self) -> None:
        while True:
            job = self._pending.get()
            if job is None:
                return
            if job.state != QUEUED:
                continue
            worker = self._idle.get()
            threading.Thread(target=self._run, args=(job, worker), daemon=True,
                             name=f"hallsim-job-{job.id}").start()

    def _run(self, job: Job, worker: _Worker) -> None:
        if getattr(worker, "warming", False):  # wait for the warm-up's answer first
            try:
                worker.conn.recv()
            except (EOFError, OSError):
                worker = _Worker(self._ctx)
            worker.warming = False  # type: ignore[attr-defined]
        with self._lock:
            if job.state != QUEUED:  # cancelled while waiting for a worker
                self._idle.put(worker)
                return
            job.state = RUNNING
            self._running[job.id] = worker
        self._notify(job)
        healthy = True
        try:
            worker.conn.send((job.task, job.kwargs))
            while True:
                message = worker.conn.recv()
                if message[0] == "progress":
                    job.done, job.total = int(message[1]), int(message[2])
                    self._notify(job)
                    continue
                if message[0] == "done":
                    job.result, job.state = message[1], DONE
                else:
                    job.error, job.state = message[1], FAILED
                break
        except (EOFError, OSError):  # the process ended: cancelled, or it crashed
            healthy = False
            if job.state != CANCELLED:
                job.state = FAILED
                job.error = (f"the worker process stopped (exit code "
                             f"{worker.process.exitcode}) before the job finished")
        finally:
            job.finished = time.time()
            with self._lock:
                self._running.pop(job.id, None)
            if healthy:
                self._idle.put(worker)
            else:
                worker.stop()
                self._idle.put(self._new_worker())
            self._notify(job)

    def _notify(self, job: Job) -> None:
        for listener in list(self.listeners):
            listener(job)
