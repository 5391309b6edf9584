"""Plotly figures: a solved scenario in, a ``go.Figure`` out. Never imports streamlit.

Every function takes :class:`model.simulation.Simulation` objects (element 0) and
keyword options, reshapes what the model computed, and returns a figure whose
title states the takeaway and whose axes carry units. No number is computed here
that a test of the model should pin; the model's tidy accessors do the maths.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.i18n import region, sector, t
from dashboard.theme import (
    CURRENT_COLOR,
    GAIN_COLOR,
    LOSS_COLOR,
    NEUTRAL_COLOR,
    REGION_COLORS,
    SECTOR_COLORS,
)
from dashboard.theme import layout as theme_layout
from model.names import TARGET, TECH_SECTORS
from model.simulation import Simulation


def _layout(fig: go.Figure, title: str, **layout: object) -> go.Figure:
    fig.update_layout(**theme_layout(title, **layout))
    return fig


def _signed(value: float, unit: str = "%", digits: int = 2) -> str:
    return f"{value:+.{digits}f}{unit}"


MEASURE_KEYS = {"volume": "charts.common.volume", "value": "charts.common.value"}
"""The word of each measure of :func:`bilateral_change_heatmap`."""

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


def _label_sides(x: np.ndarray, x_range: tuple[float, float]) -> list[str]:
    """Labels point inward: left of points in the right half, right of the others,
    so that no label runs off the plot."""
    middle = (x_range[0] + x_range[1]) / 2
    return ["middle left" if v > middle else "middle right" for v in x]


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
    labels = [
        t(
            "charts.common.off_scale",
            lang,
            name=name,
            cost=f"{cost:.0f}",
            price=f"{price:+.1f}",
        )
        if is_off
        else name
        for name, cost, price, is_off in zip(
            points["name"],
            points["coalition_cost_usd_bn"],
            points["china_cost_pct"],
            off,
            strict=True,
        )
    ]
    labels = _merge_coincident(labels, x.to_numpy(), y.to_numpy(), x_range, y_range)
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=x.tolist(),
            y=y.tolist(),
            mode="markers+text",
            text=labels,
            textposition=_label_sides(x.to_numpy(), x_range),
            cliponaxis=False,
            textfont={"size": 13},
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
    )
    fig.add_trace(
        go.Scatter(
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
    )
    title = t(
        "charts.security_cost_map.title",
        lang,
        china=_signed(float(current["china_cost_pct"])),
        cost=f"{float(current['coalition_cost_usd_bn']):.2f}",
    )
    return _layout(
        fig,
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


def china_imports_sankey(sim: Simulation, *, case: str, lang: str = "en") -> go.Figure:
    """China's technology imports by foreign supplier and sector (values, USD bn).

    Node order is fixed (regions, then sectors), so the reference and the scenario
    drawn side by side line up.
    """
    flows = sim.flows_frame()
    rows = flows[
        (flows.importer == TARGET)
        & (flows.exporter != TARGET)
        & flows.sector.isin(TECH_SECTORS)
        & (flows.scenario_usd_bn > 0)
    ]
    suppliers = [r for r in sim.baseline.regions if r != TARGET]
    labels = [region(r, lang) for r in suppliers] + [
        sector(s, lang) for s in TECH_SECTORS
    ]
    colors = [REGION_COLORS[r] for r in suppliers] + [
        SECTOR_COLORS[s] for s in TECH_SECTORS
    ]
    fig = go.Figure(
        go.Sankey(
            arrangement="fixed",
            node={"label": labels, "color": colors, "pad": 12, "thickness": 18},
            link={
                "source": [suppliers.index(e) for e in rows.exporter],
                "target": [len(suppliers) + TECH_SECTORS.index(s) for s in rows.sector],
                "value": rows.scenario_usd_bn.tolist(),
                "color": [_alpha(REGION_COLORS[e], 0.45) for e in rows.exporter],
            },
            valueformat=".2f",
            valuesuffix=t("charts.sankey.value_suffix", lang),
        )
    )
    title = t(
        "charts.sankey.title",
        lang,
        case=case,
        value=f"{rows.scenario_usd_bn.sum():,.1f}",
    )
    return _layout(fig, title, height=520, font={"size": 14})


def _alpha(hex_color: str, alpha: float) -> str:
    r, g, b = (int(hex_color[k : k + 2], 16) for k in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def bilateral_change_heatmap(
    sim: Simulation,
    sector_code: str,
    *,
    measure: str = "volume",
    zmax: float = 20,
    lang: str = "en",
) -> go.Figure:
    """Percent change of every bilateral flow in one sector (exporter x importer).

    ``measure`` is "volume" (delivered quantities at 2022 prices) or "value".
    The title names the largest cut in USD bn, not in percent: a tiny flow can
    halve without mattering.
    """
    flows = sim.flows_frame()
    part = flows[flows.sector == sector_code]
    column = "volume_change_pct" if measure == "volume" else "change_pct"
    level = "scenario_volume_usd_bn" if measure == "volume" else "scenario_usd_bn"
    order = list(sim.baseline.regions)
    table = part.pivot(index="exporter", columns="importer", values=column)
    values = table.loc[order, order].to_numpy()
    text = np.where(
        np.isnan(values),
        t("charts.common.no_trade", lang),
        np.char.mod("%+.1f%%", np.nan_to_num(values)),
    )
    largest = float(np.nanmax(np.abs(values))) if np.isfinite(values).any() else 0.0
    fig = go.Figure(
        go.Heatmap(
            z=values.tolist(),
            x=order,
            y=order,
            text=text.tolist(),
            texttemplate="%{text}",
            colorscale="RdBu",
            zmid=0,
            zmin=-max(zmax, largest),
            zmax=max(zmax, largest),
            colorbar={
                "title": {
                    "text": t(
                        "charts.axes.measure_change",
                        lang,
                        measure=t(MEASURE_KEYS[measure], lang),
                    )
                }
            },
            hovertemplate=t("charts.bilateral.hover", lang),
        )
    )
    cut = (part[level] - part.baseline_usd_bn).to_numpy()
    k = int(np.argmin(cut))
    worst = part.iloc[k]
    title = (
        t(
            "charts.bilateral.title",
            lang,
            sector=sector(sector_code, lang),
            exporter=worst.exporter,
            importer=worst.importer,
            cut=f"{cut[k]:+.2f}",
            pct=f"{worst[column]:+.1f}",
            measure=t(MEASURE_KEYS[measure], lang),
        )
        if cut[k] < 0
        else t("charts.bilateral.title_none", lang, sector=sector(sector_code, lang))
    )
    return _layout(
        fig,
        title,
        xaxis_title=t("charts.axes.importer", lang),
        yaxis_title=t("charts.axes.exporter", lang),
        yaxis={"autorange": "reversed"},
        height=560,
    )


def china_imports_bars(
    sim: Simulation, reference: Simulation, lang: str = "en"
) -> go.Figure:
    """China's technology imports by supplier, stacked by sector, reference vs now."""
    frames = []
    cases = (
        (t("charts.common.reference", lang), reference),
        (t("charts.common.this_scenario", lang), sim),
    )
    for case, result in cases:
        flows = result.flows_frame()
        rows = flows[
            (flows.importer == TARGET)
            & (flows.exporter != TARGET)
            & flows.sector.isin(TECH_SECTORS)
        ]
        frames.append(rows.assign(case=case))
    data = pd.concat(frames)
    fig = go.Figure()
    for code in TECH_SECTORS:
        part = data[data.sector == code]
        fig.add_trace(
            go.Bar(
                x=[part.exporter.tolist(), part.case.tolist()],
                y=part.scenario_usd_bn.tolist(),
                name=sector(code, lang),
                marker={"color": SECTOR_COLORS[code]},
            )
        )
    totals = data.groupby("case")["scenario_usd_bn"].sum()
    change = 100 * (totals[cases[1][0]] / totals[cases[0][0]] - 1)
    title = t("charts.china_imports_bars.title", lang, change=_signed(change))
    return _layout(
        fig,
        title,
        barmode="stack",
        yaxis_title=t("charts.axes.imports", lang),
        xaxis_title=t("charts.axes.supplier_case", lang),
        height=520,
    )


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
            text=[_signed(v, "%" if unit == "pct" else "", 3) for v in values],
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
    return _layout(
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
            text=np.char.mod("%+.2f", values).tolist(),
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
    return _layout(
        fig,
        title,
        xaxis_title=t("charts.axes.sector", lang),
        yaxis_title=t("charts.axes.seller", lang),
        yaxis={"autorange": "reversed"},
        height=480,
    )
