"""A hall with journeys (Yumen), the SimPy engine against the fast engine.

    python bench/journeys.py [--replications 10,100] [--rounds 3] [--seed 1]

Yumen before the reform (``scenarios/yumen/before.yaml``: three journeys of three steps
each, every step a ticket taken when the last is served) and with its bundling patch
(``patches/bundling.yaml``: each journey one ticket), timed two ways, each in interleaved
rounds (SimPy, fast, SimPy, fast, ...), best of the rounds:

- the command line (Yumen before): ``hallsim run scenarios/yumen/before.yaml -r N
  --engine simpy|fast --quiet --json OUT`` in a fresh interpreter, what a planner waits
  for (start-up, loading numba and the compiled code from the disk cache, the runs, the
  results document);
- in process: ``simulate(scenario, seed, N, engine=...)`` with the fast engine loaded
  beforehand (the replications alone: draws, the hall and its journeys, the summary).

``N`` is each of ``--replications`` (a comma-separated list): at 10 replications Yumen
is some 16,000 tickets, too few for the fast engine to pay for its loading on the
command line (``--engine auto`` keeps such a run on SimPy); more replications show where
it does.

Prints each round's seconds, the best of each engine, the ratio (SimPy / fast: how many
times faster the fast engine is) and whether both gave the same results document (its
``meta`` aside).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
YUMEN = ROOT / "scenarios" / "yumen"


def scenario_of(patch: str | None) -> Any:
    """Yumen before the reform, with ``patch`` (a file of ``patches/``) merged in."""
    from sim.batch.decompose import merge_patch
    from sim.files.yaml_reader import read_yaml
    from sim.scenario.model import scenario_from_dict

    base = read_yaml(YUMEN / "before.yaml")
    if patch is not None:
        base = merge_patch(base, read_yaml(YUMEN / "patches" / f"{patch}.yaml"))
    return scenario_from_dict(base)


def cli_seconds(path: Path, engine: str, replications: int, seed: int
                ) -> tuple[float, dict[str, Any]]:
    """Seconds of ``hallsim run`` in a fresh interpreter, and its results document."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.json"
        code = ("import sys; from sim.cli.main import main; sys.argv = ['hallsim'] + "
                "sys.argv[1:]; sys.exit(main())")
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", code, "run", str(path), "-r", str(replications),
                        "--seed", str(seed), "--engine", engine, "--quiet", "--json", str(out)],
                       check=True, env=env, cwd=ROOT)
        seconds = time.perf_counter() - t0
        doc = json.loads(out.read_text(encoding="utf-8"))
    doc.pop("meta", None)
    return seconds, doc


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--replications", "-r", default="10,100",
                   help="replications per run, a comma-separated list")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)

    from sim.engine.fast import available
    from sim.run.replications import simulate

    if not available():
        print("the fast engine needs numba (the [fast] extra)")
        return 1
    counts = [int(x) for x in args.replications.split(",")]
    # the command line: a fresh interpreter each time (its compiled code from the cache)
    path = YUMEN / "before.yaml"
    cli_seconds(path, "fast", 1, args.seed)  # the disk cache filled, if it was not
    docs: dict[str, dict[str, Any]] = {}
    for n in counts:
        times: dict[str, list[float]] = {"simpy": [], "fast": []}
        for _ in range(args.rounds):
            for engine in ("simpy", "fast"):
                seconds, docs[engine] = cli_seconds(path, engine, n, args.seed)
                times[engine].append(seconds)
        _report(f"hallsim run scenarios/yumen/before.yaml -r {n} (a fresh interpreter each)",
                times, docs["simpy"] == docs["fast"])
    # in process, the fast engine loaded beforehand
    simulate(scenario_of(None), seed=args.seed, replications=1, engine="fast")
    for n, patch in ((n, patch) for n in counts for patch in (None, "bundling")):
        scenario = scenario_of(patch)
        times = {"simpy": [], "fast": []}
        for _ in range(args.rounds):
            for engine in ("simpy", "fast"):
                t0 = time.perf_counter()
                doc = simulate(scenario, seed=args.seed, replications=n,
                               engine=engine).document()
                times[engine].append(time.perf_counter() - t0)
                doc.pop("meta", None)
                docs[engine] = doc
        name = "before" if patch is None else f"before + {patch}"
        _report(f"simulate(yumen {name}, {n} replications) in process, the fast engine "
                "loaded", times, docs["simpy"] == docs["fast"])
    return 0


def _report(title: str, times: dict[str, list[float]], same: bool) -> None:
    """Print one comparison: the rounds, the best of each engine and their ratio."""
    best = {engine: min(t) for engine, t in times.items()}
    print(title)
    for engine in ("simpy", "fast"):
        rounds = "  ".join(f"{t:6.2f}" for t in times[engine])
        print(f"  {engine:6} best {best[engine]:6.2f} s   rounds {rounds}")
    print(f"  ratio SimPy / fast (best): {best['simpy'] / best['fast']:.2f}x")
    print(f"  same results document: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    sys.exit(main())
