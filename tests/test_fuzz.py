"""Fuzzing the whole lever space: the solver, the metrics, links and the app.

Hypothesis draws lever vectors over every lever's full range (its bounds and
values off the slider grid included) and checks that

* the solver converges or says it did not (flagged, NaN results, an error from
  ``simulate``) and, in fact, converges everywhere; the metrics are finite
  except the three that are documented as undefined in some scenarios (NaN,
  shown as "n/a"), never infinite;
* any share link decodes without an exception into valid levers, with warnings
  that are short single lines;
* the app renders without an exception for sampled lever vectors given as a
  share link (AppTest), with the metrics the model computes.

Runs are derandomized (the same examples every run) and bounded in number.

Covered elsewhere: the solver on random *datasets* (not lever vectors):
tests/test_equilibrium_properties.py; exact link round trips:
tests/test_links.py; the UI when the solver does not converge:
tests/test_faults.py.
"""

from __future__ import annotations

import itertools
import math
import unicodedata

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from dashboard import format
from dashboard.i18n import t
from dashboard.views.overview import HEADLINE
from helpers import APP
from model import levers as lever_table
from model.levers import Levers
from model.metrics import METRICS
from model.names import TECH_SECTORS
from model.simulation import ConvergenceError, simulate, simulate_batch
from scenarios import links

UNDEFINED_SOMETIMES = {"backfill_share", "leakage_share", "cost_effectiveness"}
"""NaN by definition when what they divide by is zero (model/metrics.py)."""

FUZZ = settings(
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def lever_values(lever: lever_table.Lever) -> st.SearchStrategy:
    if lever.kind == "bool":
        return st.booleans()
    if lever.kind == "choice":
        return st.sampled_from(lever.choices)
    bounds = st.sampled_from([lever.minimum, lever.maximum])
    inside = st.floats(lever.minimum, lever.maximum, allow_nan=False)
    return st.one_of(bounds, inside)


LEVER_VECTORS = st.fixed_dictionaries(
    {lever.name: lever_values(lever) for lever in lever_table.LEVERS}
)


def check_batch(batch, scenarios) -> None:
    """Every element converged with finite metrics, or is flagged with NaN."""
    converged = batch.equilibrium.converged
    for info in METRICS:
        change = np.asarray(batch.metrics.values[info.name].change, dtype=float)
        assert not np.isinf(change).any(), info.name
        for b in range(len(scenarios)):
            values = np.atleast_1d(change[b])
            if not converged[b]:
                assert np.isnan(values).all(), (info.name, scenarios[b])
            elif info.name not in UNDEFINED_SOMETIMES:
                assert np.isfinite(values).all(), (info.name, scenarios[b])
    for b in np.flatnonzero(~converged):
        with pytest.raises(ConvergenceError, match="did not converge"):
            simulate(scenarios[b], batch.baseline)


@settings(FUZZ, max_examples=120)
@given(st.lists(LEVER_VECTORS, min_size=1, max_size=16))
def test_solver_converges_or_says_so_and_metrics_are_finite(scenarios):
    batch = simulate_batch(scenarios)
    check_batch(batch, scenarios)
    assert batch.equilibrium.converged.all()  # and in fact it always converges
    for b in range(len(scenarios)):
        for name in HEADLINE:
            shown = format.metric_value(name, batch.metrics.scalar(name, b))
            assert "nan" not in shown.lower() and "inf" not in shown.lower()


def test_every_extreme_corner_sample_converges():
    """Levers at their bounds, all combinations of a deterministic sample."""
    rng = np.random.default_rng(2024)
    scenarios = []
    for _ in range(1500):
        levers: dict[str, object] = {}
        for lever in lever_table.LEVERS:
            if lever.kind == "number":
                levers[lever.name] = float(rng.choice([lever.minimum, lever.maximum]))
            elif lever.kind == "bool":
                levers[lever.name] = bool(rng.random() < 0.5)
            else:
                levers[lever.name] = str(rng.choice(lever.choices))
        scenarios.append(levers)
    extremes = [
        {
            lever.name: (lever.maximum if high else lever.minimum)
            if lever.kind == "number"
            else (high if lever.kind == "bool" else choice)
            for lever in lever_table.LEVERS
        }
        | {f"fence_rule_{s}": rule for s in TECH_SECTORS}
        for high, choice, rule in itertools.product(
            (False, True),
            lever_table.LEVERS_BY_NAME["elasticities"].choices,
            lever_table.FENCE_RULES,
        )
    ]
    batch = simulate_batch(scenarios + extremes)
    check_batch(batch, scenarios + extremes)
    assert batch.equilibrium.converged.all()
    assert batch.equilibrium.max_residual.max() < 1e-9


# --- share links ----------------------------------------------------------------------

KEYS = st.one_of(
    st.sampled_from(sorted(links.ALIASES.values()) + ["v", "p", "view", "fence_pct"]),
    st.text(max_size=30),
)
VALUES = st.one_of(
    st.text(max_size=80),
    st.floats().map(repr),
    st.sampled_from(["1", "0", "true", "nan", "-inf", "1e999", "central", ""]),
)
PRESETS = {"oct_2022_rule": lever_table.DEFAULTS | {"fence_pct": 100.0}}


@settings(FUZZ, max_examples=400)
@given(st.dictionaries(KEYS, st.one_of(VALUES, st.lists(VALUES, max_size=3))))
def test_any_link_decodes_into_valid_levers(params):
    decoded = links.decode(params, PRESETS)
    assert Levers(decoded.levers) == decoded.levers
    assert decoded.preset in (None, "oct_2022_rule")
    for warning in decoded.warnings:
        assert len(warning) < 300, warning
        assert not any(unicodedata.category(c) == "Cc" for c in warning), warning


# --- the app --------------------------------------------------------------------------


@settings(FUZZ, max_examples=10, suppress_health_check=list(HealthCheck))
@given(LEVER_VECTORS)
def test_app_renders_any_lever_vector(levers):
    at = AppTest.from_file(str(APP), default_timeout=60)
    for key, value in links.encode(levers).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    assert [w.value for w in at.sidebar.warning] == []
    assert {
        lever.name: at.session_state[lever.name] for lever in lever_table.LEVERS
    } == (levers)
    sim = simulate(levers)
    shown = {m.label: m.value for m in at.metric}
    for name in HEADLINE:
        assert shown[t(f"kpi.{name}.label", "en")] == format.metric_value(
            name, sim.metrics.scalar(name)
        )
    assert at.get("plotly_chart"), "no chart rendered"
    assert [e.value for e in at.error] == []
    for name in HEADLINE:
        value = sim.metrics.scalar(name)
        assert math.isfinite(value) or name in UNDEFINED_SOMETIMES
