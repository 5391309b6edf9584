"""Figures of the Reality check tab: the presets' predictions beside what happened,
and the model's numbers beside published studies. Plotly only, never streamlit.

Both take a :class:`scenarios.reality.RealityCheck` (computed by the model from
the built-in presets) and draw what it holds; nothing here computes a prediction.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.figures.common import signed, styled
from dashboard.i18n import t
from dashboard.theme import CURRENT_COLOR, GAIN_COLOR, LOSS_COLOR, NEUTRAL_COLOR
from scenarios.reality import RealityCheck

AXIS_LIMIT = {"%": 45.0, "pp": 20.0}
"""Half-width of each panel's axis; a larger change is drawn at the edge with its
number beside it (Dutch lithography exports rose about 1000%)."""


TICKS = {"%": (-40, -20, 0, 20, 40), "pp": (-20, -10, 0, 10, 20)}
PANEL_TITLES = {"%": "charts.reality.panel_pct", "pp": "charts.reality.panel_pp"}


def _clip(values: pd.Series, unit: str) -> np.ndarray:
    limit = AXIS_LIMIT[unit]
    return np.clip(values.to_numpy(dtype=float), -limit, limit)


def comparison_label(row_id: str, lang: str) -> str:
    """The short label of a comparison (an observation) in ``lang``."""
    return t(f"views.reality.labels.{row_id}", lang)


def comparison_chart(check: RealityCheck, lang: str = "en") -> go.Figure:
    """Observed change (black diamond) and the preset's predicted change (dot:
    green when the direction is the same, vermillion when not) for every
    comparison of changes, one panel for % changes of values and one for pp
    changes of shares; a grey line shows how far apart they are."""
    table = check.comparisons[check.comparisons["compare"] == "change"]
    units = [u for u in ("%", "pp") if (table["unit"] == u).any()]
    counts = [int((table["unit"] == u).sum()) for u in units]
    fig = make_subplots(
        rows=len(units),
        cols=1,
        row_heights=counts,
        vertical_spacing=0.12,
        subplot_titles=[t(PANEL_TITLES[u], lang) for u in units],
    )
    for k, unit in enumerate(units):
        rows = table[table["unit"] == unit].iloc[::-1]
        labels = [comparison_label(i, lang) for i in rows["id"]]
        observed, model = _clip(rows["observed"], unit), _clip(rows["model"], unit)
        suffix = "%" if unit == "%" else " pp"
        line_x: list[float | None] = []
        line_y: list[str | None] = []
        for label, a, b in zip(labels, observed, model, strict=True):
            line_x += [float(a), float(b), None]
            line_y += [label, label, None]
        fig.add_trace(
            go.Scatter(
                x=line_x,
                y=line_y,
                mode="lines",
                line={"color": "#b8bec9", "width": 6},
                hoverinfo="skip",
                showlegend=False,
            ),
            row=k + 1,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                x=observed,
                y=labels,
                mode="markers+text",
                marker={"symbol": "diamond", "size": 16, "color": CURRENT_COLOR},
                text=[signed(v, suffix, 1) for v in rows["observed"]],
                textposition=[
                    _side(a, b, unit) for a, b in zip(observed, model, strict=True)
                ],
                textfont={"size": 15, "color": CURRENT_COLOR},
                name=t("charts.reality.observed", lang),
                legendgroup="observed",
                showlegend=k == 0,
                hovertemplate="%{y}: %{text}<extra></extra>",
            ),
            row=k + 1,
            col=1,
        )
        right = rows["same_direction"].to_numpy(dtype=bool)
        for same in (True, False):
            chosen = right == same
            fig.add_trace(
                go.Scatter(
                    x=model[chosen],
                    y=[label for label, c in zip(labels, chosen, strict=True) if c],
                    mode="markers",
                    marker={
                        "size": 16,
                        "color": GAIN_COLOR if same else LOSS_COLOR,
                        "line": {"color": "white", "width": 1},
                    },
                    customdata=[
                        signed(v, suffix, 2) for v in rows["model"].to_numpy()[chosen]
                    ],
                    name=t(
                        "charts.reality.model_same"
                        if same
                        else "charts.reality.model_opposite",
                        lang,
                    ),
                    legendgroup=str(same),
                    showlegend=k == 0,
                    hovertemplate="%{y}: %{customdata}<extra></extra>",
                ),
                row=k + 1,
                col=1,
            )
        limit = AXIS_LIMIT[unit]
        fig.update_yaxes(tickfont={"size": 15}, row=k + 1, col=1)
        fig.update_xaxes(
            range=[-limit * 1.3, limit * 1.3],
            tickvals=TICKS[unit],
            ticktext=[f"{v:+g}{suffix}" if v else "0" for v in TICKS[unit]],
            zeroline=True,
            zerolinewidth=2,
            zerolinecolor=NEUTRAL_COLOR,
            row=k + 1,
            col=1,
        )
    fig.update_annotations(font_size=15, x=0, xanchor="left")
    title = t(
        "charts.reality.title",
        lang,
        right=check.directions_right,
        total=check.compared,
        size=f"{check.median_size_pct:.0f}",
    )
    key = (
        f"<span style='font-size:15px'>◆ {t('charts.reality.observed', lang)}"
        f"   <span style='color:{GAIN_COLOR}'>●</span> "
        f"{t('charts.reality.model_same', lang)}"
        f"   <span style='color:{LOSS_COLOR}'>●</span> "
        f"{t('charts.reality.model_opposite', lang)}"
        f"   <span style='color:#8a919e'>▬</span> "
        f"{t('charts.reality.gap', lang)}</span>"
    )
    title = f"{title}<br>{key}"
    return styled(
        fig,
        title,
        height=210 + 46 * len(table),
        showlegend=False,
        margin={"l": 10, "r": 30, "t": 120, "b": 30},
    )


def _side(observed: float, model: float, unit: str) -> str:
    """Put an observed number's label on the side away from the model's dot, or
    inward when the diamond sits at the axis edge."""
    limit = AXIS_LIMIT[unit]
    if abs(observed) >= limit:
        return "middle left" if observed > 0 else "middle right"
    return "middle right" if observed >= model else "middle left"


def literature_chart(check: RealityCheck, lang: str = "en") -> go.Figure:
    """Published losses (grey: a bar for a range, a diamond for one number) beside
    the model's loss for the same scenario (blue dot), in % on a log axis, for the
    results in % that are losses in both; each row names the study and its kind
    of model. The other results (pp, signs) are in the tab's table."""
    lit = check.literature
    rail = lit[
        (lit["unit"] == "%") & (lit["published_high"] < 0) & (lit["model"] < 0)
    ].iloc[::-1]
    labels = [
        f"{t(f'views.reality.rail.{i}', lang)}<br>"
        f"<span style='font-size:13px;color:#6b7280'>"
        f"{t(f'views.reality.study_type.{s}', lang)}</span>"
        for i, s in zip(rail["id"], rail["study"], strict=True)
    ]
    low = -rail["published_high"].to_numpy(dtype=float)  # the smaller loss
    high = -rail["published_low"].to_numpy(dtype=float)
    model = -rail["model"].to_numpy(dtype=float)
    range_x: list[float | None] = []
    range_y: list[str | None] = []
    for label, a, b in zip(labels, low, high, strict=True):
        if a != b:
            range_x += [float(a), float(b), None]
            range_y += [label, label, None]
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=range_x,
            y=range_y,
            mode="lines",
            line={"color": "#c9ced8", "width": 14},
            name=t("charts.reality.published_range", lang),
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[a for a, b in zip(low, high, strict=True) if a == b],
            y=[label for label, a, b in zip(labels, low, high, strict=True) if a == b],
            mode="markers",
            marker={"symbol": "diamond", "size": 16, "color": NEUTRAL_COLOR},
            name=t("charts.reality.published", lang),
            hovertemplate="−%{x:.2f}%<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=model,
            y=labels,
            mode="markers+text",
            marker={"size": 16, "color": "#0072B2"},
            text=[signed(-v, "%", 2) for v in model],
            textposition="top center",
            name=t("charts.reality.this_model", lang),
            hovertemplate="%{text}<extra></extra>",
        )
    )
    ticks = [0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30]
    fig.update_xaxes(
        type="log",
        tickvals=ticks,
        ticktext=[f"−{v:g}%" for v in ticks],
        range=[np.log10(0.015), np.log10(60)],
    )
    fig.update_yaxes(tickfont={"size": 15, "color": "#1e2530"})
    return styled(
        fig,
        t("charts.reality.rail_title", lang),
        height=190 + 58 * len(rail),
        xaxis_title=t("charts.reality.rail_axis", lang),
        legend={"orientation": "h", "y": -0.12, "x": 0},
    )
