"""Trade flows tab: who supplies China, and how every bilateral flow moves."""

from __future__ import annotations

import streamlit as st

from dashboard import figures
from dashboard.theme import PLOTLY_CONFIG, sector_label
from model.names import TECH_SECTORS
from model.simulation import Simulation

MEASURES = {"volume": "Volume (quantities)", "value": "Value (USD)"}


def render(sim: Simulation, reference: Simulation) -> None:
    left, right = st.columns(2)
    left.plotly_chart(
        figures.china_imports_sankey(reference, case="Reference (2017 tariffs)"),
        config=PLOTLY_CONFIG,
        key="sankey_reference",
    )
    right.plotly_chart(
        figures.china_imports_sankey(sim, case="This scenario"),
        config=PLOTLY_CONFIG,
        key="sankey_scenario",
    )
    left, right = st.columns(2)
    sector = left.selectbox(
        "Sector for the bilateral map",
        TECH_SECTORS,
        format_func=sector_label,
        key="flows_sector",
    )
    measure = right.segmented_control(
        "Change in",
        list(MEASURES),
        format_func=MEASURES.get,
        key="flows_measure",
        default="volume",
    )
    st.plotly_chart(
        figures.bilateral_change_heatmap(sim, sector, measure=measure or "volume"),
        config=PLOTLY_CONFIG,
        key="bilateral_change_heatmap",
    )
    st.plotly_chart(
        figures.china_imports_bars(sim, reference),
        config=PLOTLY_CONFIG,
        key="china_imports_bars",
    )
