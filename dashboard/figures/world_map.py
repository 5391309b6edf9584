"""World maps: a value per economy painted on the countries. Plotly only.

The geometry is the project's own (``static/topojson/``, Natural Earth 1:110m via
plotly.js; its README has the licence): Streamlit serves it, and the chart's
config (:data:`dashboard.theme.MAP_CONFIG`) points ``topojsonURL`` there, so the
map needs no network. Economies too small for a 1:110m polygon (Hong Kong,
Singapore, Malta) are drawn as dots at their centroid.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping
from functools import cache
from pathlib import Path

import numpy as np
import plotly.graph_objects as go

from dashboard.figures.common import figure

GEOMETRY_DIR = Path(__file__).resolve().parents[2] / "static" / "topojson"
DIVERGING = [[0.0, "#b2182b"], [0.5, "#f7f7f7"], [1.0, "#2166ac"]]
"""Losses red, gains blue, zero white (ColorBrewer RdBu ends)."""


@cache
def map_countries() -> tuple[str, ...]:
    """ISO3 codes of the countries drawn as polygons on the 1:110m map."""
    topology = json.loads((GEOMETRY_DIR / "world_110m.json").read_text("utf-8"))
    return tuple(g["id"] for g in topology["objects"]["countries"]["geometries"])


@cache
def small_economies() -> dict[str, tuple[float, float]]:
    """ISO3 -> (lon, lat) of countries with no polygon at 1:110m."""
    raw = json.loads((GEOMETRY_DIR / "small_economies.json").read_text("utf-8"))
    return {code: (float(lon), float(lat)) for code, (lon, lat) in raw.items()}


def world_map(
    values: Mapping[str, float],
    labels: Mapping[str, str],
    *,
    title: str,
    colorbar_title: str,
    unit: str = "%",
    height: int = 520,
) -> go.Figure:
    """A choropleth of ``values`` (ISO3 -> number), zero white, symmetric scale.

    Parameters
    ----------
    values : mapping ISO3 -> float
        The number of each country; countries not in it are left grey (land).
    labels : mapping ISO3 -> str
        Hover label of each country (its name, or the region it belongs to).
    title, colorbar_title, unit : str
        Chart title (the takeaway), colour-bar title and the unit in the hover.
    """
    shown = set(map_countries())
    polygons = [c for c in values if c in shown and np.isfinite(values[c])]
    dots = {
        c: xy
        for c, xy in small_economies().items()
        if c in values and np.isfinite(values[c])
    }
    finite = [abs(values[c]) for c in (*polygons, *dots)]
    bound = max(finite, default=0.0) or 1.0
    hover = "%{text}: %{z:+.3f}" + unit + "<extra></extra>"
    colour = {"colorscale": DIVERGING, "cmin": -bound, "cmax": bound}
    traces: list = [
        go.Choropleth(
            locations=polygons,
            locationmode="ISO-3",
            z=[values[c] for c in polygons],
            zmin=-bound,
            zmax=bound,
            colorscale=DIVERGING,
            text=[labels.get(c, c) for c in polygons],
            hovertemplate=hover,
            marker={"line": {"color": "#666", "width": 0.4}},
            colorbar={"title": {"text": colorbar_title}, "thickness": 14},
        )
    ]
    if dots:
        traces.append(
            go.Scattergeo(
                lon=[xy[0] for xy in dots.values()],
                lat=[xy[1] for xy in dots.values()],
                text=[labels.get(c, c) for c in dots],
                customdata=[values[c] for c in dots],
                mode="markers",
                marker={
                    "size": 8,
                    "color": [values[c] for c in dots],
                    "line": {"color": "#333", "width": 0.6},
                    **colour,
                },
                hovertemplate="%{text}: %{customdata:+.3f}" + unit + "<extra></extra>",
                showlegend=False,
            )
        )
    return figure(
        traces,
        title,
        height=height,
        geo={
            "projection": {"type": "natural earth"},
            "showframe": False,
            "showcoastlines": False,
            "showland": True,
            "landcolor": "#e6e6e6",
            "showcountries": False,
            "lataxis": {"range": [-58, 85]},
        },
        margin={"l": 0, "r": 0, "t": 60, "b": 0},
    )


def region_welfare_map(
    welfare_pct: Mapping[str, float],
    region_names: Mapping[str, str],
    group_of: Callable[[str], str],
    dotted: Collection[str],
    *,
    title: str,
    colorbar_title: str,
) -> go.Figure:
    """The 8-region model's welfare change painted on every country of its region.

    Parameters
    ----------
    welfare_pct : mapping region code -> welfare change [%]
    region_names : mapping region code -> display name (the hover label)
    group_of : callable ISO3 -> region code
        Which region a country belongs to (:meth:`model.fullres.LeverMap.group_of`).
    dotted : collection of ISO3
        The small economies worth a dot (the ICIO economies); other countries
        without a polygon are left out.
    """
    dots = [c for c in small_economies() if c in dotted]
    countries = (*map_countries(), *dots)
    values = {c: welfare_pct[group_of(c)] for c in countries}
    labels = {c: f"{c} ({region_names[group_of(c)]})" for c in countries}
    return world_map(values, labels, title=title, colorbar_title=colorbar_title)
