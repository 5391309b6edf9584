"""Figures of the Flows tab: China's technology imports (Sankey and bars, reference
against the scenario) and the change of every bilateral flow in a sector. Plotly
only, never streamlit.

Every function takes :class:`model.simulation.Simulation` objects (element 0) and
keyword options, reshapes what the model computed, and returns a figure whose
title states the takeaway and whose axes carry units. No number is computed here
that a test of the model should pin; the model's tidy accessors do the maths.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.common import signed, signed_cells, styled
from dashboard.i18n import region, sector, t
from dashboard.theme import REGION_COLORS, SECTOR_COLORS
from model.names import TARGET, TECH_SECTORS
from model.simulation import Simulation

MEASURE_KEYS = {"volume": "charts.common.volume", "value": "charts.common.value"}
"""The word of each measure of :func:`bilateral_change_heatmap`."""


def china_imports_sankey(sim: Simulation, *, case: str, lang: str = "en") -> go.Figure:
    """China's technology imports by foreign supplier and sector (values, USD bn).

    Node order is fixed (regions, then sectors), so the reference and the scenario
    drawn side by side line up. When China imports no technology at all (full
    decoupling), the chart says so instead of drawing an empty box.
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
    if rows.empty:
        fig = go.Figure()
        fig.add_annotation(
            text=t("charts.sankey.no_imports", lang),
            x=0.5,
            y=0.5,
            xref="paper",
            yref="paper",
            showarrow=False,
            font={"size": 16},
        )
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
    return styled(fig, title, height=520, font={"size": 14})


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
        signed_cells(values, 1, "%"),
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
    return styled(
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
    title = t("charts.china_imports_bars.title", lang, change=signed(change))
    return styled(
        fig,
        title,
        barmode="stack",
        yaxis_title=t("charts.axes.imports", lang),
        xaxis_title=t("charts.axes.supplier_case", lang),
        height=520,
    )
