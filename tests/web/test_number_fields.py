"""Story: a planner types 2.5 windows, -3 replications or 100000 replications. The page
used to change such a number when the field lost focus (to 3, to 1, to 10000) and the
planner never learned; now every number field on every tab keeps what was typed and
says under it, in the page's language, what it accepts, and nothing is started or
saved with a value it refuses."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

from nicegui import ui
from nicegui.testing.user import User

from sim.report.i18n import set_language, tr
from sim.scenario.model import WindowGroup
from sim.web.fields import DAYS, Limit, limit_of, problem
from tests.web.conftest import quickstart_workspace, wait_for

ROOT = Path(__file__).resolve().parents[2]
#: the tabs with number fields, on the quickstart hall
TABS = ("import", "editor", "run", "forecast", "floorplan", "layout", "compare", "optimise",
        "decompose")


def _zh(limit: Limit, name: str) -> str:
    set_language("zh")
    return problem(tr, tr(name), limit)


def test_a_refusal_names_the_field_and_what_it_accepts_in_chinese() -> None:
    assert _zh(limit_of(WindowGroup, "count"), "Windows") == "窗口数须为 1–1,000 的整数"
    assert _zh(DAYS.with_optional(), "Days per replication") == (
        "每次重复的天数须为 1–3,660 的整数，或留空")
    assert _zh(Limit(0, 100_000, above=True), "Target wait (min)") == (
        "目标等待（分钟）须为大于 0 且不超过 100,000 的数")
    assert not limit_of(WindowGroup, "count").accepts(2.5)
    assert DAYS.with_optional().accepts(None) and not DAYS.accepts(None)


def test_no_number_field_on_any_tab_changes_what_is_typed(story, tmp_path: Path) -> None:
    """Each field would be corrected on losing focus (NiceGUI's sanitize) if it had a
    min, max or precision; each has a validation instead."""
    scenarios = quickstart_workspace(tmp_path) / "scenarios"
    shutil.copyfile(scenarios / "quickstart.yaml", scenarios / "另一个.yaml")  # to compare
    found: dict[str, int] = {}

    async def play(user: User) -> None:
        for tab in TABS:
            await user.open(f"/?lang=zh&tab={tab}&scenario=quickstart")
            if tab == "import":  # the target wait shows once a log is read
                user.find("import-sample-use").click()
                await wait_for(user, "import-target", 60)
            fields = [e for e in user.client.elements.values() if isinstance(e, ui.number)]
            found[tab] = len(fields)
            for field in fields:
                assert field.validation is not None, (tab, field.props.get("data-testid"))
                field.value = 2.5
                field.sanitize()  # what losing focus does
                assert field.value == 2.5, (tab, field.props.get("data-testid"))

    story(play)
    assert all(found.values()), found


def test_refused_replications_start_no_run_and_say_why_under_the_field(
        story, tmp_path: Path) -> None:
    """Empty replications once ran one replication, -3 failed in the worker, and 2.5
    and 100000 were silently made 3 and 10000."""
    quickstart_workspace(tmp_path)
    shown: list[tuple[float | None, str]] = []

    async def play(user: User) -> None:
        await user.open("/?lang=zh&tab=run&scenario=quickstart")
        reps = user.find("run-replications").elements.pop()
        for bad in (None, -3, 2.5, 100_000):
            reps.value = bad
            user.find("run-start").click()
            shown.append((reps.value, reps.props["error-message"]))
        reps.value = 3
        seed = user.find("run-seed").elements.pop()
        seed.value = -1
        user.find("run-start").click()
        shown.append((seed.value, seed.props["error-message"]))
        await user.open("/?lang=zh&tab=jobs")
        await user.should_not_see("运行 quickstart")

    story(play)
    assert shown[:4] == [(bad, "重复次数须为 1–10,000 的整数") for bad in (None, -3, 2.5, 100_000)]
    assert shown[4] == (-1, "随机种子须为不小于 0 的整数")
    assert not (tmp_path / "workspace" / "results").exists() or not any(
        (tmp_path / "workspace" / "results").iterdir())


def test_half_a_window_in_the_hall_editor_is_said_and_not_saved(story, tmp_path: Path) -> None:
    path = quickstart_workspace(tmp_path) / "scenarios" / "quickstart.yaml"
    before = path.read_text(encoding="utf-8")
    shown: dict[str, object] = {}

    async def play(user: User) -> None:
        await user.open("/?lang=zh&tab=editor&scenario=quickstart")
        count = user.find("field-windows.A.count").elements.pop()
        count.value = 2.5
        count.sanitize()  # the field loses focus
        shown["value"], shown["mark"] = count.value, count.props["error-message"]
        shown["save"] = user.find("editor-save").elements.pop().enabled
        cell = user.find("field-categories.tax.arrivals_per_hour.09:00").elements.pop()
        cell.value = -4
        shown["cell"] = cell.props["error-message"]
        shown["under the grid"] = user.find("grid-error-categories").elements.pop().text

    story(play)
    assert shown["value"] == 2.5
    assert shown["mark"] == "窗口数须为 1–1,000 的整数"
    assert shown["save"] is False
    assert shown["cell"] == "每小时取号量须为 0–100,000 之间的数"
    assert shown["under the grid"] == "tax 09:00：每小时取号量须为 0–100,000 之间的数"
    assert path.read_text(encoding="utf-8") == before


def test_negative_seats_on_the_floor_plan_are_said_and_not_applied(story,
                                                                   tmp_path: Path) -> None:
    ws = tmp_path / "workspace" / "scenarios"
    ws.mkdir(parents=True)
    shutil.copyfile(ROOT / "scenarios" / "quickstart.yaml", ws / "大厅.yaml")
    shown: dict[str, object] = {}

    async def play(user: User) -> None:
        await user.open("/?lang=zh&tab=layout&scenario=大厅")
        plan = user.find("layout-svg").elements.pop().content
        seats = user.find("layout-area-0-seats").elements.pop()
        seats.value = -3
        shown["mark"] = seats.props["error-message"]
        shown["save"] = user.find("layout-save").elements.pop().enabled
        shown["same plan"] = user.find("layout-svg").elements.pop().content == plan
        user.find("layout-entrances-0-x").elements.pop().value = 1  # a valid change elsewhere
        shown["save after"] = user.find("layout-save").elements.pop().enabled

    story(play)
    assert shown["mark"] == "座位数须为 0–1,000,000 的整数"
    assert shown["save"] is False and shown["same plan"] is True
    assert shown["save after"] is False  # the refused seats still wait to be corrected
    assert "layout" not in (ws / "大厅.yaml").read_text(encoding="utf-8")


def test_a_day_past_the_scenarios_last_is_not_replayed(story, tmp_path: Path) -> None:
    quickstart_workspace(tmp_path)
    shown: dict[str, str] = {}

    async def play(user: User) -> None:
        await user.open("/?lang=zh&tab=floorplan&scenario=quickstart")
        day = user.find("replay-day").elements.pop()
        day.value = 6  # quickstart has days 1-5, as planners count them
        user.find("replay-start").click()
        shown["mark"] = day.props["error-message"]
        await user.open("/?lang=zh&tab=jobs")
        await user.should_not_see("quickstart")

    story(play)
    assert shown["mark"] == "第几天须为 1–5 的整数"


def _type(field: ui.number, text: str) -> None:
    """What the browser sends as a planner types into ``field``: its text so far."""
    listener = next(e for e in field._event_listeners.values()
                    if e.type == "update:modelValue")
    field._handle_event({"listener_id": listener.id, "args": text})


def _keeps_typing(field: ui.number) -> bool:
    """Whether the next update of ``field`` leaves the browser's text as it stands
    (NiceGUI's ``preserved_props``) instead of writing the page's value over it."""
    return field._to_dict().get("preserved_props") == ["model-value"]


def test_the_page_never_writes_over_a_number_being_typed(story, tmp_path: Path) -> None:
    """A planner typed 2.5 for the seed (refused, said under the field), selected it and
    typed 3: the message goes, and the update that removes it wrote "3.0" into the field
    under her cursor, so the 2.5 she typed next read 2.05. She emptied the replications
    to type 12: the message "须为 ... 的整数" came back with an empty field, which, arriving
    after her first key, ate the 1 and left 2 replications. Now the page keeps the text
    as she types it."""
    quickstart_workspace(tmp_path)
    kept: dict[str, bool] = {}
    values: dict[str, object] = {}

    async def play(user: User) -> None:
        await user.open("/?lang=zh&tab=run&scenario=quickstart")
        seed = user.find("run-seed").elements.pop()
        _type(seed, "2.5")
        _type(seed, "3")  # typed over the refused 2.5: valid, the message goes
        kept["3 after 2.5"] = _keeps_typing(seed)
        values["seed"] = seed.value
        reps = user.find("run-replications").elements.pop()
        _type(reps, "")  # emptied: the message shows
        kept["emptied"] = _keeps_typing(reps)
        _type(reps, "12")
        kept["12"] = _keeps_typing(reps)
        values["replications"] = reps.value
        reps.value = 30  # the page sets a value itself (a precision chosen): it is shown
        kept["set by the page"] = _keeps_typing(reps)

    story(play)
    assert kept == {"3 after 2.5": True, "emptied": True, "12": True, "set by the page": False}
    assert values == {"seed": 3.0, "replications": 12.0}


def test_a_slip_of_the_finger_in_the_demand_scale_leaves_the_grid_alone(
        story, tmp_path: Path) -> None:
    """She meant 9 % and typed 99999999999: 应用 multiplied every cell of the demand grid
    by a billion, every cell turned red, and the only way back was to type each again.
    The scale now stops at six times today's demand (as the forecast tab's does) and
    says so under the field; the grid keeps its figures."""
    quickstart_workspace(tmp_path)
    shown: dict[str, object] = {}

    async def play(user: User) -> None:
        await user.open("/?lang=zh&tab=editor&scenario=quickstart")
        cell = "field-categories.tax.arrivals_per_hour.09:00"
        before = user.find(cell).elements.pop().value
        scale = user.find("demand-scale").elements.pop()
        scale.value = 99_999_999_999
        user.find("demand-scale-apply").click()
        shown["mark"] = scale.props["error-message"]
        shown["same"] = user.find(cell).elements.pop().value == before
        scale.value = 10
        user.find("demand-scale-apply").click()
        await asyncio.sleep(0.3)  # the grid is drawn again
        shown["scaled"] = ({e.value for e in user.find(cell).elements}, before)

    story(play)
    assert shown["mark"] == "需求增减（%）须为 -95–500 之间的数"
    assert shown["same"] is True
    scaled, before = shown["scaled"]
    assert [round(v, 9) for v in scaled] == [round(before * 1.1, 9)]


def test_a_replication_past_the_limit_is_not_replayed(story, tmp_path: Path) -> None:
    """第几次重复 99999999999 started a replay that simulated replication after
    replication towards a hundred billion (the command line stops at 10,000), until she
    found 取消 on the jobs tab."""
    quickstart_workspace(tmp_path)
    shown: dict[str, str] = {}

    async def play(user: User) -> None:
        await user.open("/?lang=zh&tab=floorplan&scenario=quickstart")
        rep = user.find("replay-replication").elements.pop()
        rep.value = 99_999_999_999
        user.find("replay-start").click()
        shown["mark"] = rep.props["error-message"]
        await user.open("/?lang=zh&tab=jobs")
        await user.should_not_see("quickstart")

    story(play)
    assert shown["mark"] == "第几次重复须为 1–10,000 的整数"
