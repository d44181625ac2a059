"""Story: a clerk types ``hallsim --help`` or a one-day ``hallsim run`` and the command
starts at once, because each verb imports only what it needs. Checked by what is
imported (never by timing): neither loads pandas, scipy.stats, scipy.optimize or
matplotlib, which together cost seconds at start-up."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("pandas", "scipy.stats", "scipy.optimize", "matplotlib")


def heavy_modules_after(argv: list[str]) -> list[str]:
    code = ("import sys, json\nfrom sim.cli.main import main\n"
            f"rc = main({argv!r})\n"
            f"print(json.dumps([rc, [m for m in {HEAVY!r} if m in sys.modules]]))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.strip().splitlines()[-1]
    rc, heavy = json.loads(out)
    assert rc == 0
    return heavy


def test_one_day_run_imports_no_heavy_library() -> None:
    assert heavy_modules_after(["run", "scenarios/quickstart.yaml", "--days", "1", "-r", "1",
                                "-q"]) == []


def test_validate_imports_no_heavy_library() -> None:
    assert heavy_modules_after(["validate", "scenarios/quickstart.yaml"]) == []
