"""Seminar mode in a real browser, in Chinese: step, reveal, and screenshots."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from helpers import keyed, wait_for_visible_charts

pytestmark = pytest.mark.browser


def shot(page: Page, tmp_path: Path, name: str) -> Path:
    artifacts = os.environ.get("CI_ARTIFACTS")
    folder = Path(artifacts) / "screenshots" if artifacts else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"seminar-{name}.png"
    page.screenshot(path=str(path))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return path


def test_seminar_in_chinese_steps_forward_and_back_and_reveals(
    page: Page, streamlit_server, tmp_path: Path
) -> None:
    page.set_viewport_size({"width": 1500, "height": 1100})
    page.goto(
        f"{streamlit_server.url}/?view=seminar&lang=zh&step=3",
        wait_until="domcontentloaded",
    )
    next_button = keyed(page, "seminar_next").get_by_role("button")
    expect(next_button).to_be_visible(timeout=60_000)
    expect(next_button).to_contain_text("下一步")
    expect(page.get_by_test_id("stSidebar")).to_be_hidden()  # projector view
    expect(page.locator(".js-plotly-plot")).to_have_count(0)  # predict first
    shot(page, tmp_path, "zh-predict")

    next_button.click()
    expect(page).to_have_url(re.compile(r"[?&]step=4(&|$)"))
    keyed(page, "seminar_previous").get_by_role("button").click()
    expect(page).to_have_url(re.compile(r"[?&]step=3(&|$)"))

    keyed(page, "seminar_reveal").get_by_role("button").click()
    assert wait_for_visible_charts(page, minimum=1) >= 1
    title = page.evaluate(
        "() => document.querySelector('.js-plotly-plot').layout.title.text"
    )
    assert re.search(r"[\u4e00-\u9fff]", title), title  # the chart speaks Chinese
    expect(page.get_by_test_id("stException")).to_have_count(0)
    shot(page, tmp_path, "zh-revealed")
