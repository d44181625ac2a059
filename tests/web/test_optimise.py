"""Story: a planner optimises the staffing of the hall calibrated from the bundled
sample, without a desk limit, certified by simulation. The page shows the plan's
status, cost, bound and gap as ``hallsim optimize`` gives them for the same spec, and
"apply as a new scenario" puts the staffed hall into the workspace."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from nicegui.testing.user import User

from sim.scenario.loading import load_scenario
from sim.web.bundled import sample_logs
from sim.web.tasks import calibrate_log
from tests.web.conftest import wait_for

ROOT = Path(__file__).resolve().parents[2]


def test_a_certified_plan_is_the_command_lines_and_applies_as_a_scenario(story,
                                                                          tmp_path: Path) -> None:
    ws = tmp_path / "workspace"
    (ws / "scenarios").mkdir(parents=True)
    calibrate_log([str(next(iter(sample_logs().values())))], None, "示例",
                  str(ws / "scenarios" / "示例.yaml"), str(tmp_path / "report"))
    shown: dict[str, str] = {}

    async def play(user: User) -> None:
        await user.open("/?lang=en&tab=optimise&scenario=示例")
        user.find("optimise-desks").elements.pop().value = "none"
        user.find("optimise-replications").elements.pop().value = 4
        user.find("optimise-start").click()
        await wait_for(user, "optimise-headline", 180)
        shown.update(user.find("optimise-headline").elements.pop().rows[0])
        await user.should_see(marker="optimise-plan", retries=50)
        user.find("optimise-apply").click()
        await user.should_see("Open scenario: 示例-staffed", retries=50)

    story(play)
    spec = next((ws / "plans").glob("*.spec.yaml"))
    out = tmp_path / "cli-plan.json"
    subprocess.run([sys.executable, "-m", "sim.cli.main", "optimize",
                    str(ws / "scenarios" / "示例.yaml"), "--spec", str(spec), "--certify",
                    "-r", "4", "--json", str(out), "-q"], cwd=ROOT, check=True)
    cli = json.loads(out.read_text(encoding="utf-8"))
    assert shown["c0"] == cli["status"] == "certified"
    assert shown["c1"] == f"{cli['cost']:.2f}" and shown["c2"] == f"{cli['bound']:.2f}"
    staffed = load_scenario(ws / "scenarios" / "示例-staffed.yaml")
    assert {g.id: g.count for g in staffed.windows} == \
        {t: w["max"] for t, w in cli["windows"].items()}
