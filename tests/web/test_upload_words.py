"""Story: a planner opens the import tab in Chinese. The heading and the upload box
named different file kinds (「CSV 或 XLSX」 above, 「CSV、XLSX 或 TXT」 in the box), and
the box showed Quasar's raw counter 「0.0B / 0.00%」. The heading now names the kinds the
box accepts, the box only says how to choose the file, and the counter is hidden."""

from __future__ import annotations

import re
from pathlib import Path

from nicegui.testing.user import User

from sim.web.importlog import UPLOAD_CSS


def test_the_upload_names_the_file_kinds_it_takes_once(story, tmp_path: Path) -> None:
    seen: dict[str, object] = {}

    async def play(user: User) -> None:
        await user.open("/?lang=zh&tab=import")
        await user.should_see("上传取号日志")
        box = user.find("import-upload").elements.pop()
        seen["box"] = box.props["label"]
        seen["accept"] = box.props["accept"]
        seen["classes"] = box.classes
        seen["heading"] = user.find("上传取号日志").elements.pop().text

    story(play)
    kinds = set(re.findall(r"[A-Z]{3,4}", str(seen["heading"])))
    accepted = {k.strip(".").upper() for k in str(seen["accept"]).split(",")} - {"TSV"}
    assert kinds == accepted == {"CSV", "TXT", "XLSX"}, seen
    assert not re.search(r"[A-Z]{3,4}", str(seen["box"]))  # said once, above the box
    assert "hs-upload" in seen["classes"]  # (a TSV is a TXT with tabs)
    assert ".hs-upload .q-uploader__subtitle" in UPLOAD_CSS and "display: none" in UPLOAD_CSS
