"""Stories about the replay of a simulated day: in a real headless Chromium, the dots
waiting, walking and at their windows and the busy windows after ``seek(t)`` are
exactly what the records say at t, counted here in pytest from the same rows."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

from sim.cli.main import main
from sim.run.replications import simulate
from sim.scenario.model import scenario_from_dict
from tests.layout.halls import HALL

#: times of the day (minutes) at which the view is checked: before opening, the morning
#: peak, lunch, the afternoon, after closing
MOMENTS = (500.0, 515.25, 545.0, 600.5, 661.0, 730.0, 780.0, 845.0, 930.0, 1021.0, 1100.0)


def _busy_hall() -> dict[str, Any]:
    data = copy.deepcopy(HALL)
    data["categories"]["不动产登记"]["arrivals_per_hour"] = 16
    data["categories"]["社保"]["arrivals_per_hour"] = 14
    data["categories"]["社保"]["patience"] = {"dist": "exponential", "mean": 10}
    return data


@pytest.fixture(scope="module")
def day_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, pd.DataFrame]:
    """The busy hall's scenario file and a records file of one day, in which every served
    customer walked ``0.4`` minutes to the window (a ``start`` column)."""
    tmp = tmp_path_factory.mktemp("replay")
    data = _busy_hall()
    scenario = tmp / "hall.yaml"
    scenario.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    frame = simulate(scenario_from_dict(data), seed=7, replications=1,
                     keep_records=True).records_frame()
    called = frame["call"].notna()
    frame["start"] = np.where(called, frame["call"] + np.minimum(0.4, (frame["end"] -
                                                                        frame["call"]) / 2),
                              np.nan)
    records = tmp / "records.csv"
    frame.to_csv(records, index=False)
    return scenario, records, frame


def _expected(rows: pd.DataFrame, t: float) -> dict[str, int]:
    """What is on the floor at t, from the records' columns by the documented rules."""
    out = {"waiting": 0, "walking": 0, "serving": 0, "gone": 0, "served": 0}
    busy = set()
    for r in rows.itertuples():
        if r.arrival > t:
            continue
        called = not pd.isna(r.call)
        end = np.inf if pd.isna(r.end) else r.end
        if (called and t < r.call) or (not called and t < end):
            out["waiting"] += 1
        elif t >= end:
            out["served" if r.outcome == "served" else "gone"] += 1
        else:
            busy.add(r.window)
            out["walking" if t < r.start else "serving"] += 1
    return out | {"busy": len(busy), "off": 0}  # no duty file: no window drawn off duty


@pytest.mark.browser
def test_seek_shows_exactly_what_the_records_say(chromium: Any, day_files: Any,
                                                 tmp_path: Path) -> None:
    scenario, records, frame = day_files
    out = tmp_path / "day.html"
    assert main(["replay", str(scenario), "--records", str(records), "--day", "0",
                 "--out", str(out)]) == 0
    page = chromium.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(out.as_uri())
    assert frame["outcome"].eq("abandoned").any()  # some 社保 customers give up
    seen = set()
    for t in MOMENTS:
        shown = page.evaluate(f"window.replay.seek({t})")
        on_screen = page.evaluate("""() => ({
            waiting: document.querySelectorAll('.hs-dots circle.waiting').length,
            walking: document.querySelectorAll('.hs-dots circle.walking').length,
            serving: document.querySelectorAll('.hs-dots circle.serving').length,
            busy: document.querySelectorAll('g.busy[id^="window-"]').length,
            served: Number(document.querySelector('.hs-n-served').textContent),
            gone: Number(document.querySelector('.hs-n-gone').textContent)})""")
        expected = _expected(frame, t)
        assert shown == expected, t
        assert on_screen == {k: expected[k] for k in on_screen}, t
        seen |= {k for k, v in expected.items() if v}
    assert seen == {"waiting", "walking", "serving", "gone", "served", "busy"}
    assert page.evaluate("window.replay.seek(600.5); window.replay.state.counts.waiting") == \
        _expected(frame, 600.5)["waiting"]  # seeking back and forth: the same view
    assert errors == []
    page.close()


@pytest.mark.browser
def test_playing_moves_the_clock_and_the_cursor(chromium: Any, day_files: Any,
                                                tmp_path: Path) -> None:
    scenario, records, _ = day_files
    out = tmp_path / "day.html"
    assert main(["--lang", "zh", "replay", str(scenario), "--records", str(records),
                 "--out", str(out)]) == 0
    page = chromium.new_page()
    page.goto(out.as_uri())
    page.evaluate("window.replay.seek(540)")
    cursor = page.get_attribute(".hs-cursor", "x1")
    page.click(".hs-play")
    assert page.text_content(".hs-play") == "暂停"
    page.wait_for_function("window.replay.state.t > 545")
    page.click(".hs-play")
    assert float(page.get_attribute(".hs-cursor", "x1")) > float(cursor)
    assert re.fullmatch(r"09:\d\d:\d\d", page.text_content(".hs-clock"))
    page.close()


def test_the_replay_is_one_offline_file(day_files: Any, tmp_path: Path) -> None:
    scenario, records, _ = day_files
    out = tmp_path / "day.html"
    assert main(["replay", str(scenario), "--records", str(records), "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=|@import|url\((?!data:|#)""", text)
    assert set(re.findall(r"https?://[^\s\"'<>]+", text)) == {"http://www.w3.org/2000/svg"}


def test_a_day_without_tickets_and_records_of_another_hall_are_refused(
        day_files: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario, records, frame = day_files
    assert main(["replay", str(scenario), "--records", str(records), "--day", "3",
                 "--out", str(tmp_path / "a.html")]) == 2
    assert "--day" in capsys.readouterr().err
    other = tmp_path / "other.csv"
    frame.assign(window=frame["window"].str.replace("社保", "税务")).to_csv(other, index=False)
    assert main(["replay", str(scenario), "--records", str(other), "--out",
                 str(tmp_path / "b.html")]) == 2
    assert "税务" in capsys.readouterr().err
    assert not (tmp_path / "a.html").exists() and not (tmp_path / "b.html").exists()


def test_the_page_names_the_replication_it_shows_when_the_file_holds_several(
        day_files: Any, tmp_path: Path) -> None:
    """A planner replays the third of three replications: the title and the bar say
    which (from 1, as the day), where they used to say only the day."""
    from sim.report.i18n import set_language

    scenario, _, frame = day_files
    three = tmp_path / "three.csv"
    pd.concat([frame.assign(replication=r) for r in range(3)]).to_csv(three, index=False)
    one = tmp_path / "one.html"
    assert main(["replay", str(scenario), "--records", str(three), "--replication", "2",
                 "--out", str(one)]) == 0
    text = one.read_text(encoding="utf-8")
    assert "<title>Replay of Day 1, replication 3: " in text
    assert '<b class="hs-day">Day 1, replication 3</b>' in text
    try:
        assert main(["--lang", "zh", "replay", str(scenario), "--records", str(three),
                     "--replication", "2", "--out", str(one)]) == 0
    finally:
        set_language("en")
    assert "<title>回放（第 1 天，第 3 次重复）：" in one.read_text(encoding="utf-8")
    # a file of one replication: the day alone, as before
    assert main(["replay", str(scenario), "--records", str(day_files[1]), "--out",
                 str(one)]) == 0
    assert '<b class="hs-day">Day 1</b>' in one.read_text(encoding="utf-8")
