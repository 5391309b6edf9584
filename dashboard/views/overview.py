"""Overview tab: headline metrics against the reference, and the security-cost map."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import figures, format
from dashboard.theme import PLOTLY_CONFIG
from model.metrics import METRICS_BY_NAME
from model.simulation import Simulation

HEADLINE = (
    "china_tech_price_change_pct",
    "china_tech_imports_from_coalition_change_pct",
    "coalition_tech_revenue_change_usd_bn",
    "backfill_share",
    "world_welfare_change_pct",
    "cost_effectiveness",
)
LABELS = {
    "china_tech_price_change_pct": "China's technology prices",
    "china_tech_imports_from_coalition_change_pct": "China's imports, coalition",
    "coalition_tech_revenue_change_usd_bn": "Coalition technology revenue",
    "backfill_share": "Backfill by others",
    "world_welfare_change_pct": "World welfare",
    "cost_effectiveness": "China's cost per USD bn lost",
}
HELP = {
    "china_tech_price_change_pct": "How much more China pays for technology: its "
    "price index of the six technology sectors.",
    "china_tech_imports_from_coalition_change_pct": "Value of China's technology "
    "imports from the USA and participating allies.",
    "coalition_tech_revenue_change_usd_bn": "The industry's loss: technology sales "
    "of the USA and participating allies to all destinations.",
    "backfill_share": "Of the technology the fence stops, the part other foreign "
    "suppliers deliver instead (volumes). n/a when the fence stops nothing.",
    "world_welfare_change_pct": "Real income of the world.",
    "cost_effectiveness": "China's technology price increase (pp) per USD bn of "
    "welfare the coalition loses. n/a when the coalition loses nothing.",
}


def current_point(sim: Simulation) -> pd.Series:
    """The scenario on the security-cost plane (the fields of the preset points)."""
    return pd.Series(
        {
            "coalition_cost_usd_bn": -sim.metrics.scalar(
                "coalition_welfare_change_usd_bn"
            ),
            "china_cost_pct": sim.metrics.scalar("china_tech_price_change_pct"),
        }
    )


def render(sim: Simulation, reference: Simulation, points: pd.DataFrame) -> None:
    """KPI cards with deltas against the no-controls reference, then the map."""
    columns = st.columns(3)
    for k, name in enumerate(HEADLINE):
        value = sim.metrics.scalar(name)
        columns[k % 3].metric(
            LABELS[name],
            format.metric_value(name, value),
            delta=format.metric_delta(name, value, reference.metrics.scalar(name)),
            delta_color="off",
            help=f"{HELP[name]} {METRICS_BY_NAME[name].label}, change from the 2022 "
            f"baseline [{METRICS_BY_NAME[name].unit}]; `{name}`.",
            border=True,
        )
    st.caption(f"Solved in {1000 * sim.seconds:.1f} ms (cached for every session).")
    st.plotly_chart(
        figures.security_cost_map(points, current_point(sim)),
        config=PLOTLY_CONFIG,
        key="security_cost_map",
    )
