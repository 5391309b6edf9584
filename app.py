"""Streamlit entry point: page, sidebar, tabs. Thin: the work is in dashboard/.

Run with ``make run``; widgets -> levers -> model (cached) -> figures.
"""

from __future__ import annotations

import streamlit as st

from dashboard import (
    cache,
    context,
    downloads,
    i18n,
    language,
    presets_panel,
    registry,
    sidebar,
)
from dashboard.format import plain
from dashboard.views import seminar
from model.simulation import ConvergenceError
from scenarios.schema import Scenario
from scenarios.store import PresetError, PresetStore

st.set_page_config(
    page_title=i18n.t("ui.page_title", language.requested()),
    page_icon="🚧",  # an emoji: a :material: icon is fetched from the web
    layout="wide",
)


def load_presets(
    store: PresetStore, lang: str = "en"
) -> tuple[dict[str, Scenario], dict]:
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
        st.sidebar.warning(
            i18n.t("messages.broken_preset", lang, problem=plain(str(problem)))
        )
    return presets, {e.id: e for e in entries}


store = PresetStore()
left, right = st.columns([4, 1])
with right:
    lang = language.switch()
presets, entries = load_presets(store, lang)
page = context.page_context(presets, lang)
if registry.seminar_switch(right, lang):
    seminar.render(page)
    st.stop()
controls = sidebar.render(presets, entries, lang)
presets_panel.render(store, controls, presets, entries, lang)
preset_name = i18n.scenario_text(controls.preset, "name", lang)

left.title(i18n.t("ui.title", lang))
st.caption(
    i18n.t("ui.caption_scenario", lang, name=plain(preset_name))
    + (
        i18n.t(
            "ui.caption_changed",
            lang,
            levers=i18n.t("ui.list_separator", lang).join(
                i18n.lever_label(name, lang) if lang != "en" else name
                for name in controls.changed_from_preset
            ),
        )
        if controls.changed_from_preset
        else ""
    )
    + i18n.t("ui.caption_model", lang)
)
try:
    with st.spinner(i18n.t("messages.solving", lang)):
        ctx = context.view_context(page, controls.levers, controls.preset)
except ConvergenceError as error:
    st.error(i18n.t("messages.no_equilibrium", lang, error=plain(str(error))))
    st.stop()

tab, container = registry.open_tab(lang)
with container:  # only the open tab runs (lazy tabs)
    report_figures = tab.draw(ctx)  # the Compare tab may add its charts
downloads.render(ctx, report_figures)
