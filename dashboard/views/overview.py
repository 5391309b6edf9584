"""Overview tab: headline metrics against the reference, and the security-cost map."""

from __future__ import annotations

from functools import partial

import streamlit as st

from dashboard import format, kpi_base
from dashboard.context import ViewContext
from dashboard.explain import kpi_popover
from dashboard.figures import overview as figures
from dashboard.i18n import metric_label, t, unit
from dashboard.theme import PLOTLY_CONFIG
from model.levers import Levers
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
DOWNSTREAM = ("china_ict_hw_price_change_pct", "china_ict_hw_output_change_pct")
"""China's ICT hardware, shown in one line under the cards: the downstream effect."""

CARDS_KEY = "kpi_cards"
KPI_CSS = """
<style>
.st-key-kpi_cards [data-testid="stMetricLabel"] *,
.st-key-kpi_cards [data-testid="stMetricValue"] * {
  white-space: normal; overflow: visible; text-overflow: clip;
  overflow-wrap: anywhere;
}
.st-key-kpi_cards [data-testid="stMetricValue"] * {
  font-size: clamp(1.4rem, 2.6vw, 2.25rem); line-height: 1.2;
}
</style>
"""
"""The KPI cards at any width: a label wraps and a value shrinks with the window
(then wraps), never cut with an ellipsis; Chinese labels and units are long. A
constant, never built from user text."""


def downstream_line(
    sim: Simulation,
    reference: Simulation,
    lang: str = "en",
    versus: str = "format.vs_reference",
) -> str:
    """China's ICT-hardware price and output changes with their differences from
    the reference (named by the text ``versus``), as one sentence (n/a where
    undefined)."""
    fields: dict[str, str] = {}
    for key, name in zip(("price", "output"), DOWNSTREAM, strict=True):
        value = sim.metrics.scalar(name)
        fields[key] = format.metric_value(name, value, lang)
        delta = format.metric_delta(
            name, value, reference.metrics.scalar(name), lang, versus
        )
        fields[f"{key}_delta"] = delta or t("format.na", lang)
    return t("kpi.downstream", lang, **fields)


def render(ctx: ViewContext) -> None:
    """KPI cards with deltas against the chosen base (the no-controls reference
    or the 2022 baseline), each with its 'why this number?' waterfall from that
    base, then the map."""
    sim, lang = ctx.sim, ctx.lang
    base = kpi_base.choose(lang)
    reference, versus = kpi_base.base_simulation(ctx, base), kpi_base.VERSUS[base]
    explain = (
        ctx.explain if base == "reference" else partial(ctx.explain, base=Levers())
    )
    st.markdown(KPI_CSS, unsafe_allow_html=True)
    columns = st.container(key=CARDS_KEY).columns(3)
    for k, name in enumerate(HEADLINE):
        value = sim.metrics.scalar(name)
        columns[k % 3].metric(
            t(f"kpi.{name}.label", lang),
            format.metric_value(name, value, lang),
            delta=format.metric_delta(
                name, value, reference.metrics.scalar(name), lang, versus
            ),
            delta_color="off",
            help=t(
                "kpi.help_template",
                lang,
                help=t(f"kpi.{name}.help", lang),
                label=metric_label(name, lang),
                unit=unit(METRICS_BY_NAME[name].unit, lang),
                name=name,
            ),
            border=True,
        )
        with columns[k % 3]:
            kpi_popover(explain, ctx.levers, name, lang, base)
    st.caption(
        downstream_line(sim, reference, lang, versus),
        help=t("kpi.downstream_help", lang),
    )
    st.caption(t("kpi.solved_in", lang, ms=f"{1000 * sim.seconds:.1f}"))
    st.plotly_chart(
        figures.security_cost_map(
            ctx.preset_points(), sim.metrics.security_cost_point(), lang
        ),
        config=PLOTLY_CONFIG,
        key="security_cost_map",
    )
