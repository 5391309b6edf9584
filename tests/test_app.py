"""AppTest: every tab renders, KPIs equal the model, presets, links, saving."""

from __future__ import annotations

import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import format
from dashboard.i18n import t
from dashboard.sidebar import START_PRESET
from dashboard.views import compare, overview, tradeoffs
from dashboard.views.overview import HEADLINE
from helpers import APP, ROOT
from model.levers import LEVERS
from model.simulation import simulate
from scenarios.store import PresetStore


@pytest.fixture
def presets_dir(tmp_path, monkeypatch):
    folder = tmp_path / "presets"
    monkeypatch.setenv("DECOUPLING_PRESETS_DIR", str(folder))
    return folder


@pytest.fixture
def at(presets_dir) -> AppTest:
    return AppTest.from_file(str(APP), default_timeout=60)


def chart_keys(at: AppTest) -> set[str]:
    return {el.key for el in at.get("plotly_chart")}


def kpis(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def current_levers(at: AppTest) -> dict[str, object]:
    return {lever.name: at.session_state[lever.name] for lever in LEVERS}


TAB_CHARTS = {
    "Overview": {"security_cost_map"},
    "Trade flows": {
        "sankey_reference",
        "sankey_scenario",
        "bilateral_change_heatmap",
        "china_imports_bars",
    },
    "Winners and losers": {"welfare_bars", "welfare_map", "tech_revenue"},
    "Trade-offs": set(tradeoffs.CHART_KEYS),
    "Compare": set(compare.CHART_KEYS),
    "Decade": {
        "decade_capability",
        "decade_revenue",
        "decade_self_sufficiency",
        "decade_welfare",
        "decade_tornado",
        "decade_trend",
    },
    "Reality check": {"reality_comparisons", "reality_literature"},
    "Method and sources": set(),
}


def open_tab(at: AppTest, label: str) -> AppTest:
    at.session_state["tab"] = label
    return at.run()


def test_every_tab_renders_its_charts_and_only_the_open_tab_runs(at):
    at.run()
    assert not at.exception
    assert [t.label for t in at.tabs] == list(TAB_CHARTS)
    assert any("Solved in" in c.value for c in at.caption)
    for label, charts in TAB_CHARTS.items():
        open_tab(at, label)
        assert not at.exception, label
        assert chart_keys(at) == charts, label
    assert len(at.get("latex")) >= 6  # the method tab, open now
    assert at.query_params["tab"] in ("method", ["method"])


def test_a_link_opens_a_tab(at):
    at.query_params["tab"] = "winners"
    at.run()
    assert chart_keys(at) == TAB_CHARTS["Winners and losers"]


@pytest.mark.parametrize("params", [{"lang": "zh"}, {"tab": "winners"}])
def test_a_link_with_only_page_keys_opens_the_start_preset(at, params):
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    assert at.session_state["preset"] == START_PRESET
    assert current_levers(at) == PresetStore().load(START_PRESET).levers()


def test_kpis_equal_the_models_metrics(at):
    at.run()
    levers = current_levers(at)
    sim = simulate(levers)
    reference = simulate(PresetStore().load("no_controls").levers())
    shown = kpis(at)
    for name in HEADLINE:
        value = sim.metrics.scalar(name)
        assert shown[t(f"kpi.{name}.label", "en")] == format.metric_value(name, value)
    deltas = {m.label: m.proto.delta for m in at.metric}
    name = "china_tech_price_change_pct"
    assert deltas[t(f"kpi.{name}.label", "en")] == format.metric_delta(
        name, sim.metrics.scalar(name), reference.metrics.scalar(name)
    )
    # China's ICT hardware, downstream: one line under the cards
    line = overview.downstream_line(sim, reference)
    price = overview.DOWNSTREAM[0]
    assert format.metric_value(price, sim.metrics.scalar(price)) in line
    assert [c.value for c in at.caption].count(line) == 1


def test_moving_a_slider_changes_the_kpis_and_the_link(at):
    at.run()
    before = kpis(at)[t("kpi.china_tech_price_change_pct.label", "en")]
    at.slider(key="fence_pct").set_value(300.0).run()
    assert not at.exception
    after = kpis(at)[t("kpi.china_tech_price_change_pct.label", "en")]
    assert after != before
    assert at.query_params["fence"] == ["300"] or at.query_params["fence"] == "300"
    expected = simulate(current_levers(at)).metrics.scalar(
        "china_tech_price_change_pct"
    )
    assert after == format.metric_value("china_tech_price_change_pct", expected)


def test_the_fence_by_sector_is_collapsed_and_its_height_waits_for_its_rule(at):
    at.run()
    titles = {e.label: e.proto.expanded for e in at.sidebar.expander}
    assert titles[t("groups.fence_by_sector", "en")] is False
    assert titles[t("groups.fence", "en")] is True
    assert at.slider(key="fence_pct_sme").disabled  # rule "master": not used
    at.selectbox(key="fence_rule_sme").select("height").run()
    assert not at.slider(key="fence_pct_sme").disabled
    at.slider(key="fence_pct_sme").set_value(40.0).run()
    at.selectbox(key="fence_rule_telecom").select("denied").run()
    assert not at.exception
    params = at.query_params
    assert params["sme_rule"] in ("height", ["height"])
    assert params["sme_fence"] in ("40", ["40"])
    assert params["telecom_rule"] in ("denied", ["denied"])
    levers = current_levers(at)
    assert levers["fence_rule_sme"] == "height" and levers["fence_pct_sme"] == 40.0
    assert at.slider(key="fence_pct_telecom").disabled


@pytest.mark.parametrize(
    "preset_id", ["no_controls", "oct_2023_update", "full_decoupling"]
)
def test_choosing_a_preset_sets_every_lever(at, preset_id):
    at.run()
    at.selectbox(key="preset").select(preset_id).run()
    assert not at.exception
    assert current_levers(at) == PresetStore().load(preset_id).levers()
    assert at.query_params["p"] in (preset_id, [preset_id])


def test_share_link_restores_the_levers_and_warns_about_bad_parts(at):
    at.query_params["v"] = "1"
    at.query_params["p"] = "oct_2023_update"
    at.query_params["fence"] = "300"
    at.query_params["nld"] = "0.25"
    at.query_params["bogus"] = "<b>1</b>"
    at.query_params["jpn"] = "7"
    at.run()
    assert not at.exception
    expected = PresetStore().load("oct_2023_update").levers() | {
        "fence_pct": 300.0,
        "participation_nld": 0.25,
    }
    assert current_levers(at) == expected
    warnings = " ".join(w.value for w in at.sidebar.warning)
    assert "unknown parameter" in warnings and "jpn: ignored" in warnings


def test_link_round_trip(at):
    at.run()
    at.selectbox(key="preset").select("dec_2024_hbm").run()
    at.slider(key="participation_twn").set_value(0.45).run()
    link = {k: at.query_params[k] for k in at.query_params}
    fresh = AppTest.from_file(str(APP), default_timeout=60)
    for key, value in link.items():
        fresh.query_params[key] = value
    fresh.run()
    assert current_levers(fresh) == current_levers(at)
    assert fresh.session_state["preset"] == "dec_2024_hbm"


def test_save_and_delete_a_preset_through_the_ui(at, presets_dir):
    at.run()
    at.slider(key="fence_pct").set_value(250.0).run()
    at.text_input(key="save_name").input("My seminar case").run()
    at.button(key="save_preset").click().run()
    assert not at.exception
    saved = PresetStore().load("my_seminar_case")
    assert saved.fence_pct == 250.0 and (presets_dir / "my_seminar_case.json").exists()
    assert at.session_state["preset"] == "my_seminar_case"

    at.text_input(key="save_name").input("My seminar case").run()
    at.button(key="save_preset").click().run()  # exists: asks first
    assert at.button(key="overwrite_preset")
    assert (presets_dir / "my_seminar_case.json").read_text() == saved.to_json()

    at.slider(key="fence_pct").set_value(120.0).run()
    at.button(key="overwrite_preset").click().run()  # the second click replaces it
    assert PresetStore().load("my_seminar_case").fence_pct == 120.0

    at.text_input(key="save_name").input("Another name").run()
    assert "overwrite_preset" not in {b.key for b in at.button}  # not for this name
    at.selectbox(key="manage_preset").select("my_seminar_case").run()
    at.button(key="delete_preset").click().run()  # asks first
    assert (presets_dir / "my_seminar_case.json").exists()
    at.button(key="delete_preset_yes").click().run()
    assert not at.exception
    assert not (presets_dir / "my_seminar_case.json").exists()
    assert at.session_state["preset"] != "my_seminar_case"


def test_model_never_imports_streamlit_or_plotly():
    code = (
        "import sys, pkgutil, importlib, model\n"
        "for m in pkgutil.iter_modules(model.__path__):\n"
        "    if m.name != '__main__':\n"
        "        importlib.import_module('model.' + m.name)\n"
        "bad = [n for n in sys.modules if n.split('.')[0] in ('streamlit', 'plotly')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_seminar_mode_opens_by_link_in_chinese_and_can_be_left(at):
    at.query_params["view"] = "seminar"
    at.query_params["lang"] = "zh"
    at.query_params["step"] = "3"
    at.run()
    assert not at.exception
    assert at.session_state["lang"] == "zh"
    assert not at.get("plotly_chart")  # predict first: nothing revealed yet
    at.button(key="leave_seminar").click().run()
    assert not at.exception
    assert "view" not in at.query_params and "step" not in at.query_params
    assert len(at.metric) >= 6  # back to the dashboard


def test_seminar_button_switches_the_view(at):
    at.run()
    at.button(key="enter_seminar").click().run()
    assert not at.exception
    assert at.query_params["view"] in ("seminar", ["seminar"])


def test_the_caption_names_changed_levers_by_their_labels(at):
    from dashboard.i18n import lever_label

    at.run()
    at.slider(key="scope_sme").set_value(0.9).run()
    text = " ".join(c.value for c in at.caption)
    assert lever_label("scope_sme", "en") in text
    assert "scope_sme" not in text


def test_kpi_deltas_compare_with_the_chosen_base_kept_in_the_link(at):
    at.query_params["base"] = "baseline"
    at.run()
    assert not at.exception
    assert at.session_state["kpi_base"] == "baseline"
    deltas = [m.proto.delta for m in at.metric if m.proto.delta]
    assert deltas and all("vs 2022 baseline" in d for d in deltas), deltas
    name = "china_tech_price_change_pct"  # its delta is its own change from 2022
    sim = simulate(current_levers(at))
    shown = format.metric_delta(
        name, sim.metrics.scalar(name), 0.0, "en", "format.vs_baseline"
    )
    assert shown in deltas, (shown, deltas)
    at.session_state["kpi_base"] = "reference"
    at.run()
    deltas = [m.proto.delta for m in at.metric if m.proto.delta]
    assert all("vs reference" in d for d in deltas), deltas
    assert "base" not in at.query_params


def _sidebar_order(at: AppTest) -> list[str]:
    """The sidebar's elements in page order, by type (and key where there is)."""
    order: list[str] = []

    def walk(node) -> None:
        for child in getattr(node, "children", {}).values():
            kind = getattr(child, "type", "")
            order.append(f"{kind}:{getattr(child, 'key', '') or ''}")
            walk(child)

    walk(at.sidebar)
    return order


def test_delete_asks_first_and_cancel_keeps_the_preset(at, presets_dir):
    at.run()
    at.text_input(key="save_name").input("Keep me").run()
    at.button(key="save_preset").click().run()
    at.selectbox(key="manage_preset").select("keep_me").run()
    at.button(key="delete_preset").click().run()
    assert (presets_dir / "keep_me.json").exists()
    assert any("cannot be undone" in w.value for w in at.sidebar.warning)
    at.button(key="delete_preset_no").click().run()
    assert (presets_dir / "keep_me.json").exists()
    assert "delete_preset_yes" not in {b.key for b in at.button}


def test_import_selects_the_preset_and_offers_overwrite_next_to_the_uploader(
    at, presets_dir
):
    import json

    at.run()
    data = {"id": "imported", "name": "Imported", "fence_pct": 300.0}
    upload = ("imported.json", json.dumps(data).encode(), "application/json")
    at.file_uploader(key="import_file").set_value(upload).run()
    assert not at.exception
    assert at.session_state["preset"] == "imported"  # selected, levers applied
    assert at.session_state["fence_pct"] == 300.0
    order = _sidebar_order(at)
    uploader = order.index("file_uploader:import_file")
    assert order[uploader + 1] == "success:", order[uploader:]  # right under it

    again = {**data, "fence_pct": 350.0}
    upload = ("imported.json", json.dumps(again).encode(), "application/json")
    at.file_uploader(key="import_file").set_value(upload).run()
    (warning,) = [w.value for w in at.sidebar.warning]
    assert "overwrite" not in warning.split("'Overwrite'")[0].lower()  # no CLI words
    order = _sidebar_order(at)
    uploader = order.index("file_uploader:import_file")
    assert "button:overwrite_import" in order[uploader : uploader + 4]
    at.button(key="overwrite_import").click().run()
    assert PresetStore().load("imported").fence_pct == 350.0
    assert at.session_state["fence_pct"] == 350.0
