"""A preload for the Dask workers of a local cluster (``LocalCluster(preload=...)``):
each worker process ignores Ctrl-C. The terminal sends Ctrl-C to the whole process group;
the command handles it (it stops the cluster and says what was kept), and a worker that
took the interrupt as well would print its own ``KeyboardInterrupt`` traceback. A worker
the nanny restarts later runs the preload again."""

from __future__ import annotations

import signal
import threading
from typing import Any


def dask_setup(worker: Any) -> None:
    """Ignore SIGINT in this worker process (where signals can be set: its main thread)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
