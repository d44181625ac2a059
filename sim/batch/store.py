"""The results store of a batch: one SQLite file, one row per (design point, replication).

Layout (see ``docs/experiments.md``):

- ``meta(key, value)``: the experiment's canonical definition (JSON, base
  scenarios included), its SHA-256 hash, name, seed, replications, baseline,
  hallsim version and creation time;
- ``points``: one row per design point: ``point``, ``scenario`` (base label),
  ``label``, ``factors`` (JSON), one column per factor, the point's full
  scenario (JSON) and, for an invalid point, why;
- ``runs``: one row per run: ``point, replication, seed, status`` (``ok``,
  ``failed``, ``invalid``), ``error``, ``summary`` (the run's nested summary
  as JSON), ``profile`` (wait quantiles and utilisation by hour, JSON),
  ``wall_seconds``, ``worker``, ``finished_at``;
The tidy table (:meth:`Store.metrics_frame`, ``hallsim batch export``) has one
row per run and metric, with the metric's dotted name
(``by_category.tax.wait_mean``) split into ``section``, ``item`` and ``name``,
its ``position`` in the summary and its ``value`` (NaN when undefined). It is
derived from the ``summary`` column when read, so that recording a run costs
the coordinator one row, not hundreds.

Only the coordinating process writes (it holds ``STORE.lock``, a ``filelock`` lock
removed when the batch ends), in WAL mode,
one transaction per finished run: a run that was committed survives a killed
coordinator, and nothing half-written is ever visible.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import math
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from sim.files.errors import InputError
from sim.version import VERSION

SCHEMA = "hallsim-store/2"
_FIXED_POINT_COLUMNS = ("point", "scenario", "label", "factors", "scenario_json", "error")

_DDL = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE points(point INTEGER PRIMARY KEY, scenario TEXT NOT NULL, label TEXT NOT NULL,
                    factors TEXT NOT NULL, scenario_json TEXT, error TEXT{factor_columns});
CREATE TABLE runs(point INTEGER NOT NULL, replication INTEGER NOT NULL, seed INTEGER NOT NULL,
                  status TEXT NOT NULL, error TEXT, summary TEXT, profile TEXT,
                  wall_seconds REAL, worker TEXT, finished_at TEXT,
                  PRIMARY KEY(point, replication));
"""


def flatten(summary: Any, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], float]]:
    """Every numeric leaf of a nested summary as (key path, value); NaN kept as NaN.

    Walks dicts (and lists, by index) generically, so keys added to the
    summary later are flattened too. Booleans become 0/1; strings and None
    leaves are skipped.
    """
    out: list[tuple[tuple[str, ...], float]] = []
    if isinstance(summary, dict):
        for key, value in summary.items():
            out.extend(flatten(value, prefix + (str(key),)))
    elif isinstance(summary, (list, tuple)):
        for k, value in enumerate(summary):
            out.extend(flatten(value, prefix + (str(k),)))
    elif prefix and (isinstance(summary, (bool, int, float)) or hasattr(summary, "__float__")):
        out.append((prefix, float(summary)))
    return out


def metric_rows(summary: dict[str, Any]) -> list[tuple[str, str, str, str, float | None]]:
    """``(metric, section, item, name, value)`` rows of a summary for the tidy table.

    ``metric`` is the dotted path; ``section`` its first part (``overall``,
    ``by_category`` ...), ``name`` its last (``wait_mean``), ``item`` what lies
    between (a category, window group or hour; empty for ``overall``).
    """
    rows = []
    for keys, value in flatten(summary):
        section = keys[0]
        name = keys[-1] if len(keys) > 1 else keys[0]
        item = ".".join(keys[1:-1])
        rows.append((".".join(keys), section, item, name,
                     None if math.isnan(value) or math.isinf(value) else value))
    return rows


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def factor_column(name: str) -> str:
    """The column a factor gets in ``points`` (its name, prefixed if it would clash)."""
    return f"factor:{name}" if name in _FIXED_POINT_COLUMNS else name


def _sql_value(value: Any) -> Any:
    if value is None or isinstance(value, (int, float, str)):
        return value
    return _json(value)


#: the meta keys a reader of the store needs
_META_KEYS = ("experiment_name", "experiment_hash", "definition", "factors", "replications",
              "seed", "hallsim_version")
#: the columns of each table a reader of the store needs
_COLUMNS = {
    "points": ("point", "scenario", "label", "factors", "scenario_json", "error"),
    "runs": ("point", "replication", "seed", "status", "error", "summary", "profile",
             "wall_seconds", "worker", "finished_at"),
}


class _Damaged(Exception):
    """What is wrong with a store changed or broken since hallsim wrote it."""


def is_store(path: str | Path) -> bool:
    """Whether ``path`` is an SQLite file (by its header)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


class Store:
    """A batch results store. Open with :meth:`for_experiment` (write) or :meth:`open` (read)."""

    def __init__(self, path: Path, conn: sqlite3.Connection, lock: Any = None) -> None:
        self.path = path
        self.conn = conn
        self._lock = lock

    # --- opening ----------------------------------------------------------------

    @classmethod
    def for_experiment(cls, path: str | Path, experiment: Any) -> Store:
        """Create the store for ``experiment``, or reopen it to resume.

        Raises :class:`InputError` if the store holds a different experiment
        (another hash), is not a hallsim store, or is being written by another
        batch.
        """
        path = Path(path)
        if path.exists() and not is_store(path) and path.stat().st_size > 0:
            raise InputError(str(path), "", "exists and is not a hallsim store (SQLite file)")
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = _acquire_lock(path)
        created = not path.exists() or path.stat().st_size == 0
        try:
            conn = sqlite3.connect(path, isolation_level=None, timeout=30.0)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            store = cls(path, conn, lock)
            tables = {r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table'")}
            if "meta" not in tables:
                store._create(experiment)
            else:
                store._check(experiment)
            return store
        except BaseException:
            if created:  # never leave an empty or half-made store behind
                with contextlib.suppress(Exception):
                    conn.close()
                for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                    leftover.unlink(missing_ok=True)
            _release_lock(lock)
            raise

    @classmethod
    def open(cls, path: str | Path) -> Store:
        """Open an existing store read-only (export, summary, report)."""
        path = Path(path)
        if not path.exists():
            raise InputError(str(path), "", "file not found")
        if not is_store(path):
            raise InputError(str(path), "", "not a hallsim store (SQLite file)")
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30.0)
        store = cls(path, conn)
        try:
            try:
                meta = store.meta()
            except sqlite3.DatabaseError:
                meta = {}
            store._check_schema(meta)
            store._check_readable(meta)
        except BaseException:
            conn.close()
            raise
        return store

    def _check_schema(self, meta: dict[str, str]) -> None:
        """Refuse a store of another layout: none recorded (not hallsim's), or another
        version's (``hallsim-store/1``), which this version cannot read."""
        schema = meta.get("schema")
        if schema == SCHEMA:
            return
        if schema is not None and schema.startswith("hallsim-store/"):
            raise InputError(str(self.path), "", f"a store of another hallsim version (layout "
                             f"{schema}; this version reads {SCHEMA}): run the experiment "
                             "again into a new --store")
        raise InputError(str(self.path), "", "not a hallsim store (no experiment recorded)")

    def _check_readable(self, meta: dict[str, str]) -> None:
        """Refuse, before anything is read, a store that was changed or broken since hallsim
        wrote it: a table, column or meta key missing, a finished run without its summary
        or with one that is not a JSON object."""
        try:
            for key in _META_KEYS:
                if key not in meta:
                    raise _Damaged(f"the experiment's '{key}' is missing (table meta)")
            for table, columns in _COLUMNS.items():
                have = {r[1] for r in self.conn.execute(f"PRAGMA table_info({table})")}
                if not have:
                    raise _Damaged(f"table '{table}' is missing")
                for column in columns:
                    if column not in have:
                        raise _Damaged(f"column '{column}' of table '{table}' is missing")
            bad = self._bad_summary()
        except _Damaged as exc:
            raise self._damaged(str(exc)) from None
        except sqlite3.DatabaseError as exc:
            raise self._damaged(str(exc)) from None
        if bad is not None:
            point, replication, missing = bad
            raise self._damaged(f"run P{point} replication {replication} is recorded as "
                                f"finished but its summary is "
                                f"{'missing' if missing else 'not a JSON object'}")

    def _bad_summary(self) -> tuple[int, int, int] | None:
        """``(point, replication, missing)`` of the first finished run whose summary is
        missing or not a JSON object (checked by SQLite, without reading every summary
        into Python); None if there is none, or if this SQLite cannot check JSON."""
        # NaN and infinity are written bare (Python's JSON): made plain for json_valid
        plain = ("replace(replace(replace(summary, '-Infinity', '0'), 'Infinity', '0'), "
                 "'NaN', '0')")
        query = ("SELECT point, replication, summary IS NULL FROM runs WHERE status='ok' AND "
                 f"NOT (CASE WHEN summary IS NULL THEN 0 WHEN json_valid({plain}) THEN "
                 f"json_type({plain}) = 'object' ELSE 0 END) ORDER BY point, replication "
                 "LIMIT 1")
        try:
            return self.conn.execute(query).fetchone()
        except sqlite3.OperationalError as exc:
            if "no such function" not in str(exc):
                raise
        row = self.conn.execute("SELECT point, replication, 1 FROM runs WHERE status='ok' "
                                "AND summary IS NULL ORDER BY point, replication LIMIT 1")
        return row.fetchone()

    def _damaged(self, what: str) -> InputError:
        """The error of a store changed or broken since hallsim wrote it."""
        return InputError(str(self.path), "", f"the store is damaged ({what}): run the "
                                              "experiment again into a new --store")

    def _loads(self, text: str | None, what: str) -> Any:
        """JSON ``text`` read from the store (``what`` names where, for the message)."""
        try:
            return json.loads(text)  # type: ignore[arg-type]
        except (TypeError, ValueError, RecursionError):
            raise self._damaged(f"{what} is not JSON") from None

    def _create(self, experiment: Any) -> None:
        names = list(experiment.factor_names)
        cols = "".join(f", {_quote(factor_column(n))}" for n in names)
        with self._tx():
            for stmt in _DDL.format(factor_columns=cols).split(";"):
                if stmt.strip():
                    self.conn.execute(stmt)
            meta = {
                "schema": SCHEMA,
                "experiment_name": experiment.name,
                "experiment_hash": experiment.hash,
                "definition": _json(experiment.definition),
                "source": experiment.source,
                "factors": _json(names),
                "replications": str(experiment.replications),
                "seed": str(experiment.seed),
                "baseline": str(experiment.baseline),
                "hallsim_version": VERSION,
                "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            }
            self.conn.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
            marks = ", ".join("?" * (len(_FIXED_POINT_COLUMNS) + len(names)))
            self.conn.executemany(
                f"INSERT INTO points VALUES ({marks})",
                [(p.point, p.base, p.label(), _json(p.factors),
                  _json(p.scenario.to_dict()) if p.scenario is not None else None, p.error,
                  *(_sql_value(p.factors.get(n)) for n in names))
                 for p in experiment.points])

    def _check(self, experiment: Any) -> None:
        meta = self.meta()
        self._check_schema(meta)
        if meta["experiment_hash"] != experiment.hash:
            raise InputError(
                str(self.path), "",
                f"this store holds experiment '{meta['experiment_name']}' (hash "
                f"{meta['experiment_hash'][:12]}, from {meta['source']}), not the one in "
                f"{experiment.source} (hash {experiment.hash[:12]}); the experiment or one of "
                "its base scenarios changed. Use another --store, or delete this one to start "
                "over")
        if meta.get("baseline") != str(experiment.baseline):
            with self._tx():
                self.conn.execute("UPDATE meta SET value=? WHERE key='baseline'",
                                  (str(experiment.baseline),))

    @contextlib.contextmanager
    def _tx(self) -> Iterator[None]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def close(self) -> None:
        """Close the connection and release the writer's lock.

        The writer leaves the file in rollback-journal mode (WAL only while it runs): a
        read-only reader of a WAL file (export, summary, report) makes ``-wal`` and
        ``-shm`` files beside it that it may not remove, so a store at rest is kept
        as one file. A reader still open keeps WAL mode; the next writer's close ends it.
        """
        if self._lock is not None:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("PRAGMA journal_mode=DELETE")
        self.conn.close()
        _release_lock(self._lock)
        self._lock = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- writing ----------------------------------------------------------------

    def record(self, outcome: Any) -> None:
        """Record one finished run (replacing an earlier attempt) in one transaction."""
        key = (outcome.point, outcome.replication)
        now = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="milliseconds")
        with self._tx():
            self.conn.execute(
                "INSERT OR REPLACE INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*key, outcome.seed, outcome.status, outcome.error,
                 _json(outcome.summary) if outcome.summary is not None else None,
                 _json(outcome.profile) if outcome.profile is not None else None,
                 outcome.wall_seconds, outcome.worker, now))

    # --- reading ----------------------------------------------------------------

    def meta(self) -> dict[str, str]:
        """The ``meta`` table as a dict."""
        return dict(self.conn.execute("SELECT key, value FROM meta"))

    def definition(self) -> dict[str, Any]:
        """The experiment definition recorded when the store was created."""
        return self._loads(self.meta()["definition"], "the experiment's definition")

    def factor_names(self) -> list[str]:
        """Factor names, in the experiment's order."""
        return self._loads(self.meta()["factors"], "the experiment's factors")

    def finished(self) -> set[tuple[int, int]]:
        """(point, replication) of every run recorded with status ``ok``."""
        return set(self.conn.execute(
            "SELECT point, replication FROM runs WHERE status='ok'"))

    def counts(self) -> dict[str, int]:
        """Number of recorded runs by status."""
        return dict(self.conn.execute("SELECT status, count(*) FROM runs GROUP BY status"))

    def points_frame(self) -> pd.DataFrame:
        """One row per design point: point, scenario, label, one column per factor, error."""
        names = self.factor_names()
        cols = ", ".join(_quote(factor_column(n)) for n in names)
        frame = pd.read_sql_query(
            f"SELECT point, scenario, label{', ' + cols if cols else ''}, error FROM points "
            "ORDER BY point", self.conn)
        return frame.rename(columns={factor_column(n): n for n in names})

    def point_scenarios(self) -> dict[int, dict[str, Any] | None]:
        """Point -> the point's scenario as plain data (None for an invalid point)."""
        return {p: (self._loads(s, f"the scenario of point P{p}") if s else None) for p, s in
                self.conn.execute("SELECT point, scenario_json FROM points ORDER BY point")}

    def runs_frame(self) -> pd.DataFrame:
        """One row per recorded run, with the point's scenario and factor values."""
        runs = pd.read_sql_query(
            "SELECT point, replication, seed, status, error, wall_seconds, worker, finished_at "
            "FROM runs ORDER BY point, replication", self.conn)
        points = self.points_frame().drop(columns=["error"])
        return points.merge(runs, on="point", how="right")

    def metrics_frame(self, metrics: list[str] | None = None,
                      with_points: bool = True) -> pd.DataFrame:
        """The tidy table: one row per (ok run, metric), optionally only some ``metrics``."""
        wanted = set(metrics) if metrics else None
        records = []
        for point, replication, seed, summary in self.conn.execute(
                "SELECT point, replication, seed, summary FROM runs "
                "WHERE status='ok' AND summary IS NOT NULL ORDER BY point, replication"):
            loaded = self._loads(summary, f"the summary of run P{point} replication "
                                          f"{replication}")
            for metric, section, item, name, value in metric_rows(loaded):
                if wanted is None or metric in wanted:
                    records.append((point, replication, seed, metric, section, item, name,
                                    math.nan if value is None else value))
        frame = pd.DataFrame.from_records(
            records, columns=["point", "replication", "seed", "metric", "section", "item",
                              "name", "value"])
        frame["value"] = frame["value"].astype(float)
        if not with_points:
            return frame
        points = self.points_frame().drop(columns=["error", "label"])
        return points.merge(frame, on="point", how="right")

    def summaries(self, point: int) -> list[tuple[int, dict[str, Any]]]:
        """(replication, summary) of every ``ok`` run of a point, by replication."""
        return [(r, self._loads(s, f"the summary of run P{point} replication {r}"))
                for r, s in self.conn.execute(
            "SELECT replication, summary FROM runs WHERE point=? AND status='ok' "
            "ORDER BY replication", (point,))]

    def profiles(self, point: int) -> list[dict[str, Any]]:
        """Profiles (wait quantiles, utilisation by hour) of every ``ok`` run of a point."""
        return [self._loads(s, f"a profile of point P{point}") for (s,) in self.conn.execute(
            "SELECT profile FROM runs WHERE point=? AND status='ok' AND profile IS NOT NULL "
            "ORDER BY replication", (point,))]

    def fingerprint(self) -> pd.DataFrame:
        """Runs and metrics without wall time, worker or timestamps (to compare stores)."""
        return pd.read_sql_query(
            "SELECT r.point, r.replication, r.seed, r.status, r.error, r.summary, r.profile "
            "FROM runs r ORDER BY r.point, r.replication", self.conn)


def export(store: Store, out: str | Path, table: str = "metrics") -> int:
    """Write the tidy metrics table (or ``runs``, or ``wide``) as CSV or Parquet.

    Returns the number of rows written. ``wide`` has one row per run and one
    column per metric. CSV is UTF-8 with a byte-order mark (Excel reads Chinese
    factor levels and names with it).
    """
    from sim.files.atomic import atomic_path

    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise InputError(str(out), "--out", "export file must end in .csv or .parquet")
    if table == "metrics":
        frame = store.metrics_frame()
    elif table == "runs":
        frame = store.runs_frame()
    elif table == "wide":
        tidy = store.metrics_frame(with_points=False)
        wide = tidy.pivot_table(index=["point", "replication"], columns="metric",
                                values="value", aggfunc="first", dropna=False)
        wide = wide[list(dict.fromkeys(tidy["metric"]))].reset_index()
        wide.columns.name = None
        frame = store.runs_frame().merge(wide, on=["point", "replication"], how="left")
    else:
        raise ValueError(f"unknown table '{table}' (metrics, runs or wide)")
    for name in store.factor_names():
        if name in frame and frame[name].dtype == object:
            numeric = pd.to_numeric(frame[name], errors="coerce")
            frame[name] = numeric if numeric.notna().all() else frame[name].astype(str)
    with atomic_path(out) as tmp:
        if suffix == ".parquet":
            frame.to_parquet(tmp, index=False)
        else:
            frame.to_csv(tmp, index=False, encoding="utf-8-sig")
    return len(frame)


# --- the writer's lock -------------------------------------------------------------


def _acquire_lock(path: Path) -> Any:
    """Take the writer's lock ``STORE.lock`` (``filelock``: an OS lock, released if the
    process dies); InputError if another batch holds it."""
    from filelock import FileLock, Timeout

    lock = FileLock(f"{path}.lock", timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise InputError(str(path), "", "the store is being written by another batch; wait "
                         "for it or use another --store") from None
    return lock


def _release_lock(lock: Any) -> None:
    """Release the writer's lock and remove ``STORE.lock`` (nothing is left behind)."""
    if lock is None:
        return
    with contextlib.suppress(OSError):
        Path(lock.lock_file).unlink(missing_ok=True)
    lock.release()
