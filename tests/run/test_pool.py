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
