"""The Reality check tab in a real browser: ``?tab=reality`` opens it and its
comparison chart is drawn and starts on screen, at a laptop's and a projector's
size (one page load, resized)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from helpers import keyed, open_app, wait_for_visible_charts

SIZES = ((1280, 720), (1920, 1080))


@pytest.mark.browser
def test_the_link_opens_the_reality_check_with_its_chart_in_view(
    page: Page, streamlit_server, tmp_path: Path
) -> None:
    page.set_default_timeout(30_000)
    page.set_viewport_size({"width": SIZES[0][0], "height": SIZES[0][1]})
    open_app(page, streamlit_server, "?tab=reality")
    chart = keyed(page, "reality_comparisons")
    artifacts = os.environ.get("CI_ARTIFACTS")
    shot_dir = Path(artifacts) / "screenshots" if artifacts else tmp_path
    shot_dir.mkdir(parents=True, exist_ok=True)
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        expect(chart.locator(".main-svg").first).to_be_visible(timeout=30_000)
        assert wait_for_visible_charts(page, minimum=1) >= 1
        title = chart.locator(".gtitle").first.text_content() or ""
        assert "directions right" in title
        box = chart.bounding_box()
        assert box is not None and 0 <= box["y"] < height * 0.7  # starts on screen
        assert box["width"] > width / 2
        page.screenshot(path=str(shot_dir / f"reality-{width}.png"))
    expect(page.get_by_test_id("stException")).to_have_count(0)
