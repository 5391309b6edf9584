"""Compare tab: up to four scenarios side by side, with differences to a reference.

Scenarios are built-in or saved presets, the scenario on screen ("live"), or
snapshots of it pinned as A-D. State in ``st.session_state``: :data:`PINNED_KEY`
(letter -> pinned levers and the preset they came from) and the widget keys below.
Copying a scenario into the sliders is an ``on_click`` callback, like
:func:`dashboard.sidebar.apply_preset`: widget state can only change before the
widgets are drawn.
"""

from __future__ import annotations

from collections.abc import Mapping

import plotly.graph_objects as go
import streamlit as st

from dashboard.context import ViewContext
from dashboard.figures import compare as figs
from dashboard.format import plain
from dashboard.i18n import scenario_text, t
from dashboard.sidebar import PRESET_KEY
from dashboard.theme import PLOTLY_CONFIG
from dashboard.widget_state import keep, restore
from model.levers import LEVERS, Levers
from model.simulation import ConvergenceError, Simulation
from scenarios.schema import Scenario

PINNED_KEY = "compare_pinned"
SELECTION_KEY = "compare_selection"
REFERENCE_KEY = "compare_reference"
REPORT_KEY = "compare_in_report"
SWAP_KEYS = ("compare_swap_a", "compare_swap_b")
CURRENT = "current"
PINNED_PREFIX = "pinned_"
LETTERS = "ABCD"
MAX_SCENARIOS = 4
DEFAULT_REFERENCE = "no_controls"
TABLE_ROW_PX = 35

CHART_KEYS: tuple[str, ...] = ("compare_metric_bars", "compare_welfare_bars")
"""Streamlit keys of this tab's charts."""


def pin_current(levers: Levers, preset_id: str) -> None:
    """on_click: store the scenario on screen as the next free letter A-D and add
    it to the comparison if there is room."""
    pinned = st.session_state.setdefault(PINNED_KEY, {})
    free = [letter for letter in LETTERS if letter not in pinned]
    if not free:
        return
    pinned[free[0]] = {"levers": levers, "preset": preset_id}
    selection = list(st.session_state.get(SELECTION_KEY, []))
    if len(selection) < MAX_SCENARIOS:
        st.session_state[SELECTION_KEY] = [*selection, PINNED_PREFIX + free[0]]


def clear_pins() -> None:
    """on_click: forget every pinned scenario (and drop them from the selection)."""
    st.session_state[PINNED_KEY] = {}
    st.session_state[SELECTION_KEY] = [
        k for k in st.session_state.get(SELECTION_KEY, []) if not _is_pinned(k)
    ]


def copy_into_sliders(levers: Levers, preset_id: str) -> None:
    """on_click: put a scenario's levers into the sidebar (every lever's widget
    state) and select the preset it derives from."""
    for lever in LEVERS:
        st.session_state[lever.name] = levers[lever.name]
    st.session_state[PRESET_KEY] = preset_id


def swap_scenarios() -> None:
    """on_click: swap the positions of the two scenarios chosen for swapping."""
    selection = list(st.session_state.get(SELECTION_KEY, []))
    a, b = (st.session_state.get(key) for key in SWAP_KEYS)
    if a in selection and b in selection and a != b:
        i, j = selection.index(a), selection.index(b)
        selection[i], selection[j] = selection[j], selection[i]
        st.session_state[SELECTION_KEY] = selection


def _is_pinned(option: str) -> bool:
    return option.startswith(PINNED_PREFIX)


def _scenarios(
    levers: Levers,
    presets: Mapping[str, Scenario],
    lang: str = "en",
) -> dict[str, tuple[str, Levers, str | None]]:
    """Every choosable scenario: option -> (label, levers, preset id to select when
    copied into the sliders; None for the live scenario)."""
    here = st.session_state.get(PRESET_KEY)
    fallback = here if here in presets else None
    options: dict[str, tuple[str, Levers, str | None]] = {
        CURRENT: (t("views.compare.live", lang), levers, None)
    }
    for letter, pin in st.session_state.get(PINNED_KEY, {}).items():
        origin = presets.get(pin["preset"])
        if origin is None:
            label = t("views.compare.pinned_custom", lang, letter=letter)
        else:
            name = scenario_text(origin, "name", lang)
            key = (
                "views.compare.pinned"
                if pin["levers"] == origin.levers()
                else "views.compare.pinned_modified"
            )
            label = t(key, lang, letter=letter, name=name)
        target = pin["preset"] if origin is not None else fallback
        options[PINNED_PREFIX + letter] = (label, pin["levers"], target)
    for preset_id, preset in presets.items():
        name = scenario_text(preset, "name", lang)
        options[preset_id] = (name, preset.levers(), preset_id)
    return options


def render(ctx: ViewContext) -> list[go.Figure]:
    """Draw the tab; return the figures to add to the HTML report (none unless the
    user ticked "Include in the HTML report").

    Reads from ``ctx`` the scenario on screen (``levers``), the built-in and saved
    presets, and ``solve`` (Levers -> Simulation, may raise ConvergenceError).
    """
    levers, presets, sim_for, lang = ctx.levers, ctx.presets, ctx.solve, ctx.lang
    st.session_state.setdefault(PINNED_KEY, {})
    scenarios = _scenarios(levers, presets, lang)
    start = [CURRENT] + ([DEFAULT_REFERENCE] if DEFAULT_REFERENCE in presets else [])
    restore(SELECTION_KEY, start)
    kept = [k for k in st.session_state[SELECTION_KEY] if k in scenarios]
    if kept != st.session_state[SELECTION_KEY]:  # a preset was deleted meanwhile
        st.session_state[SELECTION_KEY] = kept[:MAX_SCENARIOS]

    left, right = st.columns([3, 1])
    right.button(
        t("views.compare.pin", lang),
        key="compare_pin",
        on_click=pin_current,
        args=(levers, st.session_state.get(PRESET_KEY, "")),
        disabled=len(st.session_state[PINNED_KEY]) >= len(LETTERS),
        help=t("views.compare.pin_help", lang),
        width="stretch",
    )
    right.button(
        t("views.compare.clear_pins", lang),
        key="compare_clear",
        on_click=clear_pins,
        disabled=not st.session_state[PINNED_KEY],
        width="stretch",
    )
    chosen = left.multiselect(
        t("views.compare.choose", lang),
        list(scenarios),
        key=SELECTION_KEY,
        max_selections=MAX_SCENARIOS,
        format_func=lambda k: scenarios[k][0],
    )
    keep(SELECTION_KEY)
    if not chosen:
        st.info(t("views.compare.choose_info", lang))
        return []

    sims: dict[str, Simulation] = {}
    names: dict[str, str] = {}
    for option, name in zip(
        chosen, figs.scenario_names([scenarios[k][0] for k in chosen]), strict=True
    ):
        try:
            sims[name] = sim_for(scenarios[option][1])
        except ConvergenceError as error:
            st.warning(
                t(
                    "views.compare.no_equilibrium",
                    lang,
                    name=plain(name),
                    error=plain(str(error)),
                )
            )
            continue
        names[option] = name
    if not sims:
        return []

    restore(REFERENCE_KEY, None)
    if st.session_state[REFERENCE_KEY] not in names:
        st.session_state[REFERENCE_KEY] = next(iter(names))
    reference = st.selectbox(
        t("views.compare.differences_against", lang),
        list(names),
        key=REFERENCE_KEY,
        format_func=names.get,
    )
    keep(REFERENCE_KEY)
    _scenario_actions(chosen, names, scenarios, lang)
    table = figs.comparison_table(sims, names[reference], lang)
    st.dataframe(
        table,
        column_config={
            column: st.column_config.NumberColumn(format="%+.3f")
            for column in table.columns
        },
        placeholder=t("format.na", lang),
        height=TABLE_ROW_PX * (len(table) + 1) + 3,
        key="compare_table",
    )
    st.caption(t("views.compare.table_caption", lang))
    metric_bars = figs.compare_metric_bars(sims, lang)
    welfare_bars = figs.compare_welfare_bars(sims, lang)
    st.plotly_chart(metric_bars, config=PLOTLY_CONFIG, key="compare_metric_bars")
    st.plotly_chart(welfare_bars, config=PLOTLY_CONFIG, key="compare_welfare_bars")

    restore(REPORT_KEY, False)
    in_report = st.checkbox(t("views.compare.include_in_report", lang), key=REPORT_KEY)
    keep(REPORT_KEY)
    if in_report:
        table_figure = figs.comparison_table_figure(table, names[reference], lang)
        return [table_figure, metric_bars, welfare_bars]
    return []


def _scenario_actions(
    chosen: list[str],
    names: Mapping[str, str],
    scenarios: Mapping[str, tuple[str, Levers, str | None]],
    lang: str = "en",
) -> None:
    """Per scenario "Copy into the sliders"; "Swap" two scenarios' order."""
    shown = [k for k in chosen if k in names]
    columns = st.columns(max(len(shown), 1))
    for column, option in zip(columns, shown, strict=False):
        _, values, origin = scenarios[option]
        if origin is None:
            column.caption(
                t("views.compare.live_caption", lang, name=plain(names[option]))
            )
            continue
        column.button(
            t("views.compare.copy", lang, name=plain(names[option])),
            key=f"compare_copy_{option}",
            on_click=copy_into_sliders,
            args=(values, origin),
            help=t("views.compare.copy_help", lang),
            width="stretch",
        )
    if len(shown) < 2:
        return
    a, b, go_button = st.columns([2, 2, 1], vertical_alignment="bottom")
    for column, key, label, default in zip(
        (a, b),
        SWAP_KEYS,
        (t("views.compare.swap", lang), t("views.compare.with", lang)),
        shown[:2],
        strict=True,
    ):
        if st.session_state.get(key) not in shown:
            st.session_state[key] = default
        column.selectbox(label, shown, key=key, format_func=names.get)
    go_button.button(
        t("views.compare.swap", lang),
        key="compare_swap",
        on_click=swap_scenarios,
        width="stretch",
    )
