"""Story: a planner opens the floor plan and replay tab of a hall she ran once. The floor
plan is the one ``hallsim plan-view --results`` draws from her latest results, coloured
by the figure she chooses; asking for a replay of 第 1 天 (days and replications counted
from 1, as she counts them) runs ``hallsim run --records --duty`` in a worker and embeds
the very replay ``hallsim replay --duty`` writes for those records. A second,
real-browser story seeks the embedded replay and counts the dots against the records."""

from __future__ import annotations

import asyncio
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
from sim.web.floorplan_tab import records_path
from sim.web.workspace import Workspace
from tests.web.browser import ROOT, browser, server
from tests.web.conftest import quickstart_workspace, wait_for

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
        user.find("floorplan-download").click()  # 下载平面图（SVG）: the plan she sees
        shown["svg file"] = (await user.download.next()).content.decode("utf-8")
        shown["labels"] = " ".join(e.props.get("label", "") for e in
                                   (user.find("replay-day").elements.pop(),
                                    user.find("replay-replication").elements.pop()))
        user.find("replay-day").elements.pop().value = 1
        user.find("replay-replication").elements.pop().value = 2  # the second
        user.find("replay-start").click()
        await wait_for(user, "replay-embedded")
        shown["replay"] = user.find("replay-embedded").elements.pop().content
        user.find("replay-download").click()  # 下载回放（HTML）
        shown["html file"] = (await user.download.next(timeout=10)).content.decode("utf-8")
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

    assert shown["svg file"] == shown["wait_mean"]  # hallsim plan-view's SVG
    # the page's 第 1 天, 第 2 次重复 are the records' day 0, replication 1 (seed 1)
    records = _one(ws, "day0-rep1-seed1")
    duty = records.with_name(records.name.replace(".csv.gz", "-duty.csv.gz"))
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
    # the download is the page hallsim replay writes of those records
    page = tmp_path / "cli.html"
    subprocess.run([sys.executable, "-m", "sim.cli.main", "--lang", "zh", "replay",
                    str(ws / "scenarios" / f"{HALL}.yaml"), "--records", str(records),
                    "--duty", str(duty), "--day", "0", "--replication", "1", "--out",
                    str(page)], cwd=ROOT, check=True, capture_output=True)
    assert shown["html file"] == page.read_text(encoding="utf-8")
    assert "<title>回放（第 1 天，第 2 次重复）" in shown["html file"]


def _one(ws: Path, which: str) -> Path:
    """The one records file of the replay ``which`` (``dayD-repR-seedS``) in ``ws``."""
    found = sorted((ws / "results").glob(f"{HALL}-replay-{which}-*.csv.gz"))
    found = [p for p in found if not p.name.endswith("-duty.csv.gz")]
    assert len(found) == 1, found
    return found[0]


def test_a_replay_with_another_seed_keeps_the_first_ones_records(story, tmp_path: Path) -> None:
    """Replays were written to NAME-replay-dayD-repR.csv.gz whatever the seed: a replay
    with seed 7 overwrote the records of seed 1, and two replays of one day running at
    once could read each other's. Each replay now has records of its own."""
    ws = _workspace(tmp_path)

    async def play(user: User) -> None:
        await user.open(f"/?lang=zh&tab=floorplan&scenario={HALL}")
        user.find("replay-start").click()
        await wait_for(user, "replay-embedded")
        user.find("replay-seed").elements.pop().value = 7
        user.find("replay-start").click()
        for _ in range(600):  # the second replay's page is written last
            if list((ws / "results").glob(f"{HALL}-replay-day0-rep0-seed7-*.html")):
                break
            await asyncio.sleep(0.1)

    story(play)
    first, second = _one(ws, "day0-rep0-seed1"), _one(ws, "day0-rep0-seed7")
    assert not pd.read_csv(first).equals(pd.read_csv(second))
    # two replays of the same day, replication and seed at once: two names as well
    names = {records_path(Workspace(ws), HALL, 0, 0, 1) for _ in range(20)}
    assert len(names) == 20


def test_colours_of_results_older_than_the_scenario_say_so(story, tmp_path: Path) -> None:
    """The floor plan is coloured by the newest run; when the planner changed the hall
    since (more customers of an item), the note says the colours are of the hall before."""
    ws = _workspace(tmp_path)
    seen: list[str] = []

    async def play(user: User) -> None:
        await user.open(f"/?lang=zh&tab=floorplan&scenario={HALL}")
        seen.append(user.find("floorplan-source").elements.pop().text)
        path = ws / "scenarios" / f"{HALL}.yaml"
        text = path.read_text(encoding="utf-8")
        assert "arrivals_per_hour: 27 " in text
        path.write_text(text.replace("arrivals_per_hour: 27 ", "arrivals_per_hour: 30 "),
                        encoding="utf-8")  # more customers of one item expected
        await user.open(f"/?lang=zh&tab=floorplan&scenario={HALL}")
        seen.append(user.find("floorplan-source").elements.pop().text)

    story(play)
    assert seen[0] == f"着色所据结果：{HALL}-首次运行"
    assert seen[1] == (f"着色所据结果：{HALL}-首次运行，运行于方案最近一次修改之前，已过时："
                       "请重新运行，按方案现状着色。")


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
        records = _one(ws, "day0-rep0-seed1")
        frame = day_of_records(records, 0, 0)
        duty = day_of_duty(str(records).replace(".csv.gz", "-duty.csv.gz"), 0, 0)
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


def test_old_replays_files_go_the_newest_five_stay(tmp_path: Path) -> None:
    """Every replay leaves its records, duty and page under a name of its own: a planner
    replaying day after day would fill the workspace. Before a replay starts, the files
    of all but the five newest replays of that scenario go; another scenario's stay (a
    name that begins like it, 兴隆台2, too)."""
    import os

    from sim.web.floorplan_tab import prune_replays, records_path
    from sim.web.workspace import Workspace

    ws = Workspace(tmp_path / "ws")
    made = []
    for k in range(7):
        records = records_path(ws, "兴隆台.v2", day=k, replication=0, seed=1)
        stem = str(records)[:-len(".csv.gz")]
        files = [records, Path(f"{stem}-duty.csv.gz"), Path(f"{stem}.html")]
        for f in files:
            f.write_text("x", encoding="utf-8")
            os.utime(f, (1_000_000 + k, 1_000_000 + k))
        made.append(files)
    other = records_path(ws, "兴隆台.v22", day=0, replication=0, seed=1)
    other.write_text("x", encoding="utf-8")
    os.utime(other, (1, 1))
    gone = prune_replays(ws, "兴隆台.v2")
    assert sorted(gone) == sorted(made[0] + made[1])
    assert all(f.exists() for files in made[2:] for f in files) and other.exists()
    assert prune_replays(ws, "兴隆台.v2") == []


def test_pruning_reads_a_name_as_text_and_takes_only_replay_files(tmp_path: Path) -> None:
    """大厅[1]'s name is not a pattern: its replays are pruned, 大厅1's are not touched;
    a run of a scenario named 大厅-replay (大厅-replay-20261207-101010.json) is not an
    old replay of 大厅."""
    import os

    from sim.web.floorplan_tab import prune_replays, records_path
    from sim.web.workspace import Workspace

    ws = Workspace(tmp_path / "ws")

    def replays(name: str, n: int) -> list[Path]:
        out = []
        for k in range(n):
            records = records_path(ws, name, day=k, replication=0, seed=1)
            records.write_text("x", encoding="utf-8")
            os.utime(records, (1_000_000 + k, 1_000_000 + k))
            out.append(records)
        return out

    bracketed, plain = replays("大厅[1]", 7), replays("大厅1", 7)
    run = ws.path("results", "大厅-replay-20261207-101010", ".json")
    run.write_text("{}", encoding="utf-8")
    assert sorted(prune_replays(ws, "大厅[1]")) == sorted(bracketed[:2])
    assert all(p.exists() for p in plain) and run.exists()
    assert prune_replays(ws, "大厅") == [] and run.exists()


def test_a_pruned_replays_download_says_why_instead_of_failing(story, tmp_path: Path) -> None:
    """A replay still on screen in another tab after five newer ones: its 下载回放 found no
    file and did nothing (an error in the server's log). It now says the files were
    removed and to replay it again."""
    from sim.web.floorplan_tab import download_replay

    quickstart_workspace(tmp_path)
    said: list[str] = []

    async def play(user: User) -> None:
        from sim.web.common import Context

        await user.open("/?lang=zh&tab=floorplan&scenario=quickstart")
        ctx = Context.__new__(Context)
        ctx.lang = "zh"
        download_replay(ctx, str(tmp_path / "gone.html"), "x.html")
        await user.should_see("请重新回放后再下载", retries=30)
        said.append("ok")

    story(play)
    assert said == ["ok"]
