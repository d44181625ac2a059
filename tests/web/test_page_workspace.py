"""Story: a planner opens the page (Chinese by default), switches to English and back,
opens a copy of a bundled study scenario, and finds it in the workspace after a reload."""

from __future__ import annotations

from nicegui.testing.user import User

from sim.report.i18n import set_language, tr


def zh(text: str) -> str:
    set_language("zh")
    return tr(text)


def test_the_page_speaks_chinese_by_default_and_english_on_request(story) -> None:
    async def play(user: User) -> None:
        await user.open("/")
        await user.should_see(zh("hallsim: service hall planner"), retries=50)
        await user.open("/?lang=en")
        await user.should_see("hallsim: service hall planner", retries=50)
        await user.should_see("Bundled scenarios", retries=50)

    story(play)


def test_a_bundled_scenario_opens_as_a_copy_in_the_workspace(story, tmp_path) -> None:
    async def play(user: User) -> None:
        await user.open("/?lang=en")
        user.find("bundled-select").elements.pop().value = "quickstart"
        user.find("bundled-open").click()
        await user.should_see("Open scenario: quickstart", retries=50)
        await user.open("/?lang=en")
        await user.should_see(marker="open-quickstart", retries=50)

    story(play)
    assert (tmp_path / "workspace" / "scenarios" / "quickstart.yaml").is_file()


def test_a_copy_under_a_name_that_leaves_the_workspace_is_refused_in_the_page(story) -> None:
    async def play(user: User) -> None:
        await user.open("/?lang=en&scenario=none")
        user.find("bundled-select").elements.pop().value = "quickstart"
        user.find("bundled-open").click()
        await user.should_see("Open scenario: quickstart", retries=50)
        await user.open("/?lang=en&scenario=quickstart&tab=workspace")
        user.find("copy-name").type("../../etc/x")
        user.find("copy-save").click()
        await user.should_see("is not a plain file name", retries=50)

    story(play)


def test_a_copy_takes_its_new_name_and_keeps_the_comments() -> None:
    from sim.web.workspace_panel import renamed

    text = "# 武清大厅\nname: before  # 原方案\nhall: {open: ['08:30-12:00']}\n"
    assert renamed(text, "调整后") == \
        '# 武清大厅\nname: "调整后"\nhall: {open: [\'08:30-12:00\']}\n'
    assert renamed("hall: {}\n", "新") == 'name: "新"\nhall: {}\n'


def test_the_chinese_list_of_bundled_scenarios_reads_by_title_with_the_path_beside(
        story, tmp_path) -> None:
    """A planner looking for 玉门's hall before the reform finds it by its Chinese title;
    every bundled scenario has one, and opening it still copies the file by its path."""
    seen: dict[str, dict[str, str]] = {}

    async def play(user: User) -> None:
        await user.open("/?lang=zh&tab=workspace")
        pick = user.find("bundled-select").elements.pop()
        seen["options"] = dict(pick.options)
        pick.value = "yumen/before"
        user.find("bundled-open").click()
        await user.should_see(marker="editor-save", retries=50)

    story(play)
    options = seen["options"]
    assert options["yumen/before"] == "玉门：改革前（分中心分散办理） · yumen/before"
    assert options["quickstart"] == "入门示例：一个虚构的小型服务大厅 · quickstart"
    assert all(" · " in text for text in options.values())  # no path without its title
    assert (tmp_path / "workspace" / "scenarios" / "yumen-before.yaml").is_file()


def test_the_bundled_list_holds_halls_only() -> None:
    """Every bundled entry opens as a hall; the optimiser's settings file beside the
    sinusoid hall is not offered as one (it failed to open with a list of errors)."""
    from sim.scenario.loading import load_scenario
    from sim.web.bundled import bundled_scenarios

    bundled = bundled_scenarios()
    assert "optimize/sinusoid" in bundled and "optimize/sinusoid_spec" not in bundled
    for path in bundled.values():
        load_scenario(path)


def test_a_planner_renames_one_scenario_and_removes_another(story, tmp_path) -> None:
    """Two trial copies of the quickstart hall: 试算 is renamed 二月方案 (its name: too, and
    the taken name 试算二 is refused in Chinese), 试算二 is removed after the question, into
    the workspace's trash, from where it can be put back."""
    import shutil
    from pathlib import Path

    from sim.scenario.loading import load_scenario

    ws = tmp_path / "workspace" / "scenarios"
    ws.mkdir(parents=True)
    quickstart = Path(__file__).resolve().parents[2] / "scenarios" / "quickstart.yaml"
    for name in ("试算", "试算二"):
        shutil.copyfile(quickstart, ws / f"{name}.yaml")
    shown: dict[str, str] = {}

    async def play(user: User) -> None:
        await user.open("/?lang=zh&tab=workspace")
        user.find("rename-试算").click()
        user.find("rename-name").elements.pop().value = "试算二"
        user.find("rename-yes").click()
        await user.should_see(marker="rename-error", retries=50)
        shown["taken"] = user.find("rename-error").elements.pop().text
        # the box stays open with the name she typed, to correct it there
        field = user.find("rename-name").elements.pop()
        shown["kept"] = field.value
        field.value = "二月方案"
        user.find("rename-yes").click()
        await user.should_see(marker="open-二月方案", retries=50)
        user.find("remove-试算二").click()
        await user.should_see("移到工作区的 trash 文件夹", retries=50)
        user.find("remove-yes").click()
        await user.should_not_see(marker="open-试算二", retries=50)

    story(play)
    assert shown["taken"] == "错误：工作区中已有同名方案：请换一个名称"
    assert shown["kept"] == "试算二"
    assert sorted(p.name for p in ws.iterdir()) == ["二月方案.yaml"]
    assert load_scenario(ws / "二月方案.yaml").name == "二月方案"
    trash = list((tmp_path / "workspace" / "trash").glob("试算二-*.yaml"))
    assert len(trash) == 1 and load_scenario(trash[0]).name == "quickstart"


def test_a_removed_scenario_is_put_back_from_the_page(story, tmp_path) -> None:
    """A planner on the office network cannot reach the server's folders: the workspace
    tab lists the trash, and 恢复 puts 试算 back, under its name."""
    import shutil
    from pathlib import Path

    ws = tmp_path / "workspace"
    (ws / "scenarios").mkdir(parents=True)
    quickstart = Path(__file__).resolve().parents[2] / "scenarios" / "quickstart.yaml"
    shutil.copyfile(quickstart, ws / "scenarios" / "试算.yaml")
    shown: dict[str, object] = {}

    async def play(user: User) -> None:
        await user.open("/?lang=zh&tab=workspace")
        user.find("remove-试算").click()
        user.find("remove-yes").click()
        await user.should_see("回收站", retries=50)
        stem = next((ws / "trash").glob("试算-*.yaml")).stem
        user.find(f"restore-{stem}").click()
        await user.should_see(marker="open-试算", retries=50)
        shown["trash"] = sorted(p.name for p in (ws / "trash").iterdir())

    story(play)
    assert shown["trash"] == [] and (ws / "scenarios" / "试算.yaml").is_file()
