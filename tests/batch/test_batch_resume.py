"""Resume after a real kill: the coordinator of a batch is killed with SIGKILL in the
middle of the batch; re-running the same command finishes it. Every run is then present
exactly once, and the results equal those of a batch that was never interrupted -- and
are the same, bit for bit, whether runs went to 1 or 2 local workers or to a Dask
LocalCluster."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml

from sim.batch.executors import DaskExecutor, InlineExecutor, LocalExecutor
from sim.batch.experiment import load_experiment, run_experiment
from sim.batch.store import Store

ROOT = Path(__file__).resolve().parents[2]


def experiment(tmp_path: Path, replications: int, days: int) -> Path:
    data = {"name": "resume", "scenarios": {
        "q": str(ROOT / "scenarios/quickstart.yaml"),
        "x": str(ROOT / "scenarios/xinglongtai/after.yaml")},
        "days": days, "factors": {"arrival_scale": [0.9, 1.1]},
        "replications": replications, "seed": 11}
    path = tmp_path / "exp.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def ok_runs(store: Path) -> int:
    try:
        with sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM runs WHERE status='ok'").fetchone()[0]
    except sqlite3.Error:
        return 0


def batch_cmd(exp: Path, store: Path, *extra: str) -> list[str]:
    return [sys.executable, "-c", "import sys; from sim.cli.main import main; sys.exit(main())",
            "batch", "run", str(exp), "--store", str(store), "-q", *extra]


def reference(exp: Path, tmp_path: Path) -> pd.DataFrame:
    """The uninterrupted batch, run in this process."""
    e = load_experiment(exp)
    with Store.for_experiment(tmp_path / "ref.sqlite", e) as s, InlineExecutor() as ex:
        run_experiment(e, s, ex)
        return s.fingerprint()


def test_killed_coordinator_resumes_to_the_uninterrupted_result(tmp_path: Path) -> None:
    exp = experiment(tmp_path, replications=60, days=5)   # 240 runs
    store = tmp_path / "runs.sqlite"
    proc = subprocess.Popen(batch_cmd(exp, store, "--workers", "1"), start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while ok_runs(store) < 20:
            assert proc.poll() is None, proc.stderr.read().decode()  # type: ignore[union-attr]
            assert time.monotonic() < deadline, "the batch did not start"
            time.sleep(0.01)
        os.kill(proc.pid, signal.SIGKILL)                  # the coordinator, for real
        assert proc.wait(10) == -signal.SIGKILL
    finally:
        # its orphaned worker processes (started by this test, in their own session)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    done_at_kill = ok_runs(store)
    assert 20 <= done_at_kill < 240, done_at_kill
    with Store.open(store) as s:
        before = s.runs_frame()[["point", "replication", "finished_at"]]

    # the same command again: skips what is done, does the rest
    again = subprocess.run(batch_cmd(exp, store, "--workers", "2"), capture_output=True,
                           text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    with Store.open(store) as s:
        runs = s.runs_frame()
        got = s.fingerprint()
    assert len(runs) == 240 and not runs.duplicated(["point", "replication"]).any()
    assert set(runs["status"]) == {"ok"}
    # runs finished before the kill were kept, not redone
    kept = before.merge(runs, on=["point", "replication"], suffixes=("_kill", ""))
    assert len(kept) == done_at_kill and (kept["finished_at_kill"] == kept["finished_at"]).all()
    pd.testing.assert_frame_equal(got, reference(exp, tmp_path))


@pytest.mark.parametrize("name", ["local-1", "local-2", "dask-local-2"])
def test_results_do_not_depend_on_the_executor(tmp_path: Path, name: str) -> None:
    exp_path = experiment(tmp_path, replications=3, days=1)
    e = load_experiment(exp_path)
    make = {"local-1": lambda: LocalExecutor(1), "local-2": lambda: LocalExecutor(2),
            "dask-local-2": lambda: DaskExecutor(workers=2)}[name]
    with Store.for_experiment(tmp_path / f"{name}.sqlite", e) as s, make() as ex:
        report = run_experiment(e, s, ex)
        got = s.fingerprint()
        workers = set(s.runs_frame()["worker"])
    assert report.ran == 12 and report.failed == 0
    assert f":{os.getpid()}" not in " ".join(workers), "runs went to worker processes"
    pd.testing.assert_frame_equal(got, reference(exp_path, tmp_path))
