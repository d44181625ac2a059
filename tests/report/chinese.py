"""A small hall whose every name is Chinese, as the tool's users write them."""

from __future__ import annotations

from pathlib import Path

CHINESE_HALL = """\
name: 兴隆台政务服务大厅
hall:
  open: ["08:30-12:00", "13:30-17:00"]
  days: 1
categories:
  企业开办:
    department: 市场监管局
    arrivals_per_hour: 14
    service: {dist: lognormal, mean: 10, cv: 0.6}
    patience: {dist: exponential, mean: 25}
  社保业务:
    arrivals_per_hour: 18
    service: {dist: exponential, mean: 6}
windows:
  - id: 窗口A
    count: 2
    serves: [企业开办]
  - id: 综合窗口
    count: 2
    serves: [社保业务, 企业开办]
targets:
  wait_minutes: 15
"""

#: the same hall with one more window in the busy group
MORE_WINDOWS = CHINESE_HALL.replace("name: 兴隆台政务服务大厅", "name: 增开窗口") \
    .replace("  - id: 综合窗口\n    count: 2", "  - id: 综合窗口\n    count: 3")


def write_hall(tmp_path: Path, text: str = CHINESE_HALL, name: str = "大厅.yaml") -> Path:
    """Write a scenario file and return its path."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path
