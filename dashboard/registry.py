"""The dashboard's tabs and pages: which view draws what, and which one is open.

:data:`TABS` is the ordered registry of tab views: URL id (``?tab=``), label key
and ``render(ctx: ViewContext)``. :func:`open_tab` draws the tab bar and says which
tab is open (only that one runs: lazy tabs). :func:`seminar_switch` draws the
button that enters or leaves the seminar page (``?view=seminar``), a page of its
own drawn by :func:`dashboard.views.seminar.render`; :func:`requested_view` says
which page the link asks for (the audience page is
:func:`dashboard.views.vote.render`).

This module lives outside ``dashboard/views/`` because it imports every view, and
views never import one another.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import plotly.graph_objects as go
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from dashboard import i18n
from dashboard.context import ViewContext
from dashboard.views import (
    compare,
    decade,
    flows,
    method,
    overview,
    reality,
    seminar,
    tradeoffs,
    vote,
    winners,
)

TAB_KEY = "tab"
"""The tab bar's widget key (its value is the open tab's label) and the query
parameter with the open tab's id (absent for the first tab)."""


@dataclass(frozen=True)
class Tab:
    """One tab: its URL id, the translation key of its label and its view."""

    id: str
    label_key: str
    render: Callable[[ViewContext], Sequence[go.Figure] | None]
    """Draws the tab; may return figures to add to the HTML report."""

    def label(self, lang: str) -> str:
        """The tab's label in ``lang``."""
        return i18n.t(self.label_key, lang)

    def draw(self, ctx: ViewContext) -> list[go.Figure]:
        """Draw the tab; the figures it adds to the HTML report (often none)."""
        return list(self.render(ctx) or ())


TABS: tuple[Tab, ...] = (
    Tab("overview", "tabs.overview", overview.render),
    Tab("flows", "tabs.flows", flows.render),
    Tab("winners", "tabs.winners", winners.render),
    Tab("tradeoffs", "tabs.tradeoffs", tradeoffs.render),
    Tab("compare", "tabs.compare", compare.render),  # may add its charts to the report
    Tab("decade", "tabs.decade", decade.render),
    Tab("reality", "tabs.reality", reality.render),
    Tab("method", "tabs.method", method.render),
)
"""Every tab, in order; the first opens when the link names none."""
TABS_BY_ID = {tab.id: tab for tab in TABS}


def open_tab(lang: str) -> tuple[Tab, DeltaGenerator]:
    """Draw the tab bar; return the open tab and its container.

    A share link (``?tab=<id>``) may open a tab on the first run of a session; every
    run writes the open tab back into the link. When the language changes, the open
    tab stays open under its new label.
    """
    labels = {tab.id: tab.label(lang) for tab in TABS}
    id_of_label = {tab.label(other): tab.id for other in i18n.LANGUAGES for tab in TABS}
    first = TABS[0].id
    if TAB_KEY not in st.session_state:  # a share link may open a tab
        st.session_state[TAB_KEY] = labels.get(
            st.query_params.get(TAB_KEY, ""), labels[first]
        )
    elif labels.get(id_of_label.get(st.session_state[TAB_KEY], "")) not in (
        None,
        st.session_state[TAB_KEY],
    ):  # the language changed: keep the open tab, under its new label
        st.session_state[TAB_KEY] = labels[id_of_label[st.session_state[TAB_KEY]]]
    containers = dict(
        zip(
            labels,
            st.tabs(list(labels.values()), key=TAB_KEY, on_change="rerun"),
            strict=True,
        )
    )
    open_id = next(tab_id for tab_id, tab in containers.items() if tab.open)
    if open_id == first:
        st.query_params.pop(TAB_KEY, None)
    else:
        st.query_params[TAB_KEY] = open_id
    return TABS_BY_ID[open_id], containers[open_id]


def _enter_seminar() -> None:
    st.query_params[seminar.VIEW_PARAM] = seminar.VIEW_VALUE


def _leave_seminar() -> None:
    for key in (seminar.VIEW_PARAM, seminar.STEP_PARAM):
        st.query_params.pop(key, None)


def requested_view() -> str | None:
    """The page the link asks for: ``seminar``, ``vote`` (the audience page) or
    None (the dashboard)."""
    view = st.query_params.get(seminar.VIEW_PARAM)
    return view if view in (seminar.VIEW_VALUE, vote.VIEW_VALUE) else None


def seminar_switch(container: DeltaGenerator, lang: str) -> bool:
    """Draw the button that enters or leaves the seminar page in ``container``;
    whether this run shows the seminar page."""
    if st.query_params.get(seminar.VIEW_PARAM) == seminar.VIEW_VALUE:
        container.button(
            i18n.t("ui.seminar_exit", lang),
            on_click=_leave_seminar,
            key="leave_seminar",
        )
        return True
    container.button(
        i18n.t("ui.seminar_toggle", lang),
        help=i18n.t("ui.seminar_toggle_help", lang),
        on_click=_enter_seminar,
        key="enter_seminar",
    )
    return False
