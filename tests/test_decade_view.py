"""The decade tab: AppTest on a tiny script that calls decade.render, the figures
on their own, and a browser test once the tab is in dashboard.registry."""

from __future__ import annotations

import json
import textwrap

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.figures import decade as fd
from dashboard.figures import decade_text, decade_tornado
from dashboard.registry import TABS_BY_ID
from dashboard.views import decade
from helpers import decode_plotly_array, open_app
from model import dynamics, uncertainty
from model.data import load_baseline
from model.timeline import BASE_YEAR, DEFAULT_END_YEAR, scenario_timeline
from scenarios.store import PresetStore

CHARTS = {
    "decade_capability",
    "decade_revenue",
    "decade_self_sufficiency",
    "decade_welfare",
    "decade_tornado",
    "decade_trend",
}
DRAWS = 12  # the script lowers the Monte Carlo draws to keep the tests quick

SCRIPT = f"""
import streamlit as st

from dashboard import cache, context
from dashboard.views import decade
from model import uncertainty
from model.data import load_baseline
from model.timeline import BASE_YEAR, DEFAULT_END_YEAR, scenario_timeline
from model.levers import Levers
from scenarios.store import PresetStore

uncertainty.DEFAULT_DRAWS = {DRAWS}


@st.cache_resource
def data():
    store = PresetStore()
    entries, _ = store.list()
    presets = {{e.id: store.load(e.id) for e in entries if e.origin == "built-in"}}
    return presets, load_baseline()


presets, baseline = data()
page = context.PageContext(
    lang="en",
    presets=presets,
    builtin_presets=presets,
    baseline=baseline,
    solve=cache.solve,
    points=cache.preset_points,
)
preset = presets["oct_2023_update"]
decade.render(context.view_context(page, Levers(preset.levers()), preset))
"""


@pytest.fixture
def at(tmp_path) -> AppTest:
    script = tmp_path / "decade_tab.py"
    script.write_text(textwrap.dedent(SCRIPT), encoding="utf-8")
    return AppTest.from_file(str(script), default_timeout=120)


def charts(at: AppTest) -> dict[str, dict]:
    return {el.key: json.loads(el.proto.spec) for el in at.get("plotly_chart")}


def shapes(spec: dict, prefix: str) -> list[dict]:
    return [
        s
        for s in spec["layout"].get("shapes", [])
        if s.get("name", "").startswith(prefix)
    ]


def cursor_x(spec: dict) -> float:
    (cursor,) = shapes(spec, "cursor")
    return cursor["x0"]


def test_the_tab_renders_paths_bands_events_and_the_tornado(at):
    at.run()
    assert not at.exception
    assert not at.error
    specs = charts(at)
    assert set(specs) == CHARTS
    capability = specs["decade_capability"]
    fills = [t for t in capability["data"] if t.get("fill") == "tonexty"]
    assert len(fills) == 1 and f"{DRAWS} draws" in fills[0]["name"]
    events = {s["name"] for s in shapes(capability, "event:")}
    assert {"event:oct_2022_rule", "event:oct_2023_update", "event:dec_2024_hbm"} <= (
        events
    )
    labels = [a["text"] for a in capability["layout"]["annotations"]]
    assert labels and not any("oct_2022_rule" in text for text in labels)  # words
    x = decode_plotly_array(capability["data"][-2]["x"])  # the central path
    assert x[0] == BASE_YEAR and x[-1] == DEFAULT_END_YEAR
    tornado = specs["decade_tornado"]
    bars = [t for t in tornado["data"] if t["type"] == "bar"]
    assert len(bars) == 2 and all(t["orientation"] == "h" for t in bars)
    assert len(decode_plotly_array(bars[0]["y"])) == len(
        uncertainty.tornado_swings(load_baseline())
    )
    assert cursor_x(capability) == DEFAULT_END_YEAR
    assert len(at.metric) == len(decade.READOUTS)


def test_moving_the_year_slider_moves_every_cursor_and_readout(at):
    at.run()
    at.slider(key="decade_year").set_value(2027).run()
    assert not at.exception
    specs = charts(at)
    for key, spec in specs.items():
        if key == "decade_trend":  # the trend is every year's, no cursor
            continue
        if key != "decade_tornado":
            assert cursor_x(spec) == 2027, key
        assert spec["layout"]["title"]["text"].startswith("2027"), key
    assert all("2027" in m.label for m in at.metric)


def test_the_trend_the_controls_alone_and_the_draws_are_shown(at):
    at.run()
    specs = charts(at)
    trend = {t["name"]: t for t in specs["decade_trend"]["data"]}
    ai = (
        trend["AI accelerators"]
        if "AI accelerators" in trend
        else next(iter(trend.values()))
    )
    years = decode_plotly_array(ai["x"])
    markets = decode_plotly_array(ai["y"])
    assert len(trend) == 6
    assert markets[years.index(2024)] == pytest.approx(78.0, rel=1e-3)
    capability = specs["decade_capability"]["data"]
    (controls,) = [
        t for t in capability if t.get("name", "").startswith("Controls only")
    ]
    central = np.array(decode_plotly_array(capability[-2]["y"]), dtype=float)
    alone = np.array(decode_plotly_array(controls["y"]), dtype=float)
    assert alone[-1] < central[-1]  # China's push is not the controls' doing
    captions = " ".join(c.value for c in at.caption)
    assert "Controls only vs with China's answers" in captions
    assert f"Monte Carlo: {DRAWS} draws, seed {uncertainty.DEFAULT_SEED}; 0 failed" in (
        captions
    )


def test_the_2022_market_held_fixed_is_the_contrast(tmp_path):
    script = tmp_path / "decade_fixed.py"
    text = textwrap.dedent(SCRIPT).replace(
        "Levers(preset.levers())", "Levers(preset.levers() | {'market_growth': False})"
    )
    script.write_text(text, encoding="utf-8")
    fixed = AppTest.from_file(str(script), default_timeout=120)
    fixed.run()
    assert not fixed.exception
    assert "2022 size" in fixed.info[0].value
    lost = "cumulative_coalition_revenue_lost_usd_bn"
    grown = dynamics.simulate_path(decade_timeline(), 2035)
    held = dynamics.simulate_path(decade_timeline(), 2035, market_growth=False)
    assert held.values[lost][0, -1] < grown.values[lost][0, -1]
    revenue = charts(fixed)["decade_revenue"]["data"][-2]
    y = np.array(decode_plotly_array(revenue["y"]), dtype=float)
    assert y[-1] == pytest.approx(held.values[lost][0, -1])


def decade_timeline():
    store = PresetStore()
    entries, _ = store.list()
    presets = {e.id: store.load(e.id) for e in entries if e.origin == "built-in"}
    timeline, _ = decade.real_timeline(presets)
    return timeline


def test_this_scenario_from_a_start_year(at):
    at.run()
    at.segmented_control(key="decade_mode").set_value(decade.SCENARIO).run()
    at.number_input(key="decade_start").set_value(2026).run()
    assert not at.exception
    capability = charts(at)["decade_capability"]
    assert [s["name"] for s in shapes(capability, "event:")] == ["event:this_scenario"]
    central = next(
        t for t in capability["data"] if t.get("name") == "Central assumptions"
    )
    y = np.array(decode_plotly_array(central["y"]), dtype=float)
    assert np.all(y[:4] == 1.0)  # 2022-2025: no policy yet
    assert y[-1] != 1.0


def test_the_tornado_follows_the_chosen_output_and_the_bands_can_go(at):
    at.run()
    at.selectbox(key="decade_metric").set_value("world_welfare_change_pct")
    at.toggle(key="decade_bands").set_value(False)
    at.number_input(key="decade_end").set_value(2030)
    at.run()
    assert not at.exception
    specs = charts(at)
    assert (
        "World welfare" in specs["decade_tornado"]["layout"]["xaxis"]["title"]["text"]
    )
    capability = specs["decade_capability"]
    assert not [t for t in capability["data"] if t.get("fill") == "tonexty"]
    assert at.slider(key="decade_year").value == 2030  # clamped to the new end


def test_real_timeline_takes_dated_presets_in_date_order():
    store = PresetStore()
    entries, _ = store.list()
    presets = {e.id: store.load(e.id) for e in entries if e.origin == "built-in"}
    timeline, events = decade.real_timeline(presets, "low")
    dated = [p for p in presets.values() if p.as_of is not None]
    assert len(timeline) == len(events) == len(dated)
    assert [e.year for e in events] == sorted(e.year for e in events)
    assert all(levers["elasticities"] == "low" for _, levers in timeline)
    ids = [e.preset_id for e in events]
    assert ids.index("oct_2022_rule") < ids.index("oct_2023_update")
    assert all(e.label for e in events)


def test_figures_state_the_takeaway_and_mark_the_year():
    baseline = load_baseline()
    path = dynamics.simulate_path(
        scenario_timeline({"scope_ai_chips": 1.0, "fence_pct": 100.0}),
        2026,
        baseline=baseline,
    )
    events = [fd.PolicyEvent(2022, "x", "A rule"), fd.PolicyEvent(2040, "y", "Later")]
    fig = fd.path_figure(path, "china_tech_capability_ratio", year=2024, events=events)
    names = [s.name for s in fig.layout.shapes]
    assert names == ["event:x", "cursor"]  # the 2040 event is off the path
    assert fig.layout.title.text.startswith("2024: China's technology capability")
    assert fig.layout.shapes[1].x0 == 2024
    table = uncertainty.tornado_paths(
        scenario_timeline({"scope_ai_chips": 1.0, "fence_pct": 100.0}),
        2024,
        baseline=baseline,
    ).table("coalition_tech_revenue_change_usd_bn", 2024)
    tornado = decade_tornado.tornado_figure(
        table, name="coalition_tech_revenue_change_usd_bn", year=2024
    )
    top = decade_text.parameter_label(table["parameter"][0], table["label"][0])
    assert tornado.layout.title.text.startswith(f"2024: {top}")


@pytest.mark.browser
@pytest.mark.skipif(
    "decade" not in TABS_BY_ID,
    reason="the Decade tab is not in the tab registry yet",
)
def test_decade_tab_in_the_browser(page, streamlit_server) -> None:
    from playwright.sync_api import expect

    page.set_default_timeout(60_000)
    open_app(page, streamlit_server)
    page.get_by_role("tab", name="Decade").click()
    panel = page.get_by_role("tabpanel", name="Decade")
    expect(panel.locator(".js-plotly-plot").first).to_be_visible(timeout=90_000)
    assert panel.locator(".js-plotly-plot").count() >= len(CHARTS)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    slider = panel.get_by_role("slider").first
    slider.focus()
    before = page.evaluate(
        "() => [...document.querySelectorAll('.js-plotly-plot')]"
        ".map(g => g.layout && g.layout.title && g.layout.title.text)"
        ".filter(t => t && /^20\\d\\d:/.test(t))[0]"
    )
    slider.press("ArrowLeft")
    page.wait_for_function(
        "(before) => [...document.querySelectorAll('.js-plotly-plot')]"
        ".map(g => g.layout && g.layout.title && g.layout.title.text)"
        ".filter(t => t && /^20\\d\\d:/.test(t))[0] !== before",
        arg=before,
        timeout=60_000,
    )
