"""Run replications of a scenario: ``simulate(scenario, seed, ...) -> RunResult``.

Each replication draws its own customers from the seed tree (see
:mod:`sim.engine.streams`), runs the hall engine and summarises its records. Results
do not depend on how replications are spread over worker processes. As desmod's
``simulate(config) -> result``, the result records what was run (:class:`RunConfig`:
the scenario's name and content hash, seed, replications, days, workers, engine, start
time), the wall time, and the error that stopped the run if it was asked not to raise
(``reraise=False``); the results document carries them under ``meta``.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sim.engine.arrivals import Customers, draw_customers
from sim.engine.case_draws import draw_cases
from sim.engine.cases import CaseFlow, CaseTable
from sim.engine.hall import Hall, HallLayout
from sim.engine.records import Records
from sim.scenario.clock import MINUTES_PER_DAY
from sim.scenario.model import Scenario
from sim.stats.metrics import results_document, summarise
from sim.version import VERSION

if TYPE_CHECKING:  # pandas is imported on use: it costs ~0.3 s at start-up
    import pandas as pd


@dataclass(frozen=True)
class Replication:
    """One replication: its index, its summary and (if kept) its records."""

    index: int
    summary: dict[str, Any]
    records: Records | None = None
    cases: CaseTable | None = None


def scenario_sha256(scenario: Scenario) -> str:
    """SHA-256 of the scenario's plain data (:meth:`~sim.scenario.model.Scenario.to_dict`,
    keys sorted): equal for two files that define the same hall."""
    plain = json.dumps(scenario.to_dict(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(plain.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class RunConfig:
    """What a run was asked to do: enough to run it again and to tell two runs apart.

    ``scenario_sha256`` is the SHA-256 of the scenario's plain data (its
    :meth:`~sim.scenario.model.Scenario.to_dict`, keys sorted): equal for two files
    that define the same hall. ``workers`` is the number of processes that ran the
    replications (1 inline), ``engine`` the engine that ran them (``fast`` or
    ``simpy``), ``started_utc`` the start time (ISO 8601, seconds).
    """

    scenario: str
    scenario_sha256: str
    seed: int
    replications: int
    days: int
    warmup_days: int
    workers: int
    engine: str
    started_utc: str

    @classmethod
    def of(cls, scenario: Scenario, seed: int, replications: int, workers: int,
           engine: str) -> RunConfig:
        """The configuration of a run of ``scenario`` starting now."""
        started = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
        return cls(scenario.name, scenario_sha256(scenario), seed,
                   replications, scenario.hall.days, scenario.hall.warmup_days, workers,
                   engine, started)


@dataclass(frozen=True)
class RunResult:
    """Replications of one scenario, with the seed, the wall time they took, the run's
    configuration and, when ``simulate(..., reraise=False)`` met one, the error that
    stopped it (the replications finished before it are kept)."""

    scenario: Scenario
    seed: int
    replications: tuple[Replication, ...]
    wall_seconds: float
    meta: dict[str, Any] = field(default_factory=dict)
    config: RunConfig | None = None
    error: str | None = None

    def document(self) -> dict[str, Any]:
        """The results document (the contract in docs/results.md); ``meta`` holds the
        version, the wall time, the run's configuration (``run``) and any ``error``."""
        if not self.replications:
            raise ValueError(f"no replication finished ({self.error or 'none was run'})")
        meta: dict[str, Any] = {"hallsim_version": VERSION,
                                "wall_seconds": round(self.wall_seconds, 3)}
        if self.config is not None:
            meta["run"] = dataclasses.asdict(self.config)
        if self.error is not None:
            meta["error"] = self.error
        return results_document(self.scenario, self.seed,
                                [r.summary for r in self.replications], meta | self.meta)

    def records_frame(self) -> pd.DataFrame:
        """One row per ticket of every kept replication (column ``replication`` first)."""
        import pandas as pd

        frames = [r.records.to_frame(replication=r.index) for r in self.replications
                  if r.records is not None]
        if not frames:
            raise ValueError("records were not kept (simulate with keep_records=True)")
        return pd.concat(frames, ignore_index=True)

    def duty_frame(self) -> pd.DataFrame:
        """One row per on-duty interval of a window in every kept replication (column
        ``replication`` first; :meth:`sim.engine.records.Records.duty_frame`)."""
        import pandas as pd

        frames = [r.records.duty_frame(replication=r.index) for r in self.replications
                  if r.records is not None]
        if not frames:
            raise ValueError("records were not kept (simulate with keep_records=True)")
        return pd.concat(frames, ignore_index=True)


def has_case_flow(scenario: Scenario) -> bool:
    """Whether the scenario follows cases or journeys beyond the window."""
    return bool(scenario.journeys) or any(c.has_case_flow for c in scenario.categories.values())


#: the engine :func:`simulate` runs when not told (set by the command line's ``--engine``)
#: and where it reports its choice; see :func:`use_engine`
_ENGINE: dict[str, Any] = {"requested": "auto", "announce": None, "said": set()}


def use_engine(requested: str, announce: Callable[[str], None] | None = None) -> None:
    """Run ``requested`` (``auto``, ``fast`` or ``simpy``) where no engine is given, and pass
    each distinct engine choice (one line: which and why) to ``announce`` once."""
    _ENGINE.update(requested=requested, announce=announce, said=set())


def resolve_engine(scenario: Scenario, engine: str | None = None, announce: bool = True,
                   replications: int = 1) -> str:
    """The engine that runs ``replications`` replications of ``scenario`` (``fast`` or
    ``simpy``) under ``engine`` (``None``: the one :func:`use_engine` set); the choice is
    announced once if asked for (and ``announce``: a replication run with an engine
    already chosen says nothing)."""
    from sim.engine.fast import choose_engine

    # run_replication runs a back office's cases after the fast engine's front
    choice = choose_engine(scenario, engine or _ENGINE["requested"], replications,
                           with_cases=True)
    said = _ENGINE["said"]
    say = _ENGINE["announce"]
    # once per engine and reason: a batch's points of other sizes ("a small run of 14,684
    # expected tickets", then 16,315 ...) do not repeat it
    shape = re.sub(r"\d[\d,.]*", "#", choice.line())
    if announce and say is not None and shape not in said:
        said.add(shape)
        say(choice.line())
    return choice.engine


def run_replication(scenario: Scenario, seed: int, index: int,
                    keep_records: bool = False, customers: Customers | None = None,
                    engine: str | None = None) -> Replication:
    """Simulate replication ``index`` of ``scenario`` under ``seed``.

    ``customers``, if given, are used instead of drawing them from the scenario
    (trace-driven simulation: ticket times and items replayed from a log). ``engine``:
    ``auto``, ``fast`` or ``simpy`` (``None``: as :func:`use_engine` set); both engines
    give the same records.
    """
    layout = HallLayout.from_scenario(scenario)
    if customers is None:
        customers = draw_customers(scenario, seed, index)
    flow = None
    if resolve_engine(scenario, engine, announce=engine is None) == "fast":
        if has_case_flow(scenario):  # the front compiled, then its cases after it
            from sim.engine.fast.cases import run_fast_cases

            done = run_fast_cases(scenario, layout, customers, seed, index)
            records, flow = done.records, done.flow
        else:
            from sim.engine.fast import run_fast

            records = run_fast(layout, customers, scenario.hall.days)
        del customers  # nothing below needs them: their memory goes before the summary
    else:
        hall = Hall(layout, customers)
        flow = CaseFlow(scenario, draw_cases(scenario, customers, seed, index), hall.env,
                        hall.inject) if has_case_flow(scenario) else None
        records = hall.run(scenario.hall.days, flow)
    cases = None
    if flow is not None:
        records = dataclasses.replace(records, extra={**records.extra,
                                                     **flow.ticket_columns(len(records))})
        cases = flow.table(scenario.hall.warmup_days * MINUTES_PER_DAY,
                           scenario.hall.days * MINUTES_PER_DAY)
    summary = summarise(scenario, layout, records, cases)
    return Replication(index, summary, records if keep_records else None,
                       cases if keep_records else None)


def _run_one(args: tuple[Scenario, int, int, bool, str]) -> Replication:
    scenario, seed, index, keep, engine = args
    return run_replication(scenario, seed, index, keep, engine=engine)


def simulate(
    scenario: Scenario,
    seed: int = 1,
    replications: int = 10,
    workers: int = 1,
    keep_records: bool = False,
    progress: Callable[[int], None] | None = None,
    engine: str | None = None,
    reraise: bool = True,
) -> RunResult:
    """Run ``replications`` replications, in ``workers`` processes (0 = all cores).

    ``progress`` is called with 1 after each finished replication. The result is
    the same whatever the number of workers, and whichever ``engine`` runs (``auto``,
    ``fast`` or ``simpy``; ``None``: as :func:`use_engine` set). It records its
    :class:`RunConfig`. With ``reraise=False`` an error in a replication does not
    propagate: the result keeps the replications finished before it and the error
    (``"TypeName: message"``) in :attr:`RunResult.error`.
    """
    if replications < 1:
        raise ValueError("replications must be at least 1")
    if workers == 0:
        workers = os.cpu_count() or 1
    started = time.perf_counter()
    # decided (and announced) here, not per worker
    chosen = resolve_engine(scenario, engine, replications=replications)
    jobs = [(scenario, seed, r, keep_records, chosen) for r in range(replications)]
    inline = workers <= 1 or replications == 1
    config = RunConfig.of(scenario, seed, replications, 1 if inline else
                          min(workers, replications), chosen)
    reps: list[Replication] = []
    error = None
    try:
        if inline:
            for job in jobs:
                reps.append(_run_one(job))
                if progress:
                    progress(1)
        else:  # worker processes only when asked for: a -j 1 run never loads multiprocessing
            from sim.run.pool import worker_pool

            if chosen == "fast":  # loaded once here: the forked workers inherit it
                from sim.engine.fast import preload

                preload(HallLayout.from_scenario(scenario))

            with worker_pool(config.workers) as pool:
                for rep in pool.map(_run_one, jobs):
                    reps.append(rep)
                    if progress:
                        progress(1)
    except Exception as exc:
        if reraise:
            raise
        error = f"{type(exc).__name__}: {exc}"
    return RunResult(scenario, seed, tuple(reps), time.perf_counter() - started,
                     config=config, error=error)
