"""Trade flows tab: who supplies China, and how every bilateral flow moves."""

from __future__ import annotations

import streamlit as st

from dashboard import fullres
from dashboard.context import ViewContext
from dashboard.figures import flows as figures
from dashboard.i18n import sector, t
from dashboard.theme import PLOTLY_CONFIG
from model.names import TECH_SECTORS

MEASURES = {
    "volume": "views.flows.measure_volume",
    "value": "views.flows.measure_value",
}


def render(ctx: ViewContext) -> None:
    if fullres.switch("fullres_flows", ctx.lang):
        fullres.render_imports(ctx)
        return
    sim, reference, lang = ctx.sim, ctx.reference, ctx.lang
    left, right = st.columns(2)
    left.plotly_chart(
        figures.china_imports_sankey(
            reference, case=t("charts.common.reference_2017", lang), lang=lang
        ),
        config=PLOTLY_CONFIG,
        key="sankey_reference",
    )
    right.plotly_chart(
        figures.china_imports_sankey(
            sim, case=t("charts.common.this_scenario", lang), lang=lang
        ),
        config=PLOTLY_CONFIG,
        key="sankey_scenario",
    )
    left, right = st.columns(2)
    code = left.selectbox(
        t("views.flows.sector_select", lang),
        TECH_SECTORS,
        format_func=lambda s: sector(s, lang),
        key="flows_sector",
    )
    measure = right.segmented_control(
        t("views.flows.change_in", lang),
        list(MEASURES),
        format_func=lambda m: t(MEASURES[m], lang),
        key="flows_measure",
        default="volume",
    )
    st.plotly_chart(
        figures.bilateral_change_heatmap(
            sim, code, measure=measure or "volume", lang=lang
        ),
        config=PLOTLY_CONFIG,
        key="bilateral_change_heatmap",
    )
    st.plotly_chart(
        figures.china_imports_bars(sim, reference, lang),
        config=PLOTLY_CONFIG,
        key="china_imports_bars",
    )
