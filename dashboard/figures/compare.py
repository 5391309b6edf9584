"""Figures of the Compare tab: a table of headline metrics with differences against
a reference, grouped bars of the metrics and of welfare by region. Plotly only,
never streamlit.

Each function reshapes what the model computed and returns a ``go.Figure`` (or,
for :func:`comparison_table`, the table as a DataFrame) whose title states the
takeaway and whose axes carry units.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.figures.common import styled
from dashboard.i18n import metric_label, region, t, unit
from model import sweeps
from model.metrics import METRICS, METRICS_BY_NAME
from model.simulation import Simulation

SCENARIO_COLORS: tuple[str, ...] = ("#4477AA", "#EE6677", "#228833", "#CCBB44")
"""Compare tab, scenarios A-D: Paul Tol's 'bright' scheme (colour-blind safe)."""

COMPARE_METRICS: tuple[str, ...] = (
    "china_tech_price_change_pct",
    "china_tech_imports_from_coalition_change_pct",
    "coalition_tech_revenue_change_usd_bn",
    "coalition_welfare_change_usd_bn",
    "backfill_share",
    "cost_effectiveness",
)
"""The metrics of the Compare tab's bar chart, in panel order; each panel's short
title is ``charts.compare.short.<metric>`` (the table shows every scalar metric)."""


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
    return styled(
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
    return styled(
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
    return styled(
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
