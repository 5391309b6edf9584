"""Winners and losers tab: welfare by region, technology revenue by seller."""

from __future__ import annotations

import streamlit as st

from dashboard.context import ViewContext
from dashboard.figures import winners as figures
from dashboard.i18n import t
from dashboard.theme import PLOTLY_CONFIG

UNITS = {"pct": "views.winners.unit_pct", "usd": "views.winners.unit_usd"}


def render(ctx: ViewContext) -> None:
    sim, lang = ctx.sim, ctx.lang
    unit = st.segmented_control(
        t("views.winners.welfare_in", lang),
        list(UNITS),
        format_func=lambda u: t(UNITS[u], lang),
        key="welfare_unit",
        default="pct",
    )
    st.plotly_chart(
        figures.welfare_bars(sim, unit=unit or "pct", lang=lang),
        config=PLOTLY_CONFIG,
        key="welfare_bars",
    )
    st.plotly_chart(
        figures.tech_revenue_heatmap(sim, lang),
        config=PLOTLY_CONFIG,
        key="tech_revenue",
    )
