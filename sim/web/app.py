"""The web application: the page, its tabs, and starting the server.

:func:`create_app` registers the page ``/`` (header with the language switch, and one
tab per area: workspace, import, hall editor, run, forecast, floor plan and replay,
floor plan editor, compare, optimise, export, decompose, jobs), the workspace's report
files and the token gate; :func:`serve` runs it with uvicorn.
Each area lives in its own module (``sim/web/<area>.py``) with a function
``panel(ctx)`` that builds it, so areas can grow independently.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

from nicegui import app, ui

from sim.report.i18n import normalise
from sim.web import (
    compare,
    decompose,
    editor,
    export,
    floorplan_tab,
    forecast_tab,
    importlog,
    jobs_panel,
    layout_tab,
    optimise,
    results,
    workspace_panel,
)
from sim.web.common import Context, drop_edits_and_go, tid
from sim.web.jobs import JobManager
from sim.web.security import HostGate, TokenGate
from sim.web.workspace import Workspace

#: the colour of warnings (Quasar's ``warning``): amber, dark enough to read on white
WARNING_TEXT = "#8a5a00"

#: tabs in order: (key, English title, the area's builder)
TABS = (
    ("workspace", "Workspace", workspace_panel.panel),
    ("import", "Import log", importlog.panel),
    ("editor", "Hall editor", editor.panel),
    ("run", "Run", results.panel),
    ("forecast", "Forecast", forecast_tab.panel),
    ("floorplan", "Floor plan and replay", floorplan_tab.panel),
    ("layout", "Floor plan editor", layout_tab.panel),
    ("compare", "Compare", compare.panel),
    ("optimise", "Optimise", optimise.panel),
    ("export", "Export", export.panel),
    ("decompose", "Decompose", decompose.panel),
    ("jobs", "Jobs", jobs_panel.panel),
)


#: tabs drawn from the open scenario's file, built again when another tab saved it (the
#: hall editor reads the floor plan from the file as it saves, so it needs no rebuild; a
#: tab that saves the file itself says so through ``ctx.extra["file-seen"]``)
FOLLOWS_FILE = frozenset({"floorplan", "layout"})


@dataclass
class Server:
    """What the page needs from the server: the workspace and the job manager."""

    workspace: Workspace
    jobs: JobManager


_server: Server | None = None


def server() -> Server:
    """The running server's workspace and jobs."""
    if _server is None:
        raise RuntimeError("create_app() was not called")
    return _server


def page(lang: str = "zh", scenario: str = "", tab: str = "workspace", job: str = "",
         metric: str = "") -> None:
    """The application's one page (query: ``lang``, ``scenario``, ``tab``, ``job``: a
    finished job whose result the tab shows, as the jobs tab's "Show" asks, and the view
    choices of :data:`~sim.web.common.KEPT`: ``metric``, the decomposition's)."""
    srv = server()
    code = normalise(lang) or "zh"
    names = srv.workspace.scenarios()
    ctx = Context(code, srv.workspace, srv.jobs, scenario if scenario in names else None,
                  tab if tab in {k for k, _, _ in TABS} else "workspace")
    if job.isdigit():
        ctx.extra["job"] = int(job)
    if metric:
        ctx.kept["metric"] = metric
    ui.page_title(ctx.t("hallsim: service hall planner"))
    _start_workers_soon(srv.jobs, FIRST_PAGE_DELAY)
    with ui.header().classes("items-center justify-between px-4 py-1"):
        tid(ui.label(ctx.t("hallsim: service hall planner")).classes("text-lg font-medium"),
            "app-title")
        with ui.row().classes("items-center gap-2"):
            tid(ui.label(ctx.t("Open scenario: {name}").format(name=ctx.scenario)
                         if ctx.scenario else ctx.t("No scenario open")), "open-scenario")
            badge = tid(ui.badge(ctx.t("unsaved changes"), color="orange"), "unsaved-badge")
            badge.set_visibility(False)
            ctx.extra["unsaved-badge"] = badge
        other = "en" if ctx.lang == "zh" else "zh"
        with ui.dialog() as drop_box, ui.card():  # unsaved edits: asked before they go
            ui.label(ctx.t("The hall editor, the floor plan or the forecast plan holds "
                           "changes not yet saved: switching the language drops them."))
            with ui.row():
                # dropped on purpose: the browser's own question (beforeunload) not asked
                tid(ui.button(ctx.t("Switch and drop them"),
                              on_click=lambda: drop_edits_and_go(ctx.url(lang=other)))
                    .props("color=negative"), "lang-switch-drop")
                tid(ui.button(ctx.t("Cancel"), on_click=drop_box.close).props("flat"),
                    "lang-switch-keep")

        # a reload or closing the tab with the mark shown: the browser asks first
        ui.add_body_html("<script>window.addEventListener('beforeunload', e => {"
                         "const b = document.querySelector('[data-testid=unsaved-badge]');"
                         "if (b && b.offsetParent !== null && !window.hsDropEdits) {"
                         "e.preventDefault();"
                         "e.returnValue = '';}});</script>")

        def switch() -> None:
            if ctx.unsaved():
                drop_box.open()
            else:
                ui.navigate.to(ctx.url(lang=other))

        tid(ui.button("English" if other == "en" else "中文", on_click=switch)
            .props("flat color=white"), "lang-switch")
    def switched(tab: str) -> None:  # the address follows, so a reload stays on the tab
        ctx.shown(tab)
        ui.navigate.history.replace(ctx.url())

    # twelve tabs fit a 1024 px window in either language: no capitals, narrow padding
    ui.add_css(".hallsim-tabs .q-tab { padding: 0 10px; min-width: 0; }")
    # warnings in a dark amber: Quasar's own yellow is 1.7:1 on white, this 5.9:1 (WCAG
    # AA asks 4.5:1 for text)
    ui.colors(warning=WARNING_TEXT)
    with ui.tabs(on_change=lambda e: switched(e.value)).props("no-caps dense") \
            .classes("w-full hallsim-tabs") as tabs:
        for key, title, _ in TABS:
            tid(ui.tab(key, label=ctx.t(title)), f"tab-{key}")
    tabs.value = ctx.tab
    with ui.tab_panels(tabs, value=ctx.tab).classes("w-full"):
        panels = {key: ui.tab_panel(key) for key, _, _ in TABS}
    builders = {key: build for key, _, build in TABS}
    built: dict[str, tuple[int, int] | None] = {}  # tab -> the scenario file when built

    def scenario_file() -> tuple[int, int] | None:
        """The open scenario's file as last written (time, size), None without one."""
        if ctx.scenario is None:
            return None
        try:
            stat = ctx.workspace.scenario_path(ctx.scenario).stat()
        except OSError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def build(key: str) -> None:
        """A tab is built when first shown (a light first page); a tab drawn from the
        scenario's file (:data:`FOLLOWS_FILE`) is built again when shown after another
        tab saved the file, unless it holds edits of its own not yet saved."""
        if key in built and (key not in FOLLOWS_FILE or built[key] == scenario_file()
                             or (key == "layout" and _holds_edits(ctx, "layout-editor"))):
            return
        panels[key].clear()
        with panels[key]:
            builders[key](ctx)
        built[key] = scenario_file()

    def seen(key: str) -> None:
        """Tab ``key`` wrote the scenario's file itself: it is up to date with it."""
        if key in built:
            built[key] = scenario_file()

    ctx.extra["file-seen"] = seen
    for key in builders:
        ctx.on_show.setdefault(key, []).append(lambda key=key: build(key))
    build(ctx.tab)


def _holds_edits(ctx: Context, editor: str) -> bool:
    """Whether the tab's editor (``ctx.extra[editor]``) holds changes not yet saved."""
    ed = ctx.extra.get(editor)
    return ed is not None and bool(ed.unsaved())


#: seconds after the first page (or after start-up, whichever comes first: WORKER_DELAY
#: after start-up, FIRST_PAGE_DELAY after the first page) before the worker processes are
#: started and warmed, so that they do not compete with the first page for the
#: processor; a job submitted earlier starts them at once
WORKER_DELAY, FIRST_PAGE_DELAY = 10.0, 1.0


def _start_workers_soon(jobs: JobManager, delay: float = WORKER_DELAY) -> None:
    if jobs.started:
        return
    timer = threading.Timer(delay, jobs.start)
    timer.daemon = True
    timer.start()


def create_app(workspace: str | Path, token: str | None = None, workers: int = 1,
               host: str | None = None) -> Server:
    """Register the page, the report files and (with ``token``) the token gate; without
    one, for a server listening on ``host``, the gate that lets in this machine's pages
    only (:class:`~sim.web.security.HostGate`: no other site's page, no DNS rebinding)."""
    global _server
    ws = Workspace(workspace)
    _server = Server(ws, JobManager(workers))
    ui.page("/")(page)
    app.add_static_files("/files/reports", ws.root / "reports")
    if token:
        app.add_middleware(TokenGate, token=token)
    elif host is not None:
        app.add_middleware(HostGate, bound=host)
    app.on_startup(lambda: _start_workers_soon(_server.jobs))
    app.on_shutdown(_server.jobs.shutdown)
    return _server


def serve(host: str, port: int, workspace: str | Path, token: str | None,
          workers: int = 1) -> None:
    """Run the application until interrupted."""
    create_app(workspace, token, workers, host)
    base = f"http://{'[' + host + ']' if ':' in host else host}:{port}/"
    link = f"{base}?token={token}" if token else base
    print(f"hallsim serve: workspace {Path(workspace).resolve()}\n"
          f"hallsim serve: open {link}", flush=True)
    ui.run(host=host, port=port, title="hallsim", reload=False, show=False,
           language="zh-CN", favicon="🏛", uvicorn_logging_level=os.environ.get(
               "HALLSIM_WEB_LOG", "warning"), show_welcome_message=False)
