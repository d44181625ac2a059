"""Fonts that cover Chinese: the matplotlib fallback chain and the HTML font stack.

Category, window and item names are usually Chinese (企业开办, 窗口A). Matplotlib's
default font (DejaVu Sans) has no CJK glyphs, so hallsim brings its own: the
``mplfonts`` package (a dependency) ships Noto Sans CJK SC, which covers
simplified Chinese. :func:`use_cjk_fonts` registers it once and appends it to
``font.family``, matplotlib's per-glyph fallback chain: Latin text keeps its
look (DejaVu Sans) and every glyph the first family lacks is drawn from Noto
Sans CJK SC. Every figure function in :mod:`sim.report.plots` calls it
before drawing.

The HTML report names :data:`CSS_FONT_STACK` and, so that the page reads the
same on a machine without any CJK font, ships a subset of the same font holding
only the characters the page uses (:func:`write_font_subset`, a few dozen KB).
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Iterable
from pathlib import Path

#: the CJK family hallsim brings (simplified Chinese)
CJK_FAMILY = "Noto Sans CJK SC"
#: file of that family inside the ``mplfonts`` package
_CJK_FILE = "NotoSansCJKsc-Regular.otf"
#: the family name the HTML report gives its shipped subset
WEB_FAMILY = "hallsim CJK"
#: CSS font stack of the HTML report: the shipped subset, then CJK fonts commonly installed
CSS_FONT_STACK = (f'"{WEB_FAMILY}","Noto Sans CJK SC","Noto Sans SC","Source Han Sans SC",'
                  '"PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei",system-ui,'
                  '-apple-system,"Segoe UI",sans-serif')


def cjk_font_file() -> Path | None:
    """Path of the bundled Noto Sans CJK SC file, or None if ``mplfonts`` is missing.

    Found without importing ``mplfonts`` (whose import pulls in more than a path).
    """
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        return None
    for root in spec.submodule_search_locations:
        path = Path(root) / "fonts" / _CJK_FILE
        if path.is_file():
            return path
    return None


@functools.cache
def use_cjk_fonts() -> str | None:
    """Register the CJK font with matplotlib and add it to the fallback chain (once).

    Returns the family name put in the chain, or None when no CJK font could be
    found (figures then draw Chinese as boxes and matplotlib warns).
    """
    import matplotlib
    from matplotlib import font_manager

    path = cjk_font_file()
    if path is not None:
        font_manager.fontManager.addfont(str(path))
        family = font_manager.FontProperties(fname=str(path)).get_name()
    else:
        installed = {f.name for f in font_manager.fontManager.ttflist}
        family = next((f for f in (CJK_FAMILY, "Noto Sans SC", "Source Han Sans SC",
                                   "WenQuanYi Micro Hei", "SimHei") if f in installed), None)
        if family is None:
            return None
    families = [f for f in matplotlib.rcParams["font.family"] if f != family]
    matplotlib.rcParams["font.family"] = [*families, family]
    return family


def needs_cjk(texts: Iterable[str]) -> str:
    """The distinct non-ASCII characters of ``texts``, sorted (what a subset must hold)."""
    return "".join(sorted({c for t in texts for c in t if ord(c) > 127}))


def write_font_subset(chars: str, out: Path) -> bool:
    """Write the CJK font reduced to ``chars`` as an OpenType file at ``out``.

    Returns False (writing nothing) when there is nothing to cover or no font.
    Uses fontTools (a matplotlib dependency).
    """
    path = cjk_font_file()
    if not chars or path is None:
        return False
    from fontTools import subset

    from sim.files.atomic import atomic_path

    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = subset.load_font(str(path), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    with atomic_path(out) as tmp:
        subset.save_font(font, str(tmp), options)
    return True
