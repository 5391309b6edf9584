"""Projector figures of seminar mode: the one big chart of a step, in large type.

A step reveals the security-cost map of :mod:`dashboard.figures.overview` or the
welfare bars of :mod:`dashboard.figures.winners`
(:data:`~dashboard.seminar_steps.CHARTS`), with every text in the language of the
room; "replay" draws the step shown before and this one side by side, smaller.
The font list names a Simplified Chinese font, so that Chinese text is not drawn
with Japanese glyph forms, and is set on each figure: Streamlit's Plotly theme
replaces the template's font. Imports plotly, never streamlit.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures import overview, winners
from dashboard.figures.labels import NOTE_NAME, place_labels
from dashboard.figures.reality import comparison_chart
from dashboard.i18n import (
    format_number,
    format_percent,
    has_cjk,
    preset_text,
    region,
    t,
)
from dashboard.seminar_steps import Step, preset_name
from model.simulation import Simulation
from scenarios import reality
from scenarios.schema import Scenario

FONT_FAMILY = (
    '"Source Sans", "Source Sans Pro", "Noto Sans CJK SC", "Source Han Sans SC", '
    '"PingFang SC", "Microsoft YaHei", sans-serif'
)
"""Chart font: Streamlit's own Latin font, then Simplified Chinese fonts. Set on
the figure itself: Streamlit's Plotly theme replaces the template's font, and a
font list without a Chinese font draws Chinese with Japanese glyph forms."""
FONT_SIZE = 24
SMALL_FONT_SIZE = 20
"""The base font of a chart shorter than three quarters of :data:`CHART_HEIGHT`
(a revealed step on a 1280 x 720 projector)."""
CHART_HEIGHT = 680
PAIR_FONT_SIZE = 20
PAIR_HEIGHT = 560
PROJECTOR_PLOT_PX = (1150.0, 480.0)
"""The one big chart's plot area at 1280 x 720 and larger."""
MIN_LABELLED_PLOT_PX = 260.0
"""The shortest plot area [px] whose preset labels can be placed apart."""
PAIR_PLOT_PX = (520.0, 360.0)
"""A replay panel's plot area at 1280 x 720 (half the width, under the title)."""


def _width(text: str) -> int:
    """Display width in Latin characters: a CJK character counts twice."""
    return sum(2 if has_cjk(c) else 1 for c in text)


def _wrap(title: str, limit: int) -> str:
    """Break a long chart title once, at the separator nearest its middle."""
    if _width(title) <= limit or "<br>" in title:
        return title
    cuts = [
        m.end()
        for m in re.finditer(r"(, |; |，|；|：| )", title)
        if m.end() < len(title)
    ]
    if not cuts:
        return title
    middle = _width(title) / 2
    cut = min(cuts, key=lambda k: abs(_width(title[:k]) - middle))
    return title[:cut].rstrip() + "<br>" + title[cut:].lstrip()


_OFF_SCALE = re.compile(
    r"(?P<name>[^/]*?) \(off scale: (?P<cost>\S+) USD bn, (?P<price>\S+)%\)"
)


def _localise_labels(labels: Sequence[str], lang: str) -> list[str]:
    """The map's "(off scale: ...)" notes in ``lang`` (until the figure takes one)."""
    return [
        _OFF_SCALE.sub(
            lambda m: t(
                "charts.common.off_scale",
                lang,
                name=m["name"],
                cost=m["cost"],
                price=m["price"],
            ),
            str(label),
        )
        for label in labels
    ]


def map_figure(sim: Simulation, points: pd.DataFrame, lang: str) -> go.Figure:
    """The security-cost map of :mod:`dashboard.figures.overview`, in ``lang``."""
    named = points.copy()
    names = list(named["name"])
    if "id" in named:
        names = [
            preset_text(i, "name", lang, n)
            for i, n in zip(named["id"], names, strict=True)
        ]
    named["name"] = [html.escape(str(n), quote=False) for n in names]
    current = sim.metrics.security_cost_point()
    fig = overview.security_cost_map(named, current)
    china = float(current["china_cost_pct"])
    cost = float(current["coalition_cost_usd_bn"])
    fig.update_layout(
        title_text=t(
            "charts.security_cost_map.title",
            lang,
            china=format_percent(china, lang, 2),
            cost=format_number(cost, lang, 2),
        ),
        xaxis_title_text=t("charts.axes.coalition_cost", lang),
        yaxis_title_text=t("charts.axes.china_prices", lang),
    )
    presets_trace, current_trace = fig.data[0], fig.data[1]
    presets_trace.name = t("charts.common.built_in_presets", lang)
    presets_trace.text = _localise_labels(presets_trace.text or (), lang)
    place_labels(fig, plot_px=PROJECTOR_PLOT_PX, font_px=FONT_SIZE - 4)
    presets_trace.hovertemplate = t("charts.security_cost_map.hover_presets", lang)
    current_trace.name = t("charts.common.this_scenario", lang)
    current_trace.hovertemplate = t(
        "charts.security_cost_map.hover_current",
        lang,
        cost=format_number(cost, lang, 2),
        china=format_number(china, lang, 2, signed=True),
    )
    return fig


def welfare_figure(sim: Simulation, lang: str) -> go.Figure:
    """The welfare bars of :mod:`dashboard.figures.winners` (% of spending), in
    ``lang``."""
    fig = winners.welfare_bars(sim, unit="pct")
    frame = sim.regions_frame()
    values = frame["welfare_change_pct"].to_numpy(dtype=float)
    finite = values[pd.notna(values)]
    if finite.size == 0 or float(abs(finite).max()) < 1e-9:
        title = t("charts.welfare_bars.title_flat", lang)
    else:
        loser = str(frame["region"].iloc[int(pd.Series(values).idxmin())])
        winner = str(frame["region"].iloc[int(pd.Series(values).idxmax())])
        title = t(
            "charts.welfare_bars.title",
            lang,
            loser=region(loser, lang),
            winner=region(winner, lang),
        )
    fig.update_layout(
        title_text=title,
        xaxis_title_text=t("charts.axes.region", lang),
        yaxis_title_text=t("charts.axes.welfare_pct", lang),
    )
    return fig


def step_figure(
    step: Step, sim: Simulation, points: pd.DataFrame, lang: str
) -> go.Figure:
    """The step's one big chart, unstyled (see :func:`projector_layout`)."""
    if step.chart == "welfare":
        return welfare_figure(sim, lang)
    if step.chart == "reality":
        return comparison_chart(reality.evaluate_once(sim.baseline), lang)
    return map_figure(sim, points, lang)


def projector_layout(
    fig: go.Figure, *, font_size: int | None = None, height: int = CHART_HEIGHT
) -> go.Figure:
    """Large type for a projector: base font (default :data:`FONT_SIZE`), title,
    labels, markers; ``height`` in px."""
    font_size = FONT_SIZE if font_size is None else font_size
    limit = 64 if font_size >= FONT_SIZE else 52
    title = _wrap(fig.layout.title.text or "", limit)
    fig.update_layout(
        font_family=FONT_FAMILY,
        font_size=font_size,
        title_font_family=FONT_FAMILY,
        title_font_size=font_size + 6,
        title_text=title,
        legend_font_family=FONT_FAMILY,
        legend_font_size=font_size - 4,
        hoverlabel_font_family=FONT_FAMILY,
        hoverlabel_font_size=font_size - 4,
        height=height,
        margin={"l": 20, "r": 20, "t": _title_room(title, font_size + 6), "b": 20},
    )
    axis = {"title_font_size": font_size, "tickfont_size": font_size - 4}
    fig.update_xaxes(**axis)
    fig.update_yaxes(**axis)
    if font_size < FONT_SIZE:  # a short chart: y title in two lines, no legend
        fig.update_yaxes(title_text=_wrap(fig.layout.yaxis.title.text or "", 20))
        fig.update_layout(showlegend=False)
    fig.update_traces(textfont_size=font_size - 4, selector={"type": "scatter"})
    fig.update_traces(textfont_size=font_size - 4, selector={"type": "bar"})
    return fig


def _title_room(title: str, title_size: int) -> int:
    """The top margin in px for a chart title: 1.3 times ``title_size`` per line
    of the title, and 36 px for the toolbar."""
    lines = title.count("<br>") + 1
    return 36 + round(1.3 * title_size * lines)


def fit_map_labels(
    fig: go.Figure, *, width_share: float, height: int, font_size: int | None
) -> go.Figure:
    """Place a map step's preset labels again for the plot area the chart really
    gets: ``width_share`` of the projector's width (less when the room's
    histogram stands beside it) and ``height`` px high, scaled from
    :data:`PROJECTOR_PLOT_PX` at :data:`CHART_HEIGHT`; ``font_size`` as given to
    :func:`projector_layout` (None: :data:`FONT_SIZE`). A plot shorter than
    :data:`MIN_LABELLED_PLOT_PX` keeps its markers and hover texts but no labels:
    the title and the star say what the step shows."""
    width_px, height_px = PROJECTOR_PLOT_PX
    plot_px = (width_px * width_share, height_px * height / CHART_HEIGHT)
    if plot_px[1] < MIN_LABELLED_PLOT_PX:  # too short for a dozen names: hover only
        fig.layout.annotations = [
            a for a in fig.layout.annotations if a.name != NOTE_NAME
        ]
        for trace in fig.data:
            if trace.type == "scatter" and "text" in (trace.mode or ""):
                trace.mode = "markers"
        return fig
    return place_labels(fig, plot_px=plot_px, font_px=(font_size or FONT_SIZE) - 4)


def replay_figure(
    step: Step,
    sim: Simulation,
    points: pd.DataFrame,
    presets: Mapping[str, Scenario],
    lang: str,
    *,
    label: str,
    preset_id: str,
    height: int = PAIR_HEIGHT,
) -> go.Figure:
    """One half of the replay, ``height`` px high: the step's chart for ``sim``
    (the preset ``preset_id``), titled by the text ``label`` (``seminar.before``
    or ``seminar.after``) with the preset's name, over the chart's own takeaway
    unless the chart is short (the three numbers above say it then)."""
    fig = step_figure(step, sim, points, lang)
    takeaway = fig.layout.title.text or ""
    name = html.escape(preset_name(preset_id, presets, lang), quote=False)
    heading = t(label, lang, name=name)
    if height >= PAIR_HEIGHT * 4 // 5:
        heading += f"<br><sup>{_wrap(takeaway, 80)}</sup>"
    fig.update_layout(title_text=heading)
    fig = projector_layout(fig, font_size=PAIR_FONT_SIZE, height=height)
    if step.chart != "welfare":  # the map: its labels in the smaller, larger type
        width_px, height_px = PAIR_PLOT_PX
        plot_px = (width_px, height_px * height / PAIR_HEIGHT)
        place_labels(fig, plot_px=plot_px, font_px=PAIR_FONT_SIZE - 4)
    return fig
