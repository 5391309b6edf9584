"""Figures of the Trade-offs tab, part one: where the scenario on screen sits, and
yard x fence heatmaps (:class:`model.sweeps.Grid`) with it marked. Plotly only,
never streamlit. The security-cost plane and the participation curve are in
:mod:`dashboard.figures.tradeoffs_frontier`.

Each function reshapes what the model computed and returns a ``go.Figure`` whose
title states the takeaway and whose axes carry units.

Where the scenario on screen sits on the grid: its yard size is the mean of its six
scope levers (:func:`model.sweeps.yard_size`; the grid's own scopes have exactly
that mean), its fence is ``fence_pct``, or the "denied" column when prohibitive.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from dashboard.figures.common import figure
from dashboard.figures.wrap import SUP_SCALE, wrap_title
from dashboard.i18n import t
from dashboard.theme import CURRENT_COLOR
from model import sweeps
from model.levers import Levers
from model.names import YARD_ORDER
from model.simulation import Simulation

MAP_TEXT_PX = 230.0
"""The width [px] a map's title and colour-bar title may take: three maps side by
side are about 260 px wide each at a 1280 px window."""
TOOLBAR_PX = 30
"""The room [px] above a map's title for Plotly's toolbar."""
COLORBAR_TEXT_PX = 140.0
"""The width [px] of a colour bar's title: it is centred on the plot area, which
the yard labels push right."""

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

HEATMAPS: dict[str, tuple[str, str]] = {
    "china_cost": (sweeps.CHINA_COST, "Oranges"),
    "coalition_cost": (sweeps.COALITION_COST, "Blues"),
    "cost_effectiveness": ("cost_effectiveness", "Viridis"),
}
"""Heatmap kinds: (grid column, colour scale); colour-bar titles in
:data:`HEATMAP_UNIT_KEYS`."""

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
"""The colour-bar title of each kind of :data:`HEATMAPS`, by translation key."""


def _yard_ticks(lang: str) -> list[str]:
    return [t(key, lang) for key in YARD_TICK_KEYS]


def grid_fence_labels(grid: sweeps.Grid, lang: str) -> list[str]:
    """The grid's fence labels, "denied" in ``lang``."""
    denied = t("charts.common.denied", lang)
    return [denied if lab == sweeps.DENIED_LABEL else lab for lab in grid.labels()]


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


def grid_column(grid: sweeps.Grid, column: str) -> np.ndarray:
    """The grid's surface of ``column`` (yard x fence); the coalition's cost is the
    welfare it loses [USD bn]."""
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
    """A yard size in words, as the share [%] of the ordered technology sectors
    it covers: 'yard 33% of the technology sectors (through chip tools)'."""
    full = int(np.floor(len(YARD_ORDER) * yard + 1e-9))
    if full == 0:
        return t("charts.heatmap.yard_words", lang, yard=f"{100 * yard:.0f}")
    return t(
        "charts.heatmap.yard_words_through",
        lang,
        yard=f"{100 * yard:.0f}",
        sector=_yard_ticks(lang)[full].removeprefix("+ "),
    )


def _colorbar(unit: str) -> dict[str, object]:
    """A thin colour bar under the map, so that three maps fit side by side."""
    return {
        "title": {
            "text": wrap_title(unit, COLORBAR_TEXT_PX, 13),
            "side": "top",
            "font": {"size": 13},
        },
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
    column, scale = HEATMAPS[kind]
    bar_title = t(HEATMAP_UNIT_KEYS[kind], lang)
    z = grid_column(grid, column)
    x = fence_positions(grid)
    labels = grid_fence_labels(grid, lang)
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
    title = wrap_title(_heatmap_title(grid, kind, z, current, lang), MAP_TEXT_PX, 16)
    return figure(
        [heat, marker],
        title,
        xaxis=_fence_axis(grid, lang),
        yaxis=_yard_axis(lang),
        title_font_size=16,
        title_y=1.0,
        title_yanchor="top",
        title_pad_t=TOOLBAR_PX,
        height=520,
        margin={"l": 10, "r": 10, "t": _title_room(title, 16), "b": 10},
    )


def _title_room(title: str, font_px: float) -> int:
    """The top margin [px] for a wrapped title hung from the top: 1.3 em a line
    (``<sup>`` lines at 70 % of ``font_px``), the toolbar above and 8 px below."""
    lines = title.split("<br>")
    small = sum(line.startswith("<sup>") for line in lines)
    em = len(lines) - small + SUP_SCALE * small
    return TOOLBAR_PX + 8 + round(1.3 * font_px * em)


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
        fence=grid_fence_labels(grid, lang)[j],
        value=f"{float(z[i, j]):.2f}",
        now=shown,
    )
