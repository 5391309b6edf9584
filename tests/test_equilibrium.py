"""The GE solver against analytic cases, invariants and an independent solve."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from model import equilibrium
from model.data import load_baseline
from tests.support.scipy_oracle import solve_levels_with_scipy

TOL = equilibrium.TOLERANCE


@pytest.fixture(scope="module")
def base():
    return load_baseline()


def us_fence(base, factor: float) -> np.ndarray:
    """Iceberg shock on U.S. technology sales to China."""
    tau = np.ones(base.flows_usd_bn.shape)
    tau[0, 1, :6] = factor
    return tau


def balanced_one_sector(n: int, seed: int) -> np.ndarray:
    """Random one-sector flows with balanced trade (symmetric off-diagonal)."""
    rng = np.random.default_rng(seed)
    cross = rng.uniform(0, 10, (n, n))
    flows = cross + cross.T
    flows[np.diag_indices(n)] = rng.uniform(20, 100, n)
    return flows[:, :, None]


def check_adding_up(flows0: np.ndarray, eq: equilibrium.Equilibrium, q_hat=None):
    """Shares sum to one, markets clear, world income = world spending = numeraire."""
    spending_js = flows0.sum(axis=0)
    shares = eq.shares.sum(axis=1)
    assert_allclose(shares[:, spending_js > 0], 1.0, rtol=1e-12)
    supply = eq.p_hat * (1.0 if q_hat is None else q_hat) * flows0.sum(axis=1)
    assert_allclose(eq.flows.sum(axis=2), supply, rtol=1e-9, atol=1e-12)
    assert_allclose(eq.income.sum(axis=1), eq.spending.sum(axis=1), rtol=1e-12)
    assert_allclose(eq.income.sum(axis=1), flows0.sum(), rtol=TOL)


def test_zero_shock_is_the_baseline_exactly(base):
    eq = equilibrium.solve(base.flows_usd_bn, base.theta)
    assert eq.converged.all() and eq.iterations[0] == 0
    assert np.array_equal(eq.p_hat[0], np.ones((8, 7)))
    assert np.array_equal(eq.flows[0], base.flows_usd_bn)
    assert np.array_equal(eq.welfare_hat[0], np.ones(8))
    assert np.array_equal(eq.welfare_change_value[0], np.zeros(8))


def test_scale_invariance(base):
    tau = us_fence(base, 1.8)
    eq1 = equilibrium.solve(base.flows_usd_bn, base.theta, tau)
    eq2 = equilibrium.solve(1000 * base.flows_usd_bn, base.theta, tau)
    assert_allclose(eq2.p_hat, eq1.p_hat, rtol=1e-10)
    assert_allclose(eq2.welfare_hat, eq1.welfare_hat, rtol=1e-10)
    assert_allclose(eq2.flows, 1000 * eq1.flows, rtol=1e-9)


def test_adding_up_with_trade_and_capacity_shocks(base):
    rng = np.random.default_rng(1)
    tau = np.exp(rng.uniform(-0.2, 0.5, base.flows_usd_bn.shape))
    q_hat = np.exp(rng.uniform(-0.1, 0.3, (8, 7)))
    eq = equilibrium.solve(base.flows_usd_bn, base.theta, tau, q_hat)
    assert eq.all_converged and eq.max_residual[0] < TOL
    check_adding_up(base.flows_usd_bn, eq, q_hat)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("theta", [0.76, 4.0, 12.0])
def test_acr_formula_one_sector_balanced_trade(seed, theta):
    flows = balanced_one_sector(6, seed)
    rng = np.random.default_rng(100 + seed)
    tau = np.exp(rng.uniform(0, 0.7, flows.shape))
    tau[np.arange(6), np.arange(6)] = 1.0  # domestic sales are not shocked
    eq = equilibrium.solve(flows, [theta], tau)
    assert eq.all_converged
    home = np.arange(6)
    pi_old = flows[home, home, 0] / flows[:, :, 0].sum(axis=0)
    pi_new = eq.shares[0, home, home, 0]
    acr = (pi_new / pi_old) ** (-1 / theta)
    assert_allclose(eq.welfare_hat[0], acr, rtol=1e-10)


@pytest.mark.parametrize("t", [1.0, 1.3, 3.0, np.inf])
def test_two_symmetric_countries_by_hand(t):
    """A symmetric shock keeps p_hat = 1: W_hat = ((a + b t^-th) / (a + b))^(1/th)."""
    a, b, theta = 80.0, 20.0, 4.0
    flows = np.array([[a, b], [b, a]])[:, :, None]
    tau = np.array([[1.0, t], [t, 1.0]])[:, :, None]
    eq = equilibrium.solve(flows, [theta], tau)
    assert eq.all_converged
    assert_allclose(eq.p_hat[0], 1.0, rtol=1e-12)
    access = (a + b * t**-theta) / (a + b)
    assert_allclose(eq.welfare_hat[0], access ** (1 / theta), rtol=1e-12)
    assert_allclose(eq.flows[0, 0, 1, 0], b * t**-theta / access, rtol=1e-12)
    assert_allclose(eq.flows[0, 0, 0, 0], a / access, rtol=1e-12)


def test_prohibited_flow_is_exactly_zero(base):
    tau = us_fence(base, 2.0)
    tau[0, 1, 0] = np.inf  # U.S. AI accelerators to China denied outright
    eq = equilibrium.solve(base.flows_usd_bn, base.theta, tau)
    assert eq.all_converged
    assert eq.flows[0, 0, 1, 0] == 0.0 and eq.shares[0, 0, 1, 0] == 0.0
    check_adding_up(base.flows_usd_bn, eq)


def test_stranded_supplier_sells_nothing_at_price_zero():
    flows = np.array([[50.0, 10.0], [0.0, 60.0]])[:, :, None]
    flows = np.concatenate([flows, np.array([[30.0, 5.0], [5.0, 30.0]])[:, :, None]], 2)
    flows[0, 0, 0] = 0.0  # region 0 sells sector 0 only abroad ...
    tau = np.ones_like(flows)
    tau[0, 1, 0] = np.inf  # ... and that sale is prohibited
    eq = equilibrium.solve(flows, [3.0, 3.0], tau)
    assert eq.all_converged
    assert eq.p_hat[0, 0, 0] == 0.0
    assert eq.flows[0, :, :, 0].sum() == pytest.approx(
        flows[1, 1, 0] * eq.p_hat[0, 1, 0]
    )
    check_adding_up(flows, eq)


def test_zero_output_sector_keeps_its_price(base):
    assert base.flows_usd_bn[2, :, 0].sum() == 0  # NLD makes no AI accelerators
    eq = equilibrium.solve(base.flows_usd_bn, base.theta, us_fence(base, 3.0))
    assert eq.p_hat[0, 2, 0] == 1.0 and eq.all_converged


def test_market_without_any_supplier_is_rejected(base):
    tau = np.ones(base.flows_usd_bn.shape)
    tau[:, 2, 0] = np.inf  # nobody may sell AI accelerators to the Netherlands
    with pytest.raises(ValueError, match="ai_chips to NLD"):
        equilibrium.solve(
            base.flows_usd_bn,
            base.theta,
            tau,
            region_names=base.regions,
            sector_names=base.sectors,
        )


def test_batch_equals_one_by_one(base):
    factors = [1.0, 1.5, 4.0, np.inf]
    taus = np.stack([us_fence(base, f) for f in factors])
    batch = equilibrium.solve(base.flows_usd_bn, base.theta, taus)
    for k, f in enumerate(factors):
        single = equilibrium.solve(base.flows_usd_bn, base.theta, us_fence(base, f))
        assert_allclose(batch.p_hat[k], single.p_hat[0], rtol=1e-13)
        assert_allclose(batch.welfare_hat[k], single.welfare_hat[0], rtol=1e-13)


def test_non_convergence_is_reported_not_returned(base):
    eq = equilibrium.solve(
        base.flows_usd_bn, base.theta, us_fence(base, 5.0), max_iterations=1
    )
    assert not eq.converged[0]
    assert eq.max_residual[0] > TOL
    assert np.isnan(eq.welfare_hat).all() and np.isnan(eq.flows).all()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"flows": -np.ones((2, 2, 1))}, "flows must be finite and >= 0"),
        ({"flows": np.ones((2, 3, 1))}, "shape"),
        ({"theta": [0.0]}, "theta must be finite and > 0"),
        ({"tau_hat": np.full((2, 2, 1), np.nan)}, "tau_hat must be > 0"),
        ({"tau_hat": np.zeros((2, 2, 1))}, "tau_hat must be > 0"),
        ({"q_hat": np.full((2, 1), np.inf)}, "q_hat must be finite"),
        ({"q_hat": np.ones((3, 2, 2))}, "shape"),
    ],
)
def test_bad_inputs_raise(kwargs, message):
    args = {"flows": np.ones((2, 2, 1)), "theta": [4.0]} | kwargs
    with pytest.raises(ValueError, match=message):
        equilibrium.solve(**args)


def test_agrees_with_an_independent_scipy_solve(base):
    rng = np.random.default_rng(7)
    tau = us_fence(base, 1.7)
    tau[1, 0, :] *= 1.25  # a U.S. tariff on China
    q_hat = np.exp(rng.uniform(0, 0.2, (8, 7)))
    eq = equilibrium.solve(base.flows_usd_bn, base.theta, tau, q_hat)
    p_scipy = solve_levels_with_scipy(base.flows_usd_bn, base.theta, tau, q_hat)
    assert_allclose(eq.p_hat[0], p_scipy, rtol=1e-8)
