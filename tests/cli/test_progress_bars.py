"""Progress bars are for people at a terminal: a command whose stderr goes to a log file
writes no carriage-return bar lines there, for every verb that shows a bar."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def stderr_of(argv: list[str], cwd: Path) -> str:
    log = cwd / "日志.txt"
    with open(log, "w", encoding="utf-8") as fh:  # stderr to a file, as a scheduler would
        proc = subprocess.run([sys.executable, "-m", "sim.cli.main", *argv], cwd=cwd,
                              stdout=subprocess.DEVNULL, stderr=fh, timeout=300, check=False)
    assert proc.returncode == 0, log.read_text(encoding="utf-8")
    return log.read_text(encoding="utf-8")


def test_run_and_consolidate_write_no_bar_into_a_log(tmp_path):
    quick = str(ROOT / "scenarios/quickstart.yaml")
    for argv in (["run", quick, "-r", "3", "--days", "1"],
                 ["consolidate", quick, "--structures", "dedicated,full", "--slowdowns", "1",
                  "-r", "2"]):
        err = stderr_of(argv, tmp_path)
        assert "\r" not in err, (argv, err[:300])
        assert "it/s" not in err and "rep/s" not in err and "stage/s" not in err
