"""Executors: where the runs of a batch go. One small interface, several engines.

An executor maps a picklable function over items and yields ``(item, result,
exception)`` triples **in completion order**; exactly one of ``result`` and
``exception`` is None. The coordinator does not care about the order: each
run's result depends only on its (scenario, seed, replication), never on the
process that ran it.

- :class:`InlineExecutor`: in this process, one at a time (debugging, notebooks).
- :class:`LocalExecutor`: local worker processes (``concurrent.futures``).
- :class:`DaskExecutor`: a Dask distributed cluster, by scheduler address, or a
  ``LocalCluster`` started (and stopped) here.

Adding an engine (Ray, an HPC queue ...) means writing one class with
``map_unordered`` and ``close``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol, TypeVar

from sim.files.errors import InputError
from sim.run.pool import ignore_sigint, stop_pool

T = TypeVar("T")
R = TypeVar("R")

#: items kept in flight per worker (enough to hide dispatch latency, few enough
#: that an interrupted batch stops quickly)
IN_FLIGHT_PER_WORKER = 4


class Executor(Protocol):
    """The interface every executor implements."""

    name: str
    workers: int

    def map_unordered(self, fn: Callable[[T], R], items: Sequence[T]
                      ) -> Iterator[tuple[T, R | None, BaseException | None]]:
        """Run ``fn`` on every item; yield ``(item, result, exception)`` as each finishes."""
        ...

    def close(self, abort: bool = False) -> None:
        """Release workers and connections; with ``abort`` (the run was interrupted or
        failed), at once, without waiting for the items in flight."""
        ...


class _Base:
    name = "base"
    workers = 1

    def close(self, abort: bool = False) -> None:
        """Release workers and connections (nothing to do here)."""

    def __enter__(self) -> Any:
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        self.close(abort=kind is not None)


class InlineExecutor(_Base):
    """Run every item in the calling process, in order."""

    name = "inline"

    def map_unordered(self, fn: Callable[[T], R], items: Sequence[T]
                      ) -> Iterator[tuple[T, R | None, BaseException | None]]:
        """Run ``fn`` on each item in turn."""
        for item in items:
            try:
                yield item, fn(item), None
            except Exception as exc:  # noqa: BLE001 - reported to the coordinator
                yield item, None, exc


class LocalExecutor(_Base):
    """Worker processes on this machine (``ProcessPoolExecutor``).

    ``workers`` defaults to all cores. If a worker process dies (killed, out of
    memory), the pool is restarted and unfinished items are resubmitted, up to
    ``max_restarts`` times; after that the remaining items are reported with
    the error.
    """

    name = "local"

    def __init__(self, workers: int | None = None, max_restarts: int = 3) -> None:
        self.workers = workers or os.cpu_count() or 1
        self.max_restarts = max_restarts
        self._pool: ProcessPoolExecutor | None = None

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.workers, initializer=ignore_sigint)

    def map_unordered(self, fn: Callable[[T], R], items: Sequence[T]
                      ) -> Iterator[tuple[T, R | None, BaseException | None]]:
        """Run ``fn`` over ``items`` in the pool, a bounded number in flight."""
        pending = list(reversed(items))
        restarts = 0
        limit = self.workers * IN_FLIGHT_PER_WORKER
        while pending:
            self._pool = self._pool or self._new_pool()
            running: dict[Future[R], T] = {}
            broken: BaseException | None = None
            try:
                while pending or running:
                    while pending and len(running) < limit:
                        item = pending.pop()
                        running[self._pool.submit(fn, item)] = item
                    finished, _ = wait(running, return_when=FIRST_COMPLETED)
                    for fut in finished:
                        item = running.pop(fut)
                        exc = fut.exception()
                        if isinstance(exc, BrokenProcessPool):
                            pending.append(item)  # resubmitted with the others below
                            raise exc
                        yield item, (fut.result() if exc is None else None), exc
            except BrokenProcessPool as exc:
                broken = exc
                pending.extend(reversed(list(running.values())))
                stop_pool(self._pool)
                self._pool = None
            if broken is not None:
                restarts += 1
                if restarts > self.max_restarts:
                    while pending:
                        yield pending.pop(), None, broken
            else:
                break

    def close(self, abort: bool = False) -> None:
        """Shut the pool down, cancelling what has not started; with ``abort``, also end
        the items in flight by terminating the workers (:func:`~sim.run.pool.stop_pool`:
        a second Ctrl-C cannot leave the command waiting on them)."""
        if self._pool is not None:
            if abort:
                stop_pool(self._pool)
            else:
                self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


#: seconds to wait for a Dask scheduler given with ``--scheduler`` before giving up (exit 2)
CONNECT_TIMEOUT = 5.0


def check_reachable(address: str, timeout: float = CONNECT_TIMEOUT) -> None:
    """Raise InputError (exit 2) unless a TCP connection to ``address``
    (``tcp://host:port``) opens within ``timeout`` seconds: a refused port fails at
    once, before Dask is even imported."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        host, port = None, None
    if parts.scheme not in ("tcp", "tls") or not host or port is None:
        raise InputError("", "--scheduler", f"'{address}' is not a scheduler address "
                         "(tcp://host:port)")
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as exc:
        raise InputError("", "--scheduler", f"no Dask scheduler at {address} "
                         f"({exc.strerror or type(exc).__name__}; waited at most {timeout:g} "
                         "s); start it, or run without --scheduler") from None


class DaskExecutor(_Base):
    """A Dask distributed cluster.

    ``address`` connects to a running scheduler (``tcp://host:8786``); without
    it a ``LocalCluster`` of ``workers`` single-threaded worker processes is
    started here and stopped by :meth:`close`. The workers must be able to
    import ``sim`` (hallsim installed in their environment). Dask retries an
    item whose worker died; an item that kills workers repeatedly is reported
    with Dask's ``KilledWorker`` error.
    """

    name = "dask"

    def __init__(self, address: str | None = None, workers: int | None = None) -> None:
        from dask.distributed import Client, LocalCluster

        self._cluster = None
        if address:
            try:
                self.client = Client(address, timeout=CONNECT_TIMEOUT)
            except (OSError, TimeoutError) as exc:
                raise InputError("", "--scheduler", f"no Dask scheduler answered at {address} "
                                 f"within {CONNECT_TIMEOUT:g} s ({type(exc).__name__}); start "
                                 "it, or run without --scheduler") from None
        else:
            n = workers or os.cpu_count() or 1
            # the worker processes ignore Ctrl-C (sim.batch.dask_worker, a preload that a
            # restarted worker runs again): the interrupt is the command's to handle, which
            # stops the cluster, and no worker prints a KeyboardInterrupt traceback; the
            # cluster's warnings as workers leave are silenced, its errors kept
            self._cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                         dashboard_address=None, silence_logs=logging.ERROR,
                                         preload=["sim.batch.dask_worker"])
            self.client = Client(self._cluster)
        self.workers = max(1, sum(self.client.nthreads().values()))

    def map_unordered(self, fn: Callable[[T], R], items: Sequence[T]
                      ) -> Iterator[tuple[T, R | None, BaseException | None]]:
        """Submit items to the cluster, a bounded number in flight, yield as they finish."""
        from dask.distributed import as_completed

        pending = list(reversed(items))
        limit = self.workers * IN_FLIGHT_PER_WORKER
        owner: dict[str, T] = {}
        first = []
        while pending and len(first) < limit:
            item = pending.pop()
            fut = self.client.submit(fn, item, pure=False)
            owner[fut.key] = item
            first.append(fut)
        if not first:
            return
        done = as_completed(first)
        for fut in done:
            item = owner.pop(fut.key)
            if fut.status == "finished":
                yield item, fut.result(), None
            else:
                exc = fut.exception()
                yield item, None, exc if isinstance(exc, BaseException) else \
                    RuntimeError(f"dask future {fut.status}")
            fut.release()
            if pending:
                nxt = pending.pop()
                new = self.client.submit(fn, nxt, pure=False)
                owner[new.key] = nxt
                done.add(new)

    def close(self, abort: bool = False) -> None:
        """Disconnect; stop the ``LocalCluster`` if this executor started it (at once
        either way: the scheduler cancels the futures of a client that leaves)."""
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None


def make_executor(workers: int | None = None, scheduler: str | None = None,
                  cluster: str | None = None, inline: bool = False) -> Any:
    """The executor the command line asks for (``--workers``, ``--scheduler``, ``--cluster``)."""
    if inline:
        return InlineExecutor()
    if scheduler:
        check_reachable(scheduler)
        return DaskExecutor(address=scheduler)
    if cluster == "local":
        return DaskExecutor(workers=workers)
    return LocalExecutor(workers)
