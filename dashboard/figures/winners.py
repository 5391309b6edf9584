"""Figures of the Winners tab: welfare change by region and the change in
technology sales by region and sector. Plotly only, never streamlit.

Every function takes a :class:`model.simulation.Simulation` (element 0) and
keyword options, reshapes what the model computed, and returns a figure whose
title states the takeaway and whose axes carry units.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from dashboard.figures.common import signed, signed_cells, styled
from dashboard.i18n import region, sector, t
from dashboard.theme import GAIN_COLOR, LOSS_COLOR, REGION_COLORS
from model.names import TECH_SECTORS
from model.simulation import Simulation


def welfare_bars(sim: Simulation, *, unit: str = "pct", lang: str = "en") -> go.Figure:
    """Welfare change by region, in % of spending or USD bn a year."""
    regions = sim.regions_frame()
    column = "welfare_change_pct" if unit == "pct" else "welfare_change_usd_bn"
    axis = t(
        "charts.axes.welfare_pct" if unit == "pct" else "charts.axes.welfare_usd", lang
    )
    values = regions[column].to_numpy()
    fig = go.Figure(
        go.Bar(
            x=regions.region.tolist(),
            y=values.tolist(),
            marker={
                "color": [REGION_COLORS[r] for r in regions.region],
                "line": {"color": "#333", "width": 1},
            },
            text=[signed(v, "%" if unit == "pct" else "", 3) for v in values],
            textposition="outside",
            hovertemplate="%{x}: %{y:.4f}<extra></extra>",
        )
    )
    loser = regions.region[int(np.nanargmin(values))]
    winner = regions.region[int(np.nanargmax(values))]
    title = t(
        "charts.welfare_bars.title",
        lang,
        loser=region(loser, lang),
        winner=region(winner, lang),
    )
    return styled(
        fig,
        title,
        yaxis_title=axis,
        xaxis_title=t("charts.axes.region", lang),
        height=480,
    )


def tech_revenue_heatmap(sim: Simulation, lang: str = "en") -> go.Figure:
    """Change in technology sales (all destinations) by region and sector [USD bn]."""
    flows = sim.flows_frame()
    tech = flows[flows.sector.isin(TECH_SECTORS)]
    sales = tech.groupby(["exporter", "sector"])[
        ["baseline_usd_bn", "scenario_usd_bn"]
    ].sum()
    change = (sales.scenario_usd_bn - sales.baseline_usd_bn).unstack("sector")
    change = change.loc[list(sim.baseline.regions), list(TECH_SECTORS)]
    values = change.to_numpy()
    largest = float(np.abs(values).max()) or 1.0
    fig = go.Figure(
        go.Heatmap(
            z=values.tolist(),
            x=[sector(s, lang) for s in TECH_SECTORS],
            y=list(change.index),
            text=signed_cells(values).tolist(),
            texttemplate="%{text}",
            colorscale=[[0, LOSS_COLOR], [0.5, "#ffffff"], [1, GAIN_COLOR]],
            zmin=-largest,
            zmax=largest,
            colorbar={"title": {"text": t("charts.axes.usd_bn", lang)}},
            hovertemplate=t("charts.tech_revenue.hover", lang),
        )
    )
    row, col = np.unravel_index(np.argmin(values), values.shape)
    sector_name = sector(TECH_SECTORS[col], lang)
    title = t(
        "charts.tech_revenue.title",
        lang,
        region=change.index[row],
        sector=sector_name.lower() if lang == "en" else sector_name,
        value=f"{values[row, col]:+.2f}",
    )
    return styled(
        fig,
        title,
        xaxis_title=t("charts.axes.sector", lang),
        yaxis_title=t("charts.axes.seller", lang),
        yaxis={"autorange": "reversed"},
        height=480,
    )
