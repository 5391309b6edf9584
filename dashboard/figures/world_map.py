"""World maps: a value per economy painted on the countries. Plotly only.

The geometry is the project's own (``assets/geo/``, Natural Earth 1:110m via
plotly.js; its README has the licence), embedded in each figure as GeoJSON and
drawn by Plotly's MapLibre traces (``Choroplethmap``, ``Scattermap``) on the
empty built-in ``white-bg`` style, so the map fetches nothing: no tiles, no
topology from a CDN). The projection is Web Mercator at zoom 0.65 (the world
about 800 px wide; Antarctica is not drawn). Economies too small for a 1:110m
polygon (Hong Kong, Singapore, Malta) are drawn as dots at their centroid.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping
from functools import cache
from pathlib import Path

import numpy as np
import plotly.graph_objects as go

from dashboard.figures.common import figure

GEOMETRY_DIR = Path(__file__).resolve().parents[2] / "assets" / "geo"
DIVERGING = [[0.0, "#b2182b"], [0.5, "#f7f7f7"], [1.0, "#2166ac"]]
"""Losses red, gains blue, zero white (ColorBrewer RdBu ends)."""
LAND = "#e6e6e6"
"""Countries with no value: plain land grey."""


@cache
def country_features() -> dict[str, dict]:
    """ISO3 -> GeoJSON feature of every country drawn as a polygon at 1:110m."""
    path = GEOMETRY_DIR / "countries_110m.geojson"
    collection = json.loads(path.read_text("utf-8"))
    return {feature["id"]: feature for feature in collection["features"]}


def map_countries() -> tuple[str, ...]:
    """ISO3 codes of the countries drawn as polygons on the 1:110m map."""
    return tuple(country_features())


def _collection(codes: Collection[str]) -> dict:
    """The GeoJSON FeatureCollection of ``codes`` (each country's shape once)."""
    features = country_features()
    return {"type": "FeatureCollection", "features": [features[c] for c in codes]}


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
    line = {"color": "#666", "width": 0.4}
    traces: list = []
    blank = [c for c in map_countries() if c not in set(polygons)]
    if blank:
        traces.append(
            go.Choroplethmap(
                geojson=_collection(blank),
                locations=blank,
                featureidkey="id",
                z=[0.0] * len(blank),
                colorscale=[[0.0, LAND], [1.0, LAND]],
                showscale=False,
                marker={"line": line},
                hoverinfo="skip",
            )
        )
    traces.append(
        go.Choroplethmap(
            geojson=_collection(polygons),
            locations=polygons,
            featureidkey="id",
            z=[values[c] for c in polygons],
            zmin=-bound,
            zmax=bound,
            colorscale=DIVERGING,
            text=[labels.get(c, c) for c in polygons],
            hovertemplate=hover,
            marker={"line": line},
            colorbar={"title": {"text": colorbar_title}, "thickness": 14},
        )
    )
    if dots:
        lon, lat = [xy[0] for xy in dots.values()], [xy[1] for xy in dots.values()]
        traces.append(  # a dark rim under each dot (MapLibre markers have no line)
            go.Scattermap(
                lon=lon,
                lat=lat,
                mode="markers",
                marker={"size": 11, "color": "#333"},
                hoverinfo="skip",
                showlegend=False,
            )
        )
        traces.append(
            go.Scattermap(
                lon=lon,
                lat=lat,
                text=[labels.get(c, c) for c in dots],
                customdata=[values[c] for c in dots],
                mode="markers",
                marker={"size": 9, "color": [values[c] for c in dots], **colour},
                hovertemplate="%{text}: %{customdata:+.3f}" + unit + "<extra></extra>",
                showlegend=False,
            )
        )
    return figure(
        traces,
        title,
        height=height,
        map={
            "style": "white-bg",
            "center": {"lon": 10.0, "lat": 20.0},
            "zoom": 0.65,
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
