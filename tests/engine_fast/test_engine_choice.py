"""Stories: which engine runs a scenario, and what the planner is told.

``--engine auto`` (the default) runs the fast engine where it runs every field of the
scenario and the SimPy engine otherwise, naming the first field it does not run;
``--engine fast`` where it cannot run is bad input (exit 2). Without numba, ``auto``
falls back with a reason and ``fast`` asks for the ``[fast]`` extra. These stories need
no numba (the missing-numba ones pretend it is missing); the few that run the fast
engine skip without it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import sim.engine.fast.support as support
from sim.batch.experiment import load_experiment, tasks_of
from sim.cli.main import main
from sim.engine.fast import available, choose_engine, unsupported
from sim.files.errors import InputError
from sim.run.replications import simulate, use_engine
from sim.scenario.model import load_scenario
from tests.helpers import continuous, exp

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
QUICKSTART = SCENARIOS / "quickstart.yaml"
needs_numba = pytest.mark.skipif(not available(), reason="numba (the [fast] extra) is missing")


@pytest.fixture(autouse=True)
def _auto_engine():
    """Each story starts from the default choice and leaves it so."""
    use_engine("auto")
    yield
    use_engine("auto")


@pytest.mark.parametrize(("path", "field"), [
    ("mechanisms/guide_desk.yaml", "categories.社保.returns"),  # its guide desk runs
    ("mechanisms/guide_none.yaml", "categories.社保.returns"),  # its wrong tickets run
    ("mechanisms/online_30.yaml", "categories.企业开办.backoffice"),
    ("reforms/journey_bundle.yaml", "journeys"),
    ("tianjin_centre/before.yaml", "categories.企业设立.returns"),
])
def test_the_first_field_the_fast_engine_does_not_run_is_named(path: str, field: str):
    assert unsupported(load_scenario(SCENARIOS / path)) == field


@pytest.mark.parametrize("path", ["quickstart.yaml", "mechanisms/kiosk_4.yaml",
                                  "mechanisms/breaks_ab_backup.yaml",
                                  "mechanisms/appointments_50.yaml",
                                  "mechanisms/priority_elderly.yaml", "optimize/sinusoid.yaml"])
def test_kiosks_breaks_appointments_priorities_and_schedules_are_within_the_fast_engine(
        path: str):
    assert unsupported(load_scenario(SCENARIOS / path)) is None


@needs_numba
def test_auto_runs_the_fast_engine_on_a_big_plain_run_and_says_why(monkeypatch):
    """648 tickets a day for 20 days, 10 replications: 129,600 expected tickets. A small
    run stays on SimPy until the compiled engine is loaded in the process anyway."""
    monkeypatch.setattr(support, "loaded", lambda: False)
    hall = continuous({"社保": {"arrivals_per_hour": 27, "service": exp(10)}},
                      [{"id": "窗口A", "count": 5, "serves": ["社保"]}], days=20)
    choice = choose_engine(hall, "auto", replications=10)
    assert choice.engine == "fast"
    assert choice.line() == "engine: fast (it runs every field of the scenario)"
    small = choose_engine(hall, "auto", replications=1)
    assert small.engine == "simpy"
    assert small.line() == ("engine: simpy (a small run of 12,960 expected tickets: the fast "
                            "engine pays for its loading from 100,000)")
    assert choose_engine(hall, "fast", replications=1).engine == "fast"
    monkeypatch.setattr(support, "loaded", lambda: True)
    assert choose_engine(hall, "auto", replications=1).engine == "fast"


@needs_numba
def test_auto_falls_back_to_simpy_naming_the_field():
    choice = choose_engine(load_scenario(SCENARIOS / "mechanisms/guide_desk.yaml"), "auto")
    assert choice.engine == "simpy"
    assert "does not run 'categories.社保.returns'" in choice.line()


@needs_numba
def test_asking_for_the_fast_engine_where_it_cannot_run_is_bad_input():
    with pytest.raises(InputError, match="does not run 'journeys'"):
        choose_engine(load_scenario(SCENARIOS / "reforms/journey_bundle.yaml"), "fast")
    with pytest.raises(InputError, match="does not run 'categories.社保.returns'"):
        choose_engine(load_scenario(SCENARIOS / "mechanisms/guide_desk.yaml"), "fast",
                      with_cases=True)


@needs_numba
def test_journeys_run_on_the_fast_engine_for_a_caller_with_the_post_pass():
    """Every run takes the journeys with the cases (``run_replication``): the fast engine
    runs them; only a caller of the front alone (``run_fast``) is told it does not."""
    for path in ("reforms/journey_bundle.yaml", "yumen/before.yaml", "yumen/after.yaml"):
        scenario = load_scenario(SCENARIOS / path)
        assert choose_engine(scenario, "fast", with_cases=True).engine == "fast"
        assert unsupported(scenario) == "journeys"


def test_without_numba_auto_falls_back_and_fast_asks_for_the_extra(monkeypatch):
    monkeypatch.setattr(support, "available", lambda: False)
    scenario = load_scenario(QUICKSTART)
    choice = choose_engine(scenario, "auto")
    assert choice.engine == "simpy" and "install the [fast] extra" in choice.line()
    with pytest.raises(InputError, match=r"install the \[fast\] extra"):
        choose_engine(scenario, "fast")
    assert choose_engine(scenario, "simpy").engine == "simpy"


def quick_run(capsys: pytest.CaptureFixture[str], *options: str) -> tuple[int, str]:
    """``hallsim run`` of one day of the quick-start hall: exit status and stderr."""
    code = main(["run", str(QUICKSTART), "-r", "1", "--days", "1", *options])
    return code, capsys.readouterr().err


def test_without_numba_hallsim_run_still_works(monkeypatch, capsys):
    monkeypatch.setattr(support, "available", lambda: False)
    code, err = quick_run(capsys)
    assert code == 0 and "engine: simpy (numba is not installed" in err
    code, err = quick_run(capsys, "--engine", "fast")
    assert code == 2 and "install the [fast] extra" in err


@needs_numba
def test_both_engines_give_the_same_results_document(tmp_path):
    docs = {}
    for engine in ("fast", "simpy"):
        out = tmp_path / f"{engine}.json"
        assert main(["run", str(QUICKSTART), "-r", "3", "-q", "--engine", engine,
                     "--json", str(out)]) == 0
        doc = json.loads(out.read_text(encoding="utf-8"))
        doc["meta"].pop("wall_seconds")
        run = doc["meta"].get("run", {})
        run.pop("started_utc", None)
        assert run.pop("engine", engine) == engine  # the results say which engine ran
        docs[engine] = doc
    assert docs["fast"] == docs["simpy"]


@needs_numba
def test_the_command_line_says_which_engine_ran_unless_quiet(capsys, monkeypatch):
    monkeypatch.setattr(support, "loaded", lambda: False)
    code, err = quick_run(capsys)
    assert code == 0 and "hallsim: engine: simpy (a small run of" in err
    code, err = quick_run(capsys, "--engine", "fast")
    assert code == 0 and "hallsim: engine: fast (asked for)" in err
    code, err = quick_run(capsys, "-q", "--engine", "fast")
    assert code == 0 and "engine" not in err
    guide = SCENARIOS / "mechanisms/guide_desk.yaml"
    assert main(["run", str(guide), "-r", "1", "--days", "1", "--engine", "fast"]) == 2
    assert "does not run 'categories.社保.returns'" in capsys.readouterr().err


@needs_numba
def test_simulate_results_do_not_depend_on_the_engine_or_the_workers():
    scenario = load_scenario(SCENARIOS / "mechanisms/kiosk_4.yaml")
    fast = simulate(scenario, seed=3, replications=2, engine="fast")
    slow = simulate(scenario, seed=3, replications=2, workers=2, engine="simpy")
    def text(run):  # NaN (a figure with nothing to measure) equals NaN here
        return json.dumps([r.summary for r in run.replications], sort_keys=True)

    assert text(fast) == text(slow)


@needs_numba
def test_an_experiment_file_names_its_engine_and_each_point_is_decided_once(tmp_path):
    spec = tmp_path / "实验.yaml"
    spec.write_text(f"name: 两个大厅\nscenarios: [{QUICKSTART}, "
                    f"{SCENARIOS / 'mechanisms/guide_desk.yaml'}]\nreplications: 2\n"
                    "engine: simpy\n", encoding="utf-8")
    experiment = load_experiment(spec)
    assert experiment.engine == "simpy"
    assert {t.engine for t in tasks_of(experiment)} == {"simpy"}
    spec.write_text(spec.read_text(encoding="utf-8").replace("engine: simpy\n", ""),
                    encoding="utf-8")
    said: list[str] = []
    use_engine("auto", said.append)
    engines = [t.engine for t in tasks_of(load_experiment(spec))]
    assert engines[-2:] == ["simpy", "simpy"]  # the guide desk hall's returns run on SimPy
    assert any("does not run 'categories.社保.returns'" in line for line in said)
    assert len(said) == len(set(said)) == 2


@needs_numba  # without numba the reason is that, one line whatever the size
def test_points_of_other_sizes_say_the_engine_once(monkeypatch):
    """A batch of three arrival scales printed 「引擎：simpy（运行规模小，预计 14,684 个号…）」
    three times, once per point's size: one engine for one reason is said once."""
    from sim.run.replications import resolve_engine

    monkeypatch.setattr(support, "loaded", lambda: False)
    said: list[str] = []
    use_engine("auto", said.append)
    base = load_scenario(QUICKSTART)
    for days in (10, 11, 13):  # three sizes of one hall
        resolve_engine(base.with_days(days), replications=2)
    use_engine("auto")
    assert len(said) == 1 and "a small run of" in said[0]
