"""A floor plan in the page: a preview and, behind a 放大 (enlarge) button, the same SVG
in a near-full-screen dialog.

A long hall (82 x 20 m) drawn in a column of the page is a strip a few hundred pixels
wide, its labels a few pixels high. The dialog shows the plan at least at the size it
is drawn in (:data:`sim.report.floorplan.SCALE` pixels a metre, labels 10-13 px) and
larger on request, scrolled when wider than the screen, or fitted to the window to
see it whole.
"""

from __future__ import annotations

import re
from typing import Any

from nicegui import ui

from sim.web.common import Context, tid

#: the dialog's zoom choices: value -> label (``fit``: the whole plan in the window)
ZOOMS: dict[str, str] = {"fit": "Fit to window", "1": "100%", "1.5": "150%", "2": "200%"}
#: the zoom the dialog opens at: the plan's own size (its labels at 10-13 px)
DEFAULT_ZOOM = "1"

CSS = (".hs-floorplan svg{max-width:100%;height:auto;display:block}"
       ".hs-plan-dialog{width:96vw;max-width:96vw !important;height:92vh;"
       "display:flex;flex-direction:column;flex-wrap:nowrap}"
       ".hs-plan-scroll{flex:1 1 auto;min-height:0;width:100%;overflow:auto}"
       ".hs-plan-large svg{width:100%;height:auto;display:block}"
       ".hs-plan-large.hs-fit svg{max-height:calc(92vh - 96px)}")

_WIDTH = re.compile(r'<svg\b[^>]*?\swidth="([0-9.]+)"')


def drawn_width(svg: str) -> float:
    """The width an SVG document is drawn at, pixels (its ``width``; 0 when it has none)."""
    m = _WIDTH.search(svg)
    return float(m[1]) if m else 0.0


def zoom_style(zoom: str, width: float) -> str:
    """The enlarged plan's style at ``zoom`` for a plan drawn ``width`` pixels wide: the
    window's width at least, the zoomed drawing's width when that is wider."""
    if zoom == "fit" or width <= 0:
        return "min-width: 0"
    return f"min-width: {round(float(zoom) * width)}px"


class PlanView:
    """A floor plan preview with its enlarge button and dialog; :meth:`show` draws both.

    The dialog is made at once; the preview and the button where the caller calls
    :meth:`place_preview` and :meth:`button`."""

    def __init__(self, ctx: Context, test_id: str, title: str) -> None:
        ui.add_css(CSS)
        self.svg = ""
        self.zoom = DEFAULT_ZOOM
        self.preview: Any = None
        self.dialog = tid(ui.dialog(), f"{test_id}-dialog")
        with self.dialog, ui.card().classes("hs-plan-dialog"):
            self._dialog_bar(ctx, test_id, title)
            with ui.element("div").classes("hs-plan-scroll"):
                self.large = tid(ui.html("", sanitize=False).classes("hs-plan-large"),
                                 f"{test_id}-large")
        self.test_id = test_id

    def _dialog_bar(self, ctx: Context, test_id: str, title: str) -> None:
        with ui.row().classes("w-full items-center gap-4 no-wrap"):
            ui.label(title).classes("text-h6")
            tid(ui.toggle({k: ctx.t(v) for k, v in ZOOMS.items()}, value=self.zoom,
                          on_change=lambda e: self.set_zoom(e.value)).props("dense"),
                f"{test_id}-zoom")
            ui.space()
            tid(ui.button(ctx.t("Close"), icon="close", on_click=self.dialog.close)
                .props("flat"), f"{test_id}-close")

    def place_preview(self) -> Any:
        """The preview (the plan as wide as its column), here."""
        self.preview = tid(ui.html(self.svg, sanitize=False).classes("w-full hs-floorplan"),
                           self.test_id)
        return self.preview

    def button(self, ctx: Context) -> Any:
        """The 放大 button that opens the dialog (placed where the caller builds it)."""
        return tid(ui.button(ctx.t("Enlarge"), icon="zoom_in", on_click=self.open)
                   .props("outline"), f"{self.test_id}-enlarge")

    def show(self, svg: str) -> None:
        """Draw ``svg`` in the preview and in the dialog."""
        self.svg = svg
        if self.preview is not None:
            self.preview.content = svg
        self.large.content = svg
        self.set_zoom(self.zoom)

    def set_zoom(self, zoom: str) -> None:
        """Show the enlarged plan at ``zoom`` (a key of :data:`ZOOMS`)."""
        self.zoom = zoom
        self.large.style(replace=zoom_style(zoom, drawn_width(self.svg)))
        if zoom == "fit":
            self.large.classes(add="hs-fit")
        else:
            self.large.classes(remove="hs-fit")

    def open(self) -> None:
        """Open the dialog with the plan last drawn."""
        self.dialog.open()
