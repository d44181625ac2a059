"""HTML reports of a calibration (fitted vs empirical distributions, arrival profile
with bands, inferred staffing, rows kept and skipped) and of a backtest."""

from __future__ import annotations

import base64
import html
import io
import json
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from scipy import stats  # noqa: E402

from sim.data.calibrate import Calibration  # noqa: E402

ACK = ("Where the Anonymous Bank log is used: data from the Service Enterprise Engineering Lab "
       "(SEE Lab), Technion – Israel Institute of Technology (Guedj &amp; Mandelbaum, 2000).")


def _img(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    plt.close(fig)
    return f'<img src="data:image/png;base64,{base64.b64encode(buf.getvalue()).decode()}">'


def _page(title: str, body: list[str]) -> str:
    return ("<!doctype html><html><head><meta charset='utf-8'><title>"
            f"{html.escape(title)}</title><style>body{{font-family:sans-serif;max-width:1100px;"
            "margin:auto}} td,th{{padding:2px 8px;text-align:right}}</style></head><body>"
            f"<h1>{html.escape(title)}</h1>" + "\n".join(body) + f"<p><small>{ACK}</small></p>"
            "</body></html>")


def _write(out: str | Path, text: str) -> Path:
    from sim.spec.files import write_text_atomic

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    write_text_atomic(out / "index.html", text)
    return out / "index.html"


def calibration_report(cal: Calibration, out: str | Path) -> Path:
    """Write ``DIR/index.html`` for a calibration."""
    plt.rcParams["font.sans-serif"] = ["Noto Sans CJK SC", "WenQuanYi Zen Hei", "DejaVu Sans"]
    body = ["<h2>Rows</h2><pre>" + html.escape("\n".join(cal.log.summary_lines())) + "</pre>"]
    f = cal.log.frame
    res = cal.options.resolution
    n_days = len(cal.days.dates)
    served = f["outcome"] == "served"
    for name, it in cal.items.items():
        body.append(f"<h2>{html.escape(name)}</h2><p>service: {html.escape(it.service.comment())}"
                    f"<br>patience: {html.escape(it.patience.comment() if it.patience else 'none')}"
                    "</p>")
        # the fit is of the window's occupancy: the logged service plus the turnaround
        x = np.sort(f.loc[served & (f["item"] == name), "service"].to_numpy()
                    + cal.turnaround.minutes)
        fig, ax = plt.subplots(1, 3, figsize=(13, 3.4))
        if len(x):
            ax[0].step(x, np.arange(1, len(x) + 1) / len(x), label="observed")
            d = it.service.frozen()
            if d is not None:
                ax[0].plot(x, d.cdf(x), label=f"fitted {it.service.family}")
                p = (np.arange(1, len(x) + 1) - 0.5) / len(x)
                ax[1].plot(d.ppf(p), x, ".", ms=2)
                ax[1].axline((0, 0), slope=1, color="grey")
            ax[0].set_xlabel("service + turnaround (min)" if cal.turnaround.minutes > 0
                             else "service (min)")
            ax[0].legend()
            ax[1].set_title("QQ: fitted vs observed quantiles")
        minute = cal.log.minute[(f["item"] == name).to_numpy()]
        day = cal.day_index[(f["item"] == name).to_numpy()]
        counts = np.zeros((n_days, 1440 // res))
        np.add.at(counts, (day, (minute // res).astype(int)), 1)
        obs = counts[:, cal.bins].mean(axis=0) * 60 / res
        lam = it.rates * res / 60
        ax[2].plot(cal.bins * res / 60, obs, "o", ms=3, label="observed mean")
        ax[2].plot(cal.bins * res / 60, it.rates, label="profile")
        lo = stats.poisson.ppf(0.025, lam * n_days) / n_days * 60 / res
        hi = stats.poisson.ppf(0.975, lam * n_days) / n_days * 60 / res
        ax[2].fill_between(cal.bins * res / 60, lo, hi, alpha=0.3, label="95% Poisson band")
        ax[2].set_xlabel("hour of day")
        ax[2].set_ylabel("tickets per hour")
        ax[2].legend()
        body.append(_img(fig))
    fig, ax = plt.subplots(figsize=(9, 3.4))
    bottom = np.zeros(len(cal.bins))
    for g in cal.groups:
        v = np.array([g.schedule[int(b)] for b in cal.bins])
        ax.bar(cal.bins * res / 60, v, width=res / 60, bottom=bottom, align="edge", label=g.id)
        bottom += v
    ax.set_xlabel("hour of day")
    ax.set_ylabel("windows on duty")
    ax.legend(ncol=4, fontsize=7)
    body.append("<h2>Inferred staffing by time of day</h2>" + _img(fig))
    return _write(out, _page(f"Calibration: {cal.options.name}", body))


def backtest_report(doc: dict[str, Any], out: str | Path) -> Path:
    """Write ``DIR/index.html`` for a backtest document."""
    body = [f"<p>{doc['days']} days; arrivals: {doc['arrivals']}; {doc['replications']} "
            f"replications</p><pre>{html.escape(json.dumps(doc['errors'], indent=1))}</pre>"
            f"<p>Erlang A baseline: {html.escape(json.dumps(doc['baseline_erlang_a']['errors']))}"
            "</p>"]
    hours = [int(h) for h in doc["by_hour"]]
    fig, ax = plt.subplots(1, 2, figsize=(12, 3.6))
    for a, m in zip(ax, ("wait_mean", "abandon_share")):
        rows = [doc["by_hour"][str(h)][m] for h in hours]
        get = lambda k, rows=rows: np.array([np.nan if r[k] is None else r[k] for r in rows])  # noqa: E731
        a.plot(hours, get("observed"), "o", label="observed")
        a.plot(hours, get("predicted"), label="predicted")
        a.fill_between(hours, get("low"), get("high"), alpha=0.3, label="95% band")
        a.set_title(m)
        a.set_xlabel("hour of day")
        a.legend()
    body.append(_img(fig))
    return _write(out, _page(f"Backtest: {doc['scenario']}", body))
