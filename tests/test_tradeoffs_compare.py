"""Trade-offs and Compare tabs: figures, AppTest of both views, and the browser.

The AppTest scripts are tiny files written to ``tmp_path`` that call the views'
``render`` functions the way app.py does (AppTest.from_file, not from_function).
The browser test needs the tabs in dashboard.registry (which app.py draws) and runs
once they are.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from streamlit.testing.v1 import AppTest

from dashboard.figures import compare as compare_figs
from dashboard.figures import tradeoffs as figs
from dashboard.figures import tradeoffs_frontier as frontier_figs
from dashboard.registry import TABS_BY_ID
from dashboard.views import compare, tradeoffs
from helpers import decode_plotly_array, open_app
from model import sweeps
from model.data import load_baseline
from model.levers import LEVERS, LEVERS_BY_NAME
from model.simulation import simulate
from scenarios.store import PresetStore

START = "oct_2022_rule"

SCRIPT = """
import streamlit as st

from dashboard import cache, context
from dashboard.sidebar import PRESET_KEY
from dashboard.views import compare, tradeoffs
from model.levers import LEVERS, Levers

presets = cache.builtin_presets()
st.session_state.setdefault(PRESET_KEY, "{start}")
for name, value in presets["{start}"].levers().items():
    st.session_state.setdefault(name, value)
levers = {{lever.name: st.session_state[lever.name] for lever in LEVERS}}
ctx = context.view_context(
    context.page_context(presets), Levers(levers), presets["{start}"]
)
{call}
"""
TRADEOFFS_CALL = "tradeoffs.render(ctx)"
COMPARE_CALL = (
    "report = compare.render(ctx)\nst.caption(f'report figures: {len(report)}')"
)


def write_script(folder: Path, call: str) -> str:
    path = folder / "view_script.py"
    path.write_text(textwrap.dedent(SCRIPT.format(start=START, call=call)))
    return str(path)


@pytest.fixture(scope="module")
def base():
    return load_baseline()


@pytest.fixture(scope="module")
def levers():
    return PresetStore().load(START).levers()


@pytest.fixture(scope="module")
def grid(base, levers):
    return sweeps.solve_grid(tradeoffs.grid_base(levers), 7, baseline=base)


@pytest.fixture(scope="module")
def current(levers, base):
    return figs.current_point(levers, simulate(levers, base))


def spec(at: AppTest, key: str) -> dict:
    charts = {chart.key: chart for chart in at.get("plotly_chart")}
    return json.loads(charts[key].proto.spec)


def star(figure: dict) -> dict:
    (trace,) = [t for t in figure["data"] if t.get("name") == "This scenario"]
    return {axis: decode_plotly_array(trace[axis]) for axis in ("x", "y")}


# --- figures -------------------------------------------------------------------------


def test_current_point_is_the_mean_scope(levers, current):
    scopes = [levers[name] for name in sweeps.YARD_LEVERS]
    assert current.yard == pytest.approx(np.mean(scopes))
    assert current.fence_pct == levers["fence_pct"]
    assert len(figs.YARD_TICKS) == len(sweeps.YARD_LEVERS) + 1


@pytest.mark.parametrize("kind", list(figs.HEATMAPS))
def test_heatmap_marks_the_scenario(grid, current, kind):
    fig = figs.grid_heatmap(grid, kind, current)
    heat, marker = fig.data
    assert heat.type == "heatmap" and marker.name == "This scenario"
    assert np.array(heat.z).shape == grid.shape
    assert list(marker.x) == [current.fence_pct] and list(marker.y) == [current.yard]
    assert fig.layout.xaxis.ticktext[-1] == "denied"
    assert fig.layout.xaxis.tickvals[-1] == pytest.approx(
        figs.fence_positions(grid)[-1]
    )
    words = fig.layout.title.text.replace("</sup><br><sup>", " ").replace("<br>", " ")
    assert "this scenario (star)" in words  # the title is wrapped to the map's width


def test_denied_scenario_sits_in_the_last_column(grid, current):
    denied = figs.Current(**(vars(current) | {"prohibitive": True}))
    fig = figs.grid_heatmap(grid, "china_cost", denied)
    assert fig.data[1].x[0] == pytest.approx(figs.fence_positions(grid)[-1])
    assert fig.data[1].x[0] > sweeps.FENCE_MAX_PCT


def test_china_cost_heatmap_is_the_grid(grid, current):
    fig = figs.grid_heatmap(grid, "china_cost", current)
    assert_allclose(np.array(fig.data[0].z), grid.surface(sweeps.CHINA_COST))
    coalition = figs.grid_heatmap(grid, "coalition_cost", current)
    assert_allclose(
        np.array(coalition.data[0].z),
        -grid.surface("coalition_welfare_change_usd_bn"),
    )


def test_frontier_plane(grid, current):
    frontier = sweeps.efficient_frontier(grid.frame)
    points = pd.DataFrame(
        {
            "name": ["Near", "Far away"],
            "coalition_cost_usd_bn": [0.5, 1e4],
            "china_cost_pct": [0.5, 1e3],
        }
    )
    fig = frontier_figs.frontier_plane(grid, frontier, points, current)
    names = [trace.name for trace in fig.data]
    assert names == [
        "Grid cells (yard x fence)",
        "Efficient frontier",
        "Built-in presets",
        "This scenario",
    ]
    assert len(fig.data[0].x) == grid.shape[0] * grid.shape[1]
    assert_allclose(fig.data[1].y, frontier[sweeps.CHINA_COST])
    assert fig.data[1].line.shape == "hv"
    assert fig.data[2].text[0] == "Near"
    assert fig.data[2].text[1].startswith("Far away (off scale")
    reach = frontier_figs.frontier_value(frontier, current.coalition_cost_usd_bn)
    assert f"{reach:+.2f}%" in fig.layout.title.text


def test_participation_curve(base, levers):
    sweep = sweeps.participation_sweep(levers, "all", 5, baseline=base)
    fig = frontier_figs.participation_curve(sweep, who="All allies", current_share=0.2)
    backfill, price = fig.data
    assert_allclose(backfill.y, 100 * sweep["backfill_share"])
    assert_allclose(price.y, sweep[sweeps.CHINA_COST])
    assert price.yaxis == "y2"
    assert fig.layout.yaxis2.rangemode == "tozero"  # issue 16: no axis from 0.62
    assert fig.layout.shapes[0].x0 == pytest.approx(20)
    assert fig.layout.title.text.startswith("All allies joining in full cuts backfill")


def test_comparison_table_differences(base, levers):
    sims = {
        "Oct 2022": simulate(levers, base),
        "None": simulate(PresetStore().load("no_controls").levers(), base),
    }
    table = compare_figs.comparison_table(sims, "None")
    assert list(table.columns) == ["Oct 2022", "None", "Oct 2022 − None"]
    label = "China's technology price index (%)"
    assert table.loc[label, "Oct 2022"] == pytest.approx(
        sims["Oct 2022"].metrics.scalar(sweeps.CHINA_COST)
    )
    assert_allclose(
        table["Oct 2022 − None"], table["Oct 2022"] - table["None"], equal_nan=True
    )
    with pytest.raises(ValueError, match="reference"):
        compare_figs.comparison_table(sims, "Other")
    assert len(compare_figs.compare_metric_bars(sims).data) == 2 * len(
        compare_figs.COMPARE_METRICS
    )
    welfare = compare_figs.compare_welfare_bars(sims)
    assert [t.name for t in welfare.data] == ["Oct 2022", "None"]
    assert len(welfare.data[0].x) == len(base.regions)
    table_figure = compare_figs.comparison_table_figure(table, "None")
    assert table_figure.data[0].type == "table"


def test_scenario_names_are_unique():
    assert compare_figs.scenario_names(["A", "B", "A"]) == ["A", "B", "A (2)"]


# --- AppTest: Trade-offs -------------------------------------------------------------


@pytest.fixture
def tradeoffs_app(tmp_path: Path) -> AppTest:
    return AppTest.from_file(write_script(tmp_path, TRADEOFFS_CALL), default_timeout=60)


def test_tradeoffs_tab_renders_and_marks_the_scenario(tradeoffs_app, levers):
    at = tradeoffs_app.run()
    assert not at.exception
    assert {chart.key for chart in at.get("plotly_chart")} == set(tradeoffs.CHART_KEYS)
    assert not at.warning  # every cell converged
    position = star(spec(at, "tradeoffs_china_cost"))
    assert position["x"] == [levers["fence_pct"]]
    assert position["y"][0] == pytest.approx(sweeps.yard_size(levers))

    at.session_state["fence_pct"] = 300.0  # the sidebar would set this
    at.run()
    assert not at.exception
    assert star(spec(at, "tradeoffs_china_cost"))["x"] == [300.0]
    assert star(spec(at, "tradeoffs_cost_effectiveness"))["x"] == [300.0]


def test_tradeoffs_base_preset_and_ally(tradeoffs_app):
    at = tradeoffs_app.run()
    at.selectbox(key=tradeoffs.BASE_KEY).select("full_decoupling").run()
    assert not at.exception
    assert any("Full decoupling" in info.value for info in at.info)
    at.selectbox(key=tradeoffs.ALLY_KEY).select("JPN").run()
    assert not at.exception
    title = spec(at, "tradeoffs_participation")["layout"]["title"]["text"]
    assert title.startswith("Japan joining in full")
    at.select_slider(key=tradeoffs.SIZE_KEY).set_value(11).run()
    assert not at.exception
    z = spec(at, "tradeoffs_china_cost")["data"][0]["z"]
    assert np.array(decode_plotly_array(z), dtype=float).shape == (11, 11)


def test_grid_is_reused_when_only_yard_or_fence_move(levers):
    moved = levers | sweeps.yard_scopes(0.9) | {"fence_pct": 5.0, "prohibitive": True}
    assert tradeoffs.grid_base(moved) == tradeoffs.grid_base(levers)
    other = levers | {"evasion": 0.9}
    assert tradeoffs.grid_base(other) != tradeoffs.grid_base(levers)


# --- AppTest: Compare ----------------------------------------------------------------


@pytest.fixture
def compare_app(tmp_path: Path) -> AppTest:
    return AppTest.from_file(write_script(tmp_path, COMPARE_CALL), default_timeout=60)


def test_compare_tab_renders_table_and_bars(compare_app):
    at = compare_app.run()
    assert not at.exception
    assert at.multiselect(key=compare.SELECTION_KEY).value == ["current", "no_controls"]
    assert {c.key for c in at.get("plotly_chart")} == set(compare.CHART_KEYS)
    table = at.dataframe[0].value
    assert list(table.columns) == [
        "This scenario (live)",
        "No controls (reference)",
        "No controls (reference) − This scenario (live)",
    ]
    assert any(c.value == "report figures: 0" for c in at.caption)

    at.selectbox(key=compare.REFERENCE_KEY).select("no_controls").run()
    assert list(at.dataframe[0].value.columns)[-1] == (
        "This scenario (live) − No controls (reference)"
    )
    at.checkbox(key=compare.REPORT_KEY).check().run()
    assert any(c.value == "report figures: 3" for c in at.caption)


def test_copy_into_the_sliders_sets_every_lever(compare_app):
    at = compare_app.run()
    at.button(key="compare_copy_no_controls").click().run()
    assert not at.exception
    expected = PresetStore().load("no_controls").levers()
    assert at.session_state["preset"] == "no_controls"
    for lever in LEVERS:
        assert at.session_state[lever.name] == expected[lever.name], lever.name


def test_pin_compare_copy_back_and_swap(compare_app):
    at = compare_app.run()
    at.button(key="compare_pin").click().run()  # A: the October 2022 rule
    assert at.multiselect(key=compare.SELECTION_KEY).value == [
        "current",
        "no_controls",
        "pinned_A",
    ]
    pinned = PresetStore().load(START).levers()
    at.session_state["fence_pct"] = 250.0  # the user moves a slider afterwards
    at.run()
    table = at.dataframe[0].value
    assert "A: October 2022 rule (pinned)" in table.columns[2]
    assert "This scenario (live)" in table.columns[0]

    at.button(key="compare_copy_pinned_A").click().run()  # back to the snapshot
    assert at.session_state["fence_pct"] == pinned["fence_pct"]
    assert at.session_state["preset"] == START

    at.selectbox(key=compare.SWAP_KEYS[0]).select("current").run()
    at.selectbox(key=compare.SWAP_KEYS[1]).select("pinned_A").run()
    at.button(key="compare_swap").click().run()
    assert not at.exception
    assert at.multiselect(key=compare.SELECTION_KEY).value == [
        "pinned_A",
        "no_controls",
        "current",
    ]
    at.button(key="compare_clear").click().run()
    assert at.multiselect(key=compare.SELECTION_KEY).value == [
        "no_controls",
        "current",
    ]


def test_at_most_four_scenarios(compare_app):
    at = compare_app.run()
    for _ in range(4):
        at.button(key="compare_pin").click().run()
    assert not at.exception
    assert len(at.multiselect(key=compare.SELECTION_KEY).value) == 4
    assert at.button(key="compare_pin").disabled  # A-D all taken
    assert len(at.session_state[compare.PINNED_KEY]) == 4


LAZY_CALL = """
if st.session_state.get("show", True):  # like a lazy tab that is not open
    tradeoffs.render(ctx)
    compare.render(ctx)
"""


def test_choices_survive_a_run_without_the_tab(tmp_path: Path):
    """Lazy tabs: Streamlit drops the state of widgets a run does not draw; the
    views keep a copy and restore it when the tab is drawn again."""
    at = AppTest.from_file(write_script(tmp_path, LAZY_CALL), default_timeout=60)
    at.run()
    at.selectbox(key=tradeoffs.BASE_KEY).select("cooperation").run()
    at.selectbox(key=tradeoffs.ALLY_KEY).select("KOR").run()
    at.multiselect(key=compare.SELECTION_KEY).select("full_decoupling").run()
    at.checkbox(key=compare.REPORT_KEY).check().run()
    at.session_state["show"] = False
    at.run()
    assert tradeoffs.BASE_KEY not in at.session_state  # dropped by Streamlit
    at.session_state["show"] = True
    at.run()
    assert not at.exception
    assert at.selectbox(key=tradeoffs.BASE_KEY).value == "cooperation"
    assert at.selectbox(key=tradeoffs.ALLY_KEY).value == "KOR"
    assert at.multiselect(key=compare.SELECTION_KEY).value == [
        "current",
        "no_controls",
        "full_decoupling",
    ]
    assert at.checkbox(key=compare.REPORT_KEY).value


# --- browser: change the fence, see the marker move ---------------------------------

WIRED = "tradeoffs" in TABS_BY_ID  # app.py draws the tabs of dashboard.registry

STAR_X = """key => {
    const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`);
    if (!gd || !gd._fullData) return null;
    const t = gd._fullData.find(trace => trace.name === "This scenario");
    return t ? Array.from(t.x)[0] : null;
}"""


def star_x(page, key: str) -> float | None:
    return page.evaluate(STAR_X, key)


@pytest.mark.browser
@pytest.mark.skipif(not WIRED, reason="the Trade-offs tab is not in the tab registry")
def test_fence_slider_moves_the_marker(page, streamlit_server) -> None:
    page.set_default_timeout(30_000)
    open_app(page, streamlit_server)
    page.get_by_role("tab", name="Trade-offs").click()
    key = "tradeoffs_china_cost"
    start = PresetStore().load(START).levers()["fence_pct"]
    page.wait_for_function(f"x => ({STAR_X})('{key}') === x", arg=start, timeout=60_000)
    fence = page.locator(".st-key-fence_pct").get_by_role("slider")
    step = LEVERS_BY_NAME["fence_pct"].step
    fence.press("ArrowRight")
    page.wait_for_function(
        f"x => ({STAR_X})('{key}') === x", arg=start + step, timeout=30_000
    )
    assert star_x(page, key) == start + step
    assert star_x(page, "tradeoffs_coalition_cost") == start + step
    assert page.get_by_test_id("stException").count() == 0
