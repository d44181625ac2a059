"""A small hall with known parameters, simulated and exported as a Chinese queue-system log."""

from __future__ import annotations

from pathlib import Path

from sim.calibration.export import export_frame, write_export
from sim.run.replications import simulate
from sim.scenario.model import Scenario, scenario_from_dict

RATES = {"户籍办理": 25.0, "社保登记": 15.0, "公积金提取": 8.0}
SERVICE = {"户籍办理": (6.0, 0.8), "社保登记": (8.0, 0.6), "公积金提取": (10.0, 0.5)}
PATIENCE = {"户籍办理": 20.0, "社保登记": 25.0, "公积金提取": 30.0}
DEPARTMENT = {"户籍办理": "公安", "社保登记": "人社", "公积金提取": "住建"}
OPEN_HOURS = 7.0
DAYS = 20
GROUPS = {  # authorisation set -> (count, schedule or None)
    ("户籍办理",): (3, None),
    ("社保登记",): (2, None),
    ("户籍办理", "社保登记", "公积金提取"): (2, {"08:30": 1, "10:00": 2, "13:30": 2, "15:30": 1}),
    ("公积金提取",): (1, None),
}


def truth(days: int = DAYS) -> Scenario:
    """The known hall: lognormal services, exponential patience, a schedule."""
    return scenario_from_dict({
        "name": "真值大厅",
        "hall": {"open": ["08:30-12:00", "13:30-17:00"], "days": days},
        "targets": {"wait_minutes": 15},
        "categories": {
            c: {"department": DEPARTMENT[c], "arrivals_per_hour": RATES[c],
                "service": {"dist": "lognormal", "mean": SERVICE[c][0], "cv": SERVICE[c][1]},
                "patience": {"dist": "exponential", "mean": PATIENCE[c]}}
            for c in RATES},
        "windows": [{"id": f"W{k}", "count": n, "serves": list(s),
                     **({"schedule": sched} if sched else {})}
                    for k, (s, (n, sched)) in enumerate(GROUPS.items())],
    })


def export_truth(folder: Path, seed: int = 11) -> dict[str, Path]:
    """Simulate one replication of the truth and write it in four export variants."""
    scenario = truth()
    records = simulate(scenario, seed=seed, replications=1, keep_records=True).records_frame()
    plain = export_frame(records, scenario)
    serial = export_frame(records, scenario, excel_serial=True, minutes=True)
    paths = {"utf-8-sig": folder / "log-utf8.csv", "gbk": folder / "log-gbk.csv",
             "xlsx": folder / "log.xlsx", "serial": folder / "log-serial.csv"}
    write_export(plain, paths["utf-8-sig"], "utf-8-sig")
    write_export(plain, paths["gbk"], "gbk")
    write_export(plain, paths["xlsx"])
    write_export(serial, paths["serial"], "utf-8")
    return paths
