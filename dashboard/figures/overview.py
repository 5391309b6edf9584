"""Figures of the Overview tab: the security-cost map of the built-in presets and
the scenario on screen. Plotly only, never streamlit.

Every function takes what the model computed (here
:meth:`model.metrics.Metrics.security_cost_point` of each scenario) and keyword
options, and returns a figure whose title states the takeaway and whose axes carry
units. No number is computed here that a test of the model should pin.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.common import figure, signed
from dashboard.figures.labels import place_labels
from dashboard.i18n import t
from dashboard.theme import CURRENT_COLOR, NEUTRAL_COLOR

LABEL_FONT_PX = 13
OFF_SCALE_IQR = 8.0
"""Points further than this many interquartile ranges from the middle half are
pinned to the edge of the axes (with their true values in the label)."""


def _visible_range(values: np.ndarray) -> tuple[float, float]:
    """Axis range that keeps the bulk of the points readable."""
    finite = values[np.isfinite(values)]
    q1, q3 = np.percentile(finite, [25, 75])
    spread = max(q3 - q1, 0.05 * max(abs(q1), abs(q3), 1e-9), 1e-9)
    inside = finite[
        (finite >= q1 - OFF_SCALE_IQR * spread)
        & (finite <= q3 + OFF_SCALE_IQR * spread)
    ]
    low, high = float(inside.min()), float(inside.max())
    pad = 0.15 * max(high - low, 1e-9)
    return low - pad, high + pad


def _merge_coincident(
    labels: list[str],
    x: np.ndarray,
    y: np.ndarray,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
) -> list[str]:
    """Points drawn on (nearly) the same spot share one label, joined by ' / '."""
    scale = np.array([x_range[1] - x_range[0], y_range[1] - y_range[0]])
    spots = np.round(np.column_stack([x, y]) / (0.01 * scale))
    merged = list(labels)
    for k in range(len(labels)):
        same = [j for j in range(len(labels)) if (spots[j] == spots[k]).all()]
        if len(same) > 1:
            merged[k] = " / ".join(labels[j] for j in same) if k == same[0] else ""
    return merged


def security_cost_map(
    points: pd.DataFrame, current: Mapping[str, float], lang: str = "en"
) -> go.Figure:
    """China's technology cost against the coalition's welfare cost.

    Parameters
    ----------
    points : DataFrame with columns name, coalition_cost_usd_bn, china_cost_pct
        One row per built-in preset.
    current : mapping with the same fields
        The scenario on screen (:meth:`model.metrics.Metrics.security_cost_point`),
        drawn as a highlighted star.

    A preset far beyond all others (full decoupling) would squash the rest into a
    corner; it is drawn at the edge of the axes with its true values in the label.
    """
    x_all = np.append(points["coalition_cost_usd_bn"], current["coalition_cost_usd_bn"])
    y_all = np.append(points["china_cost_pct"], current["china_cost_pct"])
    x_range, y_range = _visible_range(x_all), _visible_range(y_all)
    x = points["coalition_cost_usd_bn"].clip(*x_range)
    y = points["china_cost_pct"].clip(*y_range)
    off = (x != points["coalition_cost_usd_bn"]) | (y != points["china_cost_pct"])
    names = _merge_coincident(
        list(points["name"]), x.to_numpy(), y.to_numpy(), x_range, y_range
    )  # one label, and one off-scale note, per spot
    labels = [
        t(
            "charts.common.off_scale",
            lang,
            name=name,
            cost=f"{cost:.0f}",
            price=f"{price:+.1f}",
        )
        if is_off and name
        else name
        for name, cost, price, is_off in zip(
            names,
            points["coalition_cost_usd_bn"],
            points["china_cost_pct"],
            off,
            strict=True,
        )
    ]
    presets = go.Scatter(
        x=x.tolist(),
        y=y.tolist(),
        mode="markers+text",
        text=labels,
        cliponaxis=False,
        textfont={"size": LABEL_FONT_PX},
        marker={
            "size": 13,
            "color": NEUTRAL_COLOR,
            "symbol": ["diamond-wide" if o else "circle" for o in off],
            "line": {"width": 1},
        },
        customdata=np.column_stack(
            [points["coalition_cost_usd_bn"], points["china_cost_pct"]]
        ).tolist(),
        name=t("charts.common.built_in_presets", lang),
        hovertemplate=t("charts.security_cost_map.hover_presets", lang),
    )
    star = go.Scatter(
        x=[float(np.clip(current["coalition_cost_usd_bn"], *x_range))],
        y=[float(np.clip(current["china_cost_pct"], *y_range))],
        mode="markers",
        marker={"size": 24, "color": CURRENT_COLOR, "symbol": "star"},
        name=t("charts.common.this_scenario", lang),
        hovertemplate=t(
            "charts.security_cost_map.hover_current",
            lang,
            cost=f"{float(current['coalition_cost_usd_bn']):.2f}",
            china=f"{float(current['china_cost_pct']):+.2f}",
        ),
    )
    title = t(
        "charts.security_cost_map.title",
        lang,
        china=signed(float(current["china_cost_pct"])),
        cost=f"{float(current['coalition_cost_usd_bn']):.2f}",
    )
    fig = figure(
        [presets, star],
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
    return place_labels(fig, font_px=LABEL_FONT_PX)
