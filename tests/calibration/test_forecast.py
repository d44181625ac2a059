"""`hallsim forecast`: next month's plan carried into a calibrated hall.

The calibrated hall is written here as `hallsim calibrate` writes one: two items
(社保 twice as busy as 公积金), two window groups, a 6 s turnaround in the services
and the clerks-to-windows relation in the header.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from sim.calibration.forecast import current_plan, forecast
from sim.calibration.journey_tickets import rate_at
from sim.calibration.plan import read_plan
from sim.calibration.staffing_relation import fit, parse
from sim.cli.main import main
from sim.scenario.model import load_scenario, scenario_from_dict

CALIBRATED_TEMPLATE = """\
# Calibrated by `hallsim calibrate` from 大厅.csv.
# Data source: a test hall.
# window turnaround 6 s added to every service time: median gap (test)
{relation}
name: "测试大厅"
hall:
  open: ["09:00-12:00"]
  days: 5
  day_factors: [1.0, 1.0, 1.0, 1.0, 1.0]
calendar:
  start: 2024-03-04
  weekends: [sat, sun]
targets:
  wait_minutes: 20
categories:
  "社保":
    arrivals_per_hour: {{"09:00": 20, "09:30": 20, "10:00": 20, "11:00": 20}}
    service: {{dist: exponential, mean: 5.0}}
    patience: {{dist: exponential, mean: 30}}
  "公积金":
    arrivals_per_hour: {{"09:00": 10, "10:00": 10}}
    service: {{dist: exponential, mean: 10.0}}
windows:
  - id: 综合
    count: 3
    serves: ["社保", "公积金"]
    schedule: {{"09:00": 2, "10:00": 3}}
  - id: 社保窗
    count: 1
    serves: ["社保"]
"""
RELATION = ("# clerks-to-windows: windows on duty = 0.7500 x clerks seen in the hour (ratio of "
            "sums over 40 working day-hours; R^2 0.80, mean absolute error 0.50 windows); "
            "least-squares line 0.500 + 0.6000 x clerks seen (R^2 0.82, mean absolute error "
            "0.45); the log has no roster: windows on duty are the calibration's estimate")
CALIBRATED = CALIBRATED_TEMPLATE.format(relation=RELATION)


@pytest.fixture
def calibrated(tmp_path):
    path = tmp_path / "calibrated.yaml"
    path.write_text(CALIBRATED, encoding="utf-8")
    return path


def _plan(tmp_path, text, encoding="utf-8", name="plan.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _next(calibrated, plan_path):
    return forecast(calibrated, read_plan(plan_path))


def test_a_total_per_hour_is_carried_to_the_items_by_the_calibrated_mix(calibrated, tmp_path):
    result = _next(calibrated, _plan(tmp_path, "hour,tickets\n9,60\n10,15\n"))
    out = tmp_path / "next.yaml"
    out.write_text(result.text, encoding="utf-8")
    sc = load_scenario(out)
    social = sc.categories["社保"].arrivals_per_hour
    fund = sc.categories["公积金"].arrivals_per_hour
    assert social["09:00"] == social["09:30"] == pytest.approx(40.0)  # 2/3 of 60 an hour
    assert fund["09:00"] == pytest.approx(20.0)
    assert social["10:00"] == pytest.approx(10.0) and fund["10:00"] == pytest.approx(5.0)
    assert social["11:00"] == pytest.approx(20.0)  # 11h is not in the plan: carried
    assert "replaced: arrivals_per_hour of 社保, 公积金 at 09-11h" in result.text
    assert "carried from the calibration:" in result.text and "patience" in result.text


def test_clerks_seen_become_windows_by_the_calibrations_factor(calibrated, tmp_path):
    # 4 clerks seen x 0.75 = 3 windows; 2 seen = 1.5 windows: 1 and 2 by turns, 1.5 on average
    result = _next(calibrated, _plan(tmp_path, "小时,取号量,办理人员数\n9,30,4\n10,30,2\n"))
    out = tmp_path / "next.yaml"
    out.write_text(result.text, encoding="utf-8")
    sc = load_scenario(out)

    def windows(hour: int) -> list[int]:
        return [sum(g.staffed_at(60 * hour + m) for g in sc.windows) for m in range(60)]

    assert set(windows(9)) == {3}
    assert set(windows(10)) == {1, 2} and np.mean(windows(10)) == pytest.approx(1.5)
    assert "0.7500 x clerks seen" in result.text


def test_the_mean_service_of_an_hour_becomes_the_models_mean_occupancy(calibrated, tmp_path):
    # the plan says 4 minutes as logged; the model's windows are busy 4 min + 6 s
    result = _next(calibrated, _plan(tmp_path, "hour,tickets,mean_service\n9,30,4\n"))
    out = tmp_path / "next.yaml"
    out.write_text(result.text, encoding="utf-8")
    sc = load_scenario(out)
    social, fund = sc.categories["社保"], sc.categories["公积金"]
    t = np.array([540.0])
    mean = (20 * social.service.mean * social.service_factor_at(t)[0]
            + 10 * fund.service.mean * fund.service_factor_at(t)[0]) / 30
    assert mean == pytest.approx(4.1, rel=1e-3)
    assert social.service_factor_at(np.array([600.0]))[0] == pytest.approx(1.0)


def test_a_plan_by_weekday_sets_the_day_factors(calibrated, tmp_path):
    days = zip("一二三四五", (40, 30, 30, 30, 20))
    rows = ["星期,小时,取号量"] + [f"周{d},9,{n}" for d, n in days]
    result = _next(calibrated, _plan(tmp_path, "\n".join(rows) + "\n", "gbk"))
    out = tmp_path / "next.yaml"
    out.write_text(result.text, encoding="utf-8")
    assert load_scenario(out).hall.day_factors == pytest.approx((4 / 3, 1, 1, 1, 2 / 3), abs=1e-3)


def test_the_forecast_runs_as_is_and_says_what_it_replaced(calibrated, tmp_path, capsys):
    # 综合 has 2 windows at 09h: the plan gives it a third
    plan = _plan(tmp_path, "hour,item,tickets,windows 综合\n9,社保,25,3\n9,公积金,8,3\n")
    out = tmp_path / "next.yaml"
    assert main(["forecast", str(calibrated), "--plan", str(plan), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "replaced: windows[].schedule at 09h of 综合" in printed and "carried" in printed
    assert main(["run", str(out), "-r", "2", "-q", "--json", str(tmp_path / "r.json")]) == 0


def test_a_calibrated_hall_saved_in_gbk_by_a_chinese_editor_forecasts_as_in_utf8(
        calibrated, tmp_path, capsys):
    gbk = tmp_path / "校准_gbk.yaml"
    gbk.write_bytes(CALIBRATED.encode("gbk"))
    plan = _plan(tmp_path, "小时,取号量,窗口数\n9,40,3\n", encoding="gbk")
    written = {}
    for name, hall in (("utf8", calibrated), ("gbk", gbk)):
        out = tmp_path / f"next_{name}.yaml"
        assert main(["forecast", str(hall), "--plan", str(plan), "--out", str(out)]) == 0
        written[name] = yaml.safe_load(out.read_text(encoding="utf-8"))
        template = tmp_path / f"plan_{name}.csv"
        assert main(["forecast", str(hall), "--template", str(template)]) == 0
    capsys.readouterr()
    written["gbk"].pop("name"), written["utf8"].pop("name")
    assert written["gbk"] == written["utf8"]
    assert (tmp_path / "plan_gbk.csv").read_bytes() == (tmp_path / "plan_utf8.csv").read_bytes()


@pytest.mark.parametrize("text, where, problem", [
    ("hour,tickets\n7,10\n", "row 2, column hour", "outside the opening hours"),
    ("hour,tickets\n9,10\n10,-3\n", "row 3, column tickets", "negative"),
    ("hour,item,tickets\n9,护照,10\n", "row 2, column item", "unknown item '护照'"),
    ("hour,tickets,windows 出入境\n9,10,2\n", "column windows 出入境", "no such group"),
    ("hour,tickets,windows\n9,10,2\n9,5,2\n", "row 3", "a second row"),
    ("hour,tickets,colour\n9,10,red\n", "column colour", "unknown column"),
    ("hour,tickets,mean service\n9,10,0\n", "row 2, column mean service", "mean service of 0"),
    ("星期,小时,取号量\n周六,9,10\n", "row 2, column 星期", "not a working day"),
])
def test_a_bad_plan_exits_2_naming_row_and_column(calibrated, tmp_path, capsys, text, where,
                                                  problem):
    out = tmp_path / "next.yaml"
    rc = main(["forecast", str(calibrated), "--plan", str(_plan(tmp_path, text)), "--out",
               str(out)])
    err = capsys.readouterr().err
    assert rc == 2 and where in err and problem in err
    assert not out.exists()


@pytest.mark.parametrize("text, said", [
    ("小时,取号量\n7,10\n", "第 2 行“小时”列：时段 07:00 不在开放时间内"),
    ("小时,取号量\n9,10\n10,-3\n", "第 3 行“取号量”列：不能为负数（-3）"),
    ("小时,取号量\n9,abc\n", "第 2 行“取号量”列：“abc”不是数字"),
    ("小时,事项,取号量\n9,护照,10\n", "未知事项“护照”（方案中的事项：社保、公积金"),
    ("小时,取号量,windows 出入境\n9,10,2\n", "“windows 出入境”列：给出了窗口组“出入境”的人员"),
    ("小时,取号量\n9,10\n9,5\n", "第 3 行：同一时段出现了第二行"),
    ("星期,小时,取号量\n周六,9,10\n", "第 2 行“星期”列：sat 不是方案的工作日（休息日：sat、sun）"),
])
def test_a_chinese_planner_reads_a_bad_plan_in_chinese(calibrated, tmp_path, capsys, text,
                                                         said):
    """The same refusals under --lang zh: the cell as 第 N 行“列”列, the problem in words."""
    rc = main(["--lang", "zh", "forecast", str(calibrated), "--plan",
               str(_plan(tmp_path, text)), "--out", str(tmp_path / "next.yaml")])
    err = capsys.readouterr().err
    assert rc == 2 and said in err, err
    assert "row" not in err and "column" not in err.replace("windows 出入境", "")


def test_the_calibrations_relation_is_the_ratio_of_windows_on_duty_to_clerks_seen():
    seen = np.array([[4.0, 8.0], [6.0, 0.0]])
    on = np.array([[3.0, 6.0], [4.5, np.nan]])
    relation = fit(seen, on)
    assert relation.factor == pytest.approx(0.75) and relation.cells == 3
    read = parse("# " + relation.comment())
    assert read is not None and read.factor == pytest.approx(0.75)
    assert list(read.windows(np.array([8.0, 0.0]))) == [6.0, 0.0]


def test_a_hall_with_every_window_on_duty_all_day_has_no_r2_to_show():
    """Nine windows on duty every hour, eight or nine clerks seen: nothing varies to
    explain, so the header says so instead of printing an R^2 of minus a hundred
    thousand; the factor still reads back."""
    seen = np.array([[9.0, 8.0, 9.0], [9.0, 9.0, 8.0]])
    on = np.full((2, 3), 9.0)
    relation = fit(seen, on)
    comment = relation.comment()
    assert "R^2 n/a, windows on duty hardly vary" in comment and "-1" not in comment
    read = parse("# " + comment)
    assert read is not None and read.factor == pytest.approx(54 / 52, abs=1e-4)


@pytest.mark.parametrize("hall", ["scenarios/quickstart.yaml",
                                  "scenarios/calibrated/anonymous-bank-1999-01.yaml"])
def test_a_hall_written_as_a_plan_and_forecast_again_is_the_same_hall(hall, tmp_path):
    """The planner's starting point: the open hall as a plan (tickets, service as a log
    shows it, windows on duty per hour). Forecast with that plan unchanged, the hall
    comes back hour by hour; the bank's turnaround (6 s) is taken off and put back."""
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / hall
    plan = current_plan(path)
    assert len(plan) >= 8 and (plan["tickets"] > 0).all()
    plan.to_csv(tmp_path / "plan.csv", index=False)
    nxt = tmp_path / "next.yaml"
    nxt.write_text(forecast(path, read_plan(tmp_path / "plan.csv")).text, encoding="utf-8")
    again = current_plan(nxt)
    assert list(again["hour"]) == list(plan["hour"])
    for col in ("tickets", "mean_service", "windows"):
        assert np.allclose(again[col], plan[col], rtol=2e-3, atol=2e-3), col


def test_a_planner_starts_from_the_halls_own_plan_in_chinese(tmp_path, capsys):
    """``--template`` writes the hall's plan with Chinese headers (UTF-8 with BOM, for
    Excel); the planner adds a fifth to 10:00's tickets and forecasts from it."""
    from pathlib import Path

    from sim.report.i18n import set_language

    hall = Path(__file__).resolve().parents[2] / "scenarios" / "quickstart.yaml"
    plan = tmp_path / "下月计划.csv"
    try:
        assert main(["--lang", "zh", "forecast", str(hall), "--template", str(plan)]) == 0
    finally:
        set_language("en")
    raw = plan.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "小时,取号量,平均办理时间,窗口数" in raw.decode(
        "utf-8-sig").splitlines()[0]
    lines = raw.decode("utf-8-sig").splitlines()
    ten = next(k for k, ln in enumerate(lines) if ln.startswith("10,"))
    cells = lines[ten].split(",")
    cells[1] = f"{float(cells[1]) * 1.2:.2f}"
    lines[ten] = ",".join(cells)
    plan.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    capsys.readouterr()
    nxt = tmp_path / "next.yaml"
    try:
        assert main(["--lang", "zh", "forecast", str(hall), "--plan", str(plan), "--out",
                     str(nxt)]) == 0
    finally:
        set_language("en")
    # what was replaced and carried, in the words of the page's forecast tab
    said = capsys.readouterr().out.splitlines()
    # quickstart has no journeys (一件事): the summary does not speak of their steps
    assert said[0] == ("已替换（08:30-12:00、13:30-17:00）："
                       "每小时取号量（按方案中该小时各事项的构成分配）")
    assert said[-2].startswith(f"沿用 {hall}：办理时间分布类型") and said[-1] == f"方案已写入 {nxt}"
    before, after = current_plan(hall), current_plan(nxt)
    ratio = (after.set_index("hour")["tickets"] / before.set_index("hour")["tickets"])
    assert ratio[10] == pytest.approx(1.2, rel=1e-3)
    assert np.allclose(ratio.drop(10), 1.0, rtol=1e-3)


def test_a_template_with_a_plan_or_a_plan_without_out_exits_2(tmp_path, capsys):
    from pathlib import Path

    hall = str(Path(__file__).resolve().parents[2] / "scenarios" / "quickstart.yaml")
    assert main(["forecast", hall, "--template", str(tmp_path / "p.csv"), "--out",
                 str(tmp_path / "n.yaml")]) == 2
    assert "--template" in capsys.readouterr().err
    assert main(["forecast", hall, "--out", str(tmp_path / "n.yaml")]) == 2
    assert "--plan" in capsys.readouterr().err
    assert not (tmp_path / "p.csv").exists() and not (tmp_path / "n.yaml").exists()


JOURNEY_HALL = """\
name: "一件事大厅"
hall:
  open: ["09:00-12:00"]
  days: 5
  day_factors: [1.0, 1.0, 1.0, 1.0, 1.0]
categories:
  "社保":
    arrivals_per_hour: 20
    service: {dist: exponential, mean: 5.0}
  "公积金":
    arrivals_per_hour: 10
    service: {dist: exponential, mean: 10.0}
journeys:
  "退休一件事":
    arrivals_per_hour: {"09:00": 6, "10:00": 0}
    steps: ["社保", "公积金"]
windows:
  - id: 综合
    count: 8
    serves: ["社保", "公积金"]
"""


@pytest.fixture
def journey_hall(tmp_path):
    path = tmp_path / "journeys.yaml"
    path.write_text(JOURNEY_HALL, encoding="utf-8")
    return path


def _forecast_scaled(hall, tmp_path, scale: float):
    """The hall's own plan with every hour's tickets times ``scale``, forecast."""
    plan = current_plan(hall)
    plan["tickets"] *= scale
    plan[["hour", "tickets"]].to_csv(tmp_path / "scaled.csv", index=False)
    nxt = tmp_path / "next.yaml"
    result = forecast(hall, read_plan(tmp_path / "scaled.csv"))
    nxt.write_text(result.text, encoding="utf-8")
    return nxt, result


def test_a_journeys_steps_are_tickets_of_the_hour_they_are_taken_in(journey_hall, tmp_path):
    """30 first tickets an hour and, from 09:00 to 10:00, 6 journeys of two steps: the
    journeys starting after 09:55 take their second ticket after 10:00, when their
    5-minute first step is done (half a ticket in 10:00's hour). Forecast unchanged,
    the hall comes back."""
    plan = current_plan(journey_hall)
    assert list(plan["tickets"]) == pytest.approx([30 + 12 - 0.5, 30.5, 30], abs=0.01)
    nxt, result = _forecast_scaled(journey_hall, tmp_path, 1.0)
    again = current_plan(nxt)
    assert np.allclose(again["tickets"], plan["tickets"], atol=2e-3)
    assert np.allclose(again["mean_service"], plan["mean_service"], atol=2e-3)
    rates = load_scenario(nxt).journeys["退休一件事"].arrivals_per_hour
    assert [rate_at(rates, t) for t in (540, 600, 660)] == pytest.approx([6, 0, 0], abs=1e-3)


def test_ten_percent_more_tickets_are_ten_percent_more_first_tickets_and_journeys(
        journey_hall, tmp_path):
    """+10 % on every hour scales the items' and the journey's arrival rates alike, and
    a short run takes 10 % more tickets, hour by hour as the plan says."""
    from sim.run.replications import simulate

    nxt, result = _forecast_scaled(journey_hall, tmp_path, 1.1)
    sc = load_scenario(nxt)
    rates = sc.journeys["退休一件事"].arrivals_per_hour
    assert [rate_at(rates, t) for t in (540, 600, 660)] == pytest.approx([6.6, 0, 0], abs=2e-3)
    for name, rate in (("社保", 22.0), ("公积金", 11.0)):
        assert np.allclose(list(dict(sc.categories[name].arrivals_per_hour).values()), rate,
                           rtol=1e-3)
    assert any("journeys" in r and "退休一件事" in r for r in result.replaced)
    assert "journeys" in result.text.split("\nname:")[0]
    plan = current_plan(nxt).set_index("hour")["tickets"]

    def arrivals(path):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["hall"]["days"] = 40
        run = simulate(scenario_from_dict(data), seed=7, replications=4)
        return np.array([[rep.summary["by_hour"][f"{h:02d}"]["arrivals_per_day"]
                          for h in (9, 10, 11)] for rep in run.replications]).mean(axis=0)

    before, after = arrivals(tmp_path / "journeys.yaml"), arrivals(nxt)
    assert after.sum() / before.sum() == pytest.approx(1.1, rel=0.03)
    assert np.allclose(after, plan.to_numpy(), rtol=0.05)


def test_the_yumen_halls_plan_counts_its_journeys_and_scales_them_too(tmp_path):
    """The Yumen hall (2.8 journeys an hour of three steps each): its plan's tickets are
    the tickets a run expects, journeys included; +10 % on every hour is +10 % of them."""
    from pathlib import Path

    from sim.engine.arrivals import expected_tickets

    hall = Path(__file__).resolve().parents[2] / "scenarios" / "yumen" / "before.yaml"
    sc = load_scenario(hall)
    plan = current_plan(hall)
    assert plan["tickets"].sum() == pytest.approx(expected_tickets(sc) / sc.hall.days, rel=1e-3)
    nxt, _ = _forecast_scaled(hall, tmp_path, 1.1)
    assert expected_tickets(load_scenario(nxt)) == pytest.approx(1.1 * expected_tickets(sc),
                                                                 rel=2e-3)
    again = current_plan(nxt)
    assert np.allclose(again["tickets"], 1.1 * plan["tickets"], rtol=2e-3)


ROOT = Path(__file__).resolve().parents[2]
#: a hall of three groups and one change within an hour (quickstart: A has 2 windows at
#: 09:00, 3 from 09:30), a calibrated bank of 15 groups whose half hours differ within
#: the hour, and a hall of 15 groups without schedules (Yumen)
HALLS = ["scenarios/quickstart.yaml", "scenarios/calibrated/anonymous-bank-1999-01.yaml",
         "scenarios/yumen/before.yaml"]


def _minutes(sc) -> list[int]:
    return [m for s, e in sc.hall.periods for m in range(int(s), int(e))]


def _staffing(sc) -> dict[str, tuple[int, list[int]]]:
    """Each group's count and windows on duty at every open minute."""
    return {g.id: (g.count, [g.staffed_at(m) for m in _minutes(sc)]) for g in sc.windows}


def _forecast_file(hall, plan_path, tmp_path, name="next.yaml"):
    nxt = tmp_path / name
    nxt.write_text(forecast(hall, read_plan(plan_path)).text, encoding="utf-8")
    return load_scenario(nxt)


def test_the_quickstart_hall_forecast_with_its_own_template_keeps_every_window(tmp_path,
                                                                               capsys):
    """The reviewer's story: ``--template`` then ``--plan`` with the plan unedited. Group
    B keeps its 4 windows all day (it went to 5, and in 09:00-10:00 flipped 5, 4, 5, 3,
    4, 3), A still opens its third window at 09:30, and the arrival rates and service
    are the hall's own: nothing is replaced."""
    hall = ROOT / "scenarios" / "quickstart.yaml"
    plan, nxt = tmp_path / "t.csv", tmp_path / "n.yaml"
    assert main(["forecast", str(hall), "--template", str(plan)]) == 0
    assert main(["forecast", str(hall), "--plan", str(plan), "--out", str(nxt)]) == 0
    printed = capsys.readouterr().out
    assert "replaced:" not in printed and "schedules" in printed
    before, after = load_scenario(hall), load_scenario(nxt)
    assert _staffing(after) == _staffing(before)
    assert after.windows[1].count == 4 and after.windows[1].staffed_at(570) == 4
    for name, cat in before.categories.items():
        assert after.categories[name].arrivals_per_hour == cat.arrivals_per_hour
        assert after.categories[name].service_by_time == cat.service_by_time


@pytest.mark.parametrize("hall", HALLS)
def test_a_hall_forecast_with_its_own_plan_keeps_every_groups_schedule(hall, tmp_path):
    """Half hours that differ within an hour and many groups: every group's windows come
    back step by step, its count too, and the rates and service factors are the hall's."""
    path = ROOT / hall
    current_plan(path).to_csv(tmp_path / "plan.csv", index=False)
    before, after = load_scenario(path), _forecast_file(path, tmp_path / "plan.csv", tmp_path)
    assert _staffing(after) == _staffing(before)
    starts = np.array(_minutes(before)[::10], dtype=float)
    for name, cat in before.categories.items():
        new = after.categories[name]
        assert [rate_at(new.arrivals_per_hour, t) for t in starts] == pytest.approx(
            [rate_at(cat.arrivals_per_hour, t) for t in starts], rel=1e-9, abs=1e-9)
        assert np.allclose(new.service_factor_at(starts), cat.service_factor_at(starts))


def test_the_summary_speaks_of_journey_steps_only_in_a_hall_with_journeys(tmp_path):
    from sim.report.forecast_text import forecast_summary

    said = {}
    for hall in ("scenarios/quickstart.yaml", "scenarios/yumen/before.yaml"):
        plan, more = tmp_path / f"{Path(hall).parent.name}.csv", current_plan(ROOT / hall)
        more["tickets"] *= 1.1
        more.to_csv(plan, index=False)
        result = forecast(ROOT / hall, read_plan(plan))
        said[hall] = forecast_summary(result.keys, result.hours, hall)[0]
    assert "journey" not in said["scenarios/quickstart.yaml"]
    assert "journey steps included" in said["scenarios/yumen/before.yaml"]


def test_the_summary_says_the_hours_as_the_hall_is_open_in_them(tmp_path):
    """Yumen opens 08:30-12:00 and 14:30-18:00: the plan's clock hours 08-12h and 14-18h
    are said as those periods, as the plan's own rows are (the page once said 08:00)."""
    from sim.report.forecast_text import forecast_summary

    hall = ROOT / "scenarios/yumen/before.yaml"
    plan = current_plan(hall)
    plan["tickets"] *= 1.2
    plan.to_csv(tmp_path / "plan.csv", index=False)
    result = forecast(hall, read_plan(tmp_path / "plan.csv"))
    first = forecast_summary(result.keys, result.hours, "yumen", opening=result.opening)[0]
    assert first.startswith("Replaced (08:30-12:00, 14:30-18:00)"), first
    assert list(load_scenario(hall).hall.open) == ["08:30-12:00", "14:30-18:00"]


@pytest.mark.parametrize("hall, hour", [("scenarios/quickstart.yaml", 9),
                                        ("scenarios/calibrated/anonymous-bank-1999-01.yaml", 8),
                                        ("scenarios/calibrated/anonymous-bank-1999-01.yaml", 18)])
@pytest.mark.parametrize("change", [1, -1])
def test_one_window_more_or_less_in_one_hour_changes_that_hour_by_one_window_a_step(
        hall, hour, change, tmp_path):
    """The hour keeps its shape (quickstart's 9, 9, 9, 10, 10, 10 windows by 10 minutes
    become 10, 10, 10, 11, 11, 11); the window is added to or taken from one group at a
    time, never moved between groups; every other hour is as it was."""
    path = ROOT / hall
    plan = current_plan(path)
    plan.loc[plan["hour"] == hour, "windows"] += change
    plan.to_csv(tmp_path / "plan.csv", index=False)
    before, after = load_scenario(path), _forecast_file(path, tmp_path / "plan.csv", tmp_path)
    minutes = np.array(_minutes(before))
    old = np.array([[g.staffed_at(m) for m in minutes] for g in before.windows])
    new = np.array([[g.staffed_at(m) for m in minutes] for g in after.windows])
    inside = minutes // 60 == hour
    assert (new[:, ~inside] == old[:, ~inside]).all()
    assert ((new - old)[:, inside].sum(axis=0) == change).all()
    assert (np.sign(new - old)[:, inside] != -change).all() and (new >= 0).all()
    if hall.endswith("quickstart.yaml") and change == 1:
        steps = new[:, inside][:, ::10].sum(axis=0)
        assert list(steps) == [10, 10, 10, 11, 11, 11]


@pytest.mark.parametrize("hall", HALLS[:2])
def test_fifteen_percent_more_tickets_with_the_staffing_unchanged_keeps_the_schedules(
        hall, tmp_path):
    """The forecast tab's "+15 %" on the tickets (rounded to cents as the page does), the
    windows left as they were: the schedules are the hall's, the rates 15 % more."""
    path = ROOT / hall
    plan = current_plan(path)
    plan["tickets"] = (plan["tickets"] * 1.15).round(2)
    plan.to_csv(tmp_path / "plan.csv", index=False)
    result = forecast(path, read_plan(tmp_path / "plan.csv"))
    assert result.keys == ["tickets"]
    (tmp_path / "next.yaml").write_text(result.text, encoding="utf-8")
    before, after = load_scenario(path), load_scenario(tmp_path / "next.yaml")
    assert _staffing(after) == _staffing(before)
    again = current_plan(tmp_path / "next.yaml")
    assert np.allclose(again["tickets"], plan["tickets"], rtol=2e-3, atol=2e-3)
