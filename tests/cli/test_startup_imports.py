"""Story: a clerk types ``hallsim --help`` or a one-day ``hallsim run`` and the command
starts at once, because each verb imports only what it needs. Checked by what is
imported (never by timing): neither loads pandas, scipy.stats, scipy.optimize or
matplotlib, which together cost seconds at start-up, nor the web application
(nicegui, sim.web: an optional extra); a quiet run on one worker loads
no progress bar, no table renderer and no worker pool; and one replication of a hall
whose times are all exponential does not load scipy at all (its inverse CDF is numpy's;
intervals over two or more replications take scipy.stats)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("pandas", "scipy.stats", "scipy.optimize", "matplotlib", "nicegui", "sim.web")


def heavy_modules_after(argv: list[str], heavy: tuple[str, ...] = HEAVY) -> list[str]:
    """Which of ``heavy`` a fresh interpreter has imported after ``hallsim ARGV``."""
    code = ("import sys, json\nfrom sim.cli.main import main\n"
            f"rc = main({argv!r})\n"
            f"print(json.dumps([rc, [m for m in {heavy!r} if m in sys.modules]]))")
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


def test_quiet_run_on_one_worker_loads_no_bar_table_or_pool() -> None:
    unused = ("tqdm", "wcwidth", "sim.report.tables", "multiprocessing",
              "concurrent.futures.process")
    assert heavy_modules_after(["run", "scenarios/quickstart.yaml", "--days", "1", "-r", "3",
                                "-q"], unused) == []


def test_one_replication_of_an_exponential_hall_loads_no_scipy(tmp_path: Path) -> None:
    mmc = tmp_path / "m_m_2.yaml"
    mmc.write_text(json.dumps({  # JSON is YAML
        "name": "M/M/2 排队", "hall": {"open": ["08:00-12:00"], "days": 1},
        "categories": {"企业开办": {"arrivals_per_hour": 10,
                                   "service": {"dist": "exponential", "mean": 9},
                                   "patience": {"dist": "exponential", "mean": 20}}},
        "windows": [{"id": "窗口A", "count": 2, "serves": ["企业开办"]}],
    }, ensure_ascii=False), encoding="utf-8")
    assert heavy_modules_after(["run", str(mmc), "-r", "1", "-q"], ("scipy",)) == []
