"""The compare tab: two or more scenarios on the same seeds (common random numbers),
paired differences with 95 % CIs against the first, charts by hour side by side.

The work is ``hallsim compare`` in a worker (:func:`sim.web.tasks.compare_scenarios`:
``simulate`` and ``compare_runs``); the difference tables are the command line's rows
(:func:`sim.report.tables.difference_row`).
"""

from __future__ import annotations

from typing import Any

from nicegui import ui

from sim.web import charts
from sim.web.common import Context, JobView, ManySelect, run_inputs, table, tid
from sim.web.differences import comparison_blocks
from sim.web.fields import read, valid


def show_comparison(ctx: Context, doc: dict[str, Any]) -> None:
    """Charts by hour side by side, then each candidate's tables together: overall
    differences, the items only one scenario has (their figures, unpaired), each shared
    item."""
    ctx.t("")
    docs = doc["scenarios"]
    with ui.row().classes("w-full no-wrap gap-4"):
        for key in ("wait_mean", "p_wait_over_target"):
            tid(ui.echart(charts.by_hour_chart(docs, key)).classes("w-1/2 h-72"),
                f"compare-chart-{key}")
    with ui.row().classes("w-full no-wrap gap-4"):
        tid(ui.echart(charts.category_chart(docs, "wait_mean")).classes("w-1/2 h-72"),
            "compare-chart-category")
        tid(ui.echart(charts.window_chart(docs)).classes("w-1/2 h-72"), "compare-chart-window")
    counts = {"difference": 0, "one-sided": 0}
    for kind, (title, heads, cells) in comparison_blocks(doc):
        k = counts[kind]
        counts[kind] += 1
        name = f"compare-one-sided-{k}" if kind == "one-sided" else \
            "compare-table" if k == 0 else f"compare-table-{k}"
        table(heads, cells, name, title)


def comparison_view(ctx: Context, name: str) -> JobView:
    """A job view (test ids ``NAME-...``) with, below it, the place where a finished
    comparison is shown (:func:`show_comparison`)."""
    def done(job: Any) -> None:
        out.clear()
        with out:
            show_comparison(ctx, job.result)

    view = JobView(ctx, name, done)
    out = view.shows_in(ui.column().classes("w-full"))
    return view


def start_comparison(ctx: Context, view: JobView, chosen: list[str],
                     inputs: tuple[Any, Any, Any]) -> None:
    """``hallsim compare`` of the workspace scenarios ``chosen`` (the first the baseline)
    in a worker, followed by ``view``; ``inputs``: the :func:`run_inputs` fields
    (replications, days, seed), checked here (a bad count: the view's message)."""
    reps, days, seed = inputs
    if not valid((reps, days, seed)):  # each says under it what it accepts
        return
    r, d, s = read(reps), read(days), read(seed)
    paths = [str(ctx.workspace.scenario_path(n)) for n in chosen]
    result = ctx.workspace.free_name("results", "compare-" + "-".join(chosen)[:60], ".json")
    job = ctx.jobs.submit("compare", ' / '.join(chosen), "compare",
                          paths=paths, shown=list(chosen), seed=s, replications=r, days=d,
                          out=str(ctx.workspace.path("results", result, ".json")))
    view.follow(job)


def panel(ctx: Context) -> None:
    """Build the compare tab."""
    names = ctx.workspace.scenarios()
    if len(names) < 2:
        ui.label(ctx.t("Compare needs two or more scenarios in the workspace."))
        return
    first = [ctx.scenario] if ctx.scenario else []
    with ui.row().classes("items-end gap-4"):
        pick = tid(ManySelect(names, value=first,
                             label=ctx.t("Scenarios (the first is the baseline)"))
                   .props("use-chips").classes("min-w-[420px]"), "compare-select")
        reps, days, seed = run_inputs(ctx, "compare", least=2)
        go = tid(ui.button(ctx.t("Compare")), "compare-start")
    ctx.on_show.setdefault("compare", []).append(
        lambda: pick.set_options(ctx.workspace.scenarios(), value=pick.value))

    view = comparison_view(ctx, "compare")

    def start() -> None:
        chosen = list(pick.value or [])
        if len(chosen) < 2:
            view.message.error(ctx.t("Choose two or more scenarios."))
            return
        start_comparison(ctx, view, chosen, (reps, days, seed))

    view.starts(go, start)
    # a reload follows a comparison still running, or shows the newest one made again
    resumed = view.resume("compare", match=lambda job: True)
    if resumed is not None and resumed.kwargs.get("shown"):  # those still in the workspace
        pick.value = [n for n in resumed.kwargs["shown"] if n in names]
    ui.label(ctx.t("Differences are candidate minus baseline, paired over replications "
                   "(common random numbers), with their 95% CIs; differences of "
                   "shares in percentage points (pp).")).classes("text-caption")
