"""Stories of logs that broke the calibration at its edges (third pass): dates far from
the rest of the log, names the scenario file could not hold, a vendor's own status word.
Each log is the bundled sample with one thing changed, calibrated as a planner would; the
outcome is a scenario, or exit 2 with the file, the column and what is wrong, and never a
traceback or a warning on stderr."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import yaml

from sim.scenario.model import load_scenario

#: the bundled sample log (docs/calibration.md): a made-up hall's ten days
SAMPLE = Path(__file__).resolve().parents[2] / "sim/web/samples/示例大厅叫号导出.csv"


def _sample() -> pd.DataFrame:
    return pd.read_csv(SAMPLE, dtype=str, encoding="utf-8-sig", keep_default_na=False)


def _calibrate(log: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sim.cli.main", "calibrate", str(log),
                           "--out", str(out), *extra], capture_output=True, text=True,
                          timeout=300, check=False)


def _refused(proc: subprocess.CompletedProcess[str], log: Path, out: Path) -> str:
    assert proc.returncode == 2, proc.stderr
    err = proc.stderr
    assert err.startswith(f"hallsim: error: {log}") and err.count("\n") == 1, err
    assert "Traceback" not in err and "Warning" not in err
    assert not out.exists()
    return err


def test_two_tickets_on_excels_empty_date_are_skipped_and_counted_without_a_warning(
        tmp_path: Path) -> None:
    # an export from a spreadsheet: two tickets whose date cell was empty read 1899-12-30
    df = _sample()
    for col in ("取号时间", "呼叫时间"):
        df.loc[:1, col] = "1899-12-30 " + df.loc[:1, col].str[11:]
    log, out = tmp_path / "导出.csv", tmp_path / "厅.yaml"
    df.to_csv(log, index=False, encoding="utf-8")
    proc = _calibrate(log, out)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    reason = "skipped 2: ticket date over a year from the rest of the log (1899-12-30)"
    assert reason in proc.stdout
    hall = out.read_text(encoding="utf-8")
    assert f"# {reason}" in hall
    assert yaml.safe_load(hall)["calendar"]["start"].year == 2024  # the log's own dates


def test_a_log_split_between_1900_and_2200_is_refused_naming_the_column_and_stretches(
        tmp_path: Path) -> None:
    # neither half is "the rest of the log": the planner is told the stretches, not a
    # number overflowing (the old exit 1)
    df = _sample().head(100).copy()
    for col in ("取号时间", "呼叫时间"):
        df[col] = ["1900" if k < 50 else "2200" for k in range(100)] + df[col].str[4:]
    log, out = tmp_path / "导出.csv", tmp_path / "厅.yaml"
    df.to_csv(log, index=False, encoding="utf-8")
    err = _refused(_calibrate(log, out), log, out)
    assert "field '取号时间'" in err
    assert "1900-01-01: 50" in err and "2200-01-01: 50" in err
    assert "more than 366 days apart" in err


def test_names_with_a_line_break_or_of_1200_characters_round_trip_through_the_scenario(
        tmp_path: Path) -> None:
    # a window name typed with Alt+Enter in a spreadsheet cell (a line break and a colon
    # in it); an item name longer than YAML's 1,024-character implicit key; a department
    # with a Unicode line separator and an item with a quote and a backslash
    df = _sample()
    df.loc[df["办理窗口"] == "窗口综合窗口-1", "办理窗口"] = "窗口\n综合: 1"
    long_name = "企业开办" * 300
    df.loc[df["取号事项"] == "企业开办", "取号事项"] = long_name
    df.loc[df["部门"] == "税务", "部门"] = "税务\u2028分局"
    df.loc[df["取号事项"] == "税务登记", "取号事项"] = '税务"登记"\\变更'
    log, out = tmp_path / "导出.csv", tmp_path / "厅.yaml"
    df.to_csv(log, index=False, encoding="utf-8")
    proc = _calibrate(log, out)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    scenario = load_scenario(out)
    assert set(scenario.categories) == set(df["取号事项"])
    assert scenario.categories['税务"登记"\\变更'].department == "税务\u2028分局"
    hall = out.read_text(encoding="utf-8")
    comment = next(line for line in hall.splitlines() if "count: 5" in line)
    assert comment.endswith("窗口\\n综合: 1, 窗口综合窗口-2, 窗口综合窗口-3, 窗口综合窗口-4, "
                            "窗口综合窗口-5")  # the comment stays one line


def test_a_vendors_own_served_word_is_named_with_its_rows_and_where_to_give_it(
        tmp_path: Path) -> None:
    # a GBK export whose headers differ (a mapping names them) and whose served tickets
    # read 办理完成, not a default word: only the 过号 tickets matched, and the calibration
    # blamed the windows
    df = _sample().rename(columns={"取号事项": "事项", "取号时间": "取号时刻"})
    served = int((df["状态"] == "已办结").sum())
    df["状态"] = df["状态"].replace("已办结", "办理完成")
    log, out = tmp_path / "厂商导出.csv", tmp_path / "厅.yaml"
    df.to_csv(log, index=False, encoding="gbk")
    mapping = tmp_path / "map.yaml"
    mapping.write_text("columns:\n  item: 事项\n  ticket_time: 取号时刻\n", encoding="utf-8")
    err = _refused(_calibrate(log, out, "--mapping", str(mapping)), log, out)
    assert "field '状态'" in err and "window" not in err
    assert f"{served:,} of {len(df):,} rows have unknown status words ('办理完成': {served:,})" \
        in err
    assert "status: in --mapping MAP.yaml" in err and "served 已办结/办结/完成/已完成" in err
    # the words the message asks for: the log reads
    mapping.write_text("columns:\n  item: 事项\n  ticket_time: 取号时刻\nstatus:\n"
                       "  served: [办理完成]\n", encoding="utf-8")
    proc = _calibrate(log, out, "--mapping", str(mapping), "-q")
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr


def test_a_few_unknown_status_words_are_still_skipped_and_counted(tmp_path: Path) -> None:
    df = _sample()
    df.loc[:2, "状态"] = "作废"
    log, out = tmp_path / "导出.csv", tmp_path / "厅.yaml"
    df.to_csv(log, index=False, encoding="utf-8")
    proc = _calibrate(log, out)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert "skipped 3: unknown status word (作废)" in proc.stdout
