"""The decompose tab (for the researcher): how much of a bundled study's reform each
change makes, as a waterfall.

The work is ``hallsim decompose`` in a worker (:func:`sim.web.tasks.decompose_study`:
``plan_decomposition`` and ``run_decomposition``, every combination of the study's
patches on common random numbers, Shapley values with 95 % CIs). The page draws the
waterfall of the chosen metric (base, each change's Shapley value, all changes) and
prints the command line's own table (:func:`sim.cli.decompose_cmd.decomposition_table`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from nicegui import ui

from sim.report.i18n import tr, tr_in, tr_unit
from sim.stats import registry
from sim.web import charts
from sim.web.bundled import scenarios_dir
from sim.web.common import Context, JobView, table, tid
from sim.web.effects import effects_block, metric_title
from sim.web.fields import DAYS, REPLICATIONS, Limit, number, read, valid

#: ``hallsim decompose BASE --change NAME=PATCH ...`` in a study's README
_COMMAND = re.compile(r"hallsim decompose (\S+)((?:\s*\\?\s*(?:--change|-c) \S+=\S+)+)")
_CHANGE = re.compile(r"(?:--change|-c) \S+?=(\S+)")


def _readme_study(folder: Path) -> tuple[Path, list[Path]] | None:
    """The decomposition the study's README runs: the ``hallsim decompose`` command with
    the most changes that are the study's patches (its base scenario and patches, in
    the README's order); None without a README or such a command."""
    try:
        text = (folder / "README.md").read_text(encoding="utf-8")
    except OSError:
        return None
    root = folder.parent.parent  # the repository: the README's paths start there
    best: tuple[Path, list[Path]] | None = None
    for m in _COMMAND.finditer(text):
        patches = [root / p for p in _CHANGE.findall(m[2])]
        if all(p.parent == folder / "patches" and p.is_file() for p in patches) and \
                (root / m[1]).is_file() and (best is None or len(patches) > len(best[1])):
            best = (root / m[1], patches)
    return best


def studies() -> dict[str, tuple[Path, list[tuple[str, Path]]]]:
    """Bundled studies with patches: name -> (base scenario, [(change, patch)]), as the
    study's README decomposes it (:func:`_readme_study`; Xinglongtai's guide desk and
    smart calling on its hall without guides), else ``before.yaml`` with every patch."""
    root = scenarios_dir()
    out: dict[str, tuple[Path, list[tuple[str, Path]]]] = {}
    if root is None:
        return out
    for folder in sorted(p for p in root.iterdir() if (p / "patches").is_dir()):
        found = _readme_study(folder)
        if found is None:
            found = (folder / "before.yaml", sorted((folder / "patches").glob("*.yaml")))
        base, patches = found
        if base.is_file() and patches:
            out[folder.name] = (base, [(p.stem, p) for p in patches])
    return out


#: the bundled studies as the English page names them (the catalogue's context ``study``
#: gives the Chinese)
STUDY_TITLES = {
    "yumen": "Yumen (Gansu): concentration, cross-authorisation, one-visit bundling",
    "wuqing": "Wuqing (Tianjin): parallel approval, one visit, faster service",
    "tianjin_centre": "Tianjin administrative licensing centre: fewer steps, fewer "
                      "materials, appointments",
    "xinglongtai": "Xinglongtai (Panjin): smart calling and the guide desk, without guides "
                   "at first",
}


def study_title(folder: str) -> str:
    """A bundled study by the place it models, in the language in use ("yumen" reads
    "玉门（甘肃）…" in Chinese, "Yumen (Gansu): …" in English)."""
    title = tr_in("study", folder)
    return STUDY_TITLES.get(folder, folder) if title == folder else title


def change_name(stem: str) -> str:
    """A study's change (its patch file's stem) by the study's own word for it, as
    the patch names it (``concentration`` reads 集中办理, ``cross_authorisation``
    交叉授权, ``bundling`` 一件事一次办; the catalogue's context ``change``): the name
    the decomposition, its waterfall and its table carry."""
    return tr_in("change", stem)


def waterfall(doc: dict[str, Any], metric: str) -> dict[str, Any]:
    """ECharts waterfall of ``metric``: base, each change's Shapley value, all changes."""
    from sim.batch.decompose import TOTALS

    d = doc["metrics"][metric]
    key = TOTALS.get(metric, metric.rsplit(".", 1)[-1])

    def shown(x: float) -> float:
        return float(registry.display(key, x) or 0.0)

    steps = [(tr("base"), shown(d["base"]["mean"]))]
    steps += [(name, shown(e["mean"])) for name, e in d["shapley"].items()]
    steps.append((tr("all changes"), shown(d["all_changes"]["mean"])))
    m = registry.metric(key)
    return charts.waterfall_chart(metric_title(doc, metric), steps, tr_unit(m.unit),
                                  m.lower_is_better)


def effects_table(ctx: Context, doc: dict[str, Any], metric: str) -> Any:
    """``metric``'s effects (the rows ``hallsim decompose`` prints) as a table under the
    metric's name and unit (:func:`sim.web.effects.effects_block`, as the export has it)."""
    ctx.t("")
    title, heads, rows = effects_block(doc, metric)
    return table(heads, rows, "decompose-table", title)


def panel(ctx: Context) -> None:
    """Build the decompose tab."""
    found = studies()
    if not found:
        ui.label(ctx.t("The bundled studies were not found (set HALLSIM_SCENARIOS)."))
        return
    with ui.row().classes("items-end gap-4"):
        study = tid(ui.select({k: study_title(k) for k in found}, value=next(iter(found)),
                              label=ctx.t("Study"))
                    .classes("w-[420px]"), "decompose-study")
        # paired confidence intervals need two replications at least
        reps = tid(number(ctx.t, "Replications", Limit(2, REPLICATIONS.most, whole=True),
                          value=5).classes("w-36"), "decompose-replications")
        days = tid(number(ctx.t, "Days (empty: the scenario's)", DAYS.with_optional(),
                          value=1, name="Days per replication").classes("w-56"),
                   "decompose-days")
        go = tid(ui.button(ctx.t("Decompose")), "decompose-start")
    view = JobView(ctx, "decompose", lambda job: show(job.result))
    out = view.shows_in(ui.column().classes("w-full"))

    def show(doc: dict[str, Any]) -> None:
        ctx.t("")
        out.clear()
        with out:
            metrics = list(doc["metrics"])
            # the metric chosen before a reload or a change of language, if this one has it
            first = ctx.kept.get("metric", "")
            first = first if first in metrics else metrics[0]
            chart = tid(ui.echart(waterfall(doc, first)).classes("w-full h-80"),
                        "decompose-chart")

            def pick(e: Any) -> None:
                ctx.t("")
                chart.options.clear()
                chart.options.update(waterfall(doc, e.value))
                chart.update()
                tables.refresh(e.value)
                ctx.keep("metric", e.value)

            tid(ui.select({m: metric_title(doc, m) for m in metrics}, value=first,
                          label=ctx.t("Metric"), on_change=pick)
                .classes("w-96"), "decompose-metric")
            ui.label(ctx.t("{combinations} combinations x {replications} replications, seed "
                           "{seed}; 95% CIs over paired replications").format(
                combinations=doc["combinations"], replications=doc["replications"],
                seed=doc["seed"])).classes("text-body2")

            @ui.refreshable
            def tables(metric: str) -> None:
                effects_table(ctx, doc, metric)

            tables(first)

    def start() -> None:
        if not valid((reps, days)):  # each says under it what it accepts
            return
        r, d = read(reps), read(days)
        base, changes = found[study.value]
        name = ctx.workspace.free_name("results", f"decompose-{study.value}", ".json")
        ctx.t("")  # the tab's language names the changes
        job = ctx.jobs.submit("decompose", study_title(study.value),
                              "decompose", base=str(base),
                              changes=[(change_name(n), str(p)) for n, p in changes],
                              replications=r, seed=1, days=d,
                              out=str(ctx.workspace.path("results", name, ".json")))
        view.follow(job)

    view.starts(go, start)
    # a reload or a change of language follows a decomposition still running, or shows the
    # newest one made again, its study chosen
    resumed = view.resume("decompose", match=lambda job: True)
    if resumed is not None:  # the fields say how the one shown was made
        study.value = next((k for k, (base, _) in found.items()
                            if str(base) == resumed.kwargs.get("base")), study.value)
        reps.value = resumed.kwargs.get("replications", reps.value)
        days.value = resumed.kwargs.get("days") or days.value
