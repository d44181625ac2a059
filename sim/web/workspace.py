"""The planner's workspace: a directory of scenarios, results, logs and reports.

Layout (created on first use)::

    WORKSPACE/scenarios/NAME.yaml     scenarios (``hallsim run`` reads them as they are)
    WORKSPACE/results/NAME.json       results documents (``hallsim run --json``), comparisons
    WORKSPACE/logs/NAME               uploaded ticket logs
    WORKSPACE/reports/NAME/           HTML reports (calibration, run)
    WORKSPACE/plans/NAME.json         optimiser plans (and their staffed scenario and spec)
    WORKSPACE/trash/NAME-TIME.yaml    removed scenarios

Every name a planner types or uploads goes through :func:`safe_name`, which refuses
anything that could leave its directory (``../x``, absolute paths, drive letters,
backslashes, Windows device names such as ``CON`` or ``LPT1``) with an
:class:`~sim.files.errors.InputError`. Files are written atomically
(:mod:`sim.files.atomic`), so a crash never leaves half a file, and two browser
tabs see the same files.
"""

from __future__ import annotations

import functools
import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.files.atomic import write_text_atomic
from sim.files.errors import InputError

#: largest upload accepted, in bytes (a month of a busy hall's log is ~20 MB as CSV)
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
#: longest name, in characters
MAX_NAME = 100
#: subdirectories of a workspace, by kind; ``trash`` keeps removed scenarios, to be put
#: back by hand
KINDS = ("scenarios", "results", "logs", "reports", "plans", "trash")
_WINDOWS_DEVICES = {"con", "prn", "aux", "nul", *(f"com{k}" for k in range(1, 10)),
                    *(f"lpt{k}" for k in range(1, 10))}
_FORBIDDEN = re.compile(r'[\x00-\x1f<>:"/\\|?*]')


def safe_name(name: str, field: str = "name") -> str:
    """``name`` stripped, if it is a plain file name that stays in its directory.

    Raises :class:`InputError` naming ``field`` for an empty name, a path (``/``,
    ``\\``, ``..``), a drive or stream (``:``), a leading dot, a trailing dot or
    space, control characters, a Windows device name (``CON``, ``nul.txt``, ``LPT1``)
    or more than :data:`MAX_NAME` characters. Chinese names are welcome.
    """
    text = (name or "").strip()
    if not text:
        raise InputError("", field, "a name is needed")
    if len(text) > MAX_NAME:
        raise InputError("", field, f"name longer than {MAX_NAME} characters")
    if _FORBIDDEN.search(text) or text.startswith(".") or text.endswith((".", " ")):
        raise InputError("", field, f"'{text}' is not a plain file name: use letters, digits, "
                                    "Chinese characters, '-', '_' and '.' inside the name, "
                                    "no '/', '\\', ':' or leading dot")
    if text.split(".")[0].strip().lower() in _WINDOWS_DEVICES:
        raise InputError("", field, f"'{text}' is a reserved device name on Windows")
    return text


def stem_of(name: str) -> str:
    """A scenario's file stem from a name typed or uploaded (``.yaml``/``.yml`` dropped)."""
    text = safe_name(name)
    for suffix in (".yaml", ".yml"):
        if text.lower().endswith(suffix):
            text = text[: -len(suffix)]
    return safe_name(text)


@dataclass(frozen=True)
class Entry:
    """A file of the workspace: its name (stem), path and modification time."""

    name: str
    path: Path
    modified: float


@dataclass(frozen=True)
class Saved:
    """A saved result the export tab offers: ``key`` (``results/NAME`` or
    ``plans/NAME``, unique), its file, its ``kind`` (``run``, ``compare``, ``backtest``,
    ``decompose``, ``optimise``), the scenario(s) it is of and when it was made
    (``YYYY-MM-DD HH:MM``)."""

    key: str
    path: Path
    kind: str
    scenario: str
    when: str
    #: how it was run (a run's or comparison's replications, days and seed), when known
    runs: tuple[int, int, int] | None = None
    #: how an optimiser's plan was made: its types' structures, whether the desks were
    #: unlimited, the replications it was certified on (None: not certified)
    plan: tuple[tuple[str, ...], bool, int | None] | None = None

    @property
    def name(self) -> str:
        """The file's stem (the result's id)."""
        return self.key.split("/", 1)[1]


#: the time a trashed scenario's name carries (:meth:`Workspace.remove_scenario`)
_TRASH_STAMP = re.compile(r"-\d{8}-\d{6}(?:-\d+)?$")
#: the time a run's result name carries (:meth:`Workspace.result_name`)
_STAMP = re.compile(r"-(?P<d>\d{8})-(?P<t>\d{4})\d\d(?:-\d+)?$")


def saved(entry: Entry, folder: str) -> Saved | None:
    """What a results document (``results``: a run, comparison, backtest or effect
    decomposition) or plan (``plans``) is, of which scenario and when; None for a file
    the export tab does not offer (an unreadable one, or a document of no known kind).
    A file is read once per modification (the tabs list results at every visit)."""
    return _saved(entry.path, entry.name, entry.modified, folder)


@functools.lru_cache(maxsize=4096)
def _saved(path: Path, name: str, modified: float, folder: str) -> Saved | None:
    entry = Entry(name, path, modified)
    try:
        doc = json.loads(entry.path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(entry.modified))
    stamp = _STAMP.search(entry.name)
    if folder == "plans":
        kind, scenario = "optimise", re.sub(r"-plan(-\d+)?$", "", entry.name)
    elif not isinstance(doc, dict):
        return None
    elif "changes" in doc:
        kind, scenario = "decompose", entry.name.removeprefix("decompose-")
    elif "differences" in doc:
        kind, scenario = "compare", " / ".join(doc.get("scenarios") or {})
    elif "logs" in doc:
        kind, scenario = "backtest", entry.name.removeprefix("backtest-")
    elif "overall" in doc:
        kind, scenario = "run", entry.name[:stamp.start()] if stamp else entry.name
    else:
        return None
    if stamp and kind == "run":
        d, t = stamp["d"], stamp["t"]
        when = f"{d[:4]}-{d[4:6]}-{d[6:]} {t[:2]}:{t[2:]}"
    return Saved(f"{folder}/{entry.name}", entry.path, kind, scenario, when, _runs(doc, kind),
                 _plan(doc) if kind == "optimise" else None)


def _plan(doc: Any) -> tuple[tuple[str, ...], bool, int | None] | None:
    """Structures, unlimited desks and certifying replications of a plan document."""
    if not isinstance(doc, dict):
        return None
    windows = doc.get("windows") or {}
    structures = tuple(dict.fromkeys(str(w.get("structure")) for w in windows.values()
                                     if isinstance(w, dict) and w.get("structure")))
    desks = doc.get("desks")
    unlimited = isinstance(desks, dict) and desks.get("source") == "none"
    # the replications asked for per certification round (the page's field, the jobs
    # list's words), not the first round's total, which the sequential check grows
    checks = [it.get("pilot_replications", it.get("replications"))
              for it in doc.get("iterations") or [] if isinstance(it, dict)]
    checks = [n for n in checks if isinstance(n, int)]
    return structures, unlimited, (checks[0] if checks else None)


def _runs(doc: Any, kind: str) -> tuple[int, int, int] | None:
    """Replications, days and seed of a run or comparison document (None if not one)."""
    if kind == "compare":
        doc = next(iter((doc.get("scenarios") or {}).values()), {})
    elif kind != "run":
        return None
    try:
        return int(doc["replications"]), int(doc["days"]), int(doc["seed"])
    except (KeyError, TypeError, ValueError):
        return None


class Workspace:
    """A workspace directory (created if missing)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).resolve()
        for kind in KINDS:
            (self.root / kind).mkdir(parents=True, exist_ok=True)

    def path(self, kind: str, name: str, suffix: str = "") -> Path:
        """Path of ``name`` (+ ``suffix``) in subdirectory ``kind``; never outside it."""
        if kind not in KINDS:
            raise ValueError(f"unknown workspace kind {kind!r}")
        folder = self.root / kind
        path = (folder / (safe_name(name) + suffix)).resolve()
        if path.parent != folder:  # belt and braces: safe_name already refuses paths
            raise InputError("", "name", f"'{name}' leaves the workspace")
        return path

    def entries(self, kind: str, suffix: str = "") -> list[Entry]:
        """Files (or report directories) of ``kind``, newest first."""
        folder = self.root / kind
        out = []
        for p in folder.iterdir():
            if p.name.startswith(".") or (suffix and not p.name.endswith(suffix)):
                continue
            stem = p.name[: -len(suffix)] if suffix else p.name
            out.append(Entry(stem, p, p.stat().st_mtime))
        return sorted(out, key=lambda e: (-e.modified, e.name))

    def saved_results(self) -> list[Saved]:
        """The results documents, comparisons, backtests and optimiser's plans the
        export tab offers (:func:`saved`), newest first."""
        found = [(e, saved(e, kind)) for kind in ("results", "plans")
                 for e in self.entries(kind, ".json")]
        return [s for e, s in sorted(found, key=lambda x: -x[0].modified) if s]

    def runs_of(self, scenario: str) -> list[Saved]:
        """The run results of ``scenario`` (named ``SCENARIO-DATE-TIME`` by the page, or
        ``SCENARIO-...`` by hand), newest first; not those of another scenario whose name
        begins the same (``SCENARIO-优化排班``, the optimiser's plan applied, or
        ``SCENARIO-2``, a second copy)."""
        longer = [n for n in self.scenarios() if n.startswith(scenario + "-")]

        def of(s: Saved) -> bool:
            if s.scenario != s.name:  # the page's name: the scenario before the time
                return s.scenario == scenario
            return s.name.startswith(scenario + "-") and not any(
                s.name.startswith(n + "-") for n in longer)

        return [s for s in self.saved_results() if s.kind == "run" and of(s)]

    def scenarios(self) -> list[str]:
        """Names of the workspace's scenarios, alphabetically."""
        return sorted(e.name for e in self.entries("scenarios", ".yaml"))

    def scenario_path(self, name: str) -> Path:
        """Path of scenario ``name`` (``scenarios/NAME.yaml``)."""
        return self.path("scenarios", stem_of(name), ".yaml")

    def read_scenario(self, name: str) -> str:
        """YAML text of scenario ``name``."""
        path = self.scenario_path(name)
        if not path.is_file():
            raise InputError(str(path), "", "no such scenario in the workspace")
        return path.read_text(encoding="utf-8")

    def write_scenario(self, name: str, text: str) -> Path:
        """Write scenario ``name`` atomically; returns its path."""
        path = self.scenario_path(name)
        write_text_atomic(path, text)
        return path

    def rename_scenario(self, old: str, new: str, text_for: Any) -> str:
        """Rename scenario ``old`` to ``new`` (refused when ``new`` is taken or not a
        plain name); ``text_for(text, name)`` gives the file's text under its new name
        (its ``name:`` follows), and its run results follow it (``NEW-DATE-TIME``).
        Returns the new name."""
        new = safe_name(new, "")
        target = self.scenario_path(new)
        if target.exists():
            raise InputError("", "", "a scenario of that name is in the workspace: "
                                     "choose another name")
        runs = self.runs_of(old)  # before the rename: they go with the scenario
        write_text_atomic(target, text_for(self.read_scenario(old), new))
        self.scenario_path(old).unlink()
        for run in runs:
            stem = self.free_name("results", new + run.name[len(old):], ".json")
            run.path.replace(self.path("results", stem, ".json"))
        return new

    def remove_scenario(self, name: str) -> Path:
        """Move scenario ``name`` into ``trash/`` (under a free name, stamped with the
        time), its run results beside it (``STEM.RESULT.json``), from where they can be
        put back by hand; returns where the scenario went."""
        source = self.scenario_path(name)
        if not source.is_file():
            raise InputError(str(source.name), "", "no such scenario in the workspace")
        stem = self.free_name("trash", f"{name}-{time.strftime('%Y%m%d-%H%M%S')}", ".yaml")
        target = self.path("trash", stem, ".yaml")
        runs = self.runs_of(name)
        source.replace(target)
        # its runs go with it (a new scenario of the same name starts with none of them)
        for run in runs:
            run.path.replace(self.path("trash", f"{stem}.{run.name}", ".json"))
        return target

    def trashed(self) -> list[tuple[str, str]]:
        """The scenarios in ``trash/``, newest first: (its file's stem, the name it had)."""
        out = []
        for entry in sorted(self.entries("trash", ".yaml"), key=lambda e: -e.modified):
            m = _TRASH_STAMP.search(entry.name)
            out.append((entry.name, entry.name[:m.start()] if m else entry.name))
        return out

    def restore_scenario(self, stem: str) -> str:
        """Put the trashed scenario ``stem`` (:meth:`trashed`) back under the name it had
        (with ``-2``, ``-3`` ... when that is taken again), its run results with it;
        returns the name it has now."""
        source = self.path("trash", stem, ".yaml")
        if not source.is_file():
            raise InputError(stem, "", "no such scenario in the trash")
        m = _TRASH_STAMP.search(stem)
        name = self.free_name("scenarios", stem[:m.start()] if m else stem, ".yaml")
        runs = sorted((self.root / "trash").glob(f"{stem}.*.json"))
        source.replace(self.scenario_path(name))
        old = stem[:m.start()] if m else stem
        for run in runs:
            result = run.name[len(stem) + 1:-len(".json")]  # OLD-DATE-TIME
            target = self.free_name("results", name + result[len(old):], ".json")
            run.replace(self.path("results", target, ".json"))
        return name

    def free_name(self, kind: str, stem: str, suffix: str) -> str:
        """``stem`` or ``stem-2``, ``stem-3``, ... : the first name not yet taken in ``kind``."""
        stem = safe_name(stem)
        name, k = stem, 1
        while self.path(kind, name, suffix).exists():
            k += 1
            name = f"{stem}-{k}"
        return name

    def result_name(self, scenario: str) -> str:
        """A new results name for a run of ``scenario`` (scenario, date and time)."""
        return self.free_name("results", f"{scenario}-{time.strftime('%Y%m%d-%H%M%S')}",
                              ".json")
