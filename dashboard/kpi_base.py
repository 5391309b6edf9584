"""The base the Overview's KPI deltas compare with, chosen above the cards and
kept in the link: the no-controls reference (2017 tariffs, the default) or the
2022 baseline (``?base=baseline``).

Against the reference a delta mixes the tariff war into every export-control
number; against the baseline it is the scenario's own change from 2022. The
baseline is solved like any scenario (the lever defaults reproduce it).
"""

from __future__ import annotations

import streamlit as st

from dashboard.context import ViewContext
from dashboard.i18n import t
from dashboard.widget_state import keep, restore
from model.levers import Levers
from model.simulation import Simulation

BASE_KEY = "kpi_base"
"""The widget's key."""
PARAM = "base"
"""The query parameter that mirrors it (absent for the default)."""
BASES = ("reference", "baseline")
DEFAULT = "reference"
VERSUS = {"reference": "format.vs_reference", "baseline": "format.vs_baseline"}
"""How a delta names its base, by translation key."""


def requested() -> str:
    """The base the link asks for, else the default."""
    asked = st.query_params.get(PARAM)
    return asked if asked in BASES else DEFAULT


def choose(lang: str = "en") -> str:
    """Draw the base switch, keep it in the link; return the base."""
    restore(BASE_KEY, requested())
    base = (
        st.segmented_control(
            t("kpi.base_label", lang),
            BASES,
            format_func=lambda b: t(f"kpi.base_{b}", lang),
            key=BASE_KEY,
            help=t("kpi.base_help", lang),
        )
        or DEFAULT
    )
    keep(BASE_KEY)
    if base == DEFAULT:
        st.query_params.pop(PARAM, None)
    else:
        st.query_params[PARAM] = base
    return base


def base_simulation(ctx: ViewContext, base: str) -> Simulation:
    """The results the deltas compare with: the reference or the baseline."""
    return ctx.reference if base == "reference" else ctx.solve(Levers())
