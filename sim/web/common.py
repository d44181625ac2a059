"""What every page area shares: the tab's context, test ids, messages and job polling."""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from nicegui import ui

from sim.files.errors import InputError
from sim.report.i18n import language, set_language, tr
from sim.web.jobs import DONE, FAILED, Job, JobManager
from sim.web.workspace import Workspace

#: view choices the address may carry (:meth:`Context.keep`): the decomposition's metric
KEPT = ("metric",)


@dataclass
class Context:
    """One browser tab: its language, the open scenario, the workspace and the jobs."""

    lang: str
    workspace: Workspace
    jobs: JobManager
    scenario: str | None = None
    tab: str = "workspace"
    extra: dict[str, Any] = field(default_factory=dict)
    #: callbacks run when a tab is shown (to refresh lists other tabs changed), by tab
    on_show: dict[str, list[Callable[[], None]]] = field(default_factory=dict)
    #: choices of a view carried in the address, so that a reload or a change of language
    #: keeps them (:data:`KEPT`); set with :meth:`keep`
    kept: dict[str, str] = field(default_factory=dict)

    def shown(self, tab: str) -> None:
        """The planner switched to ``tab``: run its callbacks."""
        self.tab = tab
        for callback in list(self.on_show.get(tab, [])):
            callback()

    def t(self, text: str) -> str:
        """``text`` (English message id) in this tab's language."""
        set_language(self.lang)
        return tr(text)

    def url(self, **changes: str | None) -> str:
        """This page's address with ``changes`` (lang, scenario, tab; job, which only the
        jobs tab's "Show" gives and no other address keeps)."""
        params = ({"lang": self.lang, "scenario": self.scenario, "tab": self.tab}
                  | self.kept | changes)
        return "/?" + urlencode({k: v for k, v in params.items() if v})

    def keep(self, key: str, value: str) -> None:
        """Carry a view's choice (one of :data:`KEPT`) in the address from now on, and put
        it in the address shown (a reload keeps it, and so does a change of language)."""
        if key not in KEPT:
            raise ValueError(f"the address carries no view choice {key!r} (known: {KEPT})")
        self.kept[key] = value
        ui.navigate.history.replace(self.url())

    def hall_unsaved(self) -> bool:
        """Whether the hall editor or the floor plan editor holds changes not yet saved
        (jobs read the saved file)."""
        return any(e is not None and e.unsaved()
                   for e in (self.extra.get("editor"), self.extra.get("layout-editor")))

    def unsaved(self) -> bool:
        """Whether the page holds edits a reload or a change of language would drop: the
        hall's (:meth:`hall_unsaved`), or a forecast plan edited since its forecast was
        last made."""
        plan = self.extra.get("forecast-editor")
        return self.hall_unsaved() or (plan is not None and plan.unsaved())

    def show_unsaved(self) -> None:
        """Show or hide the header's "unsaved changes" mark (:meth:`unsaved`)."""
        badge = self.extra.get("unsaved-badge")
        if badge is not None:
            badge.set_visibility(self.unsaved())

    def open_scenario(self, name: str, tab: str = "editor") -> None:
        """Make ``name`` the open scenario and show ``tab``."""
        ui.navigate.to(self.url(scenario=name, tab=tab))


def tid(element: Any, name: str) -> Any:
    """Give ``element`` the stable test id ``name`` (``data-testid`` for browsers, a
    marker for NiceGUI's test client)."""
    return element.props(f'data-testid="{name}"').mark(name)


class ManySelect(ui.select):
    """A multiple choice that keeps every pick, however slow the link.

    NiceGUI's select sends the whole list of choices at each pick, computed in the
    browser from the choices the server last echoed. A pick made before the echo of the
    one before arrives (a slow link, a busy server) thus sends a list without it, and the
    earlier pick is lost (2 of 4 kept at 400 ms latency). Here the server applies each
    pick and each removal as it comes (Quasar's ``add`` and ``remove`` events) and takes
    no list from the browser; the browser shows what the server holds."""

    def __init__(self, options: list[Any] | dict[Any, str], **kwargs: Any) -> None:
        super().__init__(options, multiple=True, **kwargs)
        self.on("add", lambda e: self._pick(e, True))
        self.on("remove", lambda e: self._pick(e, False))

    def _event_args_to_value(self, e: Any) -> Any:
        """The browser's list is not taken (it may be stale): the value stays."""
        return self.value

    def _pick(self, e: Any, add: bool) -> None:
        """Apply one pick (``add``) or removal that the browser reported."""
        try:
            chosen = self._values[int(e.args["value"]["value"])]
        except (KeyError, TypeError, ValueError, IndexError):
            return  # not an option of this list: nothing to apply
        value = [v for v in self.value or [] if v != chosen]
        self.value = [*value, chosen] if add else value


class Message:
    """A line that shows the last error (the command line's exit-2 words, in the page's
    language ``lang``: :func:`sim.report.messages.error_text`) or note."""

    def __init__(self, name: str, lang: str | None = None) -> None:
        # the tab's (a message is made while its tab is built) unless given
        self.lang = lang or language()
        self.label = tid(ui.label("").classes("whitespace-pre-wrap"), name)
        self.label.set_visibility(False)

    def input_error(self, exc: InputError | str) -> None:
        """Show bad input: an :class:`InputError`, or its text as a worker reports it."""
        from sim.report.messages import error_text, error_text_of

        set_language(self.lang)  # a file by its name in the workspace, not its server path
        self.error(error_text(exc, file_name=True) if isinstance(exc, InputError)
                   else error_text_of(exc, file_name=True))

    def error(self, text: str) -> None:
        """Show ``text`` (already in the tab's language) as an error."""
        self.label.text = text
        self.label.classes(replace="whitespace-pre-wrap text-negative")
        self.label.set_visibility(True)

    def warning(self, text: str) -> None:
        """Show ``text`` (already in the tab's language) as a warning ("注意：…")."""
        from sim.report.messages import warning_text

        set_language(self.lang)
        self.label.text = warning_text(text)
        self.label.classes(replace="whitespace-pre-wrap text-warning")
        self.label.set_visibility(True)

    def info(self, text: str) -> None:
        """Show ``text`` as a note."""
        self.label.text = text
        self.label.classes(replace="whitespace-pre-wrap text-positive")
        self.label.set_visibility(True)

    def clear(self) -> None:
        """Hide the message."""
        self.label.text = ""
        self.label.set_visibility(False)

    def guard(self, action: Callable[[], Any]) -> Any:
        """Run ``action``; show an :class:`InputError` as the command line would print it."""
        try:
            out = action()
        except InputError as exc:
            self.input_error(exc)
            return None
        self.clear()
        return out


class JobView:
    """A progress bar, a cancel button and the job's state; calls ``on_done(job)`` once,
    when the job is done and the view's tab is shown: a job that ends while the planner
    is on another tab draws its results when they come back, so drawing never delays a
    click elsewhere."""

    def __init__(self, ctx: Context, name: str, on_done: Callable[[Job], None]) -> None:
        self.ctx, self.on_done, self.job = ctx, on_done, None
        self.area: Any = None  # where on_done shows the result (:meth:`shows_in`)
        self.buttons: list[Any] = []  # the buttons that start this view's job
        self.tab = ctx.tab  # tabs are built when shown: the tab this view lives on
        with ui.row().classes("items-center w-full gap-2"):
            self.bar = tid(ui.linear_progress(value=0, show_value=False)
                           .props("animation-speed=200").classes("w-64"), f"{name}-progress")
            self.state = tid(ui.label(""), f"{name}-state")
            self.cancel = tid(ui.button(ctx.t("Cancel"), on_click=self._cancel)
                              .props("flat color=negative"), f"{name}-cancel")
        self.message = Message(f"{name}-error", ctx.lang)
        self.bar.set_visibility(False)
        self.cancel.set_visibility(False)
        self.timer = ui.timer(0.25, self._poll)

    def starts(self, button: Any, start: Callable[[], Any]) -> Any:
        """``button`` starts this view's job: ``start`` (plain or async) checks the
        fields and submits it (:meth:`follow`). The button is disabled from the click
        until the job ends, and a click that comes while it is disabled is ignored: a
        double click started two jobs, which wrote the same results file."""
        self.buttons.append(button)

        async def clicked() -> None:
            if not button.enabled or (self.job is not None and self.job.active):
                return
            for b in self.buttons:
                b.disable()
            try:
                out = start()
                if inspect.isawaitable(out):
                    await out
            finally:
                if self.job is None or not self.job.active:  # refused, or done already
                    self._ready()

        button.on_click(clicked)
        return button

    def _ready(self) -> None:
        for b in self.buttons:
            b.enable()

    def shows_in(self, area: Any) -> Any:
        """``area`` is where ``on_done`` shows the result: while a new job runs, the
        result shown before is greyed (it is not the new job's); when the job fails, it
        is taken away (a planner read the last plan under the failed run's error as the
        new one, and could save it as such). Returns ``area``."""
        self.area = area
        return area

    def _stale(self, stale: bool) -> None:
        if self.area is not None:
            self.area.classes(add="opacity-40" if stale else "",
                              remove="" if stale else "opacity-40")

    def follow(self, job: Job) -> None:
        """Show ``job``'s progress from now on (its start buttons disabled until it ends)."""
        self.job = job
        for b in self.buttons:
            b.disable()
        self.message.clear()
        if self.ctx.hall_unsaved():
            self.message.warning(self.ctx.t(
                "the hall editor has unsaved changes: this job uses the scenario as last "
                "saved. Save them in the hall editor to use them."))
        self.bar.set_visibility(True)
        self.cancel.set_visibility(True)
        self._stale(job.active)
        self._poll()

    def resume(self, kind: str, path: str | None = None,
               match: Callable[[Job], bool] | None = None,
               finished: bool = True) -> Job | None:
        """Follow a job of ``kind`` started before the page was (re)loaded, or in another
        tab: the newest still queued or running on the scenario file ``path`` (or for which
        ``match`` is true), else the one the address names (``?job=N``, the jobs tab's
        "Show"; dropped from the address once used), else, with ``finished``, the newest
        done one, whose result is shown again (an optimiser's plan or a comparison stays in
        view after a reload or a change of language). Returns the job followed, or None."""
        def mine(job: Job) -> bool:
            return job.kind == kind and (match(job) if match is not None
                                         else job.kwargs.get("path") == path)

        jobs = self.ctx.jobs.jobs()  # newest first
        # one still running comes first (a reload of a "Show" address must not let a
        # second run start beside it); the job the address names is used once
        wanted = self.ctx.extra.get("job")
        named = next((j for j in jobs if j.id == wanted and mine(j)), None)
        if named is not None:  # this view's: taken, and gone from the address
            self.ctx.extra.pop("job")
            ui.navigate.history.replace(self.ctx.url())
        chosen = next((j for j in jobs if mine(j) and j.active), None) or named \
            or (next((j for j in jobs if mine(j) and j.state == DONE), None) if finished
                else None)
        if chosen is not None:
            self.follow(chosen)
        return chosen

    def _cancel(self) -> None:
        if self.job is not None:
            self.ctx.jobs.cancel(self.job.id)

    def _poll(self) -> None:
        job = self.job
        if job is None:
            return
        self.bar.value = job.fraction
        progress = f" {job.done}/{job.total}" if job.total and job.active else ""
        self.state.text = self.ctx.t(job.state) + progress
        if job.active:
            return
        self.job = None
        self.cancel.set_visibility(False)
        self._ready()
        self._stale(False)
        if job.state == FAILED:
            if self.area is not None:
                self.area.clear()
            self.message.input_error(job.error or "")
        elif job.state == DONE:
            self._deliver(job)

    def _deliver(self, job: Job) -> None:
        if self.ctx.tab == self.tab:
            self.on_done(job)
            return
        waiting = self.ctx.on_show.setdefault(self.tab, [])

        def once() -> None:
            waiting.remove(once)
            if not self.state.is_deleted:  # the tab was not drawn anew meanwhile (its
                self.on_done(job)          # new view shows the job itself)

        waiting.append(once)


def drop_edits_and_go(url: str) -> None:
    """Go to ``url``, dropping the page's unsaved edits on purpose: the planner has just
    chosen to (reload, switch the language), so the browser's own "leave site?" question
    (``beforeunload``, asked while the unsaved mark shows) is not asked a second time."""
    ui.run_javascript(f"window.hsDropEdits = true; window.location.href = {json.dumps(url)};")


def conflict_dialog(ctx: Context, name: str, question: str,
                    replace: Callable[[], None]) -> Any:
    """The question asked before a save would overwrite what was saved elsewhere (another
    browser tab, another program): ``question`` (in the page's language) with 覆盖 (then
    ``replace``), 重新载入 (the page again, this page's changes lost) and 取消. Test ids
    ``NAME``, ``NAME-question``, ``NAME-replace``, ``-reload``, ``-cancel``; the dialog
    is returned for the caller to open."""
    with tid(ui.dialog(), name) as dialog, ui.card():
        tid(ui.label(question), f"{name}-question")
        with ui.row():
            def replaced() -> None:
                dialog.close()
                replace()

            tid(ui.button(ctx.t("Replace"), on_click=replaced).props("color=negative"),
                f"{name}-replace")
            tid(ui.button(ctx.t("Reload"), on_click=lambda: drop_edits_and_go(ctx.url()))
                .props("flat"), f"{name}-reload")
            tid(ui.button(ctx.t("Cancel"), on_click=dialog.close).props("flat"),
                f"{name}-cancel")
    return dialog


def columns(headings: list[str]) -> list[dict[str, Any]]:
    """``ui.table`` columns for string rows keyed ``c0``, ``c1``, ..."""
    return [{"name": f"c{k}", "label": h, "field": f"c{k}",
             "align": "left" if k == 0 else "right"} for k, h in enumerate(headings)]


def rows(cells: list[list[str]]) -> list[dict[str, str]]:
    """``ui.table`` rows for :func:`columns`."""
    return [{f"c{k}": v for k, v in enumerate(r)} for r in cells]


def table(headings: list[str], cells: list[list[str]], name: str, title: str = "") -> Any:
    """A plain table of strings (every figure already formatted with unit and CI)."""
    t = ui.table(columns=columns(headings), rows=rows(cells), title=title or None,
                 row_key="c0").props("dense flat bordered wrap-cells").classes("w-full")
    return tid(t, name)


def run_inputs(ctx: Context, name: str, replications: int = 10, least: int = 1
               ) -> tuple[Any, Any, Any]:
    """Replications (``least`` to the limit), days (empty: the scenario's) and seed
    inputs, as ``hallsim run``'s ``-r``, ``--days`` and ``--seed``, each saying under it
    what it accepts (:mod:`sim.web.fields`); test ids ``NAME-replications``, ``-days``,
    ``-seed``. A job starts only when :func:`sim.web.fields.valid` passes them."""
    from sim.web.fields import DAYS, REPLICATIONS, SEED, Limit, number

    reps = tid(number(ctx.t, "Replications", Limit(least, REPLICATIONS.most, whole=True),
                      value=replications).classes("w-36"), f"{name}-replications")
    days = tid(number(ctx.t, "Days (empty: the scenario's)", DAYS.with_optional(),
                      name="Days per replication").classes("w-56"), f"{name}-days")
    seed = tid(number(ctx.t, "Seed", SEED, value=1).classes("w-28"), f"{name}-seed")
    return reps, days, seed


def runs_text(t: Callable[[str], str], replications: int, days: int | None,
              seed: int) -> str:
    """How a run was asked for, through ``t`` ("3 次 × 1 天，种子 1"; ``days`` None: the
    scenario's): the export list, the run tab's earlier results and the jobs list."""
    if days is None:
        return t("{replications} × the scenario's days, seed {seed}").format(
            replications=replications, seed=seed)
    return t("{replications} × {days} d, seed {seed}").format(
        replications=replications, days=days, seed=seed)


def optimise_text(t: Callable[[str], str], structures: Sequence[str], unlimited: bool,
                  replications: int | None) -> str:
    """How an optimisation was asked for, through ``t`` ("专窗 · 窗口上限：不限 · 验证 10 次";
    ``structures`` empty: automatic; ``replications`` None: not certified): the jobs list
    and the export list, so that two plans of one hall tell apart."""
    from sim.report.i18n import tr_in

    chosen = "、".join(tr_in("structure", s) for s in structures) if structures \
        else t("auto")
    limit = t("desks: no limit") if unlimited else t("desks: today's windows")
    checked = t("certified on {replications} replications").format(
        replications=replications) if replications else t("not certified")
    return f"{chosen} · {limit} · {checked}"


def on_disk(path: Path, fallback: dict[str, Any]) -> dict[str, Any]:
    """The scenario file at ``path`` as plain data, as saved now (another tab may have
    saved it since ``fallback`` was read); ``fallback`` when it cannot be read as one.
    Each tab that saves the scenario writes its own part into this, so that the hall
    editor and the floor plan editor do not undo each other's saved changes."""
    from sim.files.yaml_reader import read_yaml

    try:
        data = read_yaml(path)
    except InputError:
        return fallback
    return data if isinstance(data, dict) else fallback


def scenario_or_hint(ctx: Context) -> str | None:
    """The open scenario's name; None (and a line saying to open one) when none is open."""
    if not ctx.scenario:
        ui.label(ctx.t("Open a scenario first (workspace tab)."))
    return ctx.scenario
