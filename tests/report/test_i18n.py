"""Stories about Chinese labels on request: a planning office asks ``--lang zh`` (or sets
HALLSIM_LANG=zh) and gets the report's headings and the figures' labels in Chinese from
the message catalogue; English stays the default; the catalogue covers every label of
the metric registry and every text the report package asks to translate."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from sim.cli.main import main
from sim.report import i18n
from sim.report.i18n import LOCALE_DIR, metric_heading, set_language, tr
from sim.stats.registry import METRICS
from tests.report.chinese import MORE_WINDOWS, write_hall

ROOT = Path(__file__).resolve().parents[2]
PO = LOCALE_DIR / "zh" / "LC_MESSAGES" / "hallsim.po"
MO = PO.with_suffix(".mo")


@pytest.fixture(autouse=True)
def english_afterwards(monkeypatch):
    monkeypatch.delenv("HALLSIM_LANG", raising=False)
    yield
    set_language("en")


def catalogue() -> dict[str, str]:
    with PO.open("rb") as f:
        return {m.id: m.string for m in read_po(f) if m.id and not m.context}


def texts_asked_for() -> set[str]:
    """Every literal passed to tr() in sim/ (Babel's extractor plus f-string calls)."""
    ids = {msg for _, _, msg, _, _ in extract_from_dir(
        str(ROOT / "sim"), method_map=[("**.py", "python")], keywords={"tr": None})}
    call = re.compile(r"""\btr(?:_unit)?\(\s*(['"])((?:(?!\1).)*)\1\s*\)""")
    for path in (ROOT / "sim").rglob("*.py"):
        ids |= {m.group(2) for m in call.finditer(path.read_text(encoding="utf-8"))}
    return {i for i in ids if isinstance(i, str) and i}


def test_catalogue_covers_every_registry_label_and_unit() -> None:
    zh = catalogue()
    wanted = {m.label for m in METRICS.values()} | {m.unit for m in METRICS.values() if m.unit}
    wanted |= {m.target_label for m in METRICS.values() if m.target_label}
    missing = sorted(w for w in wanted if not zh.get(w))
    assert not missing, f"untranslated registry labels/units: {missing}"


def test_catalogue_covers_every_text_the_code_translates() -> None:
    zh = catalogue()
    asked = texts_asked_for()
    assert len(asked) > 50  # the extraction found the report's texts
    missing = sorted(a for a in asked if not zh.get(a))
    assert not missing, f"untranslated: {missing}"


def test_placeholders_survive_translation() -> None:
    for msgid, msgstr in catalogue().items():
        assert set(re.findall(r"\{\w+\}", msgid)) == set(re.findall(r"\{\w+\}", msgstr)), msgid


def test_shipped_mo_is_up_to_date_with_the_po() -> None:
    with PO.open("rb") as f:
        po = read_po(f)
    shipped = gettext.GNUTranslations(MO.open("rb"))
    for m in po:
        if m.id and m.context:
            assert shipped.pgettext(m.context, m.id) == m.string, m.id
        elif m.id:
            assert shipped.gettext(m.id) == m.string, m.id
    # and compiling the .po now gives the same messages (write_mo runs without error)
    import io

    write_mo(io.BytesIO(), po)


def test_english_is_the_default_and_chinese_on_request(monkeypatch) -> None:
    assert set_language() == "en" and metric_heading("wait_mean") == "mean wait (min)"
    assert set_language("zh") == "zh"
    assert tr("mean wait") == "平均等待" and metric_heading("wait_mean") == "平均等待（分钟）"
    assert tr(METRICS["p_wait_over_target"].label) == "未在目标时间内叫号"
    assert tr(METRICS["abandon_share"].label).startswith("放弃")
    assert tr(METRICS["utilisation"].label) == "窗口利用率"
    assert metric_heading("arrivals") == "取号数（号）"  # a word that is label and unit
    monkeypatch.setenv("HALLSIM_LANG", "zh_CN.UTF-8")
    assert set_language() == "zh"
    monkeypatch.setenv("HALLSIM_LANG", "en")
    assert set_language() == "en" and i18n.language() == "en"


def test_a_chinese_heading_wears_its_unit_in_full_width_brackets_and_english_is_kept() -> None:
    from sim.report.tables import column

    # English: the terminal's "served tickets" and the figures' "mean wait (min)", as ever
    assert column("served") == "served tickets" and column("wait_mean") == "mean wait min"
    assert column("arrivals") == "tickets" and metric_heading("served") == "served (tickets)"
    set_language("zh")
    # as the catalogue's own labels read ("办理时间（分钟）"): no stray space before the unit
    assert column("served") == "已办理（号）" and column("wait_mean") == "平均等待（分钟）"
    assert column("arrivals") == tr("tickets") and metric_heading("served") == "已办理（号）"
    assert column("abandon_share") == tr(METRICS["abandon_share"].label) + "（%）"


def test_unknown_language_is_bad_input(tmp_path: Path, monkeypatch, capsys) -> None:
    scenario = write_hall(tmp_path)
    assert main(["validate", str(scenario), "--lang", "fr"]) == 2
    assert "--lang" in capsys.readouterr().err
    monkeypatch.setenv("HALLSIM_LANG", "klingon")
    assert main(["validate", str(scenario)]) == 2
    assert "HALLSIM_LANG" in capsys.readouterr().err


def test_a_chinese_report_for_the_director(tmp_path: Path) -> None:
    base, more = write_hall(tmp_path), write_hall(tmp_path, MORE_WINDOWS, "增开.yaml")
    doc = tmp_path / "对比.json"
    assert main(["compare", str(base), str(more), "-r", "3", "--json", str(doc), "-q"]) == 0
    assert main(["--lang", "zh", "report", str(doc), "--out", str(tmp_path / "zh")]) == 0
    page = (tmp_path / "zh" / "index.html").read_text(encoding="utf-8")
    assert 'lang="zh-CN"' in page
    for heading in ("平均等待", "分钟内叫号", "放弃", "窗口利用率", "按事项", "按窗口组",
                    "与基准的差值"):
        assert heading in page, heading
    # the English page has none of them
    set_language("en")
    assert main(["report", str(doc), "--out", str(tmp_path / "en")]) == 0
    english = (tmp_path / "en" / "index.html").read_text(encoding="utf-8")
    assert "平均等待" not in english and "mean wait" in english and 'lang="en"' in english


# --- terminal tables under --lang zh ---------------------------------------------------

#: Latin words a Chinese table may keep: quantile names (P90) and the point numbers (P1)
KEPT = re.compile(r"P\d+")


def english_words(text: str, names: list[str]) -> list[str]:
    """Latin words of two letters or more in ``text``, once the user's own names are
    taken out (scenario, category, window and factor names stay as written)."""
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    return [w for w in re.findall(r"[A-Za-z]{2,}\d*", text) if not KEPT.fullmatch(w)]


def tidy_experiment():
    """A small tidy results table: three design points of one Chinese hall, one factor."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(8)
    rows = []
    for point, windows in ((0, 2), (1, 3), (2, 4)):
        for r in range(4):
            base = {"point": point, "scenario": "兴隆台", "label": f"P{point}: 窗口数={windows}",
                    "replication": r, "seed": 1, "窗口数": windows}
            figures = {"wait_mean": 12.0 / windows + rng.normal(0, 0.3),
                       "p_wait_over_target": 0.3 / windows + rng.normal(0, 0.01),
                       "abandon_share": 0.05 / windows, "utilisation": 0.9 * 2 / windows}
            for name, value in figures.items():
                rows.append({**base, "metric": f"overall.{name}", "section": "overall",
                             "item": "", "name": name, "value": value})
            rows.append({**base, "metric": "by_category.企业开办.wait_mean",
                         "section": "by_category", "item": "企业开办", "name": "wait_mean",
                         "value": figures["wait_mean"]})
    return pd.DataFrame(rows)


def test_every_heading_of_the_run_compare_and_batch_tables_is_chinese_under_zh(
        tmp_path: Path, capsys) -> None:
    from sim.report.tables import batch_summary

    base, more = write_hall(tmp_path), write_hall(tmp_path, MORE_WINDOWS, "增开.yaml")
    names = ["兴隆台政务服务大厅", "增开窗口", "企业开办", "社保业务", "窗口A", "综合窗口",
             "兴隆台", "窗口数"]
    printed = {}
    for lang in ("en", "zh"):
        assert main(["--lang", lang, "run", str(base), "-r", "2"]) == 0
        run = capsys.readouterr().out
        assert main(["--lang", lang, "compare", str(base), str(more), "-r", "2"]) == 0
        compare = capsys.readouterr().out
        set_language(lang)
        printed[lang] = {"run": run, "compare": compare,
                         "batch summary": batch_summary(tidy_experiment())}
    for table, text in printed["zh"].items():
        assert "平均等待" in text or "均值" in text, table
        left = english_words(text, names)
        assert not left, f"{table} under zh still has English: {sorted(set(left))}\n{text}"
    # the check can fail: the English tables are full of words it would catch
    for table, text in printed["en"].items():
        assert len(english_words(text, names)) > 10, table


def test_a_customer_who_balks_is_not_said_to_have_left_without_a_ticket() -> None:
    """A balking customer takes a ticket, sees the queue and leaves: the records have the
    ticket and 取号数 counts it, so the Chinese word may not say 未取号 (no ticket)."""
    zh = catalogue()
    balks = {k: v for k, v in zh.items() if re.search(r"\bbalk", k)}
    assert balks and not [k for k, v in balks.items() if "未取号" in v]
    assert zh["balked"] == "见长队离开"
