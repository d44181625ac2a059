"""The export tab: the open scenario's YAML, and for a saved result (a run, comparison
or backtest, listed by scenario, kind and time) its HTML report (``hallsim report``, in
the page's language, as a ZIP and to view) and its tables as XLSX and CSV (Chinese
headings under the Chinese page; figures and their intervals as numbers,
:mod:`sim.web.xlsx`); for an optimiser's staffing plan, its tables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nicegui import ui

from sim.report.i18n import set_language, tr, tr_in
from sim.web.common import Context, JobView, optimise_text, runs_text, tid
from sim.web.workspace import Saved


def report_url(name: str) -> str:
    """Address of a report in the workspace's ``reports/`` (served by the app)."""
    return f"/files/reports/{name}/index.html"


def result_label(ctx: Context, item: Saved) -> str:
    """A saved result as the export and run tabs list it: scenario, kind (run,
    comparison, backtest, optimisation) with how a run was run (replications, days,
    seed), and time, then its id (which tells two apart)."""
    set_language(ctx.lang)
    kind = tr_in("result", item.kind)
    if item.runs is not None:  # two runs of a minute tell apart by how they were run
        kind += " · " + runs_text(tr, *item.runs)
    if item.plan is not None:  # two plans of a hall by how they were made
        kind += " · " + optimise_text(tr, *item.plan)
    scenario = item.scenario
    if item.kind == "decompose":  # a bundled study by the place it models
        from sim.web.decompose import study_title

        scenario = study_title(scenario)
    return tr("{scenario} · {kind} · {time} ({id})").format(
        scenario=scenario, kind=kind, time=item.when, id=item.name)


def downloads(ctx: Context, res: dict[str, Any], name: str) -> None:
    """The buttons of a finished export: the tables, and the HTML report where there is
    one (an optimiser's plan has tables only)."""
    tid(ui.button(ctx.t("Download the tables (XLSX)"),
                  on_click=lambda: ui.download.file(res["xlsx"])), "export-xlsx")
    tid(ui.button(ctx.t("Download the tables (CSV)"),
                  on_click=lambda: ui.download.file(res["csv"])), "export-csv")
    if res.get("zip"):
        tid(ui.button(ctx.t("Download the HTML report (ZIP)"),
                      on_click=lambda: ui.download.file(res["zip"])), "export-zip")
        tid(ui.link(ctx.t("Open the HTML report"), report_url(name), new_tab=True),
            "export-report-link")


def panel(ctx: Context) -> None:
    """Build the export tab."""
    if ctx.scenario:
        path = ctx.workspace.scenario_path(ctx.scenario)
        ui.label(ctx.t("Scenario")).classes("text-h6")
        tid(ui.button(ctx.t("Download {name}").format(name=path.name),
                      on_click=lambda: ui.download.file(path)).props("no-caps"), "export-yaml")
    ui.label(ctx.t("Results")).classes("text-h6 mt-4")

    @ui.refreshable
    def results() -> None:
        found = {s.key: s for s in ctx.workspace.saved_results()}
        if not found:
            ui.label(ctx.t("No results yet: run a scenario first."))
            return
        own = [k for k, s in found.items() if s.scenario == ctx.scenario]

        def key_of(job: Any) -> str | None:  # the saved result an export job was of
            return next((k for k, s in found.items()
                         if str(s.path) == job.kwargs.get("result")), None)

        # the jobs tab's "Show" (?job=N) of an export: its result chosen, its files offered
        named = next((j for j in ctx.jobs.jobs() if j.kind == "export"
                      and j.id == ctx.extra.get("job")), None)
        first = (key_of(named) if named is not None else None) or (own or list(found))[0]
        pick = tid(ui.select({k: result_label(ctx, s) for k, s in found.items()},
                             value=first, label=ctx.t("Results document"))
                   .classes("w-full max-w-4xl"), "export-select")
        links = ui.row().classes("items-center gap-4")

        def picked() -> None:  # another result: the last one's files are not offered
            links.clear()
            view.state.text = ""
            view.bar.set_visibility(False)

        pick.on_value_change(picked)

        def done(job: Any) -> None:
            links.clear()
            with links:
                downloads(ctx, job.result, Path(job.kwargs["out_dir"]).name)

        def start() -> None:
            if not pick.value:
                return
            item = found[pick.value]
            name = f"{item.name}-{ctx.lang}"
            links.clear()  # the files of this export, when it is done
            job = ctx.jobs.submit("export", item.name, "export",
                                  result=str(item.path), lang=ctx.lang,
                                  shown=f"{item.key}{item.path.suffix}",
                                  out_dir=str(ctx.workspace.path("reports", name)),
                                  xlsx=str(ctx.workspace.path("reports", name, ".xlsx")))
            view.follow(job)

        button = tid(ui.button(ctx.t("Make the report and tables")), "export-start")
        view = JobView(ctx, "export", done)
        view.starts(button, start)
        # the export the address names, or one of the result chosen still going (a reload)
        view.resume("export", match=lambda job: key_of(job) == pick.value, finished=False)

    results()
    ctx.on_show.setdefault("export", []).append(results.refresh)
