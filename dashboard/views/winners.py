"""Winners and losers tab: welfare by region, technology revenue by seller."""

from __future__ import annotations

import streamlit as st

from dashboard import figures
from dashboard.theme import PLOTLY_CONFIG
from model.simulation import Simulation

UNITS = {"pct": "% of spending", "usd": "USD bn a year"}


def render(sim: Simulation) -> None:
    unit = st.segmented_control(
        "Welfare in",
        list(UNITS),
        format_func=UNITS.get,
        key="welfare_unit",
        default="pct",
    )
    st.plotly_chart(
        figures.welfare_bars(sim, unit=unit or "pct"),
        config=PLOTLY_CONFIG,
        key="welfare_bars",
    )
    st.plotly_chart(
        figures.tech_revenue_heatmap(sim), config=PLOTLY_CONFIG, key="tech_revenue"
    )
