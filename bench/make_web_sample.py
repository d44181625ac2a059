"""Make the web application's bundled sample log (sim/web/samples/示例大厅叫号导出.csv).

Simulates sim/web/samples/sample_hall.yaml (seed 7, one replication of its ten days) and
writes the tickets as a queue system's export with Chinese headers, UTF-8 with BOM, the
way sim.calibration.export writes them for the calibration round trip:

    python bench/make_web_sample.py
"""

from __future__ import annotations

from pathlib import Path

from sim.calibration.export import export_frame, write_export
from sim.run.replications import simulate
from sim.scenario.loading import load_scenario

SAMPLES = Path(__file__).resolve().parents[1] / "sim" / "web" / "samples"


def main() -> None:
    """Write the sample log."""
    scenario = load_scenario(SAMPLES / "sample_hall.yaml")
    result = simulate(scenario, seed=7, replications=1, keep_records=True)
    frame = export_frame(result.records_frame(), scenario)
    out = SAMPLES / "示例大厅叫号导出.csv"
    write_export(frame, out, encoding="utf-8-sig")
    print(f"{len(frame):,} tickets written to {out}")


if __name__ == "__main__":
    main()
