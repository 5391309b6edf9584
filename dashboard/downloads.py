"""The sidebar's Download panel: results CSV, scenario JSON and the HTML report.

The files themselves are built by :mod:`dashboard.export` (no streamlit); this
module draws the buttons and picks the report's figures: the headline charts of
the scenario on screen, plus whatever the open tab added (the Compare tab's, when
the user ticked "Include in the HTML report").
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import plotly.graph_objects as go
import streamlit as st

from dashboard import export, i18n
from dashboard.context import ViewContext
from dashboard.figures import flows, overview, winners


def report_figures(
    ctx: ViewContext, extra: Sequence[go.Figure] = ()
) -> list[go.Figure]:
    """The HTML report's charts: the security-cost map, the Sankey of China's
    imports, welfare and technology revenue for ``ctx.sim``, then ``extra``."""
    lang = ctx.lang
    return [
        overview.security_cost_map(
            ctx.preset_points(), ctx.sim.metrics.security_cost_point(), lang
        ),
        flows.china_imports_sankey(
            ctx.sim, case=i18n.t("charts.common.this_scenario", lang), lang=lang
        ),
        winners.welfare_bars(ctx.sim, lang=lang),
        winners.tech_revenue_heatmap(ctx.sim, lang),
        *extra,
    ]


def render(ctx: ViewContext, extra_figures: Sequence[go.Figure] = ()) -> None:
    """Draw the Download expander in the sidebar. Nothing is built on a rerun:
    the CSV and the JSON when their button is clicked (a callable ``data``), the
    report when asked for ("Build report"), with :func:`report_figures` and
    ``extra_figures``."""
    lang = ctx.lang
    with st.sidebar.expander(i18n.t("ui.download", lang), expanded=False):
        st.download_button(
            i18n.t("ui.download_csv", lang),
            data=partial(export.results_csv, ctx.sim, ctx.reference),
            file_name="decoupling-results.csv",
            mime="text/csv",
            key="download_csv",
            on_click="ignore",
        )
        st.download_button(
            i18n.t("ui.download_json", lang),
            data=partial(export.scenario_json, ctx.levers, ctx.preset, lang=lang),
            file_name=f"{ctx.preset.id}-scenario.json",
            mime="application/json",
            key="download_json",
            on_click="ignore",
        )
        if st.button(i18n.t("ui.build_report", lang), key="build_report"):
            name = i18n.scenario_text(ctx.preset, "name", lang)
            st.download_button(
                i18n.t("ui.download_report", lang),
                data=export.html_report(
                    ctx.sim,
                    ctx.reference,
                    ctx.preset,
                    ctx.levers,
                    report_figures(ctx, extra_figures),
                    title=i18n.t("ui.report_title", lang, name=name),
                    lang=lang,
                ),
                file_name="decoupling-report.html",
                mime="text/html",
                key="download_report",
                on_click="ignore",
            )
