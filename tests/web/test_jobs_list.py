"""Story: the jobs list looks at the server's jobs every second. A planner reaching for
查看 on a finished run while another run is going must not lose the click to a row drawn
anew under the pointer: a row is built once, its progress and state follow its job in
place, and a new job's row comes in at the top."""

from __future__ import annotations

import asyncio
from pathlib import Path

from nicegui.testing.user import User

from tests.web.conftest import quickstart_workspace, visible, wait_for


def test_a_finished_jobs_show_button_stays_the_same_button_while_another_job_runs(
        story, tmp_path: Path) -> None:
    quickstart_workspace(tmp_path)
    seen: dict[str, object] = {}

    async def play(user: User) -> None:
        await user.open("/?lang=zh&tab=run&scenario=quickstart")
        user.find("run-precision").elements.pop().value = "quick"
        user.find("run-start").click()
        user.find("tab-jobs").click()
        await wait_for(user, "job-1-show")
        user.find("tab-run").click()
        user.find("run-replications").elements.pop().value = 200  # a long second run
        user.find("run-days").elements.pop().value = 365
        user.find("run-start").click()
        user.find("tab-jobs").click()
        await wait_for(user, "job-2-cancel")
        show = user.find("job-1-show").elements.pop()
        first_row = user.find("job-1").elements.pop()
        running_rows = set()
        for _ in range(25):  # 2.5 s: the list has looked at the jobs twice or more
            await asyncio.sleep(0.1)
            running_rows.add(user.find("job-2").elements.pop().id)
        seen["same show button"] = user.find("job-1-show").elements.pop() is show
        seen["same row"] = user.find("job-1").elements.pop() is first_row
        seen["one row for the running job"] = len(running_rows) == 1
        rows = [e for e in user.find("job-1").elements.pop().parent_slot.children
                if e.props.get("data-testid", "").startswith("job-")]
        seen["newest first"] = [e.props["data-testid"] for e in rows]
        user.find("job-2-cancel").click()
        for _ in range(100):
            if not visible(user, "job-2-cancel"):
                break
            await asyncio.sleep(0.1)
        seen["cancel button gone once cancelled"] = not visible(user, "job-2-cancel")
        await user.should_see("已取消", retries=30)

    story(play)
    assert seen == {"same show button": True, "same row": True,
                    "one row for the running job": True,
                    "newest first": ['job-2', 'job-1'],
                    "cancel button gone once cancelled": True}
