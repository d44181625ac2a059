"""The floor plan and replay tab (平面图与回放): the hall drawn, and a simulated day played.

The floor plan is :func:`sim.report.floorplan.floorplan_svg` of the open scenario (its
``layout``, else the automatic one), windows coloured by a figure of the scenario's
latest run results in the workspace (``results/NAME-*.json``), as ``hallsim plan-view
--results R.json --colour-by FIGURE`` draws it (the note under it says when those
results were made before the scenario last changed, as the run tab does); 放大 shows it
large in a dialog (:mod:`sim.web.planview`), and 下载平面图（SVG） downloads that very SVG.
A long hall's plan and replay take the page's whole width.

The replay is ``hallsim run --records --duty`` then ``hallsim replay --duty`` in a worker
(:func:`sim.web.tasks.replay_day`): its markup, data, style and script are those of
:mod:`sim.report.replay` (``replay_fragment``, ``replay_data``, ``REPLAY_CSS``,
``REPLAY_JS``), started with ``hallsimReplay(element, data)``; the page keeps the
running instance as ``window.hallsimWebReplay`` (its ``seek(t)`` is the standalone
file's ``window.replay.seek(t)``). 下载回放（HTML） downloads the standalone page
``hallsim replay --out`` writes of the same records, which the worker writes beside them
(:func:`records_path` names them, one name per replay). Nothing is fetched from a network.
"""

from __future__ import annotations

import json
import re
import secrets
from pathlib import Path
from typing import Any

from nicegui import ui

from sim.files.errors import InputError
from sim.report.floorplan import COLOUR_BY, Canvas, floorplan_svg
from sim.report.fonts import CSS_FONT_STACK
from sim.report.i18n import metric_heading
from sim.report.replay import REPLAY_CSS, REPLAY_JS
from sim.scenario.layout import layout_of
from sim.scenario.model import Scenario, load_scenario
from sim.web.common import Context, JobView, Message, scenario_or_hint, tid
from sim.web.fields import REPLICATIONS, SEED, Limit, number, read, valid
from sim.web.planview import PlanView
from sim.web.tasks import made_of
from sim.web.workspace import Workspace

#: id of the replay's root element in the page, and the page's name for its instance
ROOT_ID, INSTANCE = "hs-web-replay", "hallsimWebReplay"

#: narrowest column for the floor plan and for the replay side by side (the plan is drawn
#: about 890 px wide: at 560 px its labels are still readable)
PLAN_MIN_PX = 560
#: width-to-depth ratio of the drawing from which a hall counts as long (Yumen's 82 x 20 m
#: hall: 3.7; the quickstart's 30 x 20 m: 1.5)
WIDE = 2.0


def wide(scenario: Scenario) -> bool:
    """Whether the scenario's hall is long (drawn at least :data:`WIDE` times as wide as
    deep): its plan and replay then take the page's whole width, one above the other."""
    canvas = Canvas.of(layout_of(scenario))
    return canvas.width >= WIDE * canvas.plan_height


def latest_results(ctx: Context, name: str) -> tuple[str, dict[str, Any]] | None:
    """The newest run results document of scenario ``name`` in the workspace (its name
    and content), or None when the scenario was never run."""
    runs = ctx.workspace.runs_of(name)
    if not runs:
        return None
    return runs[0].name, json.loads(runs[0].path.read_text(encoding="utf-8"))


def start_script(data: dict[str, Any]) -> str:
    """JavaScript that defines ``hallsimReplay`` and the replay's style once, then starts
    the replay on the element ``ROOT_ID`` (waiting until the page has drawn it)."""
    style = f":root{{--hs-font:{CSS_FONT_STACK}}}{REPLAY_CSS}"
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (
        "(() => {"
        "window.hallsimReplay = window.hallsimReplay || (function () {"
        f"{REPLAY_JS}\nreturn hallsimReplay; }})();"
        "if (!document.getElementById('hs-replay-style')) {"
        "const s = document.createElement('style'); s.id = 'hs-replay-style';"
        f"s.textContent = {json.dumps(style)}; document.head.appendChild(s); }}"
        f"const data = {payload};"
        "const go = (n) => {"
        f"const el = document.getElementById('{ROOT_ID}');"
        "if (!el || !el.querySelector('.hs-dots')) {"
        " if (n < 400) setTimeout(() => go(n + 1), 50); return; }"
        f"if (window.{INSTANCE}) window.{INSTANCE}.pause();"
        f"window.{INSTANCE} = window.hallsimReplay(el, data);"
        "el.setAttribute('data-ready', '1'); };"
        "go(0); })();")


def _floor_plan(ctx: Context, scenario: Scenario, name: str) -> None:
    """The floor plan coloured by a chosen figure of the latest results."""
    latest = latest_results(ctx, name)
    ctx.t("")  # the figure names and the legend in the tab's language
    choices = {k: metric_heading(f"{section}.{k}") for k, (section, _) in COLOUR_BY.items()}
    ui.label(ctx.t("Floor plan")).classes("text-h6")
    view = PlanView(ctx, "floorplan-svg", ctx.t("Floor plan"))
    stale = latest is not None and not made_of(scenario, latest[1])
    with ui.row().classes("items-center gap-4"):
        colour_by = tid(ui.select(choices, value="utilisation", label=ctx.t("Colour by"))
                        .classes("w-64"), "floorplan-colour-by")
        if latest is None:
            source = ctx.t("No run results of this scenario yet: run it to colour the "
                           "windows.")
        elif stale:  # as the run tab says of such a result
            source = ctx.t("Colours: results {name}, made before the scenario was last "
                           "changed: run it again to colour the hall as it is now."
                           ).format(name=latest[0])
        else:
            source = ctx.t("Colours: results {name}").format(name=latest[0])
        note = tid(ui.label(source).classes("text-body2"), "floorplan-source")
        if stale:
            note.classes("text-orange-10")
        view.button(ctx)
        tid(ui.button(ctx.t("Download the floor plan (SVG)"), icon="download",
                      on_click=lambda: ui.download.content(
                          view.svg.encode("utf-8"), f"{name}-floorplan-{colour_by.value}.svg",
                          "image/svg+xml")).props("outline"), "floorplan-download")
    view.place_preview()

    def draw() -> None:
        ctx.t("")
        try:
            view.show(floorplan_svg(scenario, latest[1] if latest else None, colour_by.value))
            note.text = source
        except InputError:  # results of the scenario before its groups were changed
            note.text = ctx.t("Results {name} name none of this scenario's window groups or "
                              "items (it was changed since): run it to colour the windows."
                              ).format(name=latest[0] if latest else "")
            view.show(floorplan_svg(scenario, None, colour_by.value))

    colour_by.on_value_change(lambda _: draw())
    draw()


def records_path(workspace: Workspace, name: str, day: int, replication: int,
                 seed: int) -> Path:
    """Where a replay's records go: ``results/NAME-replay-dayD-repR-seedS-TOKEN.csv.gz``
    (day and replication 0-based, as the records count them), ``TOKEN`` new each time:
    a replay with another seed no longer overwrites the records of the last, and two
    replays of one day and replication running at once (two tabs, ``-j 2``) never read
    each other's records. Its duty and standalone page go beside it
    (:func:`sim.web.tasks.replay_day`)."""
    token = secrets.token_hex(4)
    return workspace.path("results", f"{name}-replay-day{day}-rep{replication}-seed{seed}"
                                     f"-{token}", ".csv.gz")


#: replays of a scenario whose files (records, duty, page) are kept in the workspace
KEPT_REPLAYS = 5


#: the rest of a replay's file names after ``NAME-replay-`` (:func:`records_path`,
#: :func:`sim.web.tasks.duty_path`, the page beside them): matched whole, so that another
#: scenario's files (``大厅1`` against ``大厅[1]``, a run of ``大厅-replay``) never are
REPLAY_FILE = re.compile(r"(day\d+-rep\d+-seed\d+-[0-9a-f]{8})(?:-duty)?\.(?:csv\.gz|html)")


def prune_replays(workspace: Workspace, name: str, keep: int = KEPT_REPLAYS) -> list[Path]:
    """Remove the files of all but the newest ``keep`` replays of scenario ``name`` from
    ``results/`` (a replay leaves its records, duty and standalone page there, a new name
    each time: :func:`records_path`); the files removed. Called before a replay starts, so
    the one being shown and the few before it stay downloadable. Names are compared as
    text (a scenario's name may hold ``[`` or ``*``), and only whole replay file names."""
    own = workspace.path("results", name)
    prefix = f"{own.name}-replay-"
    runs: dict[str, list[Path]] = {}
    for file in own.parent.iterdir():
        found = REPLAY_FILE.fullmatch(file.name[len(prefix):]) \
            if file.name.startswith(prefix) else None
        if found is not None:
            runs.setdefault(found[1], []).append(file)
    newest = sorted(runs, key=lambda k: max(f.stat().st_mtime for f in runs[k]), reverse=True)
    gone = [f for stem in newest[keep:] for f in runs[stem]]
    for file in gone:
        file.unlink(missing_ok=True)
    return gone


def download_replay(ctx: Context, page: str, file: str) -> None:
    """Offer the replay page at ``page`` as ``file``; when a later replay pruned it
    (:func:`prune_replays`), say so and how to get it again."""
    try:
        content = Path(page).read_bytes()
    except OSError:
        ui.notify(ctx.t("This replay's files were removed to make room for newer replays "
                        "(the {n} newest of a scenario are kept): replay it again to "
                        "download it.").format(n=KEPT_REPLAYS), type="warning")
        return
    ui.download.content(content, file, "text/html")


def _replay(ctx: Context, scenario: Scenario, name: str) -> None:
    """The day, replication and seed to replay, the job, and the embedded replay."""
    ui.label(ctx.t("Replay of a simulated day")).classes("text-h6")
    # days and replications counted from 1, as planners count them (第 1 天); the
    # records and the job count from 0
    with ui.row().classes("items-end gap-4"):
        day = tid(number(ctx.t, "Day", Limit(1, scenario.hall.days, whole=True), value=1)
                  .classes("w-28"), "replay-day")
        rep = tid(number(ctx.t, "Replication", Limit(1, REPLICATIONS.most, whole=True),
                         value=1)
                  .classes("w-32"), "replay-replication")
        seed = tid(number(ctx.t, "Seed", SEED, value=1).classes("w-28"), "replay-seed")
        button = tid(ui.button(ctx.t("Replay")), "replay-start")
    out = tid(ui.column().classes("w-full"), "replay-view")

    def done(job: Any) -> None:
        out.clear()
        with out:
            page, k = job.result.get("html"), job.kwargs
            if page:  # the page hallsim replay --out writes of these records
                file = (f"{name}-replay-day{int(k['day']) + 1}-rep{int(k['replication']) + 1}"
                        f"-seed{k['seed']}.html")  # counted from 1, as on the page
                tid(ui.button(ctx.t("Download the replay (HTML)"), icon="download",
                              on_click=lambda: download_replay(ctx, page, file))
                    .props("outline"), "replay-download")
            tid(ui.html(job.result["fragment"], sanitize=False).classes("w-full"),
                "replay-embedded")
        ui.run_javascript(start_script(job.result["data"]))

    view = JobView(ctx, "replay", done)

    def start() -> None:
        if not valid((day, rep, seed)):  # each says under it what it accepts
            return
        d, r, s = read(day) - 1, read(rep) - 1, read(seed)
        prune_replays(ctx.workspace, name)
        job = ctx.jobs.submit("replay", name, "replay",
                              path=str(ctx.workspace.scenario_path(name)),
                              seed=s, day=d, replication=r, lang=ctx.lang,
                              records=str(records_path(ctx.workspace, name, d, r, s)))
        view.follow(job)

    view.starts(button, start)
    # the jobs tab's "Show", a reload or a change of language: that replay (or the newest
    # of this scenario) again, its day, replication and seed in the fields
    resumed = view.resume("replay", str(ctx.workspace.scenario_path(name)))
    if resumed is not None:
        day.value = int(resumed.kwargs["day"]) + 1
        rep.value = int(resumed.kwargs["replication"]) + 1
        seed.value = resumed.kwargs["seed"]


def panel(ctx: Context) -> None:
    """Build the floor plan and replay tab."""
    name = scenario_or_hint(ctx)
    if name is None:
        return
    message = Message("floorplan-error", ctx.lang)
    try:
        scenario = load_scenario(ctx.workspace.scenario_path(name))
    except InputError as exc:
        message.input_error(exc)
        return
    # side by side where both have room (PLAN_MIN_PX each), else the replay below the
    # plan: in a 5/12 column of a 1024 px page the plan's labels were drawn at 4-5 px;
    # a long hall takes the page's whole width, the replay below it
    basis = "100%" if wide(scenario) else f"{PLAN_MIN_PX}px"
    with ui.row().classes("w-full items-start gap-6"):
        with ui.column().style(f"flex: 5 1 {basis}; min-width: 0"):
            _floor_plan(ctx, scenario, name)
        with ui.column().style(f"flex: 7 1 {basis}; min-width: 0"):
            _replay(ctx, scenario, name)
