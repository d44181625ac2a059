"""Acceptance bench: certification on the time-varying sinusoid case.

``scenarios/optimize/sinusoid.yaml`` with ``sinusoid_spec.yaml``: lambda(t) = 100 +
40 sin(2 pi t / 24) per hour (piecewise constant over 10-minute steps), exponential
service of mean 30 minutes, target P(wait > 0) <= 0.2 in every hour, hourly
staffing periods, a hall open around the clock. SIPP (period-by-period Erlang C)
staffing costs 1,398 window-hours and misses the target in about 9 of 24 hours.
The certified plan is then checked on an independent 20-replication run (seeds
the certification never used): the hours whose P(wait > 0) is above 0.2 (point
estimates). Finally ``--blocks`` further independent 20-replication runs show how
often such a check passes (the acceptance is itself a noisy test: a plan trimmed
to just meet the target in every hour shows some hour above it on a small run by
noise alone), and the highest hour over all their replications.

    python bench/certify_sinusoid.py [--replications 20] [--workers 2] [--blocks 10]
    python bench/certify_sinusoid.py --engines simpy,fast [--workers 2]

``--engines`` (issue 21) instead times, on each engine in turn and in one run: the
certification above (same seeds, so the same plan; checked) and a bundled
decomposition, ``hallsim decompose scenarios/xinglongtai/before.yaml -c
分区通办=scenarios/xinglongtai/patches/pooling.yaml -r 20`` (2 combinations x 20
replications of a 31-window hall; its JSON checked equal across engines). Without
``--engines`` the script runs on the default engine (``auto``).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np

from optimize.certify import _per_replication, cell_levels, certify
from optimize.plan import staffed_scenario, window_hours
from optimize.problem import Problem, build_problem
from optimize.solve import Solution, solve
from optimize.spec import load_inputs
from sim.run.replications import simulate, use_engine

HERE = Path(__file__).resolve().parents[1] / "scenarios" / "optimize"
#: seeds of the independent runs (never used by the certification: its seeds are
#: the spec's seed 1, 1 + 1,000,003 i and those + 7,919)
INDEPENDENT_SEED = 987_654
BLOCKS_SEED = 555_555


def sinusoid_problem(replications: int | None = None) -> Problem:
    """The sinusoid hall and its spec as an optimisation problem."""
    scenario, spec = load_inputs(HERE / "sinusoid.yaml", HERE / "sinusoid_spec.yaml")
    if replications is not None:
        spec = spec.model_copy(update={"certify": spec.certify.model_copy(
            update={"replications": replications})})
    return build_problem(scenario, spec)


def hourly_miss(problem: Problem, solution: Solution, seed: int, replications: int,
                workers: int) -> np.ndarray:
    """Per replication and hour, the simulated P(wait > 0) (replications x 24)."""
    run = simulate(staffed_scenario(problem, solution), seed=seed, replications=replications,
                   workers=workers, keep_records=True)
    counted, missed = _per_replication(problem, run)
    keys = sorted(counted, key=lambda k: k[1])
    return np.column_stack([missed[k] / counted[k] for k in keys])


def hours_short(problem: Problem, solution: Solution, seed: int, replications: int,
                workers: int) -> list[tuple[str, float]]:
    """Independent run: hours whose point estimate of P(wait > 0) exceeds 0.2."""
    run = simulate(staffed_scenario(problem, solution), seed=seed, replications=replications,
                   workers=workers, keep_records=True)
    return [(problem.periods[c.period].label, round(1 - c.mean, 3))
            for c in cell_levels(problem, run, "mean") if c.short]


ROOT = Path(__file__).resolve().parents[1]
#: the bundled decomposition timed by ``--engines``
DECOMPOSITION = ["decompose", str(ROOT / "scenarios/xinglongtai/before.yaml"), "-c",
                 f"分区通办={ROOT / 'scenarios/xinglongtai/patches/pooling.yaml'}", "-r", "20",
                 "--seed", "1", "-q"]


def engines_before_after(engines: list[str], workers: int) -> None:
    """Certification and the bundled decomposition on each engine: seconds and checks."""
    from sim.cli.main import main as hallsim

    plans, docs = {}, {}
    for engine in engines:
        use_engine(engine)
        problem = sinusoid_problem()
        t0 = time.perf_counter()
        cert = certify(problem, seed=1, workers=workers)
        t_cert = time.perf_counter() - t0
        plans[engine] = (cert.status, window_hours(problem, cert.solution))
        print(f"{engine:>6}: certification {t_cert:6.1f} s (status {cert.status}, "
              f"{plans[engine][1]:,.0f} window-hours)", flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "d.json"
            t0 = time.perf_counter()
            code = hallsim([*DECOMPOSITION, "-j", str(workers), "--engine", engine,
                            "--json", str(out)])
            t_dec = time.perf_counter() - t0
            doc = json.loads(out.read_text(encoding="utf-8"))
        doc.pop("meta", None)
        docs[engine] = json.dumps(doc, sort_keys=True)
        print(f"{engine:>6}: decomposition {t_dec:6.1f} s (exit {code})", flush=True)
    use_engine("auto")
    first = engines[0]
    for engine in engines[1:]:
        print(f"{engine} vs {first}: same certified plan: {plans[engine] == plans[first]}; "
              f"same decomposition figures: {docs[engine] == docs[first]}")


def main() -> None:
    """SIPP, certification, the independent check and its pass rate over blocks."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=None,
                        help="search and pilot replications (default: the spec's, 20)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--blocks", type=int, default=10)
    parser.add_argument("--engines", default=None,
                        help="comma-separated engines to time certification and a bundled "
                             "decomposition on, before and after (e.g. simpy,fast)")
    args = parser.parse_args()
    if args.engines:
        engines_before_after([e.strip() for e in args.engines.split(",")], args.workers)
        return
    problem = sinusoid_problem(args.replications)
    started = time.perf_counter()
    sipp = solve(problem)
    base = window_hours(problem, sipp)
    short = hours_short(problem, sipp, INDEPENDENT_SEED, 20, args.workers)
    print(f"SIPP: {base:,.0f} window-hours; {len(short)} hours with P(wait > 0) > 0.2 on an "
          f"independent 20-replication run: {short}")
    cert = certify(problem, seed=1, workers=args.workers,
                   report=lambda r: print(
                       f"  iteration {r['iteration']} ({r['kind']}, "
                       + (f"pilot {r['pilot_replications']} + " if r.get("pilot_replications")
                          else "")
                       + f"{r['replications']} replications): cost {r['cost']:.0f}, "
                         f"{r['cells_short']} short"))
    cost = window_hours(problem, cert.solution)
    took = time.perf_counter() - started
    short = hours_short(problem, cert.solution, INDEPENDENT_SEED, 20, args.workers)
    print(f"certified plan: status {cert.status}, {cost:,.0f} window-hours "
          f"({cost - base:+,.0f} against SIPP's {base:,.0f}, {100 * (cost / base - 1):+.1f} %), "
          f"{took:.0f} s; hours with P(wait > 0) > 0.2 on an independent 20-replication "
          f"run: {short or 'none'}")
    if args.blocks:
        miss = hourly_miss(problem, cert.solution, BLOCKS_SEED, 20 * args.blocks, args.workers)
        block_max = miss.reshape(args.blocks, 20, -1).mean(axis=1).max(axis=1)
        mean = miss.mean(axis=0)
        worst = int(np.argmax(mean))
        print(f"{args.blocks} more independent 20-replication runs: all 24 hours <= 0.2 in "
              f"{int((block_max <= 0.2).sum())} of {args.blocks} (highest hour per run "
              f"{block_max.min():.3f} to {block_max.max():.3f}); over all "
              f"{20 * args.blocks} replications the highest hour is "
              f"{problem.periods[worst].label} at {mean[worst]:.3f}")


if __name__ == "__main__":
    main()
