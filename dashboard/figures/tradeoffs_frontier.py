"""Figures of the Trade-offs tab, part two: the security-cost plane with the
efficient frontier of the yard x fence grid, and the allied-participation curve.
Plotly only, never streamlit. The grid's heatmaps, and :class:`Current` (where the
scenario on screen sits), are in :mod:`dashboard.figures.tradeoffs`.

Each function reshapes what the model computed and returns a ``go.Figure`` whose
title states the takeaway and whose axes carry units.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.common import figure
from dashboard.figures.labels import place_labels
from dashboard.figures.tradeoffs import Current, grid_column, grid_fence_labels
from dashboard.i18n import t
from dashboard.theme import CURRENT_COLOR, GAIN_COLOR, LOSS_COLOR, NEUTRAL_COLOR
from model import sweeps


def frontier_value(frontier: pd.DataFrame, cost_usd_bn: float) -> float:
    """The highest China cost [%] the grid reaches at ``cost_usd_bn`` or less
    (NaN below the cheapest cell)."""
    reachable = frontier[frontier[sweeps.COALITION_COST] <= cost_usd_bn]
    return float(reachable[sweeps.CHINA_COST].max()) if len(reachable) else np.nan


def _range(values: np.ndarray, pad: float = 0.08) -> tuple[float, float]:
    finite = values[np.isfinite(values)]
    low, high = float(finite.min()), float(finite.max())
    span = max(high - low, 1e-6)
    return low - pad * span, high + pad * span


def frontier_plane(
    grid: sweeps.Grid,
    frontier: pd.DataFrame,
    points: pd.DataFrame,
    current: Current,
    lang: str = "en",
) -> go.Figure:
    """The security-cost plane: the grid (faint), its efficient frontier, the
    built-in presets (labelled) and the scenario on screen (star).

    Parameters
    ----------
    grid : Grid
        The solved yard x fence grid.
    frontier : DataFrame
        :func:`model.sweeps.efficient_frontier` of ``grid.frame``.
    points : DataFrame with columns name, coalition_cost_usd_bn, china_cost_pct
        The built-in presets (``dashboard.cache.preset_points``).
    current : Current
        The scenario on screen.

    The axes span the grid and the scenario; a preset outside them is pinned to
    the edge with its true values in its label.
    """
    cost = grid_column(grid, sweeps.COALITION_COST).ravel()
    gain = grid.surface(sweeps.CHINA_COST).ravel()
    x_range = _range(np.append(cost, current.coalition_cost_usd_bn))
    y_range = _range(np.append(gain, current.china_cost_pct))
    cloud = go.Scatter(
        x=cost,
        y=gain,
        mode="markers",
        marker={"size": 5, "color": NEUTRAL_COLOR, "opacity": 0.25},
        name=t("charts.frontier.grid_cells", lang),
        customdata=grid.frame["yard"].to_numpy(dtype=float),
        text=np.array(grid_fence_labels(grid, lang) * len(grid.yard)),
        hovertemplate=t("charts.frontier.hover_cell", lang),
    )
    line = go.Scatter(
        x=frontier[sweeps.COALITION_COST].to_numpy(dtype=float),
        y=frontier[sweeps.CHINA_COST].to_numpy(dtype=float),
        mode="lines",
        line={"color": LOSS_COLOR, "width": 3, "shape": "hv"},
        name=t("charts.frontier.frontier", lang),
        hovertemplate=t("charts.frontier.hover_frontier", lang),
    )
    presets = _preset_marks(points, x_range, y_range, lang)
    marks = go.Scatter(
        x=presets["x"].tolist(),
        y=presets["y"].tolist(),
        mode="markers+text",
        text=presets["label"].tolist(),
        textfont={"size": 12},
        cliponaxis=False,
        marker={
            "size": 10,
            "color": "white",
            "symbol": ["diamond-wide" if o else "circle" for o in presets["off"]],
            "line": {"color": "#333", "width": 1.5},
        },
        name=t("charts.common.built_in_presets", lang),
        customdata=presets[["cost", "china"]].to_numpy().tolist(),
        hovertemplate=t("charts.frontier.hover_presets", lang),
    )
    star = go.Scatter(
        x=[current.coalition_cost_usd_bn],
        y=[current.china_cost_pct],
        mode="markers",
        marker={"size": 22, "symbol": "star", "color": CURRENT_COLOR},
        name=t("charts.common.this_scenario", lang),
        hovertemplate=t("charts.frontier.hover_current", lang),
    )
    reach = frontier_value(frontier, current.coalition_cost_usd_bn)
    title = (
        t(
            "charts.frontier.title",
            lang,
            cost=f"{current.coalition_cost_usd_bn:.2f}",
            reach=f"{reach:+.2f}",
            china=f"{current.china_cost_pct:+.2f}",
        )
        if np.isfinite(reach)
        else t(
            "charts.frontier.title_cheaper",
            lang,
            china=f"{current.china_cost_pct:+.2f}",
        )
    )
    fig = figure(
        [cloud, line, marks, star],
        title,
        xaxis={
            "title": {"text": t("charts.axes.coalition_cost", lang)},
            "range": list(x_range),
        },
        yaxis={
            "title": {"text": t("charts.axes.china_prices", lang)},
            "range": list(y_range),
        },
        legend={"orientation": "h", "y": -0.18},
        height=560,
    )
    return place_labels(fig, font_px=12)


def _preset_marks(
    points: pd.DataFrame,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    lang: str = "en",
) -> pd.DataFrame:
    """Preset marks: pinned to the edge of the axes when off scale (true values in
    the label), one mark for presets that land on the same spot."""
    cost = points["coalition_cost_usd_bn"].to_numpy(dtype=float)
    china = points["china_cost_pct"].to_numpy(dtype=float)
    marks = pd.DataFrame(
        {
            "name": points["name"].to_numpy(),
            "x": np.clip(cost, *x_range),
            "y": np.clip(china, *y_range),
            "cost": cost,
            "china": china,
        }
    )
    marks["off"] = (marks["x"] != cost) | (marks["y"] != china)
    spot = (
        np.round(marks["x"] / (x_range[1] - x_range[0]), 3).astype(str)
        + ","
        + np.round(marks["y"] / (y_range[1] - y_range[0]), 3).astype(str)
    )
    rows = []
    for _, group in marks.groupby(spot, sort=False):
        first = group.iloc[0]
        label = " / ".join(group["name"])
        if first["off"]:
            label = t(
                "charts.common.off_scale",
                lang,
                name=label,
                cost=f"{first['cost']:.1f}",
                price=f"{first['china']:+.1f}",
            )
        rows.append(first.to_dict() | {"label": label})
    return pd.DataFrame(rows)


def participation_curve(
    sweep: pd.DataFrame, *, who: str, current_share: float, lang: str = "en"
) -> go.Figure:
    """Backfill share and China's technology prices as participation rises.

    Parameters
    ----------
    sweep : DataFrame
        :func:`model.sweeps.participation_sweep`.
    who : str
        Who joins, for the title ("All allies", "Japan").
    current_share : float
        The scenario's participation [0-1], marked by a dashed line.
    """
    share = 100 * sweep["participation"].to_numpy(dtype=float)
    backfill = 100 * sweep["backfill_share"].to_numpy(dtype=float)
    price = sweep[sweeps.CHINA_COST].to_numpy(dtype=float)
    backfill_line = go.Scatter(
        x=share,
        y=backfill,
        mode="lines+markers",
        line={"color": GAIN_COLOR, "width": 3},
        name=t("charts.participation.backfill_trace", lang),
        hovertemplate=t("charts.participation.hover_backfill", lang),
    )
    price_line = go.Scatter(
        x=share,
        y=price,
        yaxis="y2",
        mode="lines+markers",
        line={"color": LOSS_COLOR, "width": 3, "dash": "dot"},
        name=t("charts.participation.china_trace", lang),
        hovertemplate=t("charts.participation.hover_china", lang),
    )
    now = 100 * current_share
    return figure(
        [backfill_line, price_line],
        _participation_title(who, backfill, price, lang),
        xaxis={"title": {"text": t("charts.axes.participation", lang)}},
        yaxis={
            "title": {"text": t("charts.axes.backfill", lang)},
            "rangemode": "tozero",
        },
        yaxis2={
            "title": {"text": t("charts.axes.china_prices_short", lang)},
            "overlaying": "y",
            "side": "right",
            "showgrid": False,
            "tickformat": ".2f",  # "+.2f" writes the zero tick "-0.00"
            "rangemode": "tozero",  # from zero, as the left axis: no exaggeration
        },
        shapes=[
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": now,
                "x1": now,
                "y0": 0,
                "y1": 1,
                "line": {"color": CURRENT_COLOR, "dash": "dash", "width": 1.5},
            }
        ],
        annotations=[
            {
                "x": now,
                "xref": "x",
                "y": 1,
                "yref": "paper",
                "yanchor": "bottom",
                "text": t("charts.common.this_scenario_lower", lang),
                "showarrow": False,
            }
        ],
        legend={"orientation": "h", "y": -0.25},
        height=480,
    )


def _participation_title(
    who: str, backfill: np.ndarray, price: np.ndarray, lang: str = "en"
) -> str:
    b0, b1 = backfill[0], backfill[-1]
    prices = t(
        "charts.participation.prices",
        lang,
        start=f"{price[0]:+.2f}",
        end=f"{price[-1]:+.2f}",
    )
    if not (np.isfinite(b0) and np.isfinite(b1)):
        return t("charts.participation.title_nothing", lang, who=who, prices=prices)
    key = (
        "charts.participation.title_cuts"
        if b1 < b0
        else "charts.participation.title_raises"
    )
    return t(key, lang, who=who, start=f"{b0:.0f}", end=f"{b1:.0f}", prices=prices)
