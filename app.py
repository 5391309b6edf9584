"""Streamlit entry point: levers in the sidebar, the model's headline metrics.

Run with ``make run``. This first version wires widgets -> levers -> model ->
metrics; the charts, presets and share links build on it.
"""

from __future__ import annotations

import streamlit as st

from model import policy
from model.data import Baseline, load_baseline
from model.metrics import METRICS_BY_NAME
from model.simulation import ConvergenceError, simulate

HEADLINE = (
    "china_tech_price_change_pct",
    "china_tech_imports_from_coalition_change_pct",
    "coalition_tech_revenue_change_usd_bn",
    "backfill_share",
    "world_welfare_change_pct",
    "cost_effectiveness",
)


@st.cache_resource
def baseline() -> Baseline:
    """The calibrated 2022 baseline, loaded and validated once per server."""
    return load_baseline()


@st.cache_data(max_entries=512)
def run(levers: tuple[tuple[str, policy.LeverValue], ...]) -> dict[str, object]:
    """Solve one scenario (cached by lever values, shared across sessions)."""
    simulation = simulate(dict(levers), baseline())
    return {**simulation.metrics.to_dict(), "ms": 1000 * simulation.seconds}


def lever_widget(lever: policy.Lever) -> policy.LeverValue:
    """One sidebar widget for a lever, labelled and explained from the lever table."""
    help_text = f"{lever.meaning} Unit: {lever.unit}."
    if lever.kind == "bool":
        return st.checkbox(
            lever.label, value=lever.default, key=lever.name, help=help_text
        )
    if lever.kind == "choice":
        return st.selectbox(lever.label, lever.choices, key=lever.name, help=help_text)
    return st.slider(
        f"{lever.label} ({lever.unit})",
        min_value=lever.minimum,
        max_value=lever.maximum,
        value=lever.default,
        step=lever.step,
        key=lever.name,
        help=help_text,
    )


def levers_from_sidebar() -> dict[str, policy.LeverValue]:
    """Every lever, grouped as in the lever table."""
    values = {}
    with st.sidebar:
        st.header("Scenario")
        for group, title in policy.GROUPS.items():
            with st.expander(title, expanded=group in ("yard", "fence")):
                for lever in policy.LEVERS:
                    if lever.group == group:
                        values[lever.name] = lever_widget(lever)
    return values


def format_metric(name: str, value: float | None) -> str:
    if value is None:
        return "n/a"
    unit = METRICS_BY_NAME[name].unit
    if unit == "share":
        return f"{100 * value:.1f}%"
    if unit == "%":
        return f"{value:+.2f}%"
    return f"{value:+.2f} {unit}"


st.set_page_config(page_title="Decoupling scenario dashboard", layout="wide")
st.title("Small yard, high fence: who loses what")
st.caption(
    "A multi-sector Armington trade model of U.S. technology export controls on "
    "China, calibrated to 2022. Changes are relative to the 2022 baseline."
)
levers = levers_from_sidebar()
try:
    result = run(tuple(levers.items()))
except ConvergenceError as error:
    st.error(
        f"The model did not converge for these levers, so no numbers are shown: {error}"
    )
    st.stop()

columns = st.columns(3)
for k, name in enumerate(HEADLINE):
    value = result["metrics"][name]
    columns[k % 3].metric(
        METRICS_BY_NAME[name].label,
        format_metric(name, value),
        help=f"`{name}` [{METRICS_BY_NAME[name].unit}]; n/a when undefined "
        "(no coalition loss to compare with).",
    )
st.caption(f"Computed in {result['ms']:.1f} ms.")
st.dataframe(
    {
        "region": list(result["metrics"]["welfare_change_pct"]),
        "welfare change (%)": list(result["metrics"]["welfare_change_pct"].values()),
        "welfare change (USD bn)": list(
            result["metrics"]["welfare_change_usd_bn"].values()
        ),
    },
    hide_index=True,
)
