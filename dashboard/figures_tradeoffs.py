"""Figures of the Trade-offs and Compare tabs. Plotly only, never streamlit.

Trade-offs: yard x fence heatmaps (:class:`model.sweeps.Grid`) with the scenario on
screen marked, the security-cost plane with the efficient frontier, and the
allied-participation curve. Compare: a table of headline metrics with differences
against a reference, grouped bars of the metrics and of welfare by region.

Each function reshapes what the model computed and returns a ``go.Figure`` whose
title states the takeaway and whose axes carry units.

Where the scenario on screen sits on the grid: its yard size is the mean of its six
scope levers (:func:`model.sweeps.yard_size`; the grid's own scopes have exactly
that mean), its fence is ``fence_pct``, or the "denied" column when prohibitive.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.i18n import metric_label, region, t, unit
from dashboard.theme import (
    CURRENT_COLOR,
    GAIN_COLOR,
    LOSS_COLOR,
    NEUTRAL_COLOR,
)
from dashboard.theme import layout as theme_layout
from model import sweeps
from model.levers import Levers
from model.metrics import METRICS, METRICS_BY_NAME
from model.names import YARD_ORDER
from model.simulation import Simulation

SCENARIO_COLORS: tuple[str, ...] = ("#4477AA", "#EE6677", "#228833", "#CCBB44")
"""Compare tab, scenarios A-D: Paul Tol's 'bright' scheme (colour-blind safe)."""

COMPARE_METRICS: dict[str, str] = {
    "china_tech_price_change_pct": "China's tech prices (%)",
    "china_tech_imports_from_coalition_change_pct": "China's tech imports from "
    "the coalition (%)",
    "coalition_tech_revenue_change_usd_bn": "Coalition tech revenue (USD bn)",
    "coalition_welfare_change_usd_bn": "Coalition welfare (USD bn)",
    "backfill_share": "Backfill by others (share)",
    "cost_effectiveness": "China's cost per USD bn lost (pp)",
}
"""The metrics of the Compare tab's bar chart, with short panel titles (the table
shows every scalar metric)."""

YARD_TICKS: tuple[str, ...] = (
    "none",
    "AI chips",
    "+ tools",
    "+ chips",
    "+ telecom",
    "+ aerospace",
    "+ ICT hw",
)
"""Labels of yard sizes k/6: the sector fully covered at that size (YARD_ORDER:
AI accelerators, chip-making tools, other chips, telecom, aerospace and
instruments, ICT hardware)."""

HEATMAPS: dict[str, tuple[str, str, str]] = {
    "china_cost": (
        sweeps.CHINA_COST,
        "China's technology prices (% change)",
        "Oranges",
    ),
    "coalition_cost": (
        sweeps.COALITION_COST,
        "Coalition welfare lost (USD bn a year)",
        "Blues",
    ),
    "cost_effectiveness": (
        "cost_effectiveness",
        "pp of China's prices per USD bn lost",
        "Viridis",
    ),
}
"""Heatmap kinds: (grid column, colour-bar title, colour scale)."""

YARD_TICK_KEYS: tuple[str, ...] = (
    "charts.yard_ticks.none",
    "charts.yard_ticks.ai_chips",
    "charts.yard_ticks.sme",
    "charts.yard_ticks.chips",
    "charts.yard_ticks.telecom",
    "charts.yard_ticks.frontier",
    "charts.yard_ticks.ict_hw",
)
"""The texts of :data:`YARD_TICKS`, by key."""

HEATMAP_UNIT_KEYS: dict[str, str] = {
    "china_cost": "charts.heatmap.china_cost_unit",
    "coalition_cost": "charts.heatmap.coalition_cost_unit",
    "cost_effectiveness": "charts.heatmap.cost_effectiveness_unit",
}
"""The texts of the colour-bar titles of :data:`HEATMAPS`, by key."""


def _yard_ticks(lang: str) -> list[str]:
    return [t(key, lang) for key in YARD_TICK_KEYS]


def _fence_labels(grid: sweeps.Grid, lang: str) -> list[str]:
    """The grid's fence labels, "denied" in ``lang``."""
    denied = t("charts.common.denied", lang)
    return [denied if lab == sweeps.DENIED_LABEL else lab for lab in grid.labels()]


def _layout(fig: go.Figure, title: str, **layout: object) -> go.Figure:
    fig.update_layout(**theme_layout(title, **layout))
    return fig


def _figure(data: list, title: str, **layout: object) -> go.Figure:
    """A figure with its layout given at construction: several times faster than
    ``update_layout`` (the tab redraws these on every rerun)."""
    return go.Figure(
        data=data,
        layout=theme_layout(title, **layout),
    )


@dataclass(frozen=True)
class Current:
    """The scenario on screen, placed on the grid and the security-cost plane."""

    yard: float  # mean of the six scopes [0-1]
    fence_pct: float  # fence height [% tariff equivalent]
    prohibitive: bool  # presumption of denial
    china_cost_pct: float  # china_tech_price_change_pct [%]
    coalition_cost_usd_bn: float  # -coalition_welfare_change_usd_bn [USD bn]
    cost_effectiveness: float  # [pp per USD bn]; NaN when undefined

    def value(self, kind: str) -> float:
        """The value shown on heatmap ``kind`` (a key of :data:`HEATMAPS`)."""
        return {
            "china_cost": self.china_cost_pct,
            "coalition_cost": self.coalition_cost_usd_bn,
            "cost_effectiveness": self.cost_effectiveness,
        }[kind]


def current_point(levers: Levers, sim: Simulation) -> Current:
    """Where the scenario (``levers``, solved as ``sim``) sits in the trade-off."""
    return Current(
        yard=sweeps.yard_size(levers),
        fence_pct=float(levers["fence_pct"]),
        prohibitive=bool(levers["prohibitive"]),
        **sim.metrics.security_cost_point(),
        cost_effectiveness=sim.metrics.scalar("cost_effectiveness"),
    )


def _grid_column(grid: sweeps.Grid, column: str) -> np.ndarray:
    if column == sweeps.COALITION_COST:
        return 0.0 - grid.surface("coalition_welfare_change_usd_bn")
    return grid.surface(column)


def fence_positions(grid: sweeps.Grid) -> np.ndarray:
    """x positions of the fence columns: the heights, then "denied" one step on."""
    heights = grid.fence_pct[~grid.prohibitive]
    step = heights[1] - heights[0] if heights.size > 1 else sweeps.FENCE_MAX_PCT / 5
    x = grid.fence_pct.astype(float).copy()
    x[grid.prohibitive] = heights.max() + step
    return x


def marker_x(grid: sweeps.Grid, current: Current) -> float:
    """The x position of the scenario on a heatmap of ``grid``."""
    return float(
        fence_positions(grid)[-1] if current.prohibitive else current.fence_pct
    )


def _fence_axis(grid: sweeps.Grid, lang: str = "en") -> dict[str, object]:
    x = fence_positions(grid)
    ticks = [v for v in (0, 100, 200, 300, 400) if v < sweeps.FENCE_MAX_PCT]
    return {
        "title": {"text": t("charts.axes.fence", lang), "font": {"size": 14}},
        "tickvals": [*ticks, float(x[-1])],
        "ticktext": [f"{v}" for v in ticks] + [t("charts.common.denied", lang)],
        "tickfont": {"size": 12},
        "range": [float(x[0] - (x[1] - x[0]) / 2), float(x[-1] + (x[1] - x[0]) / 2)],
    }


def _yard_axis(lang: str = "en") -> dict[str, object]:
    k = len(YARD_ORDER)
    return {
        "title": {"text": t("charts.axes.yard", lang), "font": {"size": 14}},
        "tickvals": [j / k for j in range(k + 1)],
        "ticktext": _yard_ticks(lang),
        "tickfont": {"size": 12},
    }


def _yard_words(yard: float, lang: str = "en") -> str:
    """A yard size in words: 'yard 0.33 (through chip tools)'."""
    full = int(np.floor(len(YARD_ORDER) * yard + 1e-9))
    if full == 0:
        return t("charts.heatmap.yard_words", lang, yard=f"{yard:.2f}")
    return t(
        "charts.heatmap.yard_words_through",
        lang,
        yard=f"{yard:.2f}",
        sector=_yard_ticks(lang)[full].removeprefix("+ "),
    )


def _colorbar(unit: str) -> dict[str, object]:
    """A thin colour bar under the map, so that three maps fit side by side."""
    return {
        "title": {"text": unit, "side": "top", "font": {"size": 13}},
        "orientation": "h",
        "y": -0.32,
        "yanchor": "top",
        "thickness": 12,
        "len": 1.0,
        "tickfont": {"size": 12},
    }


def grid_heatmap(
    grid: sweeps.Grid, kind: str, current: Current, lang: str = "en"
) -> go.Figure:
    """One metric over yard x fence, with the scenario on screen as a star.

    Parameters
    ----------
    grid : Grid
        Solved yard x fence grid.
    kind : str
        "china_cost", "coalition_cost" or "cost_effectiveness" (:data:`HEATMAPS`).
    current : Current
        The scenario on screen (:func:`current_point`).
    """
    column, _, scale = HEATMAPS[kind]
    bar_title = t(HEATMAP_UNIT_KEYS[kind], lang)
    z = _grid_column(grid, column)
    x = fence_positions(grid)
    labels = _fence_labels(grid, lang)
    text = np.array([[f"{lab}" for lab in labels]] * len(grid.yard))
    finite = z[np.isfinite(z)]
    colour_range: dict[str, float] = {}
    if kind == "cost_effectiveness" and finite.size:
        # a cell that costs almost nothing can be off any useful scale
        low, high = np.percentile(finite, [2, 98])
        colour_range = {"zmin": float(low), "zmax": float(high)}
    heat = go.Heatmap(
        z=z,
        x=x,
        y=grid.yard,
        text=text,
        colorscale=scale,
        colorbar=_colorbar(bar_title),
        hovertemplate=t("charts.heatmap.hover_cell", lang),
        name=bar_title,
        **colour_range,
    )
    marker = go.Scatter(
        x=[marker_x(grid, current)],
        y=[current.yard],
        mode="markers",
        marker={
            "size": 18,
            "symbol": "star",
            "color": CURRENT_COLOR,
            "line": {"color": "white", "width": 1.5},
        },
        name=t("charts.common.this_scenario", lang),
        showlegend=False,
        hovertemplate=t(
            "charts.heatmap.hover_star",
            lang,
            fence=(
                t("charts.common.denied", lang) if current.prohibitive else "%{x:.0f}%"
            ),
            value=f"{current.value(kind):.3f}",
        ),
    )
    return _figure(
        [heat, marker],
        _heatmap_title(grid, kind, z, current, lang),
        xaxis=_fence_axis(grid, lang),
        yaxis=_yard_axis(lang),
        title_font_size=16,
        height=520,
        margin={"l": 10, "r": 10, "t": 80, "b": 10},
    )


def _heatmap_title(
    grid: sweeps.Grid, kind: str, z: np.ndarray, current: Current, lang: str = "en"
) -> str:
    """Two short lines (three maps sit side by side): the takeaway, then the star."""
    now = current.value(kind)
    if not np.isfinite(z).any():
        return t("charts.heatmap.title_empty", lang)
    if kind == "china_cost":
        return t(
            "charts.heatmap.title_china",
            lang,
            max=f"{np.nanmax(z):+.1f}",
            now=f"{now:+.2f}",
        )
    if kind == "coalition_cost":
        return t(
            "charts.heatmap.title_coalition",
            lang,
            max=f"{np.nanmax(z):.1f}",
            now=f"{now:.2f}",
        )
    i, j = np.unravel_index(int(np.nanargmax(z)), z.shape)
    shown = f"{now:.2f}" if np.isfinite(now) else t("charts.heatmap.no_cost", lang)
    return t(
        "charts.heatmap.title_best",
        lang,
        yard=_yard_words(float(grid.yard[i]), lang),
        fence=_fence_labels(grid, lang)[j],
        value=f"{float(z[i, j]):.2f}",
        now=shown,
    )


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
    cost = _grid_column(grid, sweeps.COALITION_COST).ravel()
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
        text=np.array(_fence_labels(grid, lang) * len(grid.yard)),
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
    middle = (x_range[0] + x_range[1]) / 2
    marks = go.Scatter(
        x=presets["x"].tolist(),
        y=presets["y"].tolist(),
        mode="markers+text",
        text=presets["label"].tolist(),
        textposition=[
            "middle left" if v > middle else "middle right" for v in presets["x"]
        ],
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
    return _figure(
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
    return _figure(
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
            "tickformat": "+.2f",
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


# --- Compare -------------------------------------------------------------------------


def _label(name: str, lang: str = "en") -> str:
    info = METRICS_BY_NAME[name]
    return t(
        "charts.compare.metric_label",
        lang,
        label=metric_label(name, lang),
        unit=unit(info.unit, lang),
    )


def comparison_table(
    sims: Mapping[str, Simulation], reference: str, lang: str = "en"
) -> pd.DataFrame:
    """Every scalar headline metric per scenario, and its difference from one.

    Parameters
    ----------
    sims : mapping of scenario name to Simulation
        In display order.
    reference : str
        The scenario (a key of ``sims``) the differences are taken against.

    Returns
    -------
    DataFrame
        Index: metric label (unit). Columns: each scenario's value, then
        ``"<name> − <reference>"`` for every other scenario. NaN where a metric
        is undefined.
    """
    if reference not in sims:
        raise ValueError(f"reference {reference!r} is not one of the scenarios")
    names = [m.name for m in METRICS if m.by == "scalar"]
    values = pd.DataFrame(
        {
            label: [sim.metrics.scalar(name) for name in names]
            for label, sim in sims.items()
        },
        index=[_label(name, lang) for name in names],
    )
    for label in sims:
        if label != reference:
            difference = t(
                "charts.compare.difference", lang, name=label, reference=reference
            )
            values[difference] = values[label] - values[reference]
    values.index.name = t("charts.compare.metric_unit", lang)
    return values


def comparison_table_figure(
    table: pd.DataFrame, reference: str, lang: str = "en"
) -> go.Figure:
    """:func:`comparison_table` as a Plotly table (for the HTML report)."""
    na = t("format.na", lang)
    cells = [list(table.index)] + [
        [f"{v:+,.3f}" if np.isfinite(v) else na for v in table[c]] for c in table
    ]
    fig = go.Figure(
        go.Table(
            header={
                "values": [table.index.name or "", *table.columns],
                "align": "left",
                "font": {"size": 13},
            },
            cells={"values": cells, "align": ["left"] + ["right"] * len(table.columns)},
            columnwidth=[3] + [1.2] * len(table.columns),
        )
    )
    return _layout(
        fig,
        t("charts.compare.table_title", lang, reference=reference),
        height=140 + 32 * len(table),
    )


def compare_metric_bars(sims: Mapping[str, Simulation], lang: str = "en") -> go.Figure:
    """Grouped bars: one panel per headline metric, one bar per scenario."""
    names = list(sims)
    fig = make_subplots(
        rows=2,
        cols=3,
        subplot_titles=[t(f"charts.compare.short.{m}", lang) for m in COMPARE_METRICS],
        vertical_spacing=0.2,
        horizontal_spacing=0.07,
    )
    for k, metric in enumerate(COMPARE_METRICS):
        row, col = divmod(k, 3)
        for n, (label, sim) in enumerate(sims.items()):
            value = sim.metrics.scalar(metric)
            defined = bool(np.isfinite(value))
            fig.add_trace(
                go.Bar(
                    x=[label],
                    y=[value if defined else 0.0],
                    text=[f"{value:+.3g}" if defined else t("format.na", lang)],
                    textposition="outside",
                    cliponaxis=False,
                    name=label,
                    legendgroup=label,
                    showlegend=k == 0,
                    marker={"color": SCENARIO_COLORS[n % len(SCENARIO_COLORS)]},
                    hovertemplate=t("charts.compare.hover_bar", lang, name=label),
                ),
                row=row + 1,
                col=col + 1,
            )
    fig.update_xaxes(showticklabels=False)
    fig.update_annotations(font_size=13)
    china = [sims[n].metrics.scalar(sweeps.CHINA_COST) for n in names]
    welfare = [sims[n].metrics.scalar("coalition_welfare_change_usd_bn") for n in names]
    title = t(
        "charts.compare.bars_title",
        lang,
        top=names[int(np.nanargmax(china))],
        china=f"{np.nanmax(china):+.2f}",
        best=names[int(np.nanargmax(welfare))],
        welfare=f"{np.nanmax(welfare):+.2f}",
    )
    return _layout(
        fig,
        title,
        barmode="group",
        legend={"orientation": "h", "y": -0.08},
        height=620,
        margin={"l": 10, "r": 10, "t": 110, "b": 10},
    )


def compare_welfare_bars(sims: Mapping[str, Simulation], lang: str = "en") -> go.Figure:
    """Welfare change by region [USD bn a year], bars grouped by scenario."""
    fig = go.Figure()
    worst: tuple[float, str, str] = (np.inf, "", "")
    for n, (label, sim) in enumerate(sims.items()):
        frame = sim.regions_frame()
        values = frame["welfare_change_usd_bn"].to_numpy(dtype=float)
        fig.add_trace(
            go.Bar(
                x=frame["region"].tolist(),
                y=values.tolist(),
                customdata=[region(r, lang) for r in frame["region"]],
                name=label,
                marker={"color": SCENARIO_COLORS[n % len(SCENARIO_COLORS)]},
                hovertemplate=t("charts.compare.hover_welfare", lang, name=label),
            )
        )
        k = int(np.nanargmin(values))
        if values[k] < worst[0]:
            worst = (float(values[k]), str(frame["region"][k]), label)
    title = (
        t(
            "charts.compare.welfare_title",
            lang,
            region=region(worst[1], lang),
            value=f"{worst[0]:+.1f}",
            scenario=worst[2],
        )
        if worst[0] < 0
        else t("charts.compare.welfare_title_none", lang)
    )
    return _layout(
        fig,
        title,
        barmode="group",
        yaxis_title=t("charts.axes.welfare_usd", lang),
        xaxis_title=t("charts.axes.region", lang),
        legend={"orientation": "h", "y": -0.25},
        height=500,
    )


def scenario_names(labels: Sequence[str]) -> list[str]:
    """Make display names unique by numbering repeats ("X", "X (2)")."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out
