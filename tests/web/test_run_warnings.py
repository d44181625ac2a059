"""Story: a planner runs a hall with one business-registration window (窗口不足的大厅).
The command line warns in English that offered load exceeds capacity; the run tab shows
the same warnings, in Chinese on a Chinese page and word for word on an English one,
from the one template of each warning (sim/stats)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml
from nicegui.testing.user import User

from tests.web.conftest import wait_for

ROOT = Path(__file__).resolve().parents[2]
HALL = "窗口不足的大厅"


def _workspace(tmp_path: Path) -> Path:
    data = yaml.safe_load((ROOT / "scenarios" / "quickstart.yaml").read_text(encoding="utf-8"))
    data["name"] = HALL
    data["windows"][0]["count"] = 1
    data["windows"][0].pop("schedule")
    (tmp_path / "workspace" / "scenarios").mkdir(parents=True)
    path = tmp_path / "workspace" / "scenarios" / f"{HALL}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _shown(story, lang: str) -> list[str]:
    shown: list[str] = []

    async def play(user: User) -> None:
        await user.open(f"/?lang={lang}&tab=run&scenario={HALL}")
        user.find("run-precision").elements.pop().value = "quick"
        user.find("run-start").click()
        await wait_for(user, "run-warning")
        shown.extend(e.text for e in user.find("run-warning").elements)

    story(play)
    return sorted(shown)


def test_the_run_tab_shows_the_command_lines_warnings_in_the_pages_language(
        story, tmp_path: Path) -> None:
    path = _workspace(tmp_path)
    printed = subprocess.run([sys.executable, "-m", "sim.cli.main", "run", str(path),
                              "--days", "1", "-r", "3", "-q"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stderr
    english = sorted(line.replace(f"{path}: ", "") for line in printed.splitlines()
                     if line.startswith("hallsim: warning: "))
    assert len(english) == 2 and "offered load exceeds capacity 08:30-12:00" in english[0]
    assert _shown(story, "en") == english
    chinese = _shown(story, "zh")
    assert chinese == [
        "注意：08:30-12:00 到达负荷超出办理能力（日客流系数 1，即客流最多一天相对到达"
        "曲线的倍数）：事项 "
        "business_registration 的最低可能利用率为 220%",
        "注意：13:30-17:00 到达负荷超出办理能力（日客流系数 1，即客流最多一天相对到达"
        "曲线的倍数）：事项 "
        "business_registration 的最低可能利用率为 160%"]


def test_a_round_the_clock_hall_with_a_short_warm_up_is_warned_on_the_page(
        story, tmp_path: Path) -> None:
    """A researcher's M/M/5 at 95 % load, open round the clock, one warm-up day of ten:
    the run tab says, in Chinese, that waits may come out low and which warm-up would
    do, as ``hallsim run`` does."""
    hall = {"name": HALL, "hall": {"open": ["00:00-24:00"], "days": 10, "warmup_days": 1},
            "categories": {"户籍": {"arrivals_per_hour": 28.5,
                                  "service": {"dist": "exponential", "mean": 10}}},
            "windows": [{"id": "综合窗口", "count": 5, "serves": ["*"]}]}
    folder = tmp_path / "workspace" / "scenarios"
    folder.mkdir(parents=True)
    (folder / f"{HALL}.yaml").write_text(yaml.safe_dump(hall, allow_unicode=True),
                                         encoding="utf-8")
    warm_up, days = _shown(story, "zh")  # the page's quick run: one day a replication
    assert warm_up.startswith("注意：hall.warmup_days：大厅全天不关门")
    assert "（5 个窗口，利用率 95%），排队约需 52.0 小时" in warm_up
    assert warm_up.endswith("预热 0 天后统计的 1 天，等候时间可能偏低多达 50%+"
                            "（请将 warmup_days 设为 12 或更多，days 同样增加）")
    assert days == ("注意：每次重复 1 天只容得下 0 天预热，而不是 hall.warmup_days 的 1 天"
                    "（每次重复至少要统计 1 天）")
