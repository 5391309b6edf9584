"""Figures of the decade tab: yearly paths with bands, policy events, a year cursor
and the tornado chart. Plotly only, never Streamlit.

Every function takes what :mod:`model.dynamics` and :mod:`model.uncertainty`
computed (a ``DecadePath``, ``Bands``, a tornado table) plus keyword options and
returns a ``go.Figure`` whose title states the takeaway. The year cursor is a
layout shape named ``"cursor"``; policy events are shapes named
``"event:<preset id>"`` with a label each.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import i18n
from dashboard.i18n import dynamic_parameter, region, sector, t
from dashboard.theme import (
    CURRENT_COLOR,
    NEUTRAL_COLOR,
    REGION_COLORS,
    SECTOR_COLORS,
)
from dashboard.theme import layout as theme_layout
from model.decade_outputs import OUTPUTS_BY_NAME, DecadePath
from model.uncertainty import Bands

BAND_COLOR = "rgba(213, 94, 0, 0.18)"  # CHN vermillion, light
PATH_COLOR = REGION_COLORS["CHN"]
COALITION_COLOR = REGION_COLORS["USA"]
EVENT_COLOR = "#5b6270"
LOW_COLOR = "#9ecae1"  # light blue: a parameter at the low end of its range
HIGH_COLOR = "#08519c"  # dark blue: at the high end


@dataclass(frozen=True)
class PolicyEvent:
    """A dated policy state drawn on the paths: a marker and a short label."""

    year: int
    preset_id: str
    label: str  # short, in our own words
    name: str = ""  # the preset's name, for hover text


def _figure(
    traces: list[dict],
    title: str,
    *,
    shapes: Sequence[dict] = (),
    annotations: Sequence[dict] = (),
    **layout: object,
) -> go.Figure:
    """One figure built in a single validation pass (adding shapes and
    annotations one by one costs milliseconds each)."""
    return go.Figure(
        data=traces,
        layout=theme_layout(
            title, shapes=list(shapes), annotations=list(annotations), **layout
        ),
    )


AXIS_TITLES: dict[str, str] = {
    "china_tech_capability_ratio": "China's tech capability (x no-policy path)",
    "cumulative_coalition_revenue_lost_usd_bn": "Coalition sales lost since 2022 "
    "(USD bn)",
}


AXIS_TITLE_KEYS: dict[str, str] = {
    "china_tech_capability_ratio": "charts.decade.axis_capability",
    "cumulative_coalition_revenue_lost_usd_bn": "charts.decade.axis_cumulative",
}
"""The texts of :data:`AXIS_TITLES`, by key."""


def axis_title(name: str, key: str | None = None, lang: str = "en") -> str:
    """A short axis title: the output's label and unit."""
    if name in AXIS_TITLE_KEYS:
        return t(AXIS_TITLE_KEYS[name], lang)
    return output_label(name, key, lang)


def _part(name: str, key: str, lang: str) -> str:
    """The sector or region an output is shown for, by name."""
    if OUTPUTS_BY_NAME[name].by == "sector":
        return sector(key, lang)
    return region(key, lang)


def output_label(name: str, key: str | None = None, lang: str = "en") -> str:
    """A readable label of an output (and its sector or region) with its unit."""
    info = OUTPUTS_BY_NAME[name]
    label = i18n.output_label(name, lang) if lang != "en" else info.label
    unit = i18n.unit(info.unit, lang)
    if key is None:
        return t("views.decade.output_label", lang, label=label, unit=unit)
    return t(
        "views.decade.output_label_part",
        lang,
        label=label,
        part=_part(name, key, lang),
        unit=unit,
    )


def format_value(name: str, value: float, lang: str = "en") -> str:
    """A value in its output's unit, as people read it; 'n/a' when undefined."""
    if not np.isfinite(value):
        return t("format.na", lang)
    unit = OUTPUTS_BY_NAME[name].unit
    if unit.startswith("ratio"):
        return t("format.times", lang, value=f"{value:.3f}")
    if unit == "share":
        return f"{100 * value:.1f}%"
    if unit == "%":
        return f"{value:+.3f}%" if abs(value) < 1 else f"{value:+.2f}%"
    if unit == "USD bn" and name.startswith("cumulative"):
        return t("format.usd_bn", lang, value=f"{value:,.1f}")
    if unit == "USD bn":
        return t("format.usd_bn", lang, value=f"{value:+.2f}")
    return f"{value:.3g} {i18n.unit(unit, lang)}"


def _events(
    events: Sequence[PolicyEvent],
    years: Sequence[int],
    *,
    labels: bool = True,
    lang: str = "en",
) -> tuple[list[dict], list[dict]]:
    """Shapes and labels of the events on the path's years: dotted vertical lines
    labelled along the line; events of the same year sit side by side. Small
    charts (``labels=False``) get the lines only."""
    shapes, annotations = [], []
    seen: dict[int, int] = {}
    for event in events:
        if not years[0] <= event.year <= years[-1]:
            continue
        k = seen.get(event.year, 0)
        seen[event.year] = k + 1
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
                "y": 1,
                "yref": "paper",
                "text": t(
                    "charts.decade.event_label",
                    lang,
                    label=event.label,
                    preset=event.preset_id,
                ),
                "hovertext": event.name or event.label,
                "textangle": -90,
                "xanchor": "left",
                "yanchor": "top",
                "xshift": 2 + 14 * k,
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


def _series(values: np.ndarray) -> list[float | None]:
    return [float(v) if np.isfinite(v) else None for v in values]


def path_figure(
    path: DecadePath,
    name: str,
    *,
    year: int,
    events: Sequence[PolicyEvent] = (),
    bands: Bands | None = None,
    key: str | None = None,
    color: str = PATH_COLOR,
    lang: str = "en",
) -> go.Figure:
    """One output's yearly path (element 0) with its p10-p90 band and median.

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
                "y": _series(q[2]),
                "line": {"width": 0},
                "name": t("charts.decade.p90", lang),
                "showlegend": False,
            },
            {
                **edge,
                "y": _series(q[0]),
                "line": {"width": 0},
                "fill": "tonexty",
                "fillcolor": BAND_COLOR,
                "name": t("charts.decade.band", lang, n=bands.paths.size),
            },
            {
                "type": "scatter",
                "x": years,
                "y": _series(q[1]),
                "mode": "lines",
                "line": {"color": color, "width": 1.5, "dash": "dash"},
                "name": t("charts.decade.median", lang),
            },
        ]
        low = format_value(name, q[0, now], lang)
        high = format_value(name, q[2, now], lang)
        band_text = t("charts.decade.band_text", lang, low=low, high=high)
    traces += [
        {
            "type": "scatter",
            "x": years,
            "y": _series(central),
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
    shapes, annotations = _events(events, years, lang=lang)
    title = t(
        "charts.decade.path_title",
        lang,
        year=year,
        headline=_headline(name, key, lang),
        value=format_value(name, central[now], lang),
        band=band_text,
    )
    return _figure(
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


HEADLINES: dict[str, str] = {
    "china_tech_capability_ratio": "China's technology capability, relative to "
    "the no-policy path, is",
    "cumulative_coalition_revenue_lost_usd_bn": "the coalition has lost, since "
    "2022, technology sales of",
    "coalition_tech_revenue_change_usd_bn": "the coalition's technology sales "
    "change by",
}


HEADLINE_KEYS: dict[str, str] = {
    "china_tech_capability_ratio": "charts.decade.headline_capability",
    "cumulative_coalition_revenue_lost_usd_bn": "charts.decade.headline_cumulative",
    "coalition_tech_revenue_change_usd_bn": "charts.decade.headline_revenue",
}
"""The texts of :data:`HEADLINES`, by key."""


def _headline(name: str, key: str | None, lang: str = "en") -> str:
    if name in HEADLINE_KEYS:
        return t(HEADLINE_KEYS[name], lang)
    return t("charts.decade.subject", lang, subject=_subject(name, key, lang))


def _subject(name: str, key: str | None, lang: str = "en") -> str:
    """The output as the subject of a sentence: 'China's technology capability'."""
    info = OUTPUTS_BY_NAME[name]
    label = i18n.output_label(name, lang) if lang != "en" else info.label
    if key is None:
        return label
    return label + t("ui.list_separator", lang) + _part(name, key, lang)


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
            "y": _series(100 * shares[:, k]),
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
    shapes, annotations = _events(events, years, labels=False, lang=lang)
    return _figure(
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
            "y": _series(welfare[:, k]),
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
    shapes, annotations = _events(events, years, labels=False, lang=lang)
    return _figure(
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


def parameter_label(parameter: str, label: str, lang: str = "en") -> str:
    """A tornado parameter's label in ``lang``: "theta_<sector>" or a dynamic
    parameter of :mod:`model.dynamics`; anything else keeps ``label``."""
    if lang == "en":
        return label
    if parameter.startswith("theta_"):
        code = parameter.removeprefix("theta_")
        return t("charts.decade.theta_label", lang, sector=sector(code, lang))
    return dynamic_parameter(parameter, "label", lang) or label


def tornado_figure(
    table: pd.DataFrame,
    *,
    name: str,
    year: int,
    key: str | None = None,
    lang: str = "en",
) -> go.Figure:
    """One-at-a-time swings of one output in one year, largest on top.

    ``table`` is :meth:`model.uncertainty.TornadoPaths.table`: one row per parameter
    with low_value, high_value and central; bars run from the central value to
    the value at each end of the parameter's range.
    """
    rows = table.iloc[::-1]  # plotly draws the first category at the bottom
    central = float(table["central"].iloc[0]) if len(table) else float("nan")
    labels = [
        t(
            "charts.decade.tornado_label",
            lang,
            label=parameter_label(parameter, label, lang),
            low=f"{lo:g}",
            high=f"{hi:g}",
        )
        for parameter, label, lo, hi in zip(
            rows["parameter"],
            rows["label"],
            rows["low_input"],
            rows["high_input"],
            strict=True,
        )
    ]
    traces = []
    for side, color, column, inputs in (
        (t("charts.decade.tornado_low", lang), LOW_COLOR, "low_value", "low_input"),
        (t("charts.decade.tornado_high", lang), HIGH_COLOR, "high_value", "high_input"),
    ):
        values = rows[column].to_numpy(dtype=float)
        traces.append(
            {
                "type": "bar",
                "y": labels,
                "x": _series(values - central),
                "base": central,
                "orientation": "h",
                "name": side,
                "opacity": 0.85,
                "marker": {"color": color},
                "customdata": np.column_stack(
                    [rows[inputs].to_numpy(dtype=float), values]
                ).tolist(),
                "hovertemplate": t("charts.decade.tornado_hover", lang),
            }
        )
    if len(table) and np.isfinite(table["swing"].iloc[0]):
        top = table.iloc[0]
        title = t(
            "charts.decade.tornado_title",
            lang,
            year=year,
            parameter=parameter_label(top["parameter"], top["label"], lang),
            subject=_subject(name, key, lang),
            low=format_value(name, top["low_value"], lang),
            high=format_value(name, top["high_value"], lang),
        )
    else:
        title = t("charts.decade.tornado_title_none", lang, year=year)
    centre_line = {
        "type": "line",
        "name": "central",
        "x0": central,
        "x1": central,
        "y0": 0,
        "y1": 1,
        "yref": "paper",
        "line": {"color": CURRENT_COLOR, "width": 1},
    }
    return _figure(
        traces,
        title,
        shapes=[centre_line] if np.isfinite(central) else [],
        barmode="overlay",
        xaxis={"title": {"text": output_label(name, key, lang)}},
        yaxis={"automargin": True},
        legend={"orientation": "h", "y": -0.15},
        height=max(380, 34 * len(table) + 160),
    )
