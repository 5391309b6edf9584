"""Property tests: the solver on random datasets converges or says it did not."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from model import equilibrium

TOL = equilibrium.TOLERANCE


@st.composite
def datasets(draw):
    """Random flows (2-12 regions, 1-4 sectors, with zeros) and shocks incl. inf."""
    n = draw(st.integers(2, 12))
    s = draw(st.integers(1, 4))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    zero_share = draw(st.sampled_from([0.0, 0.3, 0.6]))
    flows = rng.lognormal(0, 2, (n, n, s)) * (rng.random((n, n, s)) >= zero_share)
    flows[np.arange(n), np.arange(n), 0] += rng.uniform(1, 50, n)  # spending > 0
    theta = rng.uniform(0.5, 12, s)
    n_batch = draw(st.integers(1, 4))
    tau = np.exp(rng.uniform(-0.5, 1.5, (n_batch, n, n, s)))
    tau[rng.random(tau.shape) < draw(st.sampled_from([0.0, 0.05, 0.2]))] = np.inf
    q_hat = np.exp(rng.uniform(-0.5, 0.5, (n_batch, n, s)))
    return flows, theta, tau, q_hat


def cut_off_market(flows, tau) -> bool:
    allowed = (flows > 0) & np.isfinite(tau)
    return bool(((flows.sum(axis=0) > 0) & ~allowed.any(axis=1)).any())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datasets())
def test_converges_or_reports_failure(data):
    flows, theta, tau, q_hat = data
    if cut_off_market(flows, tau):
        try:
            equilibrium.solve(flows, theta, tau, q_hat)
        except ValueError as error:
            assert "prohibited" in str(error)
            return
        raise AssertionError("a market without suppliers was not rejected")

    eq = equilibrium.solve(flows, theta, tau, q_hat)
    ok = eq.converged
    assert np.all(eq.max_residual[ok] < TOL)
    assert np.isnan(eq.welfare_hat[~ok]).all()  # failures carry no numbers
    if ok.any():
        shares = eq.shares[ok].sum(axis=1)
        assert_allclose(shares[:, flows.sum(axis=0) > 0], 1.0, rtol=1e-9)
        assert_allclose(eq.income[ok].sum(axis=1), flows.sum(), rtol=TOL)
        assert np.all(eq.flows[ok] >= 0)
        prohibited = ~np.isfinite(tau[ok])
        assert np.all(eq.flows[ok][prohibited] == 0.0)
        assert np.all(np.isfinite(eq.welfare_hat[ok]) & (eq.welfare_hat[ok] >= 0))


def test_random_balanced_datasets_always_converge():
    """With balanced trade an equilibrium always exists, so the solver must find it.

    (With fixed deficits it need not exist: a surplus region whose exports are all
    prohibited cannot keep its surplus. Such cases must be reported, see above.)
    """
    rng = np.random.default_rng(2024)
    failures = 0
    for _ in range(200):
        n, s = rng.integers(2, 13), rng.integers(1, 5)
        flows = rng.lognormal(0, 2, (n, n, s)) * (rng.random((n, n, s)) > 0.3)
        flows = flows + flows.transpose(1, 0, 2)  # symmetric: balanced trade
        flows[np.arange(n), np.arange(n), :] += rng.uniform(1, 50, (n, s))
        tau = np.exp(rng.uniform(-0.5, 1.5, (n, n, s)))
        tau[rng.random(tau.shape) < 0.1] = np.inf
        tau[np.arange(n), np.arange(n), :] = 1.0
        eq = equilibrium.solve(flows, rng.uniform(0.5, 12, s), tau)
        failures += int(not eq.all_converged)
    assert failures == 0
