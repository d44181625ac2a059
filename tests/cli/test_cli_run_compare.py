"""A planner runs the bundled halls from the command line and compares them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from sim.cli.main import main

CONTRACT = ["ticket", "category", "day", "arrival", "call", "end", "window", "outcome"]


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_records_have_the_contract_columns_one_row_per_ticket(tmp_path, suffix, capsys):
    out, doc = tmp_path / f"records{suffix}", tmp_path / "run.json"
    assert main(["run", "scenarios/quickstart.yaml", "-r", "2", "--days", "2",
                 "--records", str(out), "--json", str(doc)]) == 0
    table = pd.read_csv(out) if suffix == ".csv" else pd.read_parquet(out)
    assert list(table.columns[1:9]) == CONTRACT and table.columns[0] == "replication"
    results = json.loads(doc.read_text())
    assert len(table) == results["overall"]["arrivals"] * 2
    assert set(table["outcome"]) <= {"served", "abandoned", "balked", "open"}
    served = table[table["outcome"] == "served"]
    assert (served["call"] >= served["arrival"]).all() and served["window"].notna().all()
    assert "mean wait" in capsys.readouterr().out  # the summary table


def test_a_ticket_never_served_has_no_window_in_csv_and_parquet_alike(tmp_path, capsys):
    """A researcher filters ``window.notna()``: the unserved tickets (abandoned, balked)
    have no window in either format, not an empty text in Parquet and a missing value in
    CSV."""
    tables = {}
    for suffix in (".csv", ".parquet"):
        out = tmp_path / f"records{suffix}"
        assert main(["run", "scenarios/quickstart.yaml", "-r", "2", "--days", "2", "-q",
                     "--records", str(out)]) == 0
        tables[suffix] = pd.read_csv(out) if suffix == ".csv" else pd.read_parquet(out)
    csv, parquet = tables[".csv"], tables[".parquet"]
    unserved = csv["outcome"] != "served"
    assert unserved.sum() > 0
    assert (csv["window"].isna() == unserved).all()
    assert (parquet["window"].isna() == unserved).all()
    assert (parquet["window"] != "").all()


#: a figure with its interval, as the tables print it: "5.1 ±1.1" or "6.8 (0.0–14.6)"
INTERVAL = r"\d ±\d|\d \(\d+(?:\.\d+)?–\d+(?:\.\d+)?\)"


def test_the_results_document_has_every_contract_key(tmp_path):
    doc = tmp_path / "run.json"
    assert main(["run", "scenarios/quickstart.yaml", "-r", "3", "--days", "2", "-q",
                 "--json", str(doc)]) == 0
    d = json.loads(doc.read_text())
    for key in ("scenario", "seed", "replications", "days", "overall", "ci95", "by_category",
                "by_window", "meta"):
        assert key in d
    for key in ("arrivals", "served", "abandoned", "wait_mean", "wait_p50", "wait_p90",
                "wait_p95", "wait_max", "p_wait_over_target", "abandon_share", "utilisation"):
        assert key in d["overall"]
    for key in ("wait_mean", "wait_p90", "p_wait_over_target", "abandon_share", "utilisation"):
        assert key in d["ci95"] and d["ci95"][key] >= 0
    assert d["replications"] == 3 and d["days"] == 2
    assert {"hallsim_version", "wall_seconds"} <= set(d["meta"])
    assert all({"served", "utilisation"} <= set(w) for w in d["by_window"].values())


def test_compare_pairs_replications_and_names_the_better_hall(tmp_path, capsys):
    out = tmp_path / "cmp.json"
    assert main(["compare", "scenarios/xinglongtai/before.yaml",
                 "scenarios/xinglongtai/after.yaml", "-r", "8", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "xinglongtai-after vs xinglongtai-before" in printed
    d = json.loads(out.read_text())
    assert d["baseline"] == "xinglongtai-before"
    util = d["differences"]["xinglongtai-after"]["overall"]["utilisation"]
    # 10 windows instead of 31 for the same customers: utilisation roughly triples
    assert util["candidate"] > 2.5 * util["baseline"] and util["significant"]
    wait = d["differences"]["xinglongtai-after"]["overall"]["wait_mean"]
    assert wait["diff"] == pytest.approx(wait["candidate"] - wait["baseline"], abs=1e-5)
    # same seeds: both halls saw exactly the same tickets
    before, after = d["scenarios"]["xinglongtai-before"], d["scenarios"]["xinglongtai-after"]
    assert before["overall"]["arrivals"] == after["overall"]["arrivals"]


def test_compare_needs_two_scenarios(capsys):
    assert main(["compare", "scenarios/quickstart.yaml", "-r", "1"]) == 2
    assert "at least two" in capsys.readouterr().err


# --- tables that add up ---------------------------------------------------------------


def _hall(tmp_path, name, category, window="窗口A", rate=6):
    path = tmp_path / f"{name}.yaml"
    path.write_text(
        f"name: {name}\nhall: {{open: ['09:00-12:00'], days: 3, warmup_days: 0}}\n"
        f"categories:\n  {category}: {{arrivals_per_hour: {rate}, service: {{dist: exponential, "
        f"mean: 8}}, patience: {{dist: exponential, mean: 10}}}}\n"
        f"windows:\n  - {{id: {window}, count: 1, serves: [{category}]}}\n", encoding="utf-8")
    return str(path)


def test_tables_align_chinese_names_by_display_width():
    from wcwidth import wcswidth

    from sim.report.tables import text_table

    table = text_table(["category", "mean wait min"], [["企业开办", "2.5 ±0.1"],
                                                        ["tax", "12.0 ±1.0"]])
    widths = {wcswidth(line) for line in table.splitlines()}
    assert len(widths) == 1, table


def test_run_table_shows_means_that_add_up_and_names_every_unit(tmp_path, capsys):
    scenario = _hall(tmp_path, "hall", "企业开办")
    doc_path = tmp_path / "run.json"
    assert main(["run", scenario, "-r", "4", "--json", str(doc_path)]) == 0
    out = capsys.readouterr().out
    doc = json.loads(doc_path.read_text())
    o = doc["overall"]
    rows = {line.rsplit("  ", 1)[0].strip(): line.rsplit("  ", 1)[1].strip()
            for line in out.split("\n\n")[1].splitlines()[2:]}
    shown = [float(rows[k]) for k in ("tickets", "served tickets", "abandoned tickets",
                                      "balked tickets", "still open tickets")]
    # means over 4 replications are quarters: shown exactly, so the rows add up
    assert shown[0] == pytest.approx(sum(shown[1:]), abs=1e-9)
    assert shown[0] == pytest.approx(o["arrivals"], abs=1e-9)
    for heading in ("mean wait min", "abandoned %", "staffed h / rep", "utilisation %",
                    "not called within 20 min %"):
        assert heading in out
    assert "% left" not in out and "staffed h " not in out.replace("staffed h / rep", "")
    # every figure with a CI shows it: the P50 and P95 too, not only the P90
    assert rows["P50 wait min"].count("±") == rows["P95 wait min"].count("±") == 1


def test_compare_of_halls_sharing_no_category_warns_and_does_not_pair(tmp_path, capsys):
    a = _hall(tmp_path, "a", "企业开办")
    b = _hall(tmp_path, "b", "tax", window="B")
    out_json = tmp_path / "cmp.json"
    assert main(["compare", a, b, "-r", "3", "--json", str(out_json)]) == 0
    captured = capsys.readouterr()
    assert "shares no category" in captured.err
    assert "NOT paired" in captured.out
    diff = json.loads(out_json.read_text())["differences"]["b"]
    assert diff["paired"] is False


def test_compare_shows_a_ci_with_a_unit_for_every_difference(tmp_path, capsys):
    a = _hall(tmp_path, "a", "企业开办", rate=5)
    b = _hall(tmp_path, "b", "企业开办", rate=6)
    assert main(["compare", a, b, "-r", "3"]) == 0
    out = capsys.readouterr().out
    table = out[out.index("b vs a, overall"):].split("\n\n")[0].splitlines()[3:]
    assert table
    for line in table:
        assert "±" in line and (" pp" in line or " min" in line or " tickets" in line), line


@pytest.mark.parametrize("verb", ["run", "compare"])
def test_replications_above_the_limit_exit_2_naming_the_option_before_any_work(
        verb, monkeypatch, capsys):
    from sim.files.limits import MAX_REPLICATIONS
    from sim.run import replications

    def never(*args, **kwargs):
        raise AssertionError("simulated although the option was refused")

    monkeypatch.setattr(replications, "simulate", never)
    files = ["scenarios/quickstart.yaml"] * (1 if verb == "run" else 2)
    with pytest.raises(SystemExit) as stop:
        main([verb, *files, "--replications", str(MAX_REPLICATIONS + 1), "-q"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "--replications" in err and f"{MAX_REPLICATIONS:,}" in err
    # the limit itself is accepted by the parser (the one definition of the limit)
    from sim.cli.main import build_parser

    args = build_parser().parse_args([verb, *files, "-r", str(MAX_REPLICATIONS)])
    assert args.replications == MAX_REPLICATIONS


def test_a_reader_that_goes_away_stops_the_command_quietly(tmp_path):
    # `hallsim run S | head -1`: head exits before the table is printed; the command
    # must not print a BrokenPipeError, and says so by the shell's SIGPIPE status
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-m", "sim.cli.main", "run",
                             "scenarios/quickstart.yaml", "-r", "3"],
                            cwd=Path(__file__).resolve().parents[2],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before anything is written
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141
    assert "BrokenPipe" not in err and "Traceback" not in err


def test_compare_lists_an_item_only_the_candidate_has_with_its_figures_unpaired(
        tmp_path, capsys):
    a = _hall(tmp_path, "a", "企业开办")
    b = tmp_path / "b.yaml"
    b.write_text(Path(a).read_text(encoding="utf-8").replace("name: a", "name: b").replace(
        "windows:", "  婚姻登记: {arrivals_per_hour: 3, service: {dist: exponential, mean: 5}}\n"
                    "windows:").replace("serves: [企业开办]", "serves: [企业开办, 婚姻登记]"),
        encoding="utf-8")
    assert main(["compare", a, str(b), "-r", "3"]) == 0
    out = capsys.readouterr().out
    part = out[out.index("b vs a, items in one scenario only (not paired"):]
    heads, _, row = part.splitlines()[1:4]
    assert "tickets" in heads and "mean wait" in heads and "abandoned" in heads
    # both figures with their intervals: ±, or the range within 0 when it would cross it
    assert row.split()[:2] == ["婚姻登记", "b"] and len(re.findall(INTERVAL, row)) == 2
    assert "category 婚姻登记" not in out  # no paired difference of it


def test_records_of_a_chinese_hall_open_in_excel_with_their_names(tmp_path):
    """Excel reads a CSV as UTF-8 only with a byte-order mark; without it a planner
    sees mojibake where the items' Chinese names should be."""
    out = tmp_path / "记录.csv"
    assert main(["run", "scenarios/tianjin_centre/after.yaml", "-r", "1", "--days", "1",
                 "-q", "--records", str(out)]) == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    categories = set(pd.read_csv(out)["category"])
    assert any("\u4e00" <= ch <= "\u9fff" for name in categories for ch in name)
    assert list(pd.read_csv(out).columns[1:9]) == CONTRACT  # the mark is not in a name


def test_two_long_names_alike_at_the_start_get_headings_that_tell_them_apart():
    from sim.report.tables import column_names

    a, b = "calibrated from 示例大厅叫号导出 (/data/一月.yaml)", \
        "calibrated from 示例大厅叫号导出 (/data/二月.yaml)"
    shown = column_names(a, b)
    assert shown[0] != shown[1] and all(len(s) <= 24 for s in shown)
    assert shown[0].endswith("一月.yaml)") and shown[1].endswith("二月.yaml)")
    assert column_names("今年", "明年") == ("今年", "明年")
    assert column_names("x" * 30, "x" * 30) == ("baseline", "candidate")


def test_compare_of_two_copies_of_one_hall_heads_its_columns_apart(tmp_path, capsys):
    """Both files are named quickstart: compare suffixes their paths, and the columns keep
    the part that differs instead of the first 24 characters of each."""
    text = Path("scenarios/quickstart.yaml").read_text(encoding="utf-8")
    files = []
    for folder in ("本月方案", "下月方案"):
        (tmp_path / folder).mkdir()
        files.append(tmp_path / folder / "hall.yaml")
        files[-1].write_text(text, encoding="utf-8")
    assert main(["compare", *map(str, files), "-r", "2", "--days", "1"]) == 0
    head = next(ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("metric"))
    assert "本月方案" in head and "下月方案" in head
