"""Cached access to the model and the built-in presets, shared by all sessions.

Solves are cached with ``st.cache_resource`` keyed by the :class:`model.levers.Levers`
state (hashed by value): every session that asks for the same scenario gets the
same immutable result without solving or copying it again.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import pandas as pd
import streamlit as st

from dashboard.i18n import preset_text
from model.attribution import Attribution, attribute, attribute_path
from model.data import Baseline, load_baseline
from model.levers import Levers
from model.simulation import Simulation, simulate, simulate_batch
from scenarios.schema import Scenario
from scenarios.store import PresetStore

REFERENCE_PRESET = "no_controls"
"""The preset KPI deltas and the 'reference' columns compare against."""


@st.cache_resource
def baseline() -> Baseline:
    """The validated 2022 baseline, loaded once per server."""
    return load_baseline()


@st.cache_resource(max_entries=2048)
def solve(levers: Levers) -> Simulation:
    """The scenario's results (raises ConvergenceError if there is none)."""
    return simulate(levers, baseline())


@st.cache_resource(max_entries=256, show_spinner=False)
def explain(levers: Levers, base: Levers | None = None) -> Attribution:
    """Why the KPIs moved: every metric's change from ``base`` (default the
    reference preset) to ``levers``, split by lever group
    (:func:`model.attribution.attribute`; raises ConvergenceError if a mix of the
    groups has no equilibrium)."""
    if base is None:
        base = builtin_presets()[REFERENCE_PRESET].levers()
    return attribute(levers, base, baseline())


@st.cache_resource(max_entries=16, show_spinner=False)
def explain_path(
    timeline: tuple[tuple[int, Levers], ...], end: int, market_growth: bool = True
) -> Attribution:
    """Every year of a decade path split by lever group, against the no-policy
    path (:func:`model.attribution.attribute_path`), every coalition measured in
    the same market (grown along the trend, or the 2022 market held fixed)."""
    return attribute_path(
        timeline, end, baseline=baseline(), market_growth=market_growth
    )


@st.cache_resource
def builtin_presets() -> Mapping[str, Scenario]:
    """The built-in presets (frozen Scenarios in a read-only mapping), in timeline
    order (undated last)."""
    store = PresetStore()
    entries, _ = store.list()
    presets = {e.id: store.load(e.id) for e in entries if e.origin == "built-in"}
    return MappingProxyType(
        dict(
            sorted(
                presets.items(),
                key=lambda kv: (kv[1].as_of is None, str(kv[1].as_of)),
            )
        )
    )


@st.cache_resource
def _preset_points() -> pd.DataFrame:
    presets = builtin_presets()
    batch = simulate_batch([p.levers() for p in presets.values()], baseline())
    points = [batch.metrics.security_cost_point(b) for b in range(len(presets))]
    return pd.DataFrame(
        {"id": list(presets), "name": [p.name for p in presets.values()]}
    ).join(pd.DataFrame(points))


def preset_points(lang: str = "en") -> pd.DataFrame:
    """Every built-in preset on the security-cost plane (solved once per server in
    one batch): ``id``, ``name`` (in ``lang``), ``coalition_cost_usd_bn``,
    ``china_cost_pct``. Each call gets its own copy: the cached frame is shared by
    every session."""
    points = _preset_points().copy()
    if lang != "en":
        points["name"] = [
            preset_text(i, "name", lang, n)
            for i, n in zip(points["id"], points["name"], strict=True)
        ]
    return points
