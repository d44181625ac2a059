"""Stories about what a run records of itself (desmod's ``simulate(config) -> result``):
the scenario it ran (name and content hash), seed, replications, days, workers, engine,
start and wall time, and the error that stopped it when asked not to raise."""

from __future__ import annotations

import pytest

import sim.run.replications as runs
from sim.run.replications import simulate
from sim.scenario.model import scenario_from_dict


def hall(count: int = 2):
    """A small tax hall: one item, one window group of ``count`` windows."""
    return scenario_from_dict({
        "name": "税务大厅", "hall": {"open": ["09:00-12:00"], "days": 2, "warmup_days": 1},
        "categories": {"个税申报": {"arrivals_per_hour": 12,
                                "service": {"dist": "exponential", "mean": 8}}},
        "windows": [{"id": "税务窗口", "count": count, "serves": ["个税申报"]}],
    }, "hall.yaml")


def test_a_run_records_the_scenario_seed_replications_days_workers_and_engine():
    result = simulate(hall(), seed=7, replications=2, engine="simpy")
    config = result.config
    assert config is not None and result.error is None
    assert (config.scenario, config.seed, config.replications) == ("税务大厅", 7, 2)
    assert (config.days, config.warmup_days, config.workers, config.engine) == (2, 1, 1, "simpy")
    assert len(config.scenario_sha256) == 64 and config.started_utc.endswith("+00:00")
    meta = result.document()["meta"]
    assert meta["run"]["scenario_sha256"] == config.scenario_sha256
    assert {"hallsim_version", "wall_seconds"} <= set(meta) and "error" not in meta


def test_the_hash_tells_a_changed_hall_from_the_same_hall_read_again():
    first = simulate(hall(), replications=1, engine="simpy").config
    again = simulate(hall(), replications=1, engine="simpy").config
    bigger = simulate(hall(count=3), replications=1, engine="simpy").config
    assert first is not None and again is not None and bigger is not None
    assert first.scenario_sha256 == again.scenario_sha256
    assert first.scenario_sha256 != bigger.scenario_sha256


def test_a_failing_replication_stops_the_run_and_is_recorded_when_asked_not_to_raise(
        monkeypatch):
    real = runs.run_replication

    def fails_on_the_second(scenario, seed, index, *args, **kwargs):
        if index == 1:
            raise RuntimeError("窗口系统断电")
        return real(scenario, seed, index, *args, **kwargs)

    monkeypatch.setattr(runs, "run_replication", fails_on_the_second)
    with pytest.raises(RuntimeError, match="窗口系统断电"):
        simulate(hall(), replications=3, engine="simpy")
    result = simulate(hall(), replications=3, engine="simpy", reraise=False)
    assert [r.index for r in result.replications] == [0]
    assert result.error == "RuntimeError: 窗口系统断电"
    assert result.document()["meta"]["error"] == "RuntimeError: 窗口系统断电"
