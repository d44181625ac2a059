"""Labels in the reader's language: English (the default) or simplified Chinese.

The translations live in a gettext message catalogue,
``sim/report/locale/zh/LC_MESSAGES/hallsim.po``, compiled to the ``.mo`` file
beside it (``pybabel compile -d sim/report/locale -D hallsim``; a test checks
the ``.mo`` is up to date with the ``.po``). Message ids are the English texts
themselves, so an English run needs no catalogue and an untranslated text shows
in English.

The language is chosen once per process: ``hallsim --lang zh`` or the
environment variable ``HALLSIM_LANG=zh`` (the option wins), read by
:func:`set_language`. Terminal tables, HTML reports and figures ask
:func:`tr` for every heading and label, and :func:`metric_label` /
:func:`metric_heading` for the label of a figure of the metric registry
(:mod:`sim.stats.registry`), so the catalogue is keyed on the registry's
English labels and units.
"""

from __future__ import annotations

import functools
import gettext
import os
from pathlib import Path

from sim.files.errors import InputError

#: languages hallsim speaks: code -> name
LANGUAGES = {"en": "English", "zh": "简体中文"}
#: environment variable naming the language when ``--lang`` is not given
ENV_VAR = "HALLSIM_LANG"
#: the catalogue directory (``LANG/LC_MESSAGES/hallsim.mo``)
LOCALE_DIR = Path(__file__).with_name("locale")
DOMAIN = "hallsim"

_current = "en"


def normalise(lang: str) -> str | None:
    """The code of a language name (``zh``, ``zh_CN``, ``zh-CN.UTF-8``, ``EN``), or None."""
    code = lang.strip().lower().replace("-", "_").split(".")[0].split("_")[0]
    return code if code in LANGUAGES else None


def set_language(lang: str | None = None) -> str:
    """Choose the language: ``lang`` if given, else ``$HALLSIM_LANG``, else English.

    Returns the code chosen. Raises :class:`InputError` (exit 2) for a language
    hallsim does not speak, naming where it came from.
    """
    global _current
    source = "--lang"
    if lang is None:
        lang, source = os.environ.get(ENV_VAR) or "en", ENV_VAR
    code = normalise(lang)
    if code is None:
        raise InputError(source, "", f"unknown language '{lang}' (known: "
                                     f"{', '.join(LANGUAGES)})")
    _current = code
    return code


def language() -> str:
    """The code of the language in use (``en`` or ``zh``)."""
    return _current


@functools.cache
def _catalogue(code: str) -> gettext.NullTranslations:
    if code == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, localedir=str(LOCALE_DIR), languages=[code])


def tr(text: str) -> str:
    """``text`` (an English message id) in the language in use."""
    return _catalogue(_current).gettext(text)


def tr_in(context: str, text: str) -> str:
    """``text`` in the language in use, from the catalogue's entries in ``context``
    (a word that means one thing there, as "log" for a backtest's arrivals)."""
    return _catalogue(_current).pgettext(context, text)


def tr_unit(unit: str) -> str:
    """A unit ("min", "%", "tickets", "h / rep") in the language in use: the catalogue's
    entry in context ``unit`` where a word is both a label and a unit ("tickets"),
    else its plain entry."""
    if not unit:
        return unit
    text = _catalogue(_current).pgettext("unit", unit)
    return text if text != unit else tr(unit)


def with_unit(name: str, unit: str, english: str = "{name} ({unit})") -> str:
    """A label with its (translated) unit: in Chinese "平均等待（分钟）", full-width
    brackets and no space, as the catalogue's own labels ("办理时间（分钟）"); in English
    by ``english`` ("mean wait (min)", or the terminal's "mean wait min")."""
    if not unit:
        return name
    if _current == "zh":
        return f"{name}（{unit}）"
    return english.format(name=name, unit=unit)


def metric_label(key: str) -> str:
    """Label of a registry metric (key or dotted path) in the language in use."""
    from sim.stats.registry import label

    return tr(label(key))


def metric_name(key: str, target: float | None = None) -> str:
    """The translated label of a registry metric, naming the wait target when it is
    given and the figure is judged against it ("not called within 20 min"); the
    registry's one name for the figure (:attr:`~sim.stats.registry.Metric.target_label`)."""
    from sim.stats.registry import METRICS

    m = METRICS.get(key.rsplit(".", 1)[-1])
    if m is None:
        return metric_label(key)
    if target is None or m.target_label is None:
        return tr(m.label)
    return tr(m.target_label).format(minutes=f"{target:g}")


def metric_heading(key: str, target: float | None = None) -> str:
    """Label with unit ("mean wait (min)", "平均等待（分钟）") of a registry metric."""
    from sim.stats.registry import METRICS

    m = METRICS.get(key.rsplit(".", 1)[-1])
    if m is None:
        return metric_label(key)
    name = metric_name(key, target)
    return with_unit(name, tr_unit(m.unit))
