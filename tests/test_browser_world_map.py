"""The world map draws with the network cut: its topology comes from the app.

Every request that does not go to the test server is aborted and recorded; the
map must still draw its countries (SVG paths of the choropleth) and nothing may
have tried to leave the machine (Plotly's default would fetch its topology from
its CDN).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Route, expect

from helpers import wait_until_idle


def _offline(page: Page, server_url: str) -> list[str]:
    """Abort every request not to the test server; return the list they go to."""
    host = urlsplit(server_url).netloc
    blocked: list[str] = []

    def handle(route: Route) -> None:
        url = route.request.url
        if urlsplit(url).netloc == host or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    page.route("**/*", handle)
    return blocked


def _map_paths(page: Page, key: str) -> int:
    """How many country shapes the keyed chart's choropleth has drawn."""
    return int(
        page.evaluate(
            """key => document.querySelectorAll(
                   `.st-key-${key} .choroplethlayer path`).length""",
            key,
        )
    )


@pytest.mark.browser
@pytest.mark.browser_context_args(viewport={"width": 1400, "height": 2400})
def test_welfare_map_renders_offline(
    page: Page, streamlit_server, tmp_path: Path
) -> None:
    blocked = _offline(page, streamlit_server.url)
    page.set_default_timeout(30_000)
    page.goto(f"{streamlit_server.url}/?tab=winners", wait_until="domcontentloaded")
    chart = page.locator(".st-key-welfare_map")
    chart.wait_for(state="visible", timeout=60_000)
    wait_until_idle(page, timeout=60_000)
    page.wait_for_function(
        """() => document.querySelectorAll(
               '.st-key-welfare_map .choroplethlayer path').length > 150""",
        timeout=30_000,
    )
    assert _map_paths(page, "welfare_map") > 150
    expect(page.get_by_test_id("stException")).to_have_count(0)
    folder = Path(os.environ.get("CI_ARTIFACTS", tmp_path)) / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    chart.screenshot(path=str(folder / "welfare-map-offline.png"))
    assert blocked == [], blocked
