"""Stories of a planner who asked for Chinese (``hallsim --lang zh``): a mistyped option,
a forgotten argument, a look at ``--help`` and a run that names its engine all answer
in Chinese, with the exit codes they always had; the planner who did not ask reads
the same English, byte for byte, as before."""

from __future__ import annotations

import argparse
import gettext
import io
import re
import sys

import pytest
from babel.messages.pofile import read_po

from sim.cli.main import build_parser, main
from sim.cli.parser_text import help_texts
from sim.report.i18n import LOCALE_DIR, set_language

QUICK = "scenarios/quickstart.yaml"
PO = LOCALE_DIR / "zh" / "LC_MESSAGES" / "hallsim.po"

#: argparse's own messages a user of hallsim can meet (its ``_()`` calls that word a
#: usage line, a help heading or a mistake on the command line)
ARGPARSE_MESSAGES = (
    "usage: ", "positional arguments", "options", "show this help message and exit",
    "show program's version number and exit", "argument %(argument_name)s: %(message)s",
    "unrecognized arguments: %s", "not allowed with argument %s",
    "ignored explicit argument %r", "the following arguments are required: %s",
    "one of the arguments %s is required", "expected one argument",
    "expected at most one argument", "expected at least one argument",
    "ambiguous option: %(option)s could match %(matches)s", "invalid %(type)s value: %(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)",
)


@pytest.fixture(autouse=True)
def english_afterwards(monkeypatch):
    monkeypatch.delenv("HALLSIM_LANG", raising=False)
    yield
    set_language("en")


def refused(argv: list[str], capsys) -> str:
    """What ``hallsim ARGV`` prints on stderr when the parser refuses it (exit 2)."""
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    return capsys.readouterr().err


def test_a_whole_number_mistyped_is_refused_in_chinese_and_exits_2(capsys) -> None:
    err = refused(["--lang", "zh", "run", QUICK, "--replications", "ten"], capsys)
    assert err.startswith("用法：hallsim run [-h]")
    assert err.endswith("hallsim: 错误：参数 --replications/-r：“ten”不是整数\n")
    assert "usage" not in err and "error" not in err


def test_the_english_refusal_is_as_it_always_was(capsys) -> None:
    err = refused(["run", QUICK, "--replications", "ten"], capsys)
    assert err.startswith("usage: hallsim run [-h]")
    assert err.endswith("hallsim: error: argument --replications/-r: 'ten' is not a whole "
                        "number\n")
    err = refused(["run"], capsys)
    assert err.endswith("hallsim: error: the following arguments are required: scenario\n")


def test_a_forgotten_argument_an_unknown_choice_and_a_stray_word_in_chinese(capsys) -> None:
    err = refused(["batch", "export", "runs.sqlite", "--lang", "zh"], capsys)
    assert err.endswith("hallsim: 错误：缺少必需的参数：--out\n")
    err = refused(["--lang", "zh", "run", QUICK, "--engine", "turbo"], capsys)
    assert "无效的选择：'turbo'（可选：'auto', 'fast', 'simpy'）" in err
    err = refused(["--lang", "zh", "validate", QUICK, "--bogus"], capsys)
    assert err.endswith("hallsim: 错误：无法识别的参数：--bogus\n")
    err = refused(["--lang", "zh", "run", QUICK, "-r", "20000"], capsys)
    assert "20,000 次重复：超过上限 10,000" in err


def test_help_is_chinese_and_argparse_gets_its_own_words_back(capsys) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["run", "--help", "--lang", "zh"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    for text in ("用法：hallsim run", "位置参数", "选项", "显示本帮助并退出", "独立重复次数",
                 "每个号一行写出记录"):
        assert text in out, text
    assert "show this help" not in out and "replications (default" not in out
    # the hooks are argparse's again: a parser made afterwards speaks English
    assert argparse._ is gettext.gettext  # type: ignore[attr-defined]
    assert "show this help message and exit" in argparse.ArgumentParser().format_help()


def test_every_help_text_and_argparse_message_has_a_translation() -> None:
    with PO.open("rb") as f:
        zh = {m.id: m.string for m in read_po(f) if m.id and not m.context}
    texts = help_texts(build_parser())
    assert len(texts) > 100  # every verb's options were found
    missing = [t for t in texts if not zh.get(t)]
    assert not missing, missing
    for msgid in ARGPARSE_MESSAGES:
        assert zh.get(msgid), msgid
        # argparse fills its messages with % (its placeholders must all survive)
        wanted = sorted(re.findall(r"%(?:\(\w+\))?[sr]", msgid))
        assert sorted(re.findall(r"%(?:\(\w+\))?[sr]", zh[msgid])) == wanted, msgid


def parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """``parser`` and every subparser under it."""
    found = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                found += parsers(sub)
    return found


def test_every_verbs_help_renders_in_chinese_and_english_help_is_unchanged(capsys) -> None:
    all_parsers = parsers(build_parser())
    assert len(all_parsers) == 19  # hallsim, 14 verbs, batch's 4
    for p in all_parsers:  # English: exactly what argparse's own formatter writes
        plain = argparse.ArgumentParser.format_help.__get__(p)
        translated = p.format_help()
        p._get_formatter = lambda p=p: p.formatter_class(prog=p.prog)  # type: ignore
        assert translated == plain(), p.prog
    for p in all_parsers[1:]:  # Chinese: every verb's help expands (its % signs)
        verb = p.prog.split()[1:]
        with pytest.raises(SystemExit) as stop:
            main(["--lang", "zh", *verb, "--help"])
        assert stop.value.code == 0
        assert "显示本帮助并退出" in capsys.readouterr().out


def test_a_run_names_its_engine_and_why_in_chinese(capsys) -> None:
    assert main(["--lang", "zh", "run", QUICK, "-r", "2", "--days", "1",
                 "--engine", "simpy"]) == 0
    assert "hallsim: 引擎：simpy（按指定）\n" in capsys.readouterr().err
    set_language("en")
    assert main(["run", QUICK, "-r", "2", "--days", "1", "--engine", "simpy", "-j", "1"]) == 0
    assert "hallsim: engine: simpy (asked for)\n" in capsys.readouterr().err


def test_a_small_run_says_why_it_is_not_on_the_fast_engine() -> None:
    from sim.report.messages import engine_text

    line = ("engine: simpy (a small run of 1,443 expected tickets: the fast engine pays for "
            "its loading from 100,000)")
    assert engine_text(line) == line
    set_language("zh")
    assert engine_text(line) == ("引擎：simpy（运行规模小，预计 1,443 个号：快速引擎在 100,000 "
                                 "个号以上才抵得上加载开销）")


class Terminal(io.StringIO):
    """A stderr that is a terminal."""

    def isatty(self) -> bool:
        return True


def test_progress_bars_count_in_chinese_at_a_terminal_and_keep_out_of_logs(monkeypatch) -> None:
    from sim.cli.progress import bar_name, progress_bar

    set_language("zh")
    for stderr, drawn in ((Terminal(), True), (io.StringIO(), False)):
        monkeypatch.setattr(sys, "stderr", stderr)
        with progress_bar(3, bar_name("decompose"), "rep") as bar:
            bar.update(3)
        assert ("效果分解: 100%" in stderr.getvalue() and "次重复/s" in stderr.getvalue()) is drawn
        assert drawn or stderr.getvalue() == ""  # a log file gets no bar at all
    set_language("en")
    stderr = Terminal()
    monkeypatch.setattr(sys, "stderr", stderr)
    with progress_bar(3, bar_name("decompose"), "rep") as bar:
        bar.update(3)
    assert "decompose: 100%" in stderr.getvalue() and "rep/s" in stderr.getvalue()


def test_certification_progress_in_chinese() -> None:
    from sim.cli.optimize_cmd import iteration_text, stage_text

    rec = {"iteration": 2, "kind": "search", "replications": 80, "cost": 1409.0,
           "cells_short": 10, "worst": {"item": "社保", "period": "14:00"},
           "worst_shortfall": 0.084}
    english = iteration_text(rec)
    assert english == ("  iteration 2 (search, 80 replications): cost 1409.00, 10 cells short, "
                       "worst 社保 at 14:00 short by 0.084")
    set_language("zh")
    assert iteration_text(rec) == ("  第 2 轮（搜索，80 次重复）：成本 1409.00，10 个单元未达标，"
                                   "最差为 社保 在 14:00，差 0.084")
    assert stage_text("chain: optimising") == "chain：优化中"


def test_the_optimisers_plan_reads_in_chinese_as_the_page_shows_it(capsys) -> None:
    """A planner sizes the quick-start hall in Chinese: the terminal shows the optimise
    tab's own tables (the window type named 全事项综合窗口, the periods, the maximum),
    with no English heading left."""
    assert main(["--lang", "zh", "optimize", QUICK]) == 0
    out = capsys.readouterr().out
    assert out.startswith("quickstart: 状态：最优；")
    assert "各时段开放窗口数（列：时段起点）：" in out
    assert "全事项综合窗口（FULL）" in out and "08:30" in out and "最大" in out
    for english in ("status", "windows open per period", "total", "type", "cost "):
        assert english not in out


def test_every_certification_iteration_reads_in_chinese() -> None:
    """A certified plan lists its search, final check and trim checks: each kind and
    each heading has its Chinese words."""
    from sim.report.staffing_plan import plan_table

    iterations = [{"iteration": i + 1, "kind": kind, "replications": 10, "cost": 40.0 + i,
                   "headcount": 9, "cells_short": 0, "worst_shortfall": -0.01,
                   "worst": {"item": "婚姻登记", "period": "09:00"}, "seed": 1}
                  for i, kind in enumerate(("search", "final check", "trim check"))]
    doc = {"scenario": "大厅", "status": "certified", "cost": 42.0, "bound": None,
           "lp_bound": None, "gap": None, "headcount": 9, "window_hours": 42.0,
           "periods": ["09:00"], "windows": {"FULL": {"per_period": {"09:00": 5}, "max": 5}},
           "iterations": iterations}
    set_language("zh")
    text = plan_table(doc)
    assert "验证迭代：" in text and "精简检验" in text and "最终检验" in text
    assert "婚姻登记（09:00）" in text
    assert not re.search(r"search|check|kind|worst", text)
