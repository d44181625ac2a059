"""Worker processes that a Ctrl-C ends at once.

A ``ProcessPoolExecutor`` left by an exception waits for its workers to finish the jobs
they hold, and at interpreter exit ``concurrent.futures`` joins its manager threads: a
second Ctrl-C while a worker is stuck on its job queue then hangs the command for good.
:func:`worker_pool` gives workers that ignore SIGINT (the coordinator alone handles it)
and, when the block it guards is left by any exception (KeyboardInterrupt included),
:func:`stop_pool` cancels what has not started and terminates the workers, so the
command ends with its own exit code (130 for an interrupt) however often Ctrl-C is hit.

A worker terminated while it was sending a result (a replication's records are large)
leaves part of a message in the result pipe: the executor's manager thread then waits in
``recv`` for the rest, and the interpreter's exit joins that thread for ever.
:func:`stop_pool` closes the coordinator's end of the pipe that writes results once the
workers are gone, so the read ends with end-of-file and the thread with it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

#: seconds a terminated worker gets to exit before it is killed
STOP_GRACE = 5.0


def ignore_sigint() -> None:
    """Worker initialiser: Ctrl-C is the coordinator's to handle, and a worker whose
    coordinator is gone ends (:func:`end_with_parent`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    end_with_parent()


def end_with_parent(every: float = 1.0) -> None:
    """End this worker process when the process that started it is gone (killed with
    SIGKILL, it can neither stop its workers nor close their job queue, whose other end
    the workers themselves hold: without this they would wait on it for ever). A daemon
    thread looks at the parent's pid every ``every`` seconds; once the worker has been
    handed to another parent, it exits at once."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(1)

    threading.Thread(target=watch, name="hallsim-end-with-parent", daemon=True).start()


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """End ``pool`` now: cancel queued jobs, terminate the workers (stuck ones included)
    and wait for them, with further Ctrl-C ignored while this runs (it is quick)."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        # the executor has no public list of its processes before Python 3.14's
        # terminate_workers(); the mapping it keeps is read as it is
        processes = list((getattr(pool, "_processes", None) or {}).values())
        results = getattr(pool, "_result_queue", None)  # shutdown() forgets it
        pool.shutdown(wait=False, cancel_futures=True)
        for proc in processes:
            if proc.is_alive():
                proc.terminate()
        for proc in processes:
            proc.join(STOP_GRACE)
            if proc.is_alive():
                proc.kill()
                proc.join()
        # every writer of the result pipe is now dead but this process: close its end,
        # so a manager thread stuck reading half a result gets end-of-file, not a hang
        writer = getattr(results, "_writer", None)
        if writer is not None:
            with contextlib.suppress(OSError):
                writer.close()
    finally:
        signal.signal(signal.SIGINT, previous)


@contextmanager
def worker_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A pool of ``workers`` processes that ignore SIGINT; shut down normally when the
    block ends, stopped at once (:func:`stop_pool`) when it is left by an exception."""
    pool = ProcessPoolExecutor(max_workers=workers, initializer=ignore_sigint)
    try:
        yield pool
    except BaseException:
        stop_pool(pool)
        raise
    pool.shutdown(wait=True)
