"""The export tab: the open scenario's YAML, and for a saved result its HTML report
(``hallsim report``, in the page's language, as a ZIP and to view) and its tables as
XLSX and CSV (Chinese headings under the Chinese page; figures and their intervals as
numbers, :mod:`sim.web.xlsx`)."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from sim.web.common import Context, JobView, tid


def report_url(name: str) -> str:
    """Address of a report in the workspace's ``reports/`` (served by the app)."""
    return f"/files/reports/{name}/index.html"


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
        names = [e.name for e in ctx.workspace.entries("results", ".json")
                 if not e.name.startswith("decompose-")]
        if not names:
            ui.label(ctx.t("No results yet: run a scenario first."))
            return
        own = [n for n in names if ctx.scenario and n.startswith(ctx.scenario + "-")]
        pick = tid(ui.select(names, value=(own or names)[0], label=ctx.t("Results document"))
                   .classes("w-[480px]"), "export-select")
        links = ui.row().classes("items-center gap-4")
        chosen: dict[str, str] = {}

        def done(job: Any) -> None:
            links.clear()
            res, name = job.result, chosen["name"]
            with links:
                tid(ui.button(ctx.t("Download the tables (XLSX)"),
                              on_click=lambda: ui.download.file(res["xlsx"])), "export-xlsx")
                tid(ui.button(ctx.t("Download the tables (CSV)"),
                              on_click=lambda: ui.download.file(res["csv"])), "export-csv")
                tid(ui.button(ctx.t("Download the HTML report (ZIP)"),
                              on_click=lambda: ui.download.file(res["zip"])), "export-zip")
                tid(ui.link(ctx.t("Open the HTML report"), report_url(name),
                            new_tab=True), "export-report-link")

        def start() -> None:
            if not pick.value:
                return
            result = ctx.workspace.path("results", pick.value, ".json")
            name = f"{pick.value}-{ctx.lang}"
            chosen["name"] = name
            job = ctx.jobs.submit("export", f"{ctx.t('Export')} {pick.value}", "export",
                                  result=str(result), lang=ctx.lang,
                                  out_dir=str(ctx.workspace.path("reports", name)),
                                  xlsx=str(ctx.workspace.path("reports", name, ".xlsx")))
            view.follow(job)

        tid(ui.button(ctx.t("Make the report and tables"), on_click=start), "export-start")
        view = JobView(ctx, "export", done)

    results()
    ctx.on_show.setdefault("export", []).append(results.refresh)
