"""Story: a planner opens the floor plan and replay tab of a hall she ran once. The floor
plan is the one ``hallsim plan-view --results`` draws from her latest results, coloured
by the figure she chooses; asking for a replay of 第 1 天 (days and replications counted
from 1, as she counts them) runs ``hallsim run --records --duty`` in a worker and embeds
the very replay ``hallsim replay --duty`` writes for those records. A second,
real-browser story seeks the embedded replay and counts the dots against the records."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from nicegui.testing.user import User

from sim.report.floorplan import floorplan_svg
from sim.report.i18n import set_language
from sim.report.replay import (
    counts_at,
    day_of_duty,
    day_of_records,
    replay_data,
    replay_fragment,
)
from sim.scenario.model import load_scenario
from tests.web.browser import ROOT, browser, server
from tests.web.conftest import wait_for

HALL = "东城区政务大厅"


def _workspace(tmp_path: Path) -> Path:
    """A workspace holding the quickstart hall under a Chinese name, run once (-r 2)."""
    ws = tmp_path / "workspace"
    (ws / "scenarios").mkdir(parents=True)
    (ws / "results").mkdir()
    shutil.copyfile(ROOT / "scenarios" / "quickstart.yaml", ws / "scenarios" / f"{HALL}.yaml")
    subprocess.run([sys.executable, "-m", "sim.cli.main", "run",
                    str(ws / "scenarios" / f"{HALL}.yaml"), "--days", "1", "-r", "2", "-q",
                    "--json", str(ws / "results" / f"{HALL}-首次运行.json")],
                   cwd=ROOT, check=True, capture_output=True)
    return ws


def test_the_tab_shows_the_command_lines_floor_plan_and_replay(story, tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    shown: dict[str, str] = {}

    async def play(user: User) -> None:
        await user.open(f"/?lang=zh&tab=floorplan&scenario={HALL}")
        await user.should_see(f"着色所据结果：{HALL}-首次运行")
        shown["utilisation"] = user.find("floorplan-svg").elements.pop().content
        user.find("floorplan-colour-by").elements.pop().value = "wait_mean"
        shown["wait_mean"] = user.find("floorplan-svg").elements.pop().content
        shown["labels"] = " ".join(e.props.get("label", "") for e in
                                   (user.find("replay-day").elements.pop(),
                                    user.find("replay-replication").elements.pop()))
        user.find("replay-day").elements.pop().value = 1
        user.find("replay-replication").elements.pop().value = 2  # the second
        user.find("replay-start").click()
        await wait_for(user, "replay-embedded")
        shown["replay"] = user.find("replay-embedded").elements.pop().content
        await user.open("/?lang=zh&tab=jobs")  # the jobs list says which day she asked for
        await user.should_see("第 1 天，第 2 次重复，种子 1", retries=50)
        # 查看 brings the replay back, with the day and replication she asked for
        await wait_for(user, "job-1-show")
        user.find("job-1-show").click()
        await wait_for(user, "replay-embedded")
        shown["again"] = user.find("replay-embedded").elements.pop().content
        shown["asked"] = (user.find("replay-day").elements.pop().value,
                          user.find("replay-replication").elements.pop().value)

    story(play)
    assert shown["again"] == shown["replay"] and shown["asked"] == (1, 2)
    scenario = load_scenario(ws / "scenarios" / f"{HALL}.yaml")
    doc = json.loads((ws / "results" / f"{HALL}-首次运行.json").read_text(encoding="utf-8"))
    set_language("zh")
    assert shown["utilisation"] == floorplan_svg(scenario, doc, "utilisation")
    assert shown["wait_mean"] == floorplan_svg(scenario, doc, "wait_mean")
    assert shown["utilisation"] != shown["wait_mean"]

    # the page's 第 1 天, 第 2 次重复 are the records' day 0, replication 1
    records = ws / "results" / f"{HALL}-replay-day0-rep1.csv.gz"
    duty = ws / "results" / f"{HALL}-replay-day0-rep1-duty.csv.gz"
    cli, cli_duty = tmp_path / "cli.csv.gz", tmp_path / "cli-duty.csv.gz"
    subprocess.run([sys.executable, "-m", "sim.cli.main", "run",
                    str(ws / "scenarios" / f"{HALL}.yaml"), "--days", "1", "-r", "2", "-q",
                    "--seed", "1", "--records", str(cli), "--duty", str(cli_duty)], cwd=ROOT,
                   check=True, capture_output=True)
    pd.testing.assert_frame_equal(pd.read_csv(records), pd.read_csv(cli))
    pd.testing.assert_frame_equal(pd.read_csv(duty), pd.read_csv(cli_duty))
    data = replay_data(scenario, day_of_records(records, 0, 1), day_of_duty(duty, 0, 1))
    assert shown["replay"] == replay_fragment(scenario, data, "hs-web-replay")
    assert "等候中" in shown["replay"]  # the labels in the page's language
    assert '<b class="hs-day">第 1 天，第 2 次重复</b>' in shown["replay"]  # as asked
    assert "未在岗：此时段未排班，或在休息" in shown["replay"]  # the windows' legend
    assert "0 起" not in shown["labels"] and "第几天" in shown["labels"]


@pytest.mark.browser
def test_the_embedded_replay_shows_what_the_records_say(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    with server(ws) as (base, _), browser(base) as b:
        b.page.goto(f"{base}/?lang=zh&tab=floorplan&scenario={HALL}")
        b.by("floorplan-svg").locator('[id="window-A-1"]').wait_for()
        b.by("replay-start").click()
        b.page.locator("#hs-web-replay[data-ready='1']").wait_for(timeout=25_000)
        b.page.evaluate("window.hallsimWebReplay.seek(600); window.scrollTo(0, 0)")
        b.shot("floorplan")
        frame = day_of_records(ws / "results" / f"{HALL}-replay-day0-rep0.csv.gz", 0, 0)
        duty = day_of_duty(ws / "results" / f"{HALL}-replay-day0-rep0-duty.csv.gz", 0, 0)
        scenario = load_scenario(ws / "scenarios" / f"{HALL}.yaml")
        windows = tuple(f"{g.id}-{k}" for g in scenario.windows for k in range(1, g.count + 1))
        for t in (480.0, 545.5, 600.0, 690.25, 780.0, 900.0, 1000.0):
            counts = b.page.evaluate(f"window.hallsimWebReplay.seek({t})")
            want = counts_at(frame, t, duty, windows)
            keys = ("waiting", "serving", "gone", "served", "off")
            assert {k: counts[k] for k in keys} == {k: want[k] for k in keys}, t
            assert b.page.locator("#hs-web-replay .hs-n-served").inner_text() == \
                str(want["served"])
        # 放大: the replay over the whole 1366x768 window, fitted to it, nothing to scroll
        b.page.locator("#hs-web-replay .hs-zoom").click()
        b.page.wait_for_timeout(300)
        fit = b.page.evaluate("""(() => { const r = document.getElementById('hs-web-replay');
            const n = r.querySelector('.hs-note').getBoundingClientRect();
            return [r.scrollHeight, r.clientHeight, n.bottom, innerHeight]; })()""")
        assert fit[0] <= fit[1] and fit[2] <= fit[3], fit
        if b.shots is not None:
            b.page.screenshot(path=str(tmp_path / "enlarged.png"))
        b.page.keyboard.press("Escape")
        # on a 1024 px page the replay goes below the plan, so the plan keeps its labels
        # readable (in a 5/12 column it was drawn at under half its size)
        b.page.set_viewport_size({"width": 1024, "height": 700})
        b.page.wait_for_timeout(300)
        drawn = b.by("floorplan-svg").locator("svg").first.bounding_box()["width"]
        assert drawn >= 0.8 * 888, drawn
        assert b.outside() == [] and b.errors == []
