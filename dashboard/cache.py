"""Cached access to the model and the built-in presets, shared by all sessions.

Solves are cached with ``st.cache_resource`` keyed by the lever values: every
session that asks for the same scenario gets the same immutable result without
solving or copying it again.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from model import policy
from model.data import Baseline, load_baseline
from model.simulation import Simulation, simulate, simulate_batch
from scenarios.schema import Scenario
from scenarios.store import PresetStore

REFERENCE_PRESET = "no_controls"
"""The preset KPI deltas and the 'reference' columns compare against."""

LeverKey = tuple[tuple[str, policy.LeverValue], ...]


def lever_key(levers: Mapping[str, policy.LeverValue]) -> LeverKey:
    """A hashable key of complete lever values, in lever-table order."""
    full = policy.validate_levers(levers)
    return tuple(full.items())


@st.cache_resource
def baseline() -> Baseline:
    """The validated 2022 baseline, loaded once per server."""
    return load_baseline()


@st.cache_resource(max_entries=2048)
def _solve(key: LeverKey) -> Simulation:
    return simulate(dict(key), baseline())


def solve(levers: Mapping[str, policy.LeverValue]) -> Simulation:
    """The scenario's results (raises ConvergenceError if there is none)."""
    return _solve(lever_key(levers))


@st.cache_resource
def builtin_presets() -> dict[str, Scenario]:
    """The read-only built-in presets, in timeline order (undated last)."""
    store = PresetStore()
    entries, _ = store.list()
    presets = {e.id: store.load(e.id) for e in entries if e.origin == "built-in"}
    return dict(
        sorted(presets.items(), key=lambda kv: (kv[1].as_of is None, str(kv[1].as_of)))
    )


@st.cache_resource
def preset_points() -> pd.DataFrame:
    """Every built-in preset on the security-cost plane, solved in one batch."""
    presets = builtin_presets()
    batch = simulate_batch([p.levers() for p in presets.values()], baseline())
    values = batch.metrics.values
    return pd.DataFrame(
        {
            "id": list(presets),
            "name": [p.name for p in presets.values()],
            "coalition_cost_usd_bn": -values["coalition_welfare_change_usd_bn"].change,
            "china_cost_pct": values["china_tech_price_change_pct"].change,
        }
    )


def reference() -> Simulation:
    """The no-controls reference scenario."""
    return solve(builtin_presets()[REFERENCE_PRESET].levers())
