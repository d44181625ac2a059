"""The fuzz corpus: every bad input a user has sent us, replayed as the real command.

Each folder of ``tests/fuzz/`` holds the input files of one case and a
``case.yaml`` with ``argv`` (the ``hallsim`` arguments, paths relative to the
folder), ``field`` (a substring stderr must contain: the dotted field path, or
what the case is about) and ``why``. Every case must end as bad input should:
exit code 2, one message naming the file (or the option) and the field, no
Python traceback, and no file left behind in the case folder. Any folder added
to the corpus is picked up here.

How long each case took is collected and the slowest are printed at the end, as
a reported fact (the limits document a budget of 2 s per case); this test
asserts nothing about time.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

CORPUS = Path(__file__).resolve().parents[1] / "fuzz"
CASES = sorted(p for p in CORPUS.iterdir() if (p / "case.yaml").is_file())
DURATIONS: dict[str, float] = {}


def read_case(folder: Path) -> dict[str, Any]:
    """The case's ``case.yaml``, with ``argv`` as strings."""
    case = yaml.safe_load((folder / "case.yaml").read_text(encoding="utf-8"))
    case["argv"] = [str(a) for a in case["argv"]]
    return case


def hallsim(argv: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    """``python -m sim.cli.main ARGV`` in ``cwd`` as a user would run it; (result, seconds)."""
    env = {k: v for k, v in os.environ.items() if k != "HALLSIM_DEBUG"}
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "sim.cli.main", *argv], cwd=cwd,
                          capture_output=True, text=True, encoding="utf-8", env=env,
                          timeout=120, check=False)
    return proc, time.perf_counter() - start


def named_things(argv: list[str], folder: Path) -> list[str]:
    """What a message may name: the files given on the command line and the options."""
    return [a for a in argv if a.startswith("-") or (folder / a).exists() or Path(a).suffix]


@pytest.fixture(scope="module", autouse=True)
def report_durations(request: pytest.FixtureRequest):
    """After the corpus ran, print how many cases ran and the slowest ones."""
    yield
    if not DURATIONS:
        return
    slowest = sorted(DURATIONS.items(), key=lambda kv: -kv[1])[:5]
    lines = [f"fuzz corpus: {len(DURATIONS)} cases, slowest:"]
    lines += [f"  {seconds:5.2f} s  {name}" for name, seconds in slowest]
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if capture is not None:
        with capture.global_and_fixture_disabled():
            print("\n" + "\n".join(lines))
    else:  # pragma: no cover - pytest without its capture plugin
        print("\n".join(lines))


def test_the_corpus_is_there():
    assert len(CASES) >= 20, f"only {len(CASES)} cases in {CORPUS}"


@pytest.mark.parametrize("folder", CASES, ids=[p.name for p in CASES])
def test_a_bad_input_exits_2_naming_the_file_and_the_field(folder: Path):
    case = read_case(folder)
    before = set(folder.iterdir())
    try:
        proc, seconds = hallsim(case["argv"], folder)
    finally:
        created = set(folder.iterdir()) - before
        left = sorted(p.name for p in created)
        for path in created:  # never leave litter in the corpus
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    DURATIONS[folder.name] = seconds
    err = proc.stderr
    why = case.get("why", "")
    assert proc.returncode == 2, f"{folder.name}: exit {proc.returncode} ({why}): {err}"
    assert "Traceback" not in err, err
    assert str(case["field"]) in err, f"{folder.name}: {case['field']!r} not in {err!r}"
    names = named_things(case["argv"], folder)
    assert any(name in err for name in names), f"{folder.name}: none of {names} in {err!r}"
    assert not left, f"{folder.name} wrote {left}"
