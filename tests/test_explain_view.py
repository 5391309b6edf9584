"""AppTest: the Overview's 'why this number?' waterfalls start at the reference,
step by lever group and end exactly at the KPI on the card."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import format
from dashboard.cache import REFERENCE_PRESET
from dashboard.i18n import has_cjk, t
from dashboard.sidebar import START_PRESET
from dashboard.views.overview import HEADLINE
from helpers import APP, decode_plotly_array, plotly_spec
from model.levers import Levers
from model.simulation import simulate
from scenarios.store import PresetStore

EXPLAINED = (
    "china_tech_price_change_pct",
    "china_tech_imports_from_coalition_change_pct",
    "coalition_tech_revenue_change_usd_bn",
    "world_welfare_change_pct",
)
"""The KPIs the start preset can explain: backfill and cost-effectiveness are
undefined in the reference (the fence stops nothing, the coalition loses nothing)."""


@pytest.fixture
def at(tmp_path, monkeypatch) -> AppTest:
    monkeypatch.setenv("DECOUPLING_PRESETS_DIR", str(tmp_path / "presets"))
    return AppTest.from_file(str(APP), default_timeout=60)


def waterfalls(at: AppTest) -> dict[str, dict]:
    charts = at.get("plotly_chart")
    return {
        c.key.removeprefix("why_"): plotly_spec(at, k)["data"][0]
        for k, c in enumerate(charts)
        if c.key.startswith("why_")
    }


def open_every_popover(at: AppTest) -> AppTest:
    """Run with every KPI's 'Why this number?' popover open (they are lazy:
    closed, they solve and draw nothing)."""
    for name in HEADLINE:
        at.session_state[f"why_open_{name}"] = True
    return at.run()


def test_closed_popovers_solve_nothing(at):
    at.run()
    assert not at.exception
    assert not waterfalls(at)
    assert [p.proto.popover.label for p in at.get("popover")] == [
        t("attribution.why", "en")
    ] * len(HEADLINE)


def test_every_kpi_waterfall_sums_to_the_kpi(at):
    open_every_popover(at)
    assert not at.exception
    store = PresetStore()
    scenario = simulate(store.load(START_PRESET).levers()).metrics
    reference = simulate(store.load(REFERENCE_PRESET).levers()).metrics
    cards = {m.label: m.value for m in at.metric}
    drawn = waterfalls(at)
    assert set(drawn) == set(EXPLAINED)
    for name, trace in drawn.items():
        assert trace["type"] == "waterfall"
        y = decode_plotly_array(trace["y"])
        assert trace["measure"][0] == "absolute" and trace["measure"][-1] == "total"
        assert y[0] == pytest.approx(reference.scalar(name), abs=1e-12)
        assert sum(y[:-1]) == pytest.approx(y[-1], abs=1e-9)
        assert y[-1] == pytest.approx(scenario.scalar(name), abs=1e-12)
        label = t(f"kpi.{name}.label", "en")
        assert cards[label] == format.metric_value(name, y[-1])
        assert "Yard" in trace["x"]  # the start preset has a yard
    undefined = [c.value for c in at.caption if c.value.startswith("No breakdown")]
    assert len(undefined) == len(HEADLINE) - len(EXPLAINED)
    assert any("inside the Shapley shares" in c.value for c in at.caption)


def test_against_the_2022_baseline_the_waterfalls_start_at_the_baseline(at):
    """With the KPI base switched to the 2022 baseline (``?base=baseline``), each
    waterfall starts where the cards' deltas start: at the lever defaults."""
    at.query_params["base"] = "baseline"
    open_every_popover(at)
    assert not at.exception
    scenario = simulate(PresetStore().load(START_PRESET).levers()).metrics
    baseline = simulate(Levers()).metrics
    drawn = waterfalls(at)
    assert drawn
    for name, trace in drawn.items():
        y = decode_plotly_array(trace["y"])
        assert trace["x"][0].replace("<br>", " ") == t("attribution.baseline", "en")
        assert y[0] == pytest.approx(baseline.scalar(name), abs=1e-12)
        assert sum(y[:-1]) == pytest.approx(y[-1], abs=1e-9)
        assert y[-1] == pytest.approx(scenario.scalar(name), abs=1e-12)


def test_the_waterfalls_speak_chinese(at):
    at.query_params["lang"] = "zh"
    open_every_popover(at)
    assert not at.exception
    for trace in waterfalls(at).values():
        assert all(has_cjk(label) for label in trace["x"])


SEMINAR = """\
import streamlit as st

from dashboard import cache, context
from dashboard.views import seminar

seminar.render(context.page_context(cache.builtin_presets(), "en"))
"""


def test_seminar_mode_explains_the_numbers_after_the_reveal(tmp_path, monkeypatch):
    monkeypatch.setenv("DECOUPLING_PRESETS_DIR", str(tmp_path / "presets"))
    script = tmp_path / "seminar_app.py"
    script.write_text(SEMINAR, encoding="utf-8")
    at = AppTest.from_file(str(script), default_timeout=90)
    at.query_params["step"] = "3"
    at.run()
    assert not at.get("plotly_chart")
    at.button(key="seminar_reveal").click().run()
    assert not at.exception
    assert [c.key for c in at.get("plotly_chart")] == ["seminar_chart"]
    at.session_state["seminar_why_open"] = True  # open the folded section
    at.run()
    drawn = {
        c.key: plotly_spec(at, k)["data"][0]
        for k, c in enumerate(at.get("plotly_chart"))
        if c.key.startswith("seminar_why_")
    }
    assert set(drawn) == {
        "seminar_why_china_tech_price_change_pct",
        "seminar_why_coalition_welfare_change_usd_bn",
    }
    sim = simulate(PresetStore().load("oct_2022_rule").levers()).metrics
    for key, trace in drawn.items():
        y = decode_plotly_array(trace["y"])
        assert sum(y[:-1]) == pytest.approx(y[-1], abs=1e-9)
        assert y[-1] == pytest.approx(sim.scalar(key.removeprefix("seminar_why_")))


def test_the_decade_tab_explains_the_chosen_year_on_request(at):
    at.session_state["tab"] = "Decade"
    at.session_state["decade_mode"] = "scenario"
    at.session_state["decade_end"] = 2024
    at.session_state["decade_bands"] = False
    at.run()
    assert not [c for c in at.get("plotly_chart") if c.key.startswith("decade_why")]
    at.toggle(key="decade_explain").set_value(True).run()
    assert not at.exception
    drawn = {
        c.key: plotly_spec(at, k)["data"][0]
        for k, c in enumerate(at.get("plotly_chart"))
        if c.key.startswith("decade_why_")
    }
    assert len(drawn) == 4
    capability = drawn["decade_why_china_tech_capability_ratio"]
    y = decode_plotly_array(capability["y"])
    assert y[0] == 1.0  # the no-policy path
    assert sum(y[:-1]) == pytest.approx(y[-1], abs=1e-9)
    readout = next(m for m in at.metric if "capability" in m.label)
    assert "2024" in readout.label
