"""Streamlit entry point: page, sidebar, tabs. Thin: the work is in dashboard/.

Run with ``make run``; widgets -> levers -> model (cached) -> figures.
"""

from __future__ import annotations

import streamlit as st

from dashboard import cache, export, figures, i18n, presets_panel, seminar, sidebar
from dashboard.format import plain
from dashboard.views import compare, decade, flows, method, overview, tradeoffs, winners
from model.simulation import ConvergenceError
from scenarios.schema import Scenario
from scenarios.store import PresetError, PresetStore

st.set_page_config(
    page_title="Small yard, high fence: the decoupling dashboard",
    page_icon=":material/fence:",
    layout="wide",
)


def load_presets(store: PresetStore) -> tuple[dict[str, Scenario], dict]:
    """Built-in presets (cached) and this user's saved ones, with their entries."""
    entries, broken = store.list()
    presets = dict(cache.builtin_presets())
    for entry in entries:
        if entry.origin == "user":
            try:
                presets[entry.id] = store.load(entry.id)
            except PresetError as error:
                broken.append(error)
    for problem in broken:
        st.sidebar.warning(f"Skipped a broken preset file: {plain(str(problem))}")
    return presets, {e.id: e for e in entries}


def _enter_seminar() -> None:
    st.query_params[seminar.VIEW_PARAM] = seminar.VIEW_VALUE


def _leave_seminar() -> None:
    for key in (seminar.VIEW_PARAM, seminar.STEP_PARAM):
        st.query_params.pop(key, None)


def language_switch() -> str:
    """English / Chinese, kept in the link (?lang=zh); returns the language."""
    if "lang" not in st.session_state:
        st.session_state["lang"] = i18n.normalise(st.query_params.get("lang"))
    lang = (
        st.segmented_control(
            i18n.t("ui.language", st.session_state["lang"]),
            i18n.LANGUAGES,
            format_func=i18n.language_name,
            key="lang",
            label_visibility="collapsed",
        )
        or i18n.DEFAULT_LANGUAGE
    )
    if lang == i18n.DEFAULT_LANGUAGE:
        st.query_params.pop("lang", None)
    else:
        st.query_params["lang"] = lang
    return lang


store = PresetStore()
presets, entries = load_presets(store)
left, right = st.columns([4, 1])
with right:
    lang = language_switch()
if st.query_params.get(seminar.VIEW_PARAM) == seminar.VIEW_VALUE:
    right.button(
        i18n.t("ui.seminar_exit", lang), on_click=_leave_seminar, key="leave_seminar"
    )
    seminar.render(presets, cache.solve, lang, cache.preset_points())
    st.stop()
right.button(
    i18n.t("ui.seminar_toggle", lang),
    help=i18n.t("ui.seminar_toggle_help", lang),
    on_click=_enter_seminar,
    key="enter_seminar",
)
controls = sidebar.render(presets, entries)
presets_panel.render(store, controls, presets, entries)

left.title("Small yard, high fence: who loses what")
st.caption(
    f"Scenario: **{plain(controls.preset.name)}**"
    + (
        f", changed: {', '.join(controls.changed_from_preset)}"
        if controls.changed_from_preset
        else ""
    )
    + ". A multi-sector Armington trade model calibrated to 2022; every number is a "
    "change from the 2022 baseline, and the deltas compare with the no-controls "
    "reference (2017 tariffs)."
)
try:
    with st.spinner("Solving the equilibrium..."):
        sim = cache.solve(controls.levers)
        reference = cache.reference()
except ConvergenceError as error:
    st.error(
        "The model found no equilibrium for these levers, so no numbers are shown. "
        f"{plain(str(error))}"
    )
    st.stop()

TABS = {  # URL id -> label; only the open tab runs (lazy tabs)
    "overview": "Overview",
    "flows": "Trade flows",
    "winners": "Winners and losers",
    "tradeoffs": "Trade-offs",
    "compare": "Compare",
    "decade": "Decade",
    "method": "Method and sources",
}
if "tab" not in st.session_state:  # a share link may open a tab
    st.session_state["tab"] = TABS.get(st.query_params.get("tab", ""), "Overview")
tabs = dict(
    zip(TABS, st.tabs(list(TABS.values()), key="tab", on_change="rerun"), strict=True)
)
open_tab = next(tab_id for tab_id, tab in tabs.items() if tab.open)
if open_tab == "overview":
    st.query_params.pop("tab", None)
else:
    st.query_params["tab"] = open_tab
compare_figures = []  # the Compare tab may add its charts to the HTML report
with tabs[open_tab]:
    if open_tab == "overview":
        overview.render(sim, reference, cache.preset_points())
    elif open_tab == "flows":
        flows.render(sim, reference)
    elif open_tab == "winners":
        winners.render(sim)
    elif open_tab == "tradeoffs":
        tradeoffs.render(controls.levers, presets, cache.preset_points())
    elif open_tab == "compare":
        compare_figures = compare.render(controls.levers, presets, cache.solve)
    elif open_tab == "decade":
        decade.render(controls.levers, cache.builtin_presets(), cache.baseline())
    else:
        method.render(controls.levers, controls.preset, cache.baseline())

with st.sidebar.expander("Download", expanded=False):
    st.download_button(
        "Results (CSV)",
        data=export.results_csv(sim, reference),
        file_name="decoupling-results.csv",
        mime="text/csv",
        key="download_csv",
    )
    st.download_button(
        "Scenario (JSON)",
        data=export.scenario_json(controls.levers, controls.preset),
        file_name=f"{controls.preset.id}-scenario.json",
        mime="application/json",
        key="download_json",
    )
    if st.button("Build the HTML report", key="build_report"):
        report_figures = [
            figures.security_cost_map(
                cache.preset_points(), overview.current_point(sim)
            ),
            figures.china_imports_sankey(sim, case="This scenario"),
            figures.welfare_bars(sim),
            figures.tech_revenue_heatmap(sim),
            *compare_figures,
        ]
        st.download_button(
            "Report (HTML, works offline)",
            data=export.html_report(
                sim,
                reference,
                controls.preset,
                controls.levers,
                report_figures,
                title=f"Decoupling scenario: {controls.preset.name}",
            ),
            file_name="decoupling-report.html",
            mime="text/html",
            key="download_report",
            on_click="ignore",
        )
