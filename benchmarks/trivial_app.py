"""The benchmark's yardstick: one slider, one KPI, one Plotly chart, nothing else.

``python -m benchmarks.app`` measures slider-to-charts on this app and on the
dashboard in the same browser run; their ratio is the dashboard's own overhead
(issue 16: within 1.3x). The slider has the dashboard's fence key and the KPI its
label, so the same in-page probe (``BENCH_JS``) measures both.
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from dashboard import i18n

TECH_PRICE = "china_tech_price_change_pct"
value = st.slider("Fence", 0.0, 500.0, 100.0, 5.0, key="fence_pct")
st.metric(i18n.t(f"kpi.{TECH_PRICE}.label", i18n.DEFAULT_LANGUAGE), f"{value:.2f}")
st.plotly_chart(go.Figure(go.Scatter(x=[0.0, 1.0], y=[0.0, value])), key="chart")
