"""Story: a planner optimises the quickstart hall, applies the plan (the page names it
quickstart-优化排班) and runs it. Back on quickstart, never run itself, the run tab showed
the plan's results as quickstart's own earlier results, and the floor plan tab failed
with a server error: it coloured quickstart's windows A, B, C from a document whose only
group is the plan's FULL. Each scenario now has its own runs only; and a floor plan whose
newest results name none of its groups (the hall was changed after its run) is drawn
uncoloured, saying why."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from nicegui.testing.user import User

from tests.web.conftest import quickstart_workspace, visible, wait_for

ROOT = Path(__file__).resolve().parents[2]
PLAN = "quickstart-优化排班"


def _document(scenario: str, groups: dict[str, float]) -> str:
    """A run's results document, as far as the floor plan reads it."""
    return json.dumps({"scenario": scenario, "seed": 1, "replications": 2, "days": 1,
                       "overall": {"arrivals": 10},
                       "by_window": {g: {"utilisation": u} for g, u in groups.items()}})


def test_a_scenario_shows_its_own_runs_not_those_of_its_applied_plan(
        story, tmp_path: Path) -> None:
    ws = quickstart_workspace(tmp_path)
    shutil.copyfile(ws / "scenarios" / "quickstart.yaml", ws / "scenarios" / f"{PLAN}.yaml")
    (ws / "results").mkdir()
    (ws / "results" / f"{PLAN}-20261207-055946.json").write_text(
        _document(PLAN, {"FULL": 61.0}), encoding="utf-8")
    shown: dict[str, object] = {}

    async def play(user: User) -> None:
        await user.open("/?lang=zh&tab=run&scenario=quickstart")
        shown["earlier on quickstart"] = visible(user, "run-earlier")
        await user.open("/?lang=zh&tab=floorplan&scenario=quickstart")
        shown["quickstart's plan"] = user.find("floorplan-source").elements.pop().text
        await user.open(f"/?lang=zh&tab=run&scenario={PLAN}")
        shown["earlier on the plan"] = visible(user, "run-earlier")

    story(play)
    assert shown == {"earlier on quickstart": False,
                     "quickstart's plan": "本方案尚无运行结果：运行后窗口按指标着色。",
                     "earlier on the plan": True}


def test_a_hall_changed_after_its_run_is_drawn_uncoloured_saying_why(
        story, tmp_path: Path) -> None:
    ws = quickstart_workspace(tmp_path)
    (ws / "results").mkdir()
    name = "quickstart-20261207-060000"
    (ws / "results" / f"{name}.json").write_text(  # its groups were G1, G2 when it ran
        _document("quickstart", {"G1": 40.0, "G2": 70.0}), encoding="utf-8")
    shown: dict[str, str] = {}

    async def play(user: User) -> None:
        await user.open("/?lang=zh&tab=floorplan&scenario=quickstart")
        shown["note"] = user.find("floorplan-source").elements.pop().text
        shown["plan"] = user.find("floorplan-svg").elements.pop().content

    story(play)
    assert shown["note"] == (f"结果 {name} 中没有本方案的窗口组或事项（方案在运行后已修改）："
                             "重新运行后窗口按指标着色。")
    assert "<svg" in shown["plan"]


def test_the_first_run_of_a_scenario_is_listed_among_its_results_at_once(
        story, tmp_path: Path) -> None:
    """Quickstart has never run: no list of earlier results. After its first run the list
    shows, holding that run, without a reload of the page."""
    quickstart_workspace(tmp_path)
    shown: dict[str, object] = {}

    async def play(user: User) -> None:
        await user.open("/?lang=zh&tab=run&scenario=quickstart")
        shown["before"] = visible(user, "run-earlier")
        user.find("run-precision").elements.pop().value = "quick"
        user.find("run-start").click()
        await wait_for(user, "table-overall")
        await wait_for(user, "run-earlier", seconds=5)
        shown["listed"] = list(user.find("run-earlier").elements.pop().options)

    story(play)
    saved = list((tmp_path / "workspace" / "results").glob("quickstart-*.json"))
    assert shown == {"before": False, "listed": [saved[0].stem]}
