"""Figures of the decade tab: yearly paths with bands, policy events and a year
cursor. Plotly only, never Streamlit. The tornado chart is in
:mod:`dashboard.figures.decade_tornado`, the outputs' labels and values in words in
:mod:`dashboard.figures.decade_text`.

Every function takes what :mod:`model.dynamics` and :mod:`model.uncertainty`
computed (a ``DecadePath``, ``Bands``) plus keyword options and returns a
``go.Figure`` whose title states the takeaway. The year cursor is a layout shape
named ``"cursor"``; policy events are shapes named ``"event:<preset id>"`` with a
label each.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from dashboard.figures.common import figure, finite_list
from dashboard.figures.decade_text import axis_title, format_value, headline
from dashboard.i18n import region, sector, t
from dashboard.theme import CURRENT_COLOR, NEUTRAL_COLOR, REGION_COLORS, SECTOR_COLORS
from model.decade_outputs import DecadePath
from model.uncertainty import Bands

BAND_COLOR = "rgba(213, 94, 0, 0.18)"  # CHN vermillion, light
PATH_COLOR = REGION_COLORS["CHN"]
COALITION_COLOR = REGION_COLORS["USA"]
EVENT_COLOR = "#5b6270"
EVENT_ROWS = 6
EVENT_ROW_STEP = 0.065
"""Event labels step down in rows of this height (a share of the plot)."""


@dataclass(frozen=True)
class PolicyEvent:
    """A dated policy state drawn on the paths: a marker and a short label."""

    year: int
    preset_id: str
    label: str  # short, in our own words
    name: str = ""  # the preset's name, for hover text


def _events(
    events: Sequence[PolicyEvent],
    years: Sequence[int],
    *,
    labels: bool = True,
) -> tuple[list[dict], list[dict]]:
    """Shapes and labels of the events on the path's years: dotted vertical lines,
    each labelled horizontally near its top, every label a row lower (of
    :data:`EVENT_ROWS` rows) so that events of close years do not overlap. Small
    charts (``labels=False``) get the lines only."""
    shapes, annotations = [], []
    shown = [e for e in events if years[0] <= e.year <= years[-1]]
    for k, event in enumerate(shown):
        shapes.append(
            {
                "type": "line",
                "name": f"event:{event.preset_id}",
                "x0": event.year,
                "x1": event.year,
                "y0": 0,
                "y1": 1,
                "yref": "paper",
                "line": {"color": EVENT_COLOR, "width": 1, "dash": "dot"},
                "layer": "below",
            }
        )
        if not labels:
            continue
        annotations.append(
            {
                "name": f"event:{event.preset_id}",
                "x": event.year,
                "yref": "paper",
                "y": 1 - EVENT_ROW_STEP * (k % EVENT_ROWS),
                "text": event.label,  # already in the language of the page
                "hovertext": event.name or event.label,
                "xanchor": "left",
                "yanchor": "top",
                "xshift": 2,
                "showarrow": False,
                "font": {"size": 11, "color": EVENT_COLOR},
                "bgcolor": "rgba(255,255,255,0.7)",
            }
        )
    return shapes, annotations


def _cursor(year: int) -> dict:
    return {
        "type": "line",
        "name": "cursor",
        "x0": year,
        "x1": year,
        "y0": 0,
        "y1": 1,
        "yref": "paper",
        "line": {"color": CURRENT_COLOR, "width": 2},
    }


def _axis(years: Sequence[int], lang: str = "en") -> dict[str, object]:
    return {
        "title": {"text": t("charts.axes.year", lang)},
        "range": [years[0] - 0.3, years[-1] + 0.3],
        "dtick": 1 if len(years) <= 16 else 2,
    }


def _cursor_point(
    year: int, value: float, name: str, color: str, lang: str = "en"
) -> dict:
    return {
        "type": "scatter",
        "x": [year],
        "y": [float(value)] if np.isfinite(value) else [None],
        "mode": "markers",
        "marker": {"size": 12, "color": color, "line": {"color": "white", "width": 2}},
        "name": t("charts.decade.in_year", lang, name=name, year=year),
        "showlegend": False,
        "hoverinfo": "skip",
    }


def path_figure(
    path: DecadePath,
    name: str,
    *,
    year: int,
    events: Sequence[PolicyEvent] = (),
    bands: Bands | None = None,
    key: str | None = None,
    color: str = PATH_COLOR,
    contrast: DecadePath | None = None,
    contrast_label: str = "",
    lang: str = "en",
) -> go.Figure:
    """One output's yearly path (element 0) with its p10-p90 band and median,
    and optionally a ``contrast`` path's line (dotted, named ``contrast_label``).

    The band is two traces: the p90 edge and the p10 edge filled up to it
    (``fill="tonexty"``).
    """
    years = list(path.years)
    now = path.year_index(year)
    central = path.series(name, key)[0]
    traces: list[dict] = []
    band_text = ""
    if bands is not None:
        q = bands.band(name, key)
        edge = {"type": "scatter", "x": years, "mode": "lines", "hoverinfo": "skip"}
        traces += [
            {
                **edge,
                "y": finite_list(q[2]),
                "line": {"width": 0},
                "name": t("charts.decade.p90", lang),
                "showlegend": False,
            },
            {
                **edge,
                "y": finite_list(q[0]),
                "line": {"width": 0},
                "fill": "tonexty",
                "fillcolor": BAND_COLOR,
                "name": t("charts.decade.band", lang, n=bands.paths.size),
            },
            {
                "type": "scatter",
                "x": years,
                "y": finite_list(q[1]),
                "mode": "lines",
                "line": {"color": color, "width": 1.5, "dash": "dash"},
                "name": t("charts.decade.median", lang),
            },
        ]
        low = format_value(name, q[0, now], lang)
        high = format_value(name, q[2, now], lang)
        band_text = t("charts.decade.band_text", lang, low=low, high=high)
    if contrast is not None:
        traces.append(
            {
                "type": "scatter",
                "x": years,
                "y": finite_list(contrast.series(name, key)[0]),
                "mode": "lines",
                "line": {"color": NEUTRAL_COLOR, "width": 2, "dash": "dot"},
                "name": contrast_label,
                "hovertemplate": "%{x}: %{y:.4g}<extra></extra>",
            }
        )
    traces += [
        {
            "type": "scatter",
            "x": years,
            "y": finite_list(central),
            "mode": "lines+markers",
            "line": {"color": color, "width": 3},
            "marker": {"size": 5},
            "name": t("charts.decade.central_trace", lang),
            "hovertemplate": "%{x}: %{y:.4g}<extra></extra>",
        },
        _cursor_point(
            year, central[now], t("charts.decade.central", lang), color, lang
        ),
    ]
    shapes, annotations = _events(events, years)
    title = t(
        "charts.decade.path_title",
        lang,
        year=year,
        headline=headline(name, key, lang),
        value=format_value(name, central[now], lang),
        band=band_text,
    )
    return figure(
        traces,
        title,
        shapes=[*shapes, _cursor(year)],
        annotations=annotations,
        xaxis=_axis(years, lang),
        yaxis={"title": {"text": axis_title(name, key, lang)}},
        legend={"orientation": "h", "y": -0.2},
        height=460,
        hovermode="x unified",
    )


def self_sufficiency_figure(
    path: DecadePath,
    *,
    year: int,
    events: Sequence[PolicyEvent] = (),
    lang: str = "en",
) -> go.Figure:
    """China's domestic share of its spending, one line per technology sector."""
    years = list(path.years)
    now = path.year_index(year)
    shares = path.values["china_self_sufficiency_share"][0]  # (T, K)
    traces = [
        {
            "type": "scatter",
            "x": years,
            "y": finite_list(100 * shares[:, k]),
            "mode": "lines",
            "line": {"color": SECTOR_COLORS[code], "width": 2.5},
            "name": sector(code, lang),
            "hovertemplate": f"{sector(code, lang)} %{{x}}: %{{y:.1f}}%<extra></extra>",
        }
        for k, code in enumerate(path.tech_sectors)
    ]
    traces += [
        _cursor_point(
            year,
            100 * shares[now, k],
            code if lang == "en" else sector(code, lang),
            SECTOR_COLORS[code],
            lang,
        )
        for k, code in enumerate(path.tech_sectors)
    ]
    change = shares[now] - shares[0]
    if np.isfinite(change).any() and np.nanmax(np.abs(change)) > 5e-4:
        k = int(np.nanargmax(np.abs(change)))
        title = t(
            "charts.decade.self_title",
            lang,
            year=year,
            now=f"{100 * shares[now, k]:.0f}",
            sector=sector(path.tech_sectors[k], lang),
            first_year=years[0],
            then=f"{100 * shares[0, k]:.0f}",
        )
    else:
        title = t("charts.decade.self_title_flat", lang, year=year, first_year=years[0])
    shapes, annotations = _events(events, years, labels=False)
    return figure(
        traces,
        title,
        shapes=[*shapes, _cursor(year)],
        annotations=annotations,
        xaxis=_axis(years, lang),
        yaxis={
            "title": {"text": t("charts.axes.self_sufficiency", lang)},
            "rangemode": "tozero",
        },
        legend={"orientation": "h", "y": -0.2},
        margin={"t": 90},
        height=480,
    )


def welfare_figure(
    path: DecadePath,
    *,
    year: int,
    events: Sequence[PolicyEvent] = (),
    lang: str = "en",
) -> go.Figure:
    """Welfare change by region per year [%], one line per region."""
    years = list(path.years)
    now = path.year_index(year)
    welfare = path.values["welfare_change_pct"][0]  # (T, N)
    colors = [REGION_COLORS.get(r, NEUTRAL_COLOR) for r in path.regions]
    traces = [
        {
            "type": "scatter",
            "x": years,
            "y": finite_list(welfare[:, k]),
            "mode": "lines",
            "line": {"color": colors[k], "width": 2},
            "name": region(code, lang),
            "hovertemplate": f"{code} %{{x}}: %{{y:+.3f}}%<extra></extra>",
        }
        for k, code in enumerate(path.regions)
    ]
    traces += [
        _cursor_point(year, welfare[now, k], code, colors[k], lang)
        for k, code in enumerate(path.regions)
    ]
    row = welfare[now]
    if np.isfinite(row).any() and np.nanmax(np.abs(row)) > 0:
        lo, hi = int(np.nanargmin(row)), int(np.nanargmax(row))
        title = t(
            "charts.decade.welfare_title",
            lang,
            year=year,
            loser=region(path.regions[lo], lang),
            low=f"{row[lo]:+.3f}",
            winner=region(path.regions[hi], lang),
            high=f"{row[hi]:+.3f}",
        )
    else:
        title = t("charts.decade.welfare_title_flat", lang, year=year)
    shapes, annotations = _events(events, years, labels=False)
    return figure(
        traces,
        title,
        shapes=[*shapes, _cursor(year)],
        annotations=annotations,
        xaxis=_axis(years, lang),
        yaxis={"title": {"text": t("charts.axes.welfare_since_2022", lang)}},
        legend={"orientation": "h", "y": -0.2},
        margin={"t": 90},
        height=480,
    )
