"""Logs no hall could have produced: each is refused as bad input (exit 2) with the reason,
never a traceback, and no scenario is written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HEADER = "排队号,取号事项,部门,办理窗口,窗口办理人员,取号时间,呼叫时间,等待时间,办理时间,状态"


def calibrate(tmp_path: Path, rows: list[str]) -> subprocess.CompletedProcess[str]:
    log = tmp_path / "叫号.csv"
    log.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "sim.cli.main", "calibrate", str(log),
                           "--out", str(tmp_path / "厅.yaml"), "-q"], capture_output=True,
                          text=True, timeout=120, check=False)


def refused(proc: subprocess.CompletedProcess[str], tmp_path: Path) -> str:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "叫号.csv" in proc.stderr
    assert not (tmp_path / "厅.yaml").exists()
    return proc.stderr


def test_dates_in_the_year_9999_are_unreadable_ticket_times(tmp_path):
    rows = [f"A{k},户籍,公安,1,张三,9999-01-04 09:{k % 60:02d}:00,9999-01-04 09:{k % 60:02d}:30,,"
            "00:05:00,已办结" for k in range(60)]
    err = refused(calibrate(tmp_path, rows), tmp_path)
    assert "取号时间" in err and "60 ticket time missing or not a time" in err


def test_a_log_of_one_ticket_says_why_nothing_is_left(tmp_path):
    rows = ["A1,户籍,公安,1,张三,2024-01-02 09:00:00,2024-01-02 09:05:00,,00:05:00,已办结"]
    err = refused(calibrate(tmp_path, rows), tmp_path)
    assert "no usable ticket left" in err and "1 item with fewer than 30 tickets" in err


def test_one_ticket_time_repeated_sixty_thousand_times_is_no_hall(tmp_path):
    rows = ["A1,户籍,公安,1,张三,2024-01-02 09:00:00,2024-01-02 09:05:00,,00:05:00,已办结"] * 60_000
    err = refused(calibrate(tmp_path, rows), tmp_path)
    assert "not a valid scenario" in err and "arrivals_per_hour" in err


def test_a_service_typed_as_99999_hours_is_left_out_and_said(tmp_path):
    rows = [f"A{k},户籍,公安,1,张三,2024-01-02 09:{k % 60:02d}:00,2024-01-02 09:{k % 60:02d}:30,,"
            f"00:05:00,已办结" for k in range(59)]
    rows.append("A99,户籍,公安,1,张三,2024-01-02 10:00:00,2024-01-02 10:00:30,,99999:00:00,已办结")
    proc = calibrate(tmp_path, rows)
    assert proc.returncode == 0 and "Warning" not in proc.stderr, proc.stderr
    hall = (tmp_path / "厅.yaml").read_text(encoding="utf-8")
    assert "skipped 1: service longer than a day (a clock or typing error)" in hall
    assert "service: {dist: deterministic, value: 5}" in hall  # 5 minutes, every one
