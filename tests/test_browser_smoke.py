"""Smoke: the real app starts under `streamlit run` and renders in headless Chromium."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from helpers import METRIC_VALUE, open_app


@pytest.mark.browser
def test_app_renders_metrics_without_exception(
    page: Page, streamlit_server, tmp_path: Path
) -> None:
    page.set_default_timeout(30_000)
    open_app(page, streamlit_server)

    assert page.locator(METRIC_VALUE).count() >= 1
    expect(page.get_by_test_id("stException")).to_have_count(0, timeout=20_000)

    artifacts = os.environ.get("CI_ARTIFACTS")
    shot_dir = Path(artifacts) / "screenshots" if artifacts else tmp_path
    shot_dir.mkdir(parents=True, exist_ok=True)
    shot = shot_dir / "overview.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
