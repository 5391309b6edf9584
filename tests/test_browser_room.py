"""Seminar mode on a projector, in a real browser: a revealed step fits one screen at
1280 x 720 and 1920 x 1080, a clicker's keys drive it, and the room's guesses
from two phones appear on the presenter's histogram. Screenshots go to
``$CI_ARTIFACTS/screenshots`` (``seminar-fit-*.png``, ``seminar-room-*.png``)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from helpers import keyed, wait_for_visible_charts

pytestmark = pytest.mark.browser

ON_SCREEN = """() => {
    const boxes = {
        title: document.querySelector('h2'),
        language: document.querySelector('[data-testid="stButtonGroup"]'),
        leave: document.querySelector('.st-key-leave_seminar button'),
        chart: document.querySelector('.st-key-seminar_chart .js-plotly-plot'),
    };
    document.querySelectorAll('[data-testid="stMetric"]').forEach(
        (m, i) => { boxes['kpi' + i] = m; });
    const out = {};
    for (const [name, el] of Object.entries(boxes)) {
        const r = el.getBoundingClientRect();
        out[name] = [r.left, r.top, r.right, r.bottom];
    }
    return out;
}"""
CUT = """() => [...document.querySelectorAll(
    '[data-testid="stMetricValue"] div, [data-testid="stButtonGroup"] button,'
    + ' .st-key-leave_seminar button')]
    .filter(el => el.scrollWidth > el.clientWidth + 1).map(el => el.textContent)"""
FITTED = """() => {
    const gd = document.querySelector('.st-key-seminar_chart .js-plotly-plot');
    return !!gd && gd.getBoundingClientRect().bottom <= window.innerHeight;
}"""

KEYS_READY = """() => !!window.__seminarKeys && document.querySelector(
    '[data-testid="stApp"]').getAttribute('data-test-script-state') !== 'running'"""


def shot(page: Page, tmp_path: Path, name: str) -> None:
    artifacts = os.environ.get("CI_ARTIFACTS")
    folder = Path(artifacts) / "screenshots" if artifacts else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"seminar-{name}.png"))


def step_in_url(page: Page, step: int) -> None:
    expect(page).to_have_url(re.compile(rf"[?&]step={step}(&|$)"), timeout=20_000)


def press(page: Page, key: str) -> None:
    """A clicker's key, once the page has its script and the app is idle (a key
    pressed during a run waits for it, but a test should not rely on timing)."""
    page.wait_for_function(KEYS_READY, timeout=20_000)
    page.keyboard.press(key)


@pytest.mark.parametrize("width, height", [(1280, 720), (1920, 1080)])
def test_a_revealed_step_fits_the_screen_and_the_keys_drive_it(
    page: Page, streamlit_server, tmp_path: Path, width: int, height: int
) -> None:
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{streamlit_server.url}/?view=seminar&step=3")
    expect(keyed(page, "seminar_reveal").get_by_role("button")).to_be_visible(
        timeout=60_000
    )
    press(page, "ArrowRight")  # reveal
    assert wait_for_visible_charts(page, minimum=1) == 1
    page.wait_for_function(FITTED, timeout=15_000)
    page.wait_for_timeout(500)  # the chart drawn at its new height
    for name, (left, top, right, bottom) in page.evaluate(ON_SCREEN).items():
        assert 0 <= left and right <= width, (name, left, right)
        assert 0 <= top and bottom <= height, (name, top, bottom)
    assert page.evaluate(CUT) == []  # no number or button text cut
    assert "…" not in page.get_by_test_id("stMetricValue").all_inner_texts()[1]
    shot(page, tmp_path, f"fit-{width}x{height}")

    press(page, " ")  # revealed: Space goes on
    step_in_url(page, 4)
    expect(page.locator(".js-plotly-plot")).to_have_count(0)
    press(page, "PageUp")
    step_in_url(page, 3)
    press(page, "PageDown")  # reveal again, then replay the step before
    assert wait_for_visible_charts(page, minimum=1) == 1
    press(page, "r")
    expect(keyed(page, "seminar_chart_after").locator(".js-plotly-plot")).to_be_visible(
        timeout=20_000
    )
    press(page, "ArrowLeft")
    step_in_url(page, 2)
    press(page, "f")
    page.wait_for_function("() => document.fullscreenElement !== null")
    press(page, "f")
    page.wait_for_function("() => document.fullscreenElement === null")
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_guesses_from_two_phones_appear_on_the_presenters_histogram(
    page: Page, browser: Browser, streamlit_server, tmp_path: Path
) -> None:
    url = streamlit_server.url
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{url}/?view=seminar&step=3")
    page.get_by_text("Audience room").click()
    keyed(page, "room_open").get_by_role("button").click()
    expect(keyed(page, "room_close").get_by_role("button")).to_be_visible()
    link = page.get_by_text(re.compile(r"\?view=vote&room=[A-Z0-9]{5}$"))
    code = link.inner_text().rsplit("=", 1)[1]
    expect(page.get_by_test_id("stImage")).to_be_visible()  # the QR code
    page.evaluate("document.querySelector('[data-testid=stMain]').scrollTop = 0")
    shot(page, tmp_path, "room-invite")

    phones = [browser.new_page(viewport={"width": 390, "height": 844}) for _ in "ab"]
    for phone, moves in zip(phones, (-10, 20), strict=True):  # 0.50 and 2.00
        phone.goto(f"{url}/?view=vote&room={code}")
        slider = phone.get_by_role("slider")
        expect(slider).to_be_visible(timeout=60_000)
        slider.focus()
        for _ in range(abs(moves)):
            slider.press("ArrowRight" if moves > 0 else "ArrowLeft")
        keyed(phone, "vote_send").get_by_role("button").click()
        expect(phone.get_by_text("You can change it")).to_be_visible()
    shot(phones[0], tmp_path, "room-phone")

    press(page, "ArrowRight")  # reveal
    page.wait_for_function(FITTED, timeout=30_000)
    page.wait_for_function(KEYS_READY, timeout=20_000)  # the run at the fitted height
    histogram = keyed(page, "seminar_guesses").locator(".js-plotly-plot").last
    expect(histogram).to_contain_text("2 guesses", timeout=20_000)
    expect(histogram).to_contain_text("2 with the direction right")
    guesses = histogram.evaluate("gd => gd.data[0].x")
    assert sorted(guesses) == [0.5, 2.0]
    page.wait_for_timeout(500)
    shot(page, tmp_path, "room-reveal")
    expect(
        phones[1].get_by_text("The answer is on the presenter's screen")
    ).to_be_visible(timeout=10_000)
    for phone in phones:
        phone.close()
