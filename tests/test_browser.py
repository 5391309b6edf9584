"""End to end in headless Chromium against a real ``streamlit run`` server.

What AppTest cannot see: plotly.js drawing the charts, the URL bar, real downloads,
the offline report opened as a file, and how each tab looks. Every test gets a
fresh browser context (= a fresh Streamlit session) from pytest-playwright; the
server (``streamlit_server``) is shared by the session.

Waits are always on content (a slider's value, a KPI's text, a chart's data, the
URL), never on fixed sleeps: reruns are asynchronous, stale elements stay in the
DOM while one is in flight, and quick inputs coalesce into one rerun (TESTING.md
section 9).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from dashboard import format
from dashboard.i18n import t
from helpers import (
    METRIC_VALUE,
    chart_trace,
    choose,
    keyed,
    metric,
    open_app,
    open_sidebar_expander,
    slider,
    wait_for_chart_value,
    wait_for_visible_charts,
    wait_until_idle,
)
from model.levers import LEVERS, LEVERS_BY_NAME, Levers
from model.simulation import simulate
from scenarios import links
from scenarios.store import PresetStore

pytestmark = pytest.mark.browser

EXPECT_TIMEOUT_MS = 20_000
TECH_PRICE = "china_tech_price_change_pct"
KPI_LABEL = t(f"kpi.{TECH_PRICE}.label", "en")
START_PRESET = "oct_2022_rule"  # what the app opens with (dashboard.sidebar)
COLLAPSED_GROUPS = ("The fence by sector (advanced)", "Trade war and industrial policy")
COLLAPSED_GROUPS += ("China's answers", "Economic assumptions")
CHARTS_PER_TAB = {"Overview": 1, "Trade flows": 4, "Winners and losers": 2}


@pytest.fixture(autouse=True)
def _timeouts(page: Page) -> None:
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    page.set_default_timeout(30_000)
    page.set_default_navigation_timeout(60_000)


def query(page: Page) -> dict[str, str]:
    """The page's query parameters (last value of each)."""
    return {k: v[-1] for k, v in parse_qs(urlsplit(page.url).query).items()}


def url_param(key: str, value: str) -> re.Pattern[str]:
    return re.compile(rf"[?&]{re.escape(key)}={re.escape(value)}(&|$)")


def preset_levers(preset_id: str) -> Levers:
    return PresetStore().load(preset_id).levers()


def expected_kpi(levers: dict[str, object]) -> tuple[str, float]:
    """The KPI text of China's technology prices, and the value, from the model."""
    value = simulate(levers).metrics.scalar(TECH_PRICE)
    return format.metric_value(TECH_PRICE, value), value


def expect_lever_widgets(page: Page, levers: dict[str, object]) -> None:
    """Every lever widget in the sidebar shows ``levers`` (opens the collapsed
    groups first: their widgets are inert, so not found by role, while closed)."""
    for title in COLLAPSED_GROUPS:
        open_sidebar_expander(page, title)
    for lever in LEVERS:
        value = levers[lever.name]
        container = keyed(page, lever.name)
        if lever.kind == "number":
            widget = slider(page, lever.name)
            expect(widget).to_have_value(links.format_value(float(value)))
            expect(widget).to_have_attribute("aria-valuetext", f"{value:.2f}")
        elif lever.kind == "bool":
            toggle = container.locator("input[type=checkbox]")
            expect(toggle).to_be_checked(checked=bool(value))
        else:
            expect(container.get_by_role("combobox")).to_have_value(str(value))


def preset_picker(page: Page):
    return keyed(page, "preset").get_by_role("combobox")


def preset_options(page: Page) -> list[str]:
    """The labels the preset picker offers (opens and closes its list)."""
    wait_until_idle(page)  # a rerun that lands meanwhile would close the list
    options = page.get_by_role("option")
    keyed(page, "preset").get_by_role("button", name="Open").click()
    try:
        options.first.wait_for(state="visible", timeout=3_000)
    except PlaywrightTimeoutError:
        preset_picker(page).press("ArrowDown")
    expect(options.first).to_be_visible()
    labels = options.all_inner_texts()
    page.keyboard.press("Escape")
    expect(options).to_have_count(0)
    return [label.strip() for label in labels]


def artifacts_dir(tmp_path: Path) -> Path:
    root = os.environ.get("CI_ARTIFACTS")
    folder = Path(root) / "screenshots" if root else tmp_path / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# --- levers -> charts, KPIs, URL ---------------------------------------------------


def test_slider_moves_chart_kpi_and_link(page: Page, streamlit_server) -> None:
    open_app(page, streamlit_server)
    levers = preset_levers(START_PRESET)
    fence = slider(page, "fence_pct")
    expect(fence).to_have_value(links.format_value(levers["fence_pct"]))
    kpi = metric(page, KPI_LABEL)
    text, value = expected_kpi(levers)
    expect(kpi).to_have_text(text)
    wait_for_chart_value(page, "security_cost_map", 1, "y", value)
    star_before = chart_trace(page, "security_cost_map", 1)
    step = LEVERS_BY_NAME["fence_pct"].step

    for _ in range(3):  # one key at a time: quick presses coalesce into one rerun
        levers = levers | {"fence_pct": levers["fence_pct"] + step}
        fence.press("ArrowRight")
        shown = links.format_value(levers["fence_pct"])
        expect(fence).to_have_value(shown)
        expect(fence).to_have_attribute("aria-valuetext", f"{levers['fence_pct']:.2f}")
        text, value = expected_kpi(levers)
        expect(kpi).to_have_text(text)  # (b) the KPI is the model's new value
        wait_for_chart_value(page, "security_cost_map", 1, "y", value)  # (a)
        expect(page).to_have_url(url_param("fence", shown))  # (c) the share link

    star_after = chart_trace(page, "security_cost_map", 1)
    assert star_after["y"] != star_before["y"]
    assert star_after["title"] != star_before["title"]  # the title states the value
    assert kpi.inner_text() != format.metric_value(
        TECH_PRICE, simulate(preset_levers(START_PRESET)).metrics.scalar(TECH_PRICE)
    )
    assert query(page)["p"] == START_PRESET
    expect(page.get_by_test_id("stException")).to_have_count(0)


@pytest.mark.parametrize(
    "preset_id", ["oct_2023_update", "china_answers", "full_decoupling"]
)
def test_preset_picker_sets_every_lever(
    page: Page, streamlit_server, preset_id: str
) -> None:
    open_app(page, streamlit_server)
    scenario = PresetStore().load(preset_id)
    choose(page, preset_picker(page), scenario.name)
    expect(preset_picker(page)).to_have_value(scenario.name)
    expect(page).to_have_url(url_param("p", preset_id))
    expect_lever_widgets(page, scenario.levers())
    expect(metric(page, KPI_LABEL)).to_have_text(expected_kpi(scenario.levers())[0])
    # the link names the preset and nothing else: no lever differs from it
    assert query(page) == {"v": links.LINK_VERSION, "p": preset_id}


# --- presets: save, reload, delete ------------------------------------------------


@pytest.mark.browser_context_args(viewport={"width": 1280, "height": 1600})
def test_save_reload_and_delete_a_preset(page: Page, streamlit_server) -> None:
    """The panel sits at the bottom of a long sidebar: a tall viewport keeps its
    selectbox's list on screen."""
    name, preset_id = "Browser seminar case", "browser_seminar_case"
    path = streamlit_server.presets_dir / f"{preset_id}.json"
    path.unlink(missing_ok=True)
    open_app(page, streamlit_server)
    fence = slider(page, "fence_pct")
    fence.press("ArrowRight")  # 100 -> 105: the saved preset differs from the start
    expect(page).to_have_url(url_param("fence", "105"))

    panel = open_sidebar_expander(page, "Save and manage presets")
    save = panel.get_by_role("button", name="Save as preset")
    expect(save).to_be_disabled()  # no name yet
    name_box = keyed(page, "save_name").get_by_role("textbox")
    name_box.fill(name)
    name_box.press("Enter")  # text inputs commit on Enter (or blur)
    expect(save).to_be_enabled()
    save.click()

    expect(panel.get_by_test_id("stAlert")).to_contain_text(f"Saved '{name}'.")
    expect(preset_picker(page)).to_have_value(f"{name} (saved)")
    expect(page).to_have_url(url_param("p", preset_id))
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["name"] == name and saved["fence_pct"] == 105.0

    page.reload(wait_until="domcontentloaded")  # a new session, same link
    page.locator(METRIC_VALUE).first.wait_for(state="visible", timeout=60_000)
    expect(preset_picker(page)).to_have_value(f"{name} (saved)")
    expect(slider(page, "fence_pct")).to_have_value("105")
    assert f"{name} (saved)" in preset_options(page)

    panel = open_sidebar_expander(page, "Save and manage presets")
    choose(page, keyed(page, "manage_preset").get_by_role("combobox"), name)
    panel.get_by_role("button", name="Delete").click()
    question = panel.get_by_test_id("stAlert").filter(has_text="cannot be undone")
    expect(question).to_be_visible()
    assert path.exists()  # nothing deleted before the confirmation
    panel.get_by_role("button", name="Yes, delete").click()
    deleted = panel.get_by_test_id("stAlert").filter(has_text=f"Deleted '{preset_id}'.")
    expect(deleted).to_be_visible()
    expect(question).to_have_count(0)
    expect(preset_picker(page)).not_to_have_value(f"{name} (saved)")
    expect(keyed(page, "manage_preset")).to_have_count(0)  # no saved preset left
    assert not path.exists()
    assert not any("(saved)" in label for label in preset_options(page))
    page.reload(wait_until="domcontentloaded")
    page.locator(METRIC_VALUE).first.wait_for(state="visible", timeout=60_000)
    assert not any("(saved)" in label for label in preset_options(page))
    expect(page.get_by_test_id("stException")).to_have_count(0)


# --- share links -------------------------------------------------------------------


def test_share_link_restores_the_levers(page: Page, streamlit_server) -> None:
    open_app(page, streamlit_server, "?v=1&p=oct_2023_update&fence=300&nld=0.25")
    levers = preset_levers("oct_2023_update") | {
        "fence_pct": 300.0,
        "participation_nld": 0.25,
    }
    expect(preset_picker(page)).to_have_value("October 2023 update")
    expect(slider(page, "fence_pct")).to_have_value("300")
    expect(slider(page, "participation_nld")).to_have_value("0.25")
    expect_lever_widgets(page, levers)
    expect(metric(page, KPI_LABEL)).to_have_text(expected_kpi(levers)[0])
    expect(page.get_by_test_id("stSidebar").get_by_test_id("stAlert")).to_have_count(0)
    assert query(page) == {
        "v": "1",
        "p": "oct_2023_update",
        "fence": "300",
        "nld": "0.25",
    }


def test_bad_share_link_warns_in_the_sidebar(page: Page, streamlit_server) -> None:
    open_app(page, streamlit_server, "?p=nope&fence=abc")
    warnings = page.get_by_test_id("stSidebar").get_by_test_id("stAlert")
    expect(warnings).to_have_count(2)
    expect(warnings.nth(0)).to_contain_text("unknown preset 'nope' ignored")
    expect(warnings.nth(1)).to_contain_text("fence: ignored")
    expect(page.get_by_test_id("stException")).to_have_count(0)
    # the valid rest is kept: the lever defaults (fence 0), and the page works
    expect(slider(page, "fence_pct")).to_have_value("0")
    expect(page.locator(METRIC_VALUE)).to_have_count(6)
    wait_for_visible_charts(page, minimum=1)
    expect(page).not_to_have_url(re.compile(r"nope|abc"))


# --- downloads ---------------------------------------------------------------------


def test_results_csv_download_matches_kpi_and_model(
    page: Page, streamlit_server
) -> None:
    open_app(page, streamlit_server, "?v=1&p=oct_2023_update")
    shown = preset_picker(page).input_value()
    (preset_id,) = [
        pid for pid, s in _builtin_presets().items() if s.name == shown
    ]  # the preset the page shows
    assert preset_id == "oct_2023_update"
    kpi_text, value = expected_kpi(preset_levers(preset_id))
    expect(metric(page, KPI_LABEL)).to_have_text(kpi_text)

    panel = open_sidebar_expander(page, "Download")
    with page.expect_download() as info:
        panel.get_by_role("button", name="Results (CSV)").click()
    download = info.value
    assert download.suggested_filename == "decoupling-results.csv"
    text = Path(download.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert text.splitlines()[0] == "metric,region,sector,reference,scenario,change"
    (row,) = [r for r in rows if r["metric"] == TECH_PRICE and r["sector"] == "tech"]
    scenario = float(row["scenario"])
    assert scenario == pytest.approx(value, rel=1e-12, abs=1e-12)
    assert (
        format.metric_value(TECH_PRICE, scenario)
        == metric(page, KPI_LABEL).inner_text()
    )
    assert float(row["change"]) == pytest.approx(
        scenario - float(row["reference"]), abs=1e-9
    )
    assert len(rows) > 50


def _builtin_presets():
    store = PresetStore()
    entries, _ = store.list()
    return {e.id: store.load(e.id) for e in entries if e.origin == "built-in"}


def test_html_report_download_renders_offline(
    page: Page, streamlit_server, tmp_path: Path
) -> None:
    open_app(page, streamlit_server)
    panel = open_sidebar_expander(page, "Download")
    panel.get_by_role("button", name="Build the HTML report").click()
    report_button = panel.get_by_role("button", name="Report (HTML, works offline)")
    expect(report_button).to_be_visible(timeout=60_000)
    with page.expect_download() as info:
        report_button.click()
    download = info.value
    assert download.suggested_filename == "decoupling-report.html"
    out = tmp_path / "report.html"
    download.save_as(out)
    html = out.read_text(encoding="utf-8")
    assert "Decoupling scenario: October 2022 rule" in html

    offline = page.context.new_page()  # a NEW page; nothing but file:// allowed
    requested: list[str] = []
    offline.on("request", lambda request: requested.append(request.url))
    offline.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith("file://")
            else route.abort()
        ),
    )
    offline.goto(out.as_uri(), wait_until="load")
    charts = html.count('class="plotly-graph-div"')
    assert charts >= 4
    offline.wait_for_function(
        """n => {
            const plots = document.querySelectorAll('.js-plotly-plot');
            const drawn = p => p._fullData && p._fullData.length > 0
                && p.querySelector('.main-svg');
            return plots.length === n && [...plots].every(drawn);
        }""",
        arg=charts,
        timeout=60_000,
    )
    traces = offline.evaluate(
        "[...document.querySelectorAll('.js-plotly-plot')].map(p => p.data.length)"
    )
    assert all(n > 0 for n in traces), traces
    assert [u for u in requested if not u.startswith("file://")] == []
    offline.screenshot(path=str(artifacts_dir(tmp_path) / "report.png"), full_page=True)
    offline.close()


# --- how every tab looks -----------------------------------------------------------


@pytest.mark.browser_context_args(viewport={"width": 1400, "height": 2600})
def test_screenshot_every_tab(page: Page, streamlit_server, tmp_path: Path) -> None:
    """One screenshot per tab in $CI_ARTIFACTS/screenshots (else tmp_path).

    Streamlit scrolls inside its main container, so a full-page screenshot only
    shows the viewport: the viewport is tall, and grown to fit a longer tab. Tabs
    may be lazy (only the open one runs): a click then reruns the script, so wait
    for the link to name the tab and the rerun to finish before the charts.
    """
    open_app(page, streamlit_server)
    folder = artifacts_dir(tmp_path)
    tabs = page.get_by_role("tab")
    names = [t.strip() for t in tabs.all_inner_texts()]
    expected = {"Overview", "Trade flows", "Winners and losers", "Method and sources"}
    assert expected <= set(names), names
    assert names[0] == "Overview"  # open at the start
    for k, name in enumerate(names):
        tab = tabs.nth(k)
        before = query(page).get("tab")
        tab.click()
        expect(tab).to_have_attribute("aria-selected", "true")
        if k > 0:  # a lazy tab's script run writes its id into the link
            page.wait_for_function(
                """before => new URL(location.href).searchParams.get('tab') !== before
                    && new URL(location.href).searchParams.get('tab') !== null""",
                arg=before,
            )
        wait_until_idle(page, timeout=60_000)
        panel = page.get_by_role("tabpanel")
        expect(panel).to_be_visible()
        # the first visible element: a tab may start with a style block
        visible = panel.locator("[data-testid='stElementContainer']:visible")
        expect(visible.first).to_be_visible()
        charts = wait_for_visible_charts(page, minimum=CHARTS_PER_TAB.get(name, 0))
        expect(page.get_by_test_id("stException")).to_have_count(0)
        height = page.evaluate(
            """() => {
                const main = document.querySelector('[data-testid="stMain"]');
                return main ? main.scrollHeight : document.body.scrollHeight;
            }"""
        )
        viewport = page.viewport_size
        if height > viewport["height"]:
            page.set_viewport_size({"width": viewport["width"], "height": height + 40})
            assert wait_for_visible_charts(page, minimum=charts) == charts
        page.evaluate("document.fonts.ready.then(() => true)")
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        shot = folder / f"tab-{slug}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
