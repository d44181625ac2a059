"""Story: a planner runs the quickstart hall for one day, three replications, seed 1,
from the page. The run goes to a worker process; the page shows the overall table with
the very figures ``hallsim run`` prints for the same scenario and seed, and keeps the
results document in the workspace. A job can be cancelled, a job that fails shows its
message, a worker that dies fails its job and is replaced, and the next job runs."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from nicegui.testing.user import User

from sim.web.jobs import CANCELLED, DONE, FAILED, JobManager
from tests.web.conftest import quickstart_workspace, wait_for

ROOT = Path(__file__).resolve().parents[2]


def cli_overall(*args: str) -> dict[str, str]:
    """The overall block ``hallsim run`` prints: label -> value text."""
    out = subprocess.run([sys.executable, "-m", "sim.cli.main", "run", *args], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    block = out.split("\n\n")[1].splitlines()[2:]
    # label and value, two or more spaces apart ("P95 wait min   17.8 (0.0–61.1)")
    return dict(re.fullmatch(r"\s*(.*?)\s{2,}(\S.*?)\s*", line).groups()  # type: ignore
                for line in block)


def test_a_run_in_the_page_shows_what_the_command_line_prints(story, tmp_path: Path) -> None:
    quickstart_workspace(tmp_path)
    shown: dict[str, str] = {}

    async def play(user: User) -> None:
        await user.open("/?lang=en&tab=run&scenario=quickstart")
        user.find("run-precision").elements.pop().value = "quick"
        user.find("run-start").click()
        await wait_for(user, "table-overall")
        table = user.find("table-overall").elements.pop()
        shown.update({r["c0"]: r["c1"] for r in table.rows})

    story(play)
    assert shown == cli_overall("scenarios/quickstart.yaml", "--days", "1", "-r", "3",
                                "--seed", "1")
    saved = list((tmp_path / "workspace" / "results").glob("quickstart-*.json"))
    assert len(saved) == 1 and json.loads(saved[0].read_text())["replications"] == 3


def _wait(manager: JobManager, job_id: int, seconds: float = 60) -> str:
    end = time.time() + seconds
    while time.time() < end:
        job = manager.get(job_id)
        if job is not None and not job.active:
            return job.state
        time.sleep(0.05)
    raise AssertionError("job did not finish")


def test_a_cancelled_job_stops_and_a_failed_one_says_why(tmp_path: Path) -> None:
    manager = JobManager(1)
    try:
        long = manager.submit("run", "长跑", "run", path=str(ROOT / "scenarios/quickstart.yaml"),
                              seed=1, replications=10_000, days=5,
                              out=str(tmp_path / "long.json"))
        while manager.get(long.id).state != "running":
            time.sleep(0.05)
        assert manager.cancel(long.id)
        assert _wait(manager, long.id) == CANCELLED
        bad = manager.submit("run", "坏文件", "run", path=str(tmp_path / "没有.yaml"), seed=1,
                             replications=1, days=None, out=str(tmp_path / "x.json"))
        assert _wait(manager, bad.id) == FAILED
        assert "没有.yaml" in manager.get(bad.id).error
        good = manager.submit("run", "好", "run", path=str(ROOT / "scenarios/quickstart.yaml"),
                              seed=1, replications=1, days=1, out=str(tmp_path / "ok.json"))
        assert _wait(manager, good.id) == DONE
        assert not (tmp_path / "long.json").exists()
    finally:
        manager.shutdown()


def test_a_worker_that_dies_fails_its_job_with_a_message_and_is_replaced(
        tmp_path: Path) -> None:
    manager = JobManager(1)
    try:
        job = manager.submit("run", "崩溃", "run", path=str(ROOT / "scenarios/quickstart.yaml"),
                             seed=1, replications=10_000, days=5, out=str(tmp_path / "x.json"))
        while manager.get(job.id).state != "running":
            time.sleep(0.05)
        os.kill(manager._running[job.id].process.pid, signal.SIGKILL)  # a crash, not a cancel
        assert _wait(manager, job.id) == FAILED
        assert "worker process stopped" in manager.get(job.id).error
        after = manager.submit("run", "之后", "run", path=str(ROOT / "scenarios/quickstart.yaml"),
                               seed=1, replications=1, days=1, out=str(tmp_path / "ok.json"))
        assert _wait(manager, after.id) == DONE
        assert not (tmp_path / "x.json").exists()
    finally:
        manager.shutdown()


def test_a_run_that_ends_while_the_planner_is_elsewhere_is_drawn_on_return(
        story, tmp_path: Path) -> None:
    """Drawing a run's charts and tables takes the page a moment: done while the planner
    looks at the jobs list, the results wait for the run tab and appear when it is shown,
    so the click on the jobs list is never held up by them."""
    quickstart_workspace(tmp_path)
    seen: dict[str, bool] = {}

    async def play(user: User) -> None:
        import asyncio

        from tests.web.conftest import visible

        await user.open("/?lang=en&tab=run&scenario=quickstart")
        user.find("run-precision").elements.pop().value = "quick"
        user.find("run-start").click()
        user.find("tab-jobs").click()
        await wait_for(user, "job-1")
        for _ in range(900):  # until the run is done (its cancel button goes)
            if not visible(user, "job-1-cancel"):
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.5)  # the run tab's view has polled the finished job
        seen["drawn while away"] = visible(user, "table-overall")
        user.find("tab-run").click()
        await wait_for(user, "table-overall", seconds=10)
        seen["drawn on return"] = visible(user, "table-overall")

    story(play)
    assert seen == {"drawn while away": False, "drawn on return": True}


def test_a_job_reads_in_the_language_of_the_page_that_lists_it(story, tmp_path: Path) -> None:
    """A run started on the Chinese page is 运行 quickstart (3 次 × 1 天，种子 1) there, and
    Run quickstart on the English jobs list (the job keeps what it works on, not the words
    of its page); when done, 查看 / Show opens its result."""
    quickstart_workspace(tmp_path)

    async def play(user: User) -> None:
        await user.open("/?lang=zh&tab=run&scenario=quickstart")
        user.find("run-precision").elements.pop().value = "quick"
        user.find("run-start").click()
        await user.open("/?lang=zh&tab=jobs")
        await user.should_see("运行 quickstart", retries=50)
        await user.should_see("3 次 × 1 天，种子 1", retries=50)
        await user.open("/?lang=en&tab=jobs")
        await user.should_see("Run quickstart", retries=50)
        # once done, the job leads to its result: the run tab with the run in view
        await wait_for(user, "job-1-show")
        user.find("job-1-show").click()
        await user.should_see(marker="table-overall", retries=50)

    story(play)


def test_show_on_an_older_run_shows_that_run_not_the_newest(story, tmp_path: Path) -> None:
    """Two runs of one hall (3 x 1 day, then 2 x 1 day): the jobs list's "Show" on the
    first opens the run tab with the first run's result chosen and shown."""
    quickstart_workspace(tmp_path)
    seen: dict[str, str] = {}

    async def play(user: User) -> None:
        import asyncio

        await user.open("/?lang=en&tab=run&scenario=quickstart")
        user.find("run-precision").elements.pop().value = "quick"
        user.find("run-start").click()
        await wait_for(user, "run-earlier")
        seen["first"] = user.find("run-earlier").elements.pop().value
        await asyncio.sleep(1.1)  # results are named to the second
        user.find("run-replications").elements.pop().value = 2
        user.find("run-start").click()
        for _ in range(600):
            await asyncio.sleep(0.1)
            if user.find("run-earlier").elements.pop().value != seen["first"]:
                break
        seen["second"] = user.find("run-earlier").elements.pop().value
        await user.open("/?lang=en&tab=jobs")
        await wait_for(user, "job-1-show")
        user.find("job-1-show").click()
        await user.should_see(marker="table-overall", retries=50)
        seen["shown"] = user.find("run-earlier").elements.pop().value

    story(play)
    assert seen["second"] != seen["first"] and seen["shown"] == seen["first"]


def test_a_reload_mid_run_shows_the_run_still_going(story, tmp_path: Path) -> None:
    """The planner starts a long run and reloads the page: the run tab follows the run
    again (its progress and cancel button), and cancelling from there stops it."""
    quickstart_workspace(tmp_path)
    seen: dict[str, bool] = {}

    async def play(user: User) -> None:
        from tests.web.conftest import visible

        await user.open("/?lang=en&tab=run&scenario=quickstart")
        user.find("run-replications").elements.pop().value = 5000
        user.find("run-start").click()
        await user.open("/?lang=en&tab=run&scenario=quickstart")  # the reload
        await user.should_see(marker="run-cancel", retries=50)
        seen["following"] = visible(user, "run-progress")
        user.find("run-cancel").click()
        await user.should_see("cancelled", retries=50)

    story(play)
    assert seen == {"following": True}


def test_the_last_run_stays_in_view_after_a_reload_or_a_change_of_language(
        story, tmp_path: Path) -> None:
    """Run, then switch the page to English: the run tab shows the newest run of the
    scenario at once (listed first among the earlier results), nothing to start again."""
    quickstart_workspace(tmp_path)
    seen: dict[str, Any] = {}

    async def play(user: User) -> None:
        await user.open("/?lang=zh&tab=run&scenario=quickstart")
        user.find("run-precision").elements.pop().value = "quick"
        user.find("run-start").click()
        await wait_for(user, "table-overall")
        await user.open("/?lang=en&tab=run&scenario=quickstart")
        await user.should_see(marker="table-overall", retries=50)
        seen["title"] = user.find("results-head").elements.pop().text
        seen["listed"] = user.find("run-earlier").elements.pop().value

    story(play)
    assert seen["title"].startswith("quickstart: seed 1, 3 replication(s) of 1 day(s)")
    assert seen["listed"].startswith("quickstart-")


def test_after_a_reload_the_fields_say_how_the_result_shown_was_made(
        story, tmp_path: Path) -> None:
    """She runs 4 replications of 1 day with seed 7 and reloads: the result comes back,
    and the fields read 4, 1 and 7 (they used to read 标准 / 10 above a result of 4), no
    precision marked since none gives those; a quick run shows 快速 marked."""
    quickstart_workspace(tmp_path)
    seen: dict[str, Any] = {}

    async def play(user: User) -> None:
        await user.open("/?lang=zh&tab=run&scenario=quickstart")
        user.find("run-replications").elements.pop().value = 4
        user.find("run-days").elements.pop().value = 1
        user.find("run-seed").elements.pop().value = 7
        user.find("run-start").click()
        await wait_for(user, "table-overall")
        await user.open("/?lang=zh&tab=run&scenario=quickstart")
        await user.should_see(marker="table-overall", retries=50)
        seen["asked"] = tuple(user.find(f"run-{k}").elements.pop().value
                              for k in ("precision", "replications", "days", "seed"))
        user.find("run-precision").elements.pop().value = "quick"
        user.find("run-start").click()
        for _ in range(600):  # the quick run listed beside the first
            if len(user.find("run-earlier").elements.pop().options) == 2:
                break
            await asyncio.sleep(0.1)
        await user.open("/?lang=en&tab=run&scenario=quickstart")
        await user.should_see(marker="table-overall", retries=50)
        seen["quick"] = tuple(user.find(f"run-{k}").elements.pop().value
                              for k in ("precision", "replications", "days", "seed"))

    story(play)
    assert seen["asked"] == (None, 4, 1, 7)
    assert seen["quick"] == ("quick", 3, 1, 7)
