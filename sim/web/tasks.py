"""The work the web page hands to worker processes: the same functions as the verbs.

Each task takes plain arguments (paths, numbers) and a ``progress(done, total)``
callback, writes its outputs into the workspace atomically, and returns plain data
(JSON-able) for the page. Bad input raises :class:`~sim.files.errors.InputError`, whose
message the page shows as the command line would print it (exit 2). Figures come
from the functions the command line uses: ``simulate`` → ``RunResult.document()``
(``hallsim run``), ``compare_runs`` (``hallsim compare``), ``calibrate`` (``hallsim
calibrate``), the optimiser's ``build_problem``/``certify``/``plan_document``
(``hallsim optimize``), ``backtest`` (``hallsim backtest``).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sim.files.errors import InputError

Progress = Callable[[int, int], None]


def _no_progress(done: int, total: int) -> None:
    return None


def _warnings(scenario: Any, doc: dict[str, Any] | None = None
              ) -> list[tuple[str, dict[str, str]]]:
    """The warnings ``hallsim run`` prints (capacity, then validity of the results), each
    as its English template and values, for the page to translate and fill in."""
    from sim.stats.load import overloads
    from sim.stats.metrics import warning_parts

    out = [o.parts() for o in overloads(scenario)]
    if doc is not None:
        out += warning_parts(scenario, doc)
    return out


def capacity_data(scenario: Any, text: str = "") -> dict[str, Any]:
    """What explains the capacity warnings of a run of ``scenario`` (as simulated: its
    ``hall.days``, ``simulated``; :func:`sim.report.capacity_text.capacity_lines` says
    it): the overloads (times in minutes, days 0-based) and, when the scenario file's ``text``
    begins with the optimiser's header (:func:`optimize.plan.staffed_origin`), where the
    plan came from and the day factors its certification simulated."""
    from optimize.plan import staffed_origin
    from sim.stats.load import overloads

    found = [{"start": o.start, "end": o.end, "factor": o.day_factor,
              "utilisation": o.utilisation, "categories": list(o.categories),
              "days": list(o.days),
              "stretches": [{"start": s.start, "end": s.end, "needed": s.needed,
                             "staffed": s.staffed} for s in o.stretches]}
             for o in overloads(scenario)]
    origin = staffed_origin(text) if text else None
    if origin is not None:
        origin = origin | {"factors": list(origin["factors"])}
    return {"overloads": found, "origin": origin, "simulated": scenario.hall.days}


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes ("" when it cannot be read): tells whether a scenario
    file changed since a job read it."""
    import hashlib

    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""


def saved_run_notes(path: str, doc: dict[str, Any]
                    ) -> tuple[list[tuple[str, dict[str, str]]], dict[str, Any]] | None:
    """The warnings and capacity explanation of a saved run of the scenario at ``path``,
    as :func:`run_scenario` gave them when it ran (shown again with the result); None
    when the scenario has changed since (its warnings would then be another hall's)."""
    from sim.cli.main import _load

    notes: list[tuple[str, dict[str, str]]] = []
    try:
        scenario = _load(path, doc.get("days"), notes)
    except InputError:
        return None
    if not made_of(scenario, doc):
        return None
    return notes + _warnings(scenario, doc), capacity_data(scenario,
                                                   Path(path).read_text(encoding="utf-8"))


def made_of(scenario: Any, doc: dict[str, Any]) -> bool:
    """Whether the run results ``doc`` were made of ``scenario`` as it is now: the scenario
    over the results' days has the ``scenario_sha256`` they record (the run tab's notes,
    :func:`saved_run_notes`, and the floor plan's colours ask it)."""
    from sim.run.replications import scenario_sha256

    run = (doc.get("meta") or {}).get("run") or {}
    days = doc.get("days")
    try:
        now = scenario.with_days(days) if isinstance(days, int) and days > 0 else scenario
    except (InputError, ValueError):
        return False
    return bool(scenario_sha256(now) == run.get("scenario_sha256"))


def run_scenario(path: str, seed: int, replications: int, days: int | None, out: str,
                 progress: Progress = _no_progress) -> dict[str, Any]:
    """``hallsim run PATH --seed --replications --days --json OUT``: the results document."""
    from sim.cli.main import _load
    from sim.files.atomic import write_json_atomic
    from sim.run.replications import simulate

    notes: list[tuple[str, dict[str, str]]] = []
    scenario = _load(path, days, notes)
    done = [0]

    def step(n: int) -> None:
        done[0] += n
        progress(done[0], replications)

    doc = simulate(scenario, seed=seed, replications=replications, progress=step).document()
    write_json_atomic(out, doc)
    return {"document": doc, "path": out, "warnings": notes + _warnings(scenario, doc),
            "capacity": capacity_data(scenario, Path(path).read_text(encoding="utf-8"))}


def compare_scenarios(paths: list[str], seed: int, replications: int, days: int | None,
                      out: str, progress: Progress = _no_progress,
                      shown: list[str] | None = None) -> dict[str, Any]:
    """``hallsim compare PATHS... --json OUT``: documents and paired differences. Scenarios
    of the same ``name`` are told apart by ``shown`` (the workspace's scenario names, not
    the server's paths) where given, else by their paths, as the command line does."""
    from sim.cli.main import _labels, _load
    from sim.files.atomic import write_json_atomic
    from sim.run.compare import compare_runs
    from sim.run.replications import simulate

    if len(paths) < 2:
        raise InputError("", "", "compare needs at least two scenario files")
    scenarios = [_load(p, days) for p in paths]
    labels = _labels(shown or paths, [s.name for s in scenarios])
    total, done = replications * len(paths), [0]

    def step(n: int) -> None:
        done[0] += n
        progress(done[0], total)

    results = [simulate(s, seed=seed, replications=replications, progress=step)
               for s in scenarios]
    docs = {label: r.document() for label, r in zip(labels, results)}
    diffs = {label: compare_runs(results[0], r) for label, r in zip(labels[1:], results[1:])}
    doc = {"baseline": labels[0], "seed": seed, "replications": replications,
           "scenarios": docs, "differences": diffs}
    write_json_atomic(out, doc)
    return doc | {"path": out}


def preview_log(path: str, mapping: dict[str, Any] | None, rows: int = 8) -> dict[str, Any]:
    """The first rows of a ticket log (of any format the readers take), the column each
    field of a hall export is read from, and the ``problem`` calibration would stop on
    with that mapping (a required column missing; "" when none). A bank log or hallsim
    records are read as they are: no mapping."""
    from sim.calibration.hall_export import DEFAULT_COLUMNS, Mapping
    from sim.calibration.readers import log_format

    p = Path(path)
    kind = log_format(p)
    try:
        frame = _log_head(p, kind, rows)
    except InputError:
        raise
    except Exception as exc:  # a broken file: the command line's reader says why
        from sim.calibration.readers import read_log

        read_log(p, Mapping.model_validate(mapping or {}))  # raises the CLI's InputError
        raise InputError(str(p), "", f"cannot be read as a ticket log ({exc})") from None
    columns = [str(c) for c in frame.columns]
    shown = {"format": kind, "columns": columns,
             "rows": frame.fillna("").astype(str).values.tolist(), "mapping": {}, "problem": ""}
    if kind != "hall":
        return shown
    m = Mapping.model_validate(mapping or {})
    guessed = {f: (m.column(f) if m.column(f) in frame.columns else "") for f in DEFAULT_COLUMNS}
    return shown | {"mapping": guessed, "problem": mapping_problem(p, columns, guessed)}


def _log_head(p: Path, kind: str, rows: int) -> Any:
    """The first ``rows`` rows of a log of format ``kind`` as a frame of text, read as
    its reader reads the file (the bank log tab separated in Latin-1; a hall export's
    CSV in its detected encoding)."""
    import pandas as pd

    from sim.calibration.hall_export import detect_encoding

    suffix = p.suffix.lower()
    if suffix == ".parquet":
        return pd.read_parquet(p).head(rows).astype(str)
    if suffix in (".xlsx", ".xlsm"):
        return pd.read_excel(p, nrows=rows, dtype=str)
    if kind == "bank":
        return pd.read_csv(p, sep="\t", nrows=rows, dtype=str, encoding="latin-1")
    return pd.read_csv(p, nrows=rows, dtype=str,
                       encoding=detect_encoding(p) if kind == "hall" else "utf-8")


def mapping_problem(path: str | Path, columns: list[str], chosen: dict[str, str]) -> str:
    """What calibration would refuse in a log with these ``columns`` read as the page's
    ``chosen`` columns say (field -> column; "" for the default name, as
    :func:`calibrate_log` reads them): a required column missing, as the command line
    says it ("" when nothing is missing). Said at preview and after each remapping."""
    from sim.calibration.hall_export import Mapping, check_columns

    headers = [str(c).strip().lstrip("\ufeff") for c in columns]
    try:
        check_columns(path, headers, _mapping(chosen, None) or Mapping())
    except InputError as exc:
        return str(exc)
    return ""


def _mapping(columns: dict[str, str] | None,
             status: dict[str, list[str]] | None = None) -> Any:
    """The ``--mapping MAP.yaml`` the page's choices amount to: the columns and status
    words (outcome -> words) that differ from the reader's defaults; None if none do."""
    from sim.calibration.hall_export import DEFAULT_COLUMNS, DEFAULT_STATUS, Mapping

    changed = {f: c for f, c in (columns or {}).items() if c and c != DEFAULT_COLUMNS.get(f)}
    words = {o: tuple(w) for o, w in (status or {}).items()
             if w and tuple(w) != DEFAULT_STATUS.get(o)}
    if not changed and not words:
        return None
    return Mapping.model_validate({"columns": changed, "status": words})


def _fit(fit: Any) -> dict[str, Any]:
    """A fitted distribution in short: family, mean (minutes) and coefficient of variation."""
    return {"family": fit.family, "mean": float(fit.mean), "cv": float(fit.cv)}


def calibrate_log(paths: list[str], columns: dict[str, str] | None, name: str, out: str,
                  report_dir: str, target: float = 20.0, lang: str = "en",
                  status: dict[str, list[str]] | None = None,
                  progress: Progress = _no_progress) -> dict[str, Any]:
    """``hallsim --lang LANG calibrate LOGS --mapping MAP --out OUT --report DIR``: the
    calibrated scenario (MAP: ``columns`` and ``status`` words as chosen)."""
    from sim.calibration.calibrate import Options, calibrate, write_scenario
    from sim.calibration.readers import read_logs
    from sim.report.calibration import calibration_report
    from sim.report.i18n import set_language

    set_language(lang)
    progress(0, 3)
    log = read_logs(paths, _mapping(columns, status))
    progress(1, 3)
    cal = calibrate(log, Options(target_minutes=target, name=name))
    write_scenario(cal, out)
    progress(2, 3)
    calibration_report(cal, report_dir)
    progress(3, 3)
    items = [{"item": f.name, "department": f.department, "tickets": f.tickets,
              "service": _fit(f.service), "service_basis": f.service.comment(),
              "patience": _fit(f.patience) if f.patience else None,
              "patience_basis": f.patience.comment() if f.patience else ""}
             for f in cal.items.values()]
    groups = [{"group": g.id, "serves": list(g.serves), "windows": len(g.windows),
               "tickets": g.tickets} for g in cal.groups]
    return {"summary": log.summary_lines(), "kept": len(log), "skipped": dict(log.skipped),
            "logs": list(paths), "columns": dict(columns or {}),
            "status": dict(status or {}), "items": items, "groups": groups, "scenario": out,
            "report": str(Path(report_dir) / "index.html"), "notes": list(cal.notes)}


def backtest_log(scenario_path: str, paths: list[str], columns: dict[str, str] | None,
                 out: str, replications: int = 5, seed: int = 1,
                 status: dict[str, list[str]] | None = None,
                 progress: Progress = _no_progress) -> dict[str, Any]:
    """``hallsim backtest SCENARIO LOGS --json OUT``: predicted against observed."""
    from sim.calibration.backtest import backtest
    from sim.calibration.calibrate import Options
    from sim.calibration.readers import read_logs
    from sim.files.atomic import write_json_atomic
    from sim.scenario.model import load_scenario

    progress(0, 1)
    scenario = load_scenario(scenario_path)
    log = read_logs(paths, _mapping(columns, status))
    doc = backtest(scenario, log, replications=replications, seed=seed,
                   options=Options(target_minutes=scenario.targets.wait_minutes))
    write_json_atomic(out, doc)
    progress(1, 1)
    return doc


def optimise_scenario(path: str, certify_plan: bool, out_plan: str, out_scenario: str,
                      out_spec: str, replications: int | None = None,
                      desks: int | str | None = None, structure: str | None = None,
                      progress: Progress = _no_progress, lang: str = "en") -> dict[str, Any]:
    """``hallsim optimize PATH --spec SPEC [--certify] --json PLAN --scenario-out STAFFED``
    (``lang``: the page's, which names the staffed scenario's new window groups).

    The spec is the scenario's ``optimize:`` section (or the defaults) with ``desks`` and
    the window ``structure`` (``auto``, ``dedicated``, ``chain``, ``zone``, ``full``)
    when given (a spec that lists its own ``types`` keeps them); it is written to
    ``out_spec`` so that the command line can repeat the run:
    ``hallsim optimize PATH --spec OUT_SPEC [--certify -r R]``.
    """
    import yaml

    from optimize.certify import certify
    from optimize.plan import plan_document, staffed_header, staffed_scenario
    from optimize.problem import build_problem
    from optimize.solve import solve
    from optimize.spec import load_inputs
    from sim.cli.optimize_cmd import _spec_overrides
    from sim.files.atomic import write_json_atomic, write_text_atomic
    from sim.scenario.model import dump_scenario

    scenario, spec = load_inputs(path)
    if desks is not None:
        spec = spec.model_copy(update={"desks": desks})
    if structure is not None and not spec.types:
        spec = spec.model_copy(update={"structure": structure})
    write_text_atomic(out_spec, yaml.safe_dump(spec.model_dump(mode="json",
                                                               exclude_defaults=True) or {},
                                               allow_unicode=True, sort_keys=False))
    spec = _spec_overrides(spec, argparse.Namespace(replications=replications))
    problem = build_problem(scenario, spec)
    total = spec.certify.max_iterations + 1 if certify_plan else 1
    progress(0, total)
    if certify_plan:
        cert = certify(problem, report=lambda rec: progress(int(rec["iteration"]), total))
        solution = cert.solution
        doc = plan_document(problem, solution, cert.status, cert.service_level,
                            cert.iterations, cert.short_cells)
    else:
        solution = solve(problem)
        doc = plan_document(problem, solution)
    progress(total, total)
    write_json_atomic(out_plan, doc)
    if solution.status == "time_limit":
        raise InputError(path, "", f"time limit: {solution.diagnosis}")
    if solution.cost is None:
        from sim.report.plan_tables import NO_PLAN

        hint = (". To let the optimiser open more windows than the hall has today, choose "
                "'desks: no limit'." if "desks cannot carry" in solution.diagnosis else "")
        raise InputError(path, "", f"{NO_PLAN}{solution.diagnosis}{hint}")
    from sim.report.i18n import set_language
    from sim.report.plan_tables import structure_labels

    set_language(lang)  # the structure's types named as the page names them
    staffed = staffed_scenario(problem, solution,
                               labels=structure_labels(t.id for t in problem.types))
    write_text_atomic(out_scenario, staffed_header(Path(path).name, problem, doc)
                      + dump_scenario(staffed))
    return {"plan": doc, "plan_path": out_plan, "staffed": out_scenario, "spec": out_spec,
            "source_sha256": file_sha256(path)}


def export_results(result: str, lang: str, out_dir: str, xlsx: str, csv: str | None = None,
                   progress: Progress = _no_progress, shown: str | None = None
                   ) -> dict[str, Any]:
    """``hallsim report RESULT --out DIR`` in the page's language, the tables as XLSX and
    CSV (``csv``: beside the XLSX when not given), and a ZIP of the report to download.
    ``shown``: the result's name in the workspace, which the report gives as its source
    (a planner's report does not show the server's folders).
    An optimiser's plan and an effect decomposition have their tables only (``report``
    and ``zip`` None): ``hallsim report`` reads results documents."""
    import shutil

    from sim.report.html import write_report
    from sim.report.i18n import set_language
    from sim.report.plan_tables import is_plan
    from sim.web.effects import is_decomposition
    from sim.web.xlsx import write_csv, write_xlsx

    set_language(lang)
    progress(0, 2)
    doc = json.loads(Path(result).read_text(encoding="utf-8"))
    write_xlsx(doc, xlsx)
    csv = csv or str(Path(xlsx).with_suffix(".csv"))
    write_csv(doc, csv)
    progress(1, 2)
    if is_plan(doc) or is_decomposition(doc):
        progress(2, 2)
        return {"report": None, "zip": None, "xlsx": xlsx, "csv": csv}
    index = write_report(result, out_dir, shown=shown)
    archive = shutil.make_archive(str(Path(out_dir)), "zip", root_dir=out_dir)
    progress(2, 2)
    return {"report": str(index), "zip": archive, "xlsx": xlsx, "csv": csv}


def decompose_study(base: str, changes: list[tuple[str, str]], replications: int, seed: int,
                    days: int | None, out: str,
                    progress: Progress = _no_progress) -> dict[str, Any]:
    """``hallsim decompose BASE --change NAME=PATCH ... -r R --seed S --days D --json OUT``."""
    import tempfile

    from sim.batch.decompose import load_change, plan_decomposition, run_decomposition
    from sim.batch.executors import make_executor
    from sim.files.atomic import write_json_atomic

    plan = plan_decomposition(base, [load_change(n, p) for n, p in changes], replications,
                              seed=seed, days=days)
    total, done = plan.experiment.runs, [0]

    def step(n: int = 1) -> None:
        done[0] += n
        progress(done[0], total)

    with make_executor(inline=True) as executor, \
            tempfile.TemporaryDirectory(prefix="hallsim-web-decompose-") as tmp:
        doc = run_decomposition(plan, str(Path(tmp) / "store.sqlite"), executor, progress=step)
    write_json_atomic(out, doc)
    return doc


def replay_day(path: str, seed: int, day: int, replication: int, records: str,
               lang: str = "en", progress: Progress = _no_progress,
               duty: str | None = None) -> dict[str, Any]:
    """``hallsim run PATH --days DAY+1 -r REPLICATION+1 --seed S --records RECORDS --duty
    DUTY`` then ``hallsim replay PATH --records RECORDS --duty DUTY --day DAY
    --replication REPLICATION``: the replay's markup and data (:mod:`sim.report.replay`)
    for the page to start. ``day`` and ``replication`` are 0-based, as the records count
    them (the page counts from 1); ``duty`` defaults to the records' name with
    ``-duty`` before its extension. The standalone replay page ``hallsim replay --out``
    writes (:func:`sim.report.replay.replay_html`) goes beside the records, their name
    with ``.html`` (``html`` in the result), for the page to offer as a download."""
    from sim.cli.main import _load
    from sim.engine.records import write_records
    from sim.files.atomic import write_text_atomic
    from sim.report.i18n import set_language
    from sim.report.replay import (
        day_of_duty,
        day_of_records,
        replay_data,
        replay_fragment,
        replay_html,
    )
    from sim.run.replications import simulate
    from sim.scenario.model import load_scenario

    days = load_scenario(path).hall.days
    if day >= days:
        raise InputError(path, "--day", f"no day {day + 1} in the scenario: it simulates "
                                        f"days 1 to {days}")
    scenario = _load(path, day + 1)
    total, done = replication + 1, [0]

    def step(n: int) -> None:
        done[0] += n
        progress(done[0], total)

    result = simulate(scenario, seed=seed, replications=total, keep_records=True,
                      progress=step)
    write_records(result.records_frame(), records)
    duty = duty or duty_path(records)
    write_records(result.duty_frame(), duty)
    set_language(lang)
    frame, shifts = day_of_records(records, day, replication), day_of_duty(duty, day, replication)
    data = replay_data(scenario, frame, shifts)
    page = records_stem(records)[0] + ".html"
    write_text_atomic(page, replay_html(scenario, frame, shifts))
    return {"fragment": replay_fragment(scenario, data, "hs-web-replay"), "data": data,
            "records": records, "duty": duty, "html": page}


def records_stem(records: str) -> tuple[str, str]:
    """A records file's name without its format's suffix, and the suffix (``R`` and
    ``.csv.gz`` of ``R.csv.gz``; ``.csv``, ``.parquet`` likewise; else the whole name and
    ``""``)."""
    for suffix in (".csv.gz", ".csv", ".parquet"):
        if records.endswith(suffix):
            return records[:-len(suffix)], suffix
    return records, ""


def duty_path(records: str) -> str:
    """Where the windows' duty of a records file goes: ``R-duty.csv.gz`` beside
    ``R.csv.gz`` (``.csv``, ``.parquet`` likewise)."""
    stem, suffix = records_stem(records)
    return f"{stem}-duty{suffix}" if suffix else f"{records}-duty.csv"


def warm_up() -> dict[str, Any]:
    """Import what a run needs, so a worker's first run starts at once."""
    import scipy.stats  # noqa: F401  intervals over replications

    import sim.run.compare  # noqa: F401
    import sim.run.replications  # noqa: F401

    return {}


#: tasks by name (what the job manager sends to a worker)
TASKS: dict[str, Callable[..., dict[str, Any]]] = {
    "run": run_scenario,
    "compare": compare_scenarios,
    "preview": preview_log,
    "calibrate": calibrate_log,
    "backtest": backtest_log,
    "optimise": optimise_scenario,
    "export": export_results,
    "decompose": decompose_study,
    "replay": replay_day,
    "warm_up": warm_up,
}
