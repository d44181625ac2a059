"""Stopping a pool of workers: a worker ended half-way through sending its result must not
leave the executor's manager thread waiting for the rest, which the interpreter's exit
would then wait on for ever (``hallsim run -j 2 --records``, Ctrl-C)."""

from __future__ import annotations

import os
import struct
import sys

import pytest

from sim.run.pool import stop_pool, worker_pool

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX pipes")


def test_a_result_cut_short_by_the_stop_does_not_keep_the_manager_thread_waiting():
    with worker_pool(1) as pool:
        assert pool.submit(int, "7").result(timeout=30) == 7  # worker and thread running
        thread = pool._executor_manager_thread
        writer = pool._result_queue._writer
        # what a worker terminated while sending leaves in the pipe: a message's length,
        # 1,000 bytes, and 10 of them
        os.write(writer.fileno(), struct.pack("!i", 1000) + b"x" * 10)
        try:
            stop_pool(pool)
            thread.join(10)
            assert not thread.is_alive(), "the manager thread still waits for the result"
        finally:
            if thread.is_alive():  # free it (the bytes it waits for), so pytest can exit
                os.write(writer.fileno(), b"x" * 990)
                thread.join(10)


COORDINATOR = """
import os, sys
from sim.run.pool import worker_pool
with worker_pool(2) as pool:
    futures = [pool.submit(os.getpid) for _ in range(8)]
    print(" ".join(str(p) for p in {f.result() for f in futures}), flush=True)
    sys.stdin.read()  # until killed
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as f:  # a zombie (not yet reaped) is gone too
        return f.read().split(") ")[-1].split()[0] != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_end_when_their_coordinator_is_killed_outright():
    """``kill -9`` of ``hallsim batch run -j 2`` can stop neither its workers nor close
    their job queue: the workers see they were handed to another parent and end within
    seconds, instead of waiting on the queue for ever."""
    import signal
    import subprocess
    import time

    coordinator = subprocess.Popen([sys.executable, "-c", COORDINATOR], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, text=True,
                                   cwd=os.path.dirname(os.path.dirname(os.path.dirname(
                                       os.path.abspath(__file__)))))
    workers = [int(p) for p in coordinator.stdout.readline().split()]  # type: ignore[union-attr]
    assert workers and all(_alive(p) for p in workers)
    coordinator.send_signal(signal.SIGKILL)
    coordinator.wait(10)
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [p for p in workers if _alive(p)]
    for p in left:  # do not leave them behind on the machine whatever the outcome
        os.kill(p, signal.SIGKILL)
    assert not left, "workers still running after their coordinator was killed"
