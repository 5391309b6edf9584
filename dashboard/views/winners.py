"""Winners and losers tab: welfare by region, technology revenue by seller."""

from __future__ import annotations

import streamlit as st

from dashboard import fullres
from dashboard.context import ViewContext
from dashboard.figures import winners as figures
from dashboard.figures import world_map
from dashboard.i18n import region, t
from dashboard.theme import PLOTLY_CONFIG
from model.fullres import load_lever_map

UNITS = {"pct": "views.winners.unit_pct", "usd": "views.winners.unit_usd"}


def render(ctx: ViewContext) -> None:
    if fullres.switch("fullres_winners", ctx.lang):
        fullres.render_welfare(ctx)
        return
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
    welfare = sim.regions_frame().set_index("region")["welfare_change_pct"]
    st.plotly_chart(
        world_map.region_welfare_map(
            welfare.to_dict(),
            {code: region(code, lang) for code in welfare.index},
            load_lever_map().group_of,
            load_lever_map().economies,
            title=t("views.winners.map_title", lang),
            colorbar_title=t("views.winners.map_colorbar", lang),
        ),
        config=PLOTLY_CONFIG,
        key="welfare_map",
    )
    st.plotly_chart(
        figures.tech_revenue_heatmap(sim, lang),
        config=PLOTLY_CONFIG,
        key="tech_revenue",
    )
