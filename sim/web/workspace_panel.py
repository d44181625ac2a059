"""The workspace tab: the planner's scenarios and the bundled ones, to open or copy."""

from __future__ import annotations

import json
import re
import shutil
import time
from typing import Any

from nicegui import ui

from sim.files.errors import InputError
from sim.web.bundled import bundled_scenarios
from sim.web.common import Context, Message, tid
from sim.web.workspace import stem_of


def renamed(text: str, name: str) -> str:
    """Scenario YAML ``text`` with its top-level ``name:`` set to ``name`` (comments kept),
    so that the copy is told apart from its original in comparisons."""
    line = "name: " + json.dumps(name, ensure_ascii=False)
    new, n = re.subn(r"^name:.*$", lambda _: line, text, count=1, flags=re.M)
    return new if n else f"{line}\n{text}"


def bundled_title(label: str) -> str:
    """A bundled scenario as the list shows it: its title in the language in use with
    its path beside ("玉门：改革前 · yumen/before"; the catalogue's context ``bundled``),
    or the path alone where it has no title."""
    from sim.report.i18n import tr_in

    title = tr_in("bundled", label)
    return label if title == label else f"{title} · {label}"


def copy_bundled(ctx: Context, label: str) -> str:
    """Copy bundled scenario ``label`` into the workspace (under a free name); its name."""
    from sim.scenario.loading import load_scenario

    source = bundled_scenarios().get(label)
    if source is None:
        raise InputError(label, "", "no such bundled scenario")
    load_scenario(source)  # refuse a broken file here, not later in a run
    name = ctx.workspace.free_name("scenarios", label.replace("/", "-"), ".yaml")
    shutil.copyfile(source, ctx.workspace.scenario_path(name))
    return name


def _dialogs(ctx: Context, msg: Message) -> tuple[Any, Any]:
    """The rename and remove dialogs; returns ``(ask_rename(name), ask_remove(name))``."""
    chosen: dict[str, str] = {}

    with ui.dialog() as rename_box, ui.card():
        tid(ui.label(""), "rename-question").bind_text_from(
            chosen, "name", backward=lambda n: ctx.t("Rename {name} to:").format(name=n))
        new = tid(ui.input(ctx.t("New name")).classes("w-72"), "rename-name")
        said = Message("rename-error", ctx.lang)  # a refused name: said here, box kept open
        with ui.row():
            def rename() -> None:
                old = chosen["name"]
                name = said.guard(lambda: ctx.workspace.rename_scenario(old, str(
                    new.value or ""), renamed))
                if not name:
                    return
                rename_box.close()
                if name:  # the open scenario is open under its new name
                    ui.navigate.to(ctx.url(tab="workspace", scenario=name
                                           if ctx.scenario == old else ctx.scenario))

            tid(ui.button(ctx.t("Rename"), on_click=rename), "rename-yes")
            tid(ui.button(ctx.t("Cancel"), on_click=rename_box.close).props("flat"),
                "rename-no")

    with ui.dialog() as remove_box, ui.card():
        tid(ui.label(""), "remove-question").bind_text_from(
            chosen, "name", backward=lambda n: ctx.t(
                "Remove {name}? It is moved to the workspace's trash folder with its run "
                "results, from where they can be put back; comparisons and plans "
                "stay.").format(name=n))
        with ui.row():
            def remove() -> None:
                old = chosen["name"]
                done = msg.guard(lambda: ctx.workspace.remove_scenario(old))
                remove_box.close()
                if done:
                    ui.navigate.to(ctx.url(tab="workspace", scenario=None)
                                   if ctx.scenario == old else ctx.url(tab="workspace"))

            tid(ui.button(ctx.t("Remove"), on_click=remove).props("color=negative"),
                "remove-yes")
            tid(ui.button(ctx.t("Cancel"), on_click=remove_box.close).props("flat"),
                "remove-no")

    def ask(box: Any, name: str) -> None:
        chosen["name"] = name
        new.value = name
        said.clear()
        box.open()

    return (lambda name: ask(rename_box, name)), (lambda name: ask(remove_box, name))


def panel(ctx: Context) -> None:
    """Build the workspace tab."""
    msg = Message("workspace-error", ctx.lang)
    ask_rename, ask_remove = _dialogs(ctx, msg)
    ui.label(ctx.t("Workspace: {path}").format(path=ctx.workspace.root)).classes(
        "text-caption")
    with ui.row().classes("w-full items-start gap-8"):
        with ui.column().classes("min-w-[320px]"):
            ui.label(ctx.t("My scenarios")).classes("text-h6")
            names = ctx.workspace.scenarios()
            if not names:
                ui.label(ctx.t("No scenario yet: open a bundled one or import a ticket log."))
            for name in names:
                path = ctx.workspace.scenario_path(name)
                stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(path.stat().st_mtime))
                with ui.row().classes("items-center gap-2"):
                    tid(ui.button(name, on_click=lambda n=name: ctx.open_scenario(n))
                        .props("flat no-caps"), f"open-{name}")
                    ui.label(stamp).classes("text-caption text-grey")
                    tid(ui.button(icon="edit", on_click=lambda n=name: ask_rename(n))
                        .props("flat dense round size=sm")
                        .tooltip(ctx.t("Rename")), f"rename-{name}")
                    tid(ui.button(icon="delete", on_click=lambda n=name: ask_remove(n))
                        .props("flat dense round size=sm color=grey-7")
                        .tooltip(ctx.t("Remove")), f"remove-{name}")
            trashed = ctx.workspace.trashed()
            if trashed:  # removed scenarios, to put back from the page
                ui.label(ctx.t("Trash")).classes("text-subtitle1 mt-4")
            for stem, was in trashed[:20]:
                def restore(stem: str = stem) -> None:
                    name = msg.guard(lambda: ctx.workspace.restore_scenario(stem))
                    if name:
                        ui.navigate.to(ctx.url(tab="workspace"))

                with ui.row().classes("items-center gap-2"):
                    ui.label(was).classes("text-grey-8")
                    stamp = stem[len(was) + 1:]  # removed at YYYYMMDD-HHMMSS
                    ui.label(f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]} {stamp[9:11]}:"
                             f"{stamp[11:13]}" if len(stamp) >= 13 else stamp
                             ).classes("text-caption text-grey")
                    tid(ui.button(ctx.t("Put back"), on_click=restore)
                        .props("flat dense no-caps"), f"restore-{stem}")
        with ui.column().classes("min-w-[320px]"):
            ui.label(ctx.t("Bundled scenarios")).classes("text-h6")
            bundled = sorted(bundled_scenarios())
            if not bundled:
                ui.label(ctx.t("The bundled scenarios were not found (set HALLSIM_SCENARIOS)."))
            select = tid(ui.select({b: bundled_title(b) for b in bundled},
                                   label=ctx.t("Bundled scenario"),
                                   with_input=True).classes("w-96"), "bundled-select")

            def open_bundled() -> None:
                if not select.value:
                    msg.error(ctx.t("Choose a bundled scenario first."))
                    return
                name = msg.guard(lambda: copy_bundled(ctx, select.value))
                if name:
                    ctx.open_scenario(name)

            tid(ui.button(ctx.t("Open a copy"), on_click=open_bundled), "bundled-open")
            ui.label(ctx.t("New scenario from the open one")).classes("text-h6 mt-4")
            new_name = tid(ui.input(ctx.t("Name")).classes("w-80"), "copy-name")

            def copy_open() -> None:
                if not ctx.scenario:
                    msg.error(ctx.t("Open a scenario first."))
                    return

                def do() -> str:
                    name = stem_of(new_name.value)
                    target = ctx.workspace.scenario_path(name)
                    if target.exists():
                        raise InputError(name, "name", "a scenario of that name is in the "
                                                       "workspace: choose another name")
                    ctx.workspace.write_scenario(name, renamed(ctx.workspace.read_scenario(
                        ctx.scenario or ""), name))
                    return name

                name = msg.guard(do)
                if name:
                    ctx.open_scenario(name)

            tid(ui.button(ctx.t("Save a copy"), on_click=copy_open), "copy-save")
