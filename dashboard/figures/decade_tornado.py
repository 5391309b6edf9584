"""The decade tab's tornado chart: one-at-a-time swings of one output in one year
(:meth:`model.uncertainty.TornadoPaths.table`). Plotly only, never Streamlit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.common import figure, finite_list
from dashboard.figures.decade_text import (
    format_value,
    output_label,
    parameter_label,
    subject,
)
from dashboard.i18n import t
from dashboard.theme import CURRENT_COLOR

LOW_COLOR = "#9ecae1"  # light blue: a parameter at the low end of its range
HIGH_COLOR = "#08519c"  # dark blue: at the high end


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
                "x": finite_list(values - central),
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
            subject=subject(name, key, lang),
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
    return figure(
        traces,
        title,
        shapes=[centre_line] if np.isfinite(central) else [],
        barmode="overlay",
        xaxis={"title": {"text": output_label(name, key, lang)}},
        yaxis={"automargin": True},
        legend={"orientation": "h", "y": -0.15},
        height=max(380, 34 * len(table) + 160),
    )
