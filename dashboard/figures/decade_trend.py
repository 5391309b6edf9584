"""The market trend of the decade path: each technology sector's world market
with no policy (:mod:`model.market_trend`), USD bn at 2022 prices, log scale."""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.figures.common import figure
from dashboard.i18n import sector, t, unit
from dashboard.theme import SECTOR_COLORS
from model.data import Baseline
from model.market_trend import world_markets
from model.names import TECH_SECTORS


def trend_figure(
    baseline: Baseline, years: tuple[int, ...], lang: str = "en"
) -> go.Figure:
    """One line per technology sector: its world market on the trend [USD bn]."""
    markets = [world_markets(baseline, year) for year in years]
    traces = [
        {
            "type": "scatter",
            "x": list(years),
            "y": [float(m[k]) for m in markets],
            "mode": "lines",
            "line": {"color": SECTOR_COLORS.get(code), "width": 2},
            "name": sector(code, lang),
            "hovertemplate": "%{x}: %{y:,.1f}<extra></extra>",
        }
        for k, code in enumerate(baseline.sectors)
        if code in TECH_SECTORS
    ]
    return figure(
        traces,
        t("views.decade.trend", lang),
        yaxis={"type": "log", "title": {"text": unit("USD bn", lang)}},
        xaxis={"dtick": 2},
        legend={"orientation": "h", "y": -0.2},
        height=380,
    )
