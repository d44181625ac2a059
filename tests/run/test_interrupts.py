"""Ctrl-C, twice in quick succession, while worker processes are busy: the command ends
with status 130 within seconds and leaves no worker behind; an interrupted batch says
that its finished runs were kept and how to resume."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX process groups")


def start(argv: list[str], cwd: Path) -> subprocess.Popen[str]:
    """``hallsim ARGV`` in a process group of its own, as a terminal would run it."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "sim.cli.main", *argv], cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, env=env)


def ctrl_c_twice(proc: subprocess.Popen[str]) -> None:
    """What a hurried user does: Ctrl-C to the whole group, and again 0.1 s later."""
    pgid = os.getpgid(proc.pid)
    os.killpg(pgid, signal.SIGINT)
    time.sleep(0.1)
    os.killpg(pgid, signal.SIGINT)


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_for_workers(proc: subprocess.Popen[str], seconds: float) -> None:
    """Give the command time to start its worker processes and hand them work."""
    time.sleep(seconds)
    assert proc.poll() is None, proc.communicate()


def test_two_interrupts_end_a_parallel_run_at_once(tmp_path):
    proc = start(["run", str(ROOT / "scenarios/quickstart.yaml"), "-r", "8", "-j", "2",
                  "--days", "3000", "-q", "--engine", "simpy"], tmp_path)  # ~20 s of work
    pgid = os.getpgid(proc.pid)
    wait_for_workers(proc, 4.0)
    ctrl_c_twice(proc)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    deadline = time.time() + 10
    while group_alive(pgid) and time.time() < deadline:
        time.sleep(0.1)
    assert not group_alive(pgid), "a worker process outlived the command"


@pytest.mark.parametrize("workers", [["-j", "2"], ["--cluster", "local", "-j", "2"]],
                         ids=["process pool", "dask local cluster"])
def test_an_interrupted_batch_keeps_its_finished_runs_and_says_how_to_resume(tmp_path,
                                                                            workers):
    """With a Dask cluster too: its worker processes ignore the Ctrl-C the terminal sends
    the whole group (the command stops them), so none prints a traceback."""
    experiment = tmp_path / "长批量.yaml"
    experiment.write_text(
        f"name: 长批量\nscenarios: [{ROOT / 'scenarios/quickstart.yaml'}]\ndays: 1000\n"
        "factors:\n  arrival_scale: [0.8, 0.9, 1.0, 1.1]\nreplications: 10\nseed: 1\n",
        encoding="utf-8")
    store = tmp_path / "批量.sqlite"
    proc = start(["batch", "run", str(experiment), "--store", str(store), *workers,
                  "--engine", "simpy"], tmp_path)
    wait_for_workers(proc, 8.0 if workers[0] == "-j" else 14.0)
    ctrl_c_twice(proc)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "run the same command again to resume" in err
    assert "Traceback" not in err
    assert store.exists()
