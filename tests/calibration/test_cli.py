"""The calibrate and backtest verbs end to end, and bad logs exiting 2 with nothing written."""

from __future__ import annotations

import json

import pytest

from sim.cli.main import main
from sim.scenario.model import load_scenario
from tests.calibration import truth as T


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    return T.export_truth(tmp_path_factory.mktemp("cli"))


def test_calibrate_writes_a_runnable_commented_scenario_and_a_report(exported, tmp_path, capsys):
    out = tmp_path / "hall.yaml"
    rc = main(["calibrate", str(exported["gbk"]), "--out", str(out), "--report",
               str(tmp_path / "rep"), "--target", "15"])
    assert rc == 0
    text = out.read_text(encoding="utf-8")
    scenario = load_scenario(out)
    assert set(scenario.categories) == set(T.RATES)
    assert "lognormal by AIC" in text and "censored MLE" in text and "KS D=" in text
    page = (tmp_path / "rep" / "index.html").read_text(encoding="utf-8")
    # the reports' one page template: Chinese item names as headings, in the CJK font
    # stack, with the subset of the font they need shipped beside the page
    assert all(f"<h2>{name}</h2>" in page for name in T.RATES)
    assert "Noto Sans CJK SC" in page and (tmp_path / "rep" / "cjk-subset.otf").is_file()
    figures = sorted(p.name for p in (tmp_path / "rep").glob("*.png"))
    assert figures == sorted([f"item-{k}.png" for k in range(len(T.RATES))] + ["staffing.png"])
    assert all(f'src="{name}"' in page for name in figures)
    assert "tickets kept" in capsys.readouterr().out


def test_a_planner_can_impose_the_patience_family_and_fit_services_as_logged(exported, tmp_path):
    out = tmp_path / "hall.yaml"
    assert main(["calibrate", str(exported["utf-8-sig"]), "--out", str(out), "-q",
                 "--patience-family", "lognormal", "--no-turnaround"]) == 0
    text = out.read_text(encoding="utf-8")
    patience = [ln for ln in text.splitlines() if ln.strip().startswith("patience:")]
    assert patience and all("dist: lognormal" in ln and "by --patience-family" in ln
                            for ln in patience)
    assert "window turnaround" not in text
    default = tmp_path / "default.yaml"
    assert main(["calibrate", str(exported["utf-8-sig"]), "--out", str(default), "-q"]) == 0
    # the simulated hall calls the next ticket the instant a service ends
    assert "window turnaround 0 s added" in default.read_text(encoding="utf-8")


def test_the_calibration_report_speaks_chinese_on_request(exported, tmp_path, monkeypatch):
    from sim.report.i18n import set_language

    monkeypatch.setenv("HALLSIM_LANG", "zh")
    try:
        assert main(["calibrate", str(exported["gbk"]), "--out", str(tmp_path / "h.yaml"), "-q",
                     "--report", str(tmp_path / "rep")]) == 0
    finally:
        set_language("en")
    page = (tmp_path / "rep" / "index.html").read_text(encoding="utf-8")
    assert "按时段推断的在岗窗口数" in page and 'lang="zh-CN"' in page


def test_backtest_predicts_an_unseen_replication_within_a_prediction_interval(exported,
                                                                             tmp_path):
    scenario = tmp_path / "hall.yaml"
    assert main(["calibrate", str(exported["utf-8-sig"]), "--out", str(scenario), "-q",
                 "--target", "15"]) == 0
    unseen = T.export_truth(tmp_path, seed=99)["utf-8-sig"]
    out = tmp_path / "bt.json"
    assert main(["backtest", str(scenario), str(unseen), "--json", str(out), "-r", "8", "-q",
                 "--report", str(tmp_path / "btrep")]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    for key in ("wait_mean", "left_share"):
        f = doc["overall"][key]  # band = 95% of replications: ~3.9 sd wide
        assert abs(f["observed"] - f["predicted"]) <= f["high"] - f["low"], key
    assert set(doc["by_item"]) == set(T.RATES)
    assert doc["errors"]["wait_mape"] >= 0 and doc["baseline_erlang_a"]["errors"]["hours"] > 0
    report = (tmp_path / "btrep" / "index.html").read_text(encoding="utf-8")
    assert "noise floor" in report and (tmp_path / "btrep" / "by-hour.png").is_file()
    # the saved backtest reports later as it did at once (the web's export tab does this)
    assert main(["report", str(out), "--out", str(tmp_path / "later")]) == 0
    later = (tmp_path / "later" / "index.html").read_text(encoding="utf-8")
    assert "noise floor" in later and (tmp_path / "later" / "by-hour.png").is_file()


def test_backtest_with_the_logs_own_staffing_recovers_the_truths_windows(exported, tmp_path):
    # the truth's log replayed with the staffing inferred from it: the inferred windows on
    # duty are the truth's (3 + 2 + part-time 1-2 + 1), and the prediction stays in its band
    scenario = tmp_path / "hall.yaml"
    assert main(["calibrate", str(exported["utf-8-sig"]), "--out", str(scenario), "-q",
                 "--target", "15"]) == 0
    unseen = T.export_truth(tmp_path, seed=98)["utf-8-sig"]
    out = tmp_path / "bt.json"
    assert main(["backtest", str(scenario), str(unseen), "--json", str(out), "-r", "6", "-q",
                 "--staffing", "log"]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["staffing"] == "log"
    servers = [h["servers"] for h in doc["baseline_erlang_a"]["by_hour"].values()]
    assert min(servers) >= 6.0 and max(servers) <= 8.0
    f = doc["overall"]["wait_mean"]
    assert abs(f["observed"] - f["predicted"]) <= f["high"] - f["low"]


def test_log_staffing_with_model_arrivals_exits_2_naming_the_option(exported, tmp_path, capsys):
    scenario = tmp_path / "hall.yaml"
    assert main(["calibrate", str(exported["utf-8-sig"]), "--out", str(scenario), "-q"]) == 0
    out = tmp_path / "bt.json"
    rc = main(["backtest", str(scenario), str(exported["utf-8-sig"]), "--json", str(out),
               "--staffing", "log", "--arrivals", "model", "-q"])
    assert rc == 2 and "--staffing" in capsys.readouterr().err and not out.exists()


@pytest.mark.parametrize("content, column", [
    ("排队号,取号事项,部门,办理窗口,取号时间,呼叫时间,状态\nA1,户籍,公安,1,2024-01-02 09:00:00,"
     "2024-01-02 09:05:00,已办结\n", "办理时间"),
    ("排队号,取号事项,部门,办理窗口,窗口办理人员,取号时间,呼叫时间,等待时间,办理时间,状态\n"
     "A1,户籍,公安,1,张三,上午,,,00:05:00,已办结\n", "取号时间"),
    ("排队号,取号事项,部门,办理窗口,窗口办理人员,取号时间,呼叫时间,等待时间,办理时间,状态\n"
     "A1,户籍,公安,1,张三,2024-01-02 09:00:00,2024-01-02 09:05:00,,00:05:00,办完了\n", "状态"),
])
def test_a_bad_export_exits_2_naming_file_and_column_and_writes_nothing(tmp_path, capsys,
                                                                         content, column):
    log = tmp_path / "导出.csv"
    log.write_text(content, encoding="gbk")
    out = tmp_path / "out.yaml"
    assert main(["calibrate", str(log), "--out", str(out), "-q"]) == 2
    err = capsys.readouterr().err
    assert "导出.csv" in err and column in err
    assert not out.exists() and list(tmp_path.iterdir()) == [log]


def test_an_export_that_never_names_the_window_exits_2_naming_the_column(tmp_path, capsys):
    rows = ["排队号,取号事项,部门,办理窗口,取号时间,呼叫时间,办理时间,状态"]
    for k in range(40):
        rows.append(f"A{k},户籍,公安,,2024-01-02 09:{k:02d}:00,2024-01-02 09:{k:02d}:30,"
                    "00:04:00,已办结")
    log = tmp_path / "导出.csv"
    log.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "out.yaml"
    assert main(["calibrate", str(log), "--out", str(out), "-q"]) == 2
    err = capsys.readouterr().err
    assert "导出.csv" in err and "办理窗口" in err and "Traceback" not in err
    assert not out.exists()


def test_an_unreadable_encoding_exits_2(tmp_path, capsys):
    log = tmp_path / "log.csv"
    log.write_bytes(b"\xff\x80\x80,\xff\n")
    assert main(["calibrate", str(log), "--out", str(tmp_path / "o.yaml"), "-q"]) == 2
    assert "unreadable encoding" in capsys.readouterr().err


def test_a_vendor_mapping_renames_columns_and_status_words(exported, tmp_path):
    import pandas as pd

    frame = pd.read_csv(exported["utf-8-sig"], encoding="utf-8-sig", dtype=str)
    frame = frame.rename(columns={"取号事项": "业务名称"})
    frame["状态"] = frame["状态"].replace({"已办结": "办理完成"})
    log = tmp_path / "vendor.csv"
    frame.to_csv(log, index=False, encoding="utf-8")
    mapping = tmp_path / "map.yaml"
    mapping.write_text("columns:\n  item: 业务名称\nstatus:\n  served: [办理完成]\n",
                       encoding="utf-8")
    assert main(["calibrate", str(log), "--mapping", str(mapping), "--out",
                 str(tmp_path / "o.yaml"), "-q"]) == 0
    assert set(load_scenario(tmp_path / "o.yaml").categories) == set(T.RATES)


def test_an_export_with_end_times_instead_of_durations_calibrates_alike(exported, tmp_path,
                                                                        capsys):
    """A second vendor's export has no 办理时间 (duration) column but 结束时间 (when the
    service ended): the service is the end less the call, and the hall calibrates as
    from the durations. Mapping the end times as the duration is refused, naming the
    column and what to do, instead of losing every service."""
    import pandas as pd

    frame = pd.read_csv(exported["utf-8-sig"], encoding="utf-8-sig", dtype=str)
    call = pd.to_datetime(frame["呼叫时间"])
    minutes = pd.to_timedelta(frame["办理时间"])
    frame["结束时间"] = (call + minutes).dt.strftime("%Y-%m-%d %H:%M:%S")
    ends = frame.drop(columns="办理时间")
    log = tmp_path / "结束时间.csv"
    ends.to_csv(log, index=False, encoding="gbk")
    by_end, by_duration = tmp_path / "end.yaml", tmp_path / "duration.yaml"
    assert main(["calibrate", str(log), "--out", str(by_end), "-q"]) == 0
    assert main(["calibrate", str(exported["utf-8-sig"]), "--out", str(by_duration),
                 "-q"]) == 0
    a, b = load_scenario(by_end), load_scenario(by_duration)
    for name in b.categories:
        assert a.categories[name].service.mean == pytest.approx(
            b.categories[name].service.mean, rel=0.01)
    # a vendor calling it 完成时刻, mapped as the duration: refused, saying what to do
    renamed = tmp_path / "完成时刻.csv"
    ends.rename(columns={"结束时间": "完成时刻"}).to_csv(renamed, index=False, encoding="gbk")
    mapped = tmp_path / "map.yaml"
    mapped.write_text("columns:\n  service: 完成时刻\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["calibrate", str(renamed), "--mapping", str(mapped), "--out",
                 str(tmp_path / "o.yaml"), "-q"]) == 2
    err = capsys.readouterr().err
    assert "field '完成时刻': holds clock times" in err and "as the end time" in err
    # following that advice works
    mapped.write_text("columns:\n  end_time: 完成时刻\n", encoding="utf-8")
    assert main(["calibrate", str(renamed), "--mapping", str(mapped), "--out",
                 str(tmp_path / "o2.yaml"), "-q"]) == 0


def test_end_times_with_an_offset_a_start_column_or_no_date_read_as_a_planner_expects(
        exported, tmp_path, capsys):
    """Three more vendors: one writes 结束时间 with its time zone (+08:00), one has a
    办理时间 column of start-of-service clock times beside 结束时间, one gives end times
    without a date. The first two calibrate (the clock time as shown; the end less the
    call); the third is refused naming 结束时间 and what it should read."""
    import pandas as pd

    frame = pd.read_csv(exported["utf-8-sig"], encoding="utf-8-sig", dtype=str)
    call = pd.to_datetime(frame["呼叫时间"])
    end = call + pd.to_timedelta(frame["办理时间"])
    cases = {"offset": frame.drop(columns="办理时间").assign(
                 结束时间=end.dt.strftime("%Y-%m-%dT%H:%M:%S+08:00")),
             "start": frame.assign(办理时间=call.dt.strftime("%Y-%m-%d %H:%M:%S"),
                                   结束时间=end.dt.strftime("%Y-%m-%d %H:%M:%S")),
             "no date": frame.drop(columns="办理时间").assign(
                 结束时间=end.dt.strftime("%H:%M:%S"))}
    for name, table in cases.items():
        log = tmp_path / f"{name}.csv"
        table.to_csv(log, index=False, encoding="utf-8")
        rc = main(["calibrate", str(log), "--out", str(tmp_path / f"{name}.yaml"), "-q"])
        err = capsys.readouterr().err
        if name == "no date":
            assert rc == 2 and "field '结束时间'" in err and "is not a date and time" in err
        else:
            assert rc == 0, err
            assert set(load_scenario(tmp_path / f"{name}.yaml").categories) == set(T.RATES)


def test_backtest_says_which_tickets_it_left_out(exported, tmp_path, capsys):
    """The district added an item (公积金贷款) since the hall was calibrated. Its tickets
    cannot be simulated: the backtest leaves them out, and says so on the terminal as
    calibrate does (they were only counted inside the JSON), in the reader's language."""
    scenario = tmp_path / "hall.yaml"
    assert main(["calibrate", str(exported["utf-8-sig"]), "--out", str(scenario), "-q",
                 "--target", "15"]) == 0
    text = exported["gbk"].read_text(encoding="gbk").replace("公积金提取", "公积金贷款")
    log = tmp_path / "新事项.csv"
    log.write_text(text, encoding="gbk")
    out = tmp_path / "bt.json"
    capsys.readouterr()
    assert main(["--lang", "zh", "backtest", str(scenario), str(log), "--json", str(out),
                 "-r", "2"]) == 0
    said = capsys.readouterr().out
    left = json.loads(out.read_text(encoding="utf-8"))["rows"]["skipped"][
        "item not in the scenario"]
    assert left > 100
    assert f"跳过 {left:,} 条：" in said and "事项不在方案中" in said


def test_two_exports_that_overlap_count_each_ticket_once(exported, tmp_path, capsys):
    """Monthly exports often overlap: here the same month twice, saved once in UTF-8 and
    once in GBK. The calibrated hall is the one month's, and the overlap is said."""
    one, twice = tmp_path / "one.yaml", tmp_path / "twice.yaml"
    assert main(["calibrate", str(exported["utf-8-sig"]), "--out", str(one), "-q"]) == 0
    assert main(["calibrate", str(exported["utf-8-sig"]), str(exported["gbk"]),
                 "--out", str(twice)]) == 0
    said = capsys.readouterr().out
    kept = int(said.split(" tickets kept")[0].split()[-1].replace(",", ""))
    assert f"skipped {kept:,}: the same ticket in an earlier file" in said
    a, b = load_scenario(one), load_scenario(twice)
    assert {k: c.arrivals_per_hour for k, c in a.categories.items()} == \
        {k: c.arrivals_per_hour for k, c in b.categories.items()}
