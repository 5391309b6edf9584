"""The world maps draw with the network cut: their geometry is in the figure.

Every request that does not go to the test server is aborted and recorded; the
map must still draw its countries (the fill features MapLibre has rendered in the
chart's canvas) and nothing may have tried to leave the machine (a map style with
tiles, or Plotly's geo maps, would fetch from a CDN).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Route, expect

from helpers import slider, wait_until_idle


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


_DRAWN = """key => {
    const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`);
    const map = gd && gd._fullLayout && gd._fullLayout.map
        && gd._fullLayout.map._subplot && gd._fullLayout.map._subplot.map;
    if (!map || !map.loaded()) return 0;
    const fills = map.queryRenderedFeatures().filter(f => f.layer.type === 'fill');
    return fills.length;
}"""
"""How many country shapes MapLibre has drawn in the keyed chart (0 until loaded)."""


def _drawn_shapes(page: Page, key: str, least: int) -> int:
    """Wait until the keyed chart has drawn more than ``least`` country shapes;
    return how many (the map redraws on reruns, so this is read as it passes)."""
    handle = page.wait_for_function(
        f"key => {{ const n = ({_DRAWN})(key); return n > {least} ? n : 0; }}",
        arg=key,
        timeout=90_000,
    )
    return int(handle.json_value())


_TITLE = """key => {
    const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`);
    const title = gd && gd._fullLayout && gd._fullLayout.title;
    return title ? title.text : null;
}"""


@pytest.mark.browser
@pytest.mark.browser_context_args(viewport={"width": 1400, "height": 1800})
def test_world_maps_render_offline_and_follow_a_slider(
    page: Page, streamlit_server, tmp_path: Path
) -> None:
    """With the network cut, the Winners tab's 8-region welfare map draws from the
    geometry in its figure; switched to 80 economies, so does the full-resolution
    map, and moving the fence slider redraws it. The time from the key press to the
    new map is printed (the issue's target is 1.5 s; this test only bounds it
    loosely, CI machines are shared)."""
    blocked = _offline(page, streamlit_server.url)
    page.set_default_timeout(30_000)
    page.goto(
        f"{streamlit_server.url}/?p=oct_2022_rule&tab=winners",
        wait_until="domcontentloaded",
    )
    chart = page.locator(".st-key-welfare_map")
    chart.wait_for(state="visible", timeout=60_000)
    assert _drawn_shapes(page, "welfare_map", 150) > 150
    folder = Path(os.environ.get("CI_ARTIFACTS", tmp_path)) / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    chart.screenshot(path=str(folder / "welfare-map-offline.png"))

    switch = page.locator(".st-key-fullres_winners")
    switch.wait_for(state="visible", timeout=60_000)
    switch.get_by_text("Full resolution (80 economies)").click()
    assert _drawn_shapes(page, "fullres_welfare_map", 150) > 150
    wait_until_idle(page, timeout=60_000)
    before = page.evaluate(_TITLE, "fullres_welfare_map")
    fence = slider(page, "fence_pct")
    fence.focus()
    start = time.perf_counter()
    fence.press("End")  # 100 -> 500 %: the map's extremes change
    page.wait_for_function(
        f"before => ({_TITLE})('fullres_welfare_map') !== before",
        arg=before,
        polling="raf",
        timeout=60_000,
    )
    seconds = time.perf_counter() - start
    print(f"full-resolution map redrawn {seconds:.2f} s after the slider moved")
    assert seconds < 30
    expect(page.get_by_test_id("stException")).to_have_count(0)
    wait_until_idle(page, timeout=60_000)  # the rerun's stale copy of the chart goes
    page.locator('.st-key-fullres_welfare_map[data-stale="false"]').screenshot(
        path=str(folder / "fullres-welfare-map-offline.png")
    )
    assert blocked == [], blocked
