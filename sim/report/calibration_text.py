"""The calibration's own sentences in the reader's language.

:mod:`sim.calibration` writes its findings in English: the reader's summary of rows
kept and skipped (``TicketLog.summary_lines``), the basis of every fit
(``Fit.comment``), the notes of the calibrated scenario's header (turnaround,
clerks-to-windows relation, groups joined, layout) and the default scenario name.
Those English lines are what the scenario file keeps. The calibration report and the
web app's import tab show them through this module: each known form is matched and
re-worded from the catalogue (:mod:`sim.report.i18n`), with its figures as they were;
a line of another form is shown as it is. In English every function returns its
input unchanged, word for word.

Every function takes ``t``, the translating function (:func:`sim.report.i18n.tr` by
default; the web app passes its page's).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sim.report.i18n import tr

Translate = Callable[[str], str]

#: reasons for skipping rows that carry a figure (the readers' and calibration's
#: wording, sim/calibration): the pattern and the catalogue's template for it
_NUMBERED_REASONS = (
    (re.compile(r"service under (?P<seconds>\S+) s \(not a real service: left out\)"),
     "service under {seconds} s (not a real service: left out)"),
    (re.compile(r"item with fewer than (?P<n>\d+) tickets"), "item with fewer than {n} tickets"),
    (re.compile(r"unknown status word \((?P<examples>.*)\)"), "unknown status word ({examples})"),
    (re.compile(r"ticket date over a year from the rest of the log \((?P<dates>.*)\)"),
     "ticket date over a year from the rest of the log ({dates})"),
)
_KEPT = re.compile(r"(?P<n>[\d,]+) tickets kept from (?P<files>\d+) file\(s\)")
_SKIPPED = re.compile(r"  skipped (?P<n>[\d,]+): (?P<reason>.*)")

_NAME = re.compile(r"calibrated from (?P<source>.+)")

#: the notes of a calibrated scenario's header (sim/calibration: turnaround.py,
#: staffing_relation.py, calibrate.py), each with the catalogue's template for it
_NOTES = (
    (re.compile(r"window turnaround (?P<seconds>\S+) s added to every service time: median "
                r"gap from a service's end to the window's next call while a ticket it serves "
                r"was waiting, over (?P<gaps>[\d,]+) gaps \(quartiles (?P<q1>\S+) / "
                r"(?P<q2>\S+) / (?P<q3>\S+) s\)(?P<walked>.*)"),
     "window turnaround {seconds} s added to every service time: median gap from a "
     "service's end to the window's next call while a ticket it serves was waiting, over "
     "{gaps} gaps (quartiles {q1} / {q2} / {q3} s){walked}"),
    (re.compile(r"window turnaround: not estimated \((?P<gaps>[\d,]+) gaps with a ticket "
                r"waiting, fewer than (?P<least>\d+)\): services are used as logged"),
     "window turnaround: not estimated ({gaps} gaps with a ticket waiting, fewer than "
     "{least}): services are used as logged"),
    (re.compile(r"clerks-to-windows: windows on duty = (?P<factor>\S+) x clerks seen in the "
                r"hour \(ratio of sums over (?P<cells>[\d,]+) working day-hours; R\^2 "
                r"(?P<r2>.+?), mean absolute error (?P<mae>\S+) windows\); least-squares line "
                r"(?P<intercept>\S+) \+ (?P<slope>\S+) x clerks seen \(R\^2 (?P<line_r2>.+?), "
                r"mean absolute error (?P<line_mae>\S+)\); the log has no roster: windows on "
                r"duty are the calibration's estimate"),
     "clerks-to-windows: windows on duty = {factor} x clerks seen in the hour (ratio of "
     "sums over {cells} working day-hours; R^2 {r2}, mean absolute error {mae} windows); "
     "least-squares line {intercept} + {slope} x clerks seen (R^2 {line_r2}, mean absolute "
     "error {line_mae}); the log has no roster: windows on duty are the calibration's "
     "estimate"),
    (re.compile(r"item (?P<item>.+) added to (?P<group>.+), the group that served most of it"),
     "item {item} added to {group}, the group that served most of it"),
    (re.compile(r"layout copied from (?P<source>.+) \(walking on: the mean walk to the window "
                r"is taken off the turnaround above\)"),
     "layout copied from {source} (walking on: the mean walk to the window is taken off the "
     "turnaround above)"),
)
_WALKED = re.compile(r"; less (?P<seconds>\S+) s of it, the walk to the window the layout "
                     r"explains \(the model walks it: layout.walking\)")
_R2_NONE = "n/a, windows on duty hardly vary"

#: notes of a fit (sim/calibration/fitting.py), each with the catalogue's template
_FIT_NOTES = (
    (re.compile(r"censored MLE: (?P<left>[\d,]+) left \((?P<gone>[\d,]+) called but gone\), "
                r"(?P<served>[\d,]+) served \(right-censored\)(?P<thinned>; fitted on every "
                r"\d+-th ticket)?; (?P<rival>\w+) vs exponential LR (?P<lr>\S+), p=(?P<p>\S+); "
                r"mean (?P<mean>\S+) ± (?P<half>\S+)"),
     "censored MLE: {left} left ({gone} called but gone), {served} served (right-censored)"
     "{thinned}; {rival} vs exponential LR {lr}, p={p}; mean {mean} ± {half}"),
    (re.compile(r"censored MLE: (?P<left>[\d,]+) left \((?P<gone>[\d,]+) called but gone\), "
                r"(?P<served>[\d,]+) served \(right-censored\); exponential: too few left for "
                r"the family test \((?P<needed>\d+) needed\); mean (?P<mean>\S+) ± (?P<half>\S+)"),
     "censored MLE: {left} left ({gone} called but gone), {served} served (right-censored); "
     "exponential: too few left for the family test ({needed} needed); mean {mean} ± {half}"),
    (re.compile(r"best family (?P<family>\w+) off by KS D=(?P<ks>\S+) > (?P<limit>\S+): "
                r"(?P<points>\d+) quantiles"),
     "best family {family} off by KS D={ks} > {limit}: {points} quantiles"),
)
_THINNED = re.compile(r"; fitted on every (?P<step>\d+)-th ticket")


def _match(text: str, forms: Any, t: Translate,
           fix: Callable[[dict[str, str]], dict[str, str]] = dict) -> str:
    """``text`` re-worded by the first form it matches, else ``t(text)``."""
    for pattern, template in forms:
        m = pattern.fullmatch(text)
        if m:
            return t(template).format(**fix({k: v or "" for k, v in m.groupdict().items()}))
    return t(text)


def log_summary(lines: list[str], t: Translate = tr) -> list[str]:
    """The reader's summary (``TicketLog.summary_lines``: rows kept, rows skipped per
    reason) in the language of ``t``; a line of another form is kept as it is."""
    out = []
    for line in lines:
        if m := _KEPT.fullmatch(line):
            out.append(t("{n} tickets kept from {files} file(s)").format(**m.groupdict()))
        elif m := _SKIPPED.fullmatch(line):
            out.append(t("  skipped {n}: {reason}").format(
                n=m["n"], reason=_match(m["reason"], _NUMBERED_REASONS, t)))
        else:
            out.append(line)
    return out


def scenario_name(name: str, t: Translate = tr) -> str:
    """The calibrated scenario's name; the command line's default ("calibrated from
    LOG") re-worded."""
    m = _NAME.fullmatch(name)
    return t("calibrated from {source}").format(source=m["source"]) if m else name


def note(text: str, t: Translate = tr) -> str:
    """A note of the calibrated scenario's header in the language of ``t``."""
    def fix(g: dict[str, str]) -> dict[str, str]:
        if g.get("walked"):
            w = _WALKED.fullmatch(g["walked"])
            g["walked"] = (t("; less {seconds} s of it, the walk to the window the layout "
                             "explains (the model walks it: layout.walking)").format(
                seconds=w["seconds"]) if w else g["walked"])
        for key in ("r2", "line_r2"):
            if g.get(key) == _R2_NONE:
                g[key] = t(_R2_NONE)
        return g

    return _match(text, _NOTES, t, fix)


def _aic_difference(d: float) -> str:
    """An AIC difference signed, a small one to a tenth, never "-0" (a family the
    likelihood-ratio test did not choose may be a fraction of a point lower)."""
    shown = f"{d:+.1f}" if abs(d) < 10 else f"{d:+.0f}"
    return "0" if float(shown) == 0 else shown


def fit_basis(fit: Any, t: Translate = tr) -> str:
    """The basis of a fit (``sim.calibration.fitting.Fit``: sample size, family and how
    it was chosen, AIC differences, KS distance, note) in the language of ``t``;
    ``fit.comment()`` itself when ``t`` leaves English as it is."""
    if t("{family} by {method}") == "{family} by {method}":  # English: the file's words
        return str(fit.comment())
    family = t(fit.family)
    parts = [f"n={fit.n:,}", t("{family} by {method}").format(
        family=family, method=t(fit.chosen_by)) if fit.aic else family]
    if fit.aic and len(fit.aic) > 1:
        chosen = fit.aic.get(fit.family, min(fit.aic.values()))
        others = t(", ").join(f"{t(k)} {_aic_difference(v - chosen)}"
                              for k, v in fit.aic.items() if k != fit.family)
        parts.append(t("dAIC {others}").format(others=others))
    if fit.ks is not None:
        parts.append(f"KS D={fit.ks:.3f}")
    if fit.note:
        def fix(g: dict[str, str]) -> dict[str, str]:
            if g.get("thinned"):
                g["thinned"] = t("; fitted on every {step}-th ticket").format(
                    step=_THINNED.fullmatch(g["thinned"])["step"])  # type: ignore[index]
            for key in ("rival", "family"):
                if key in g:
                    g[key] = t(g[key])
            return g

        parts.append(_match(fit.note, _FIT_NOTES, t, fix))
    return t("; ").join(parts)
