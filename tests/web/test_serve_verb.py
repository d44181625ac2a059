"""Story: ``hallsim serve`` is a verb of the command line; without the web extra it says
how to install it (exit 2) instead of failing with a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_serve_is_listed_in_the_help() -> None:
    out = subprocess.run([sys.executable, "-m", "sim.cli.main", "serve", "--help"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    assert "--workspace" in out and "--token" in out


def test_without_the_web_extra_serve_exits_2_naming_the_extra() -> None:
    code = ("import sys\nsys.modules['nicegui'] = None\nfrom sim.cli.main import main\n"
            "sys.exit(main(['serve']))")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 2
    assert 'pip install -e ".[web]"' in r.stderr and "Traceback" not in r.stderr
