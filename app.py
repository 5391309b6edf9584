"""Streamlit entry point: wiring only; the work is in dashboard/.

Run with ``make run``. Each run: language -> presets -> sidebar (levers) -> solve
(cached) -> the open tab's view (dashboard.registry) -> downloads. The seminar page
(``?view=seminar``) replaces everything after the presets; the audience page
(``?view=vote&room=CODE``) everything after the language switch.
"""

from __future__ import annotations

import streamlit as st

from dashboard import (
    context,
    downloads,
    header,
    i18n,
    language,
    presets_panel,
    registry,
    sidebar,
)
from dashboard.format import plain
from dashboard.views import seminar, vote
from model.simulation import ConvergenceError
from scenarios.store import PresetStore

st.set_page_config(
    page_title=i18n.t("ui.page_title", language.requested()),
    page_icon="🚧",  # an emoji: a :material: icon is fetched from the web
    layout="wide",
)

store = PresetStore()
view = registry.requested_view()
left, right = st.columns([4, 1] if view is None else [1, 1])
if view is not None:  # one row: the language switch and the leave button
    right = right.container(horizontal=True, horizontal_alignment="right")
with right:
    lang = language.switch()
if view == vote.VIEW_VALUE:
    vote.render(lang)
    st.stop()
presets, entries = presets_panel.load(store, lang)
page = context.page_context(presets, lang)
if registry.seminar_switch(right, lang):
    seminar.render(page)
    st.stop()
controls = sidebar.render(presets, entries, lang)
presets_panel.render(store, controls, presets, entries, lang)

header.render(left, controls, lang)
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
