"""The solver with input-output links and tariffs that raise revenue: analytic
cases, accounting identities, the analytic Jacobian and an independent solve."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from model import equilibrium
from model import equilibrium_accounts as accounts
from model import equilibrium_newton as newton
from model import equilibrium_system as system
from tests.support.scipy_oracle import solve_io_levels_with_scipy

TOL = equilibrium.TOLERANCE


def dataset(
    seed: int, n: int = 4, s: int = 3, io: float = 0.4
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Random flows with intermediate use, IO shares, tariffs and elasticities.

    Flows are final sales plus the intermediate purchases the IO shares imply
    (spread over suppliers like the final sales), so final demand stays positive.
    """
    rng = np.random.default_rng(seed)
    final = rng.uniform(1, 10, size=(n, n, s)) * (1 + 4 * np.eye(n)[:, :, None])
    gamma = rng.dirichlet(np.ones(s), size=(n, s)) * rng.uniform(0, io, (n, s, 1))
    flows = final.copy()
    for _ in range(200):  # gross output R solves R = final + intermediate use
        output = flows.sum(axis=1)
        bought = np.einsum("jks,jk->js", gamma, output)  # (j, s)
        supplier_share = final / final.sum(axis=0)
        flows = final + supplier_share * bought[None]
    tariff = np.zeros((n, n, s))
    tariff[1, 0], tariff[0, 1] = 0.2, 0.1
    theta = rng.uniform(2, 8, size=s)
    return flows, gamma, tariff, theta


def test_zero_shock_is_the_baseline_exactly_with_io_and_tariffs():
    flows, gamma, tariff, theta = dataset(0)
    eq = equilibrium.solve(flows, theta, gamma=gamma, tariff=tariff)
    assert eq.all_converged and eq.iterations[0] == 0
    assert np.array_equal(eq.flows[0], flows)
    assert np.array_equal(eq.r_hat[0], np.ones(flows.shape[::2]))
    assert np.array_equal(eq.welfare_hat[0], np.ones(flows.shape[0]))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_accounts_add_up(seed):
    flows, gamma, tariff, theta = dataset(seed)
    rng = np.random.default_rng(seed)
    tau = rng.uniform(0.8, 1.6, size=flows.shape)
    new_tariff = tariff + rng.uniform(0, 0.3, size=flows.shape)
    q = rng.uniform(0.9, 1.2, size=flows.shape[::2])
    eq = equilibrium.solve(
        flows, theta, tau, q, gamma=gamma, tariff=tariff, new_tariff=new_tariff
    )
    assert eq.all_converged
    before = equilibrium.accounts(flows, gamma, tariff)
    # world value added is the numeraire
    assert_allclose(eq.income.sum(), before.value_added.sum(), rtol=TOL)
    # final spending = value added + tariff revenue + the fixed deficit
    assert_allclose(
        eq.spending[0], eq.income[0] + eq.tariff_revenue[0] + before.deficit, rtol=1e-9
    )
    assert_allclose(eq.tariff_revenue[0], (new_tariff * eq.flows[0]).sum(axis=(0, 2)))
    assert_allclose(eq.shares[0].sum(axis=0), 1.0, rtol=1e-12)
    # deficits sum to zero: world spending equals world income
    assert_allclose(before.deficit.sum(), 0.0, atol=1e-9 * flows.sum())


@pytest.mark.parametrize("seed", [4, 5])
@pytest.mark.parametrize("theta", [2.0, 5.0])
def test_acr_formula_with_input_output_links(seed, theta):
    """One sector, balanced trade, no tariffs: W_j = pi_jj_hat^(-1/(theta beta_j))
    (Costinot and Rodriguez-Clare 2014, eq. 30 with intermediate goods)."""
    rng = np.random.default_rng(seed)
    n = 4
    sales = rng.uniform(1, 5, size=(n, n))
    sales = sales + sales.T + 10 * np.eye(n)  # symmetric: balanced trade
    gamma = rng.uniform(0.1, 0.6, size=(n, 1, 1))
    flows = sales[:, :, None]  # gross sales; inputs are the sector's own composite
    # make the IO shares feasible: intermediate use below what each region buys
    bought = gamma[:, 0, 0] * flows.sum(axis=1)[:, 0]
    assert np.all(bought < flows.sum(axis=0)[:, 0])
    tau = rng.uniform(1.0, 1.8, size=(n, n, 1))
    tau[np.arange(n), np.arange(n)] = 1.0
    eq = equilibrium.solve(flows, [theta], tau, gamma=gamma)
    assert eq.all_converged
    pi = flows[:, :, 0] / flows[:, :, 0].sum(axis=0)
    home = np.arange(n)
    ratio = eq.shares[0, home, home, 0] / pi[home, home]
    beta = 1 - gamma[:, 0, 0]
    assert_allclose(eq.welfare_hat[0], ratio ** (-1 / (theta * beta)), rtol=1e-10)


@pytest.mark.parametrize("seed", [6, 7])
def test_agrees_with_an_independent_scipy_solve_in_levels(seed):
    flows, gamma, tariff, theta = dataset(seed, n=3, s=3)
    rng = np.random.default_rng(seed)
    tau = rng.uniform(0.9, 1.5, size=flows.shape)
    new_tariff = tariff + rng.uniform(0, 0.25, size=flows.shape)
    q = rng.uniform(0.9, 1.1, size=flows.shape[::2])
    eq = equilibrium.solve(
        flows, theta, tau, q, gamma=gamma, tariff=tariff, new_tariff=new_tariff
    )
    want = solve_io_levels_with_scipy(flows, theta, tau, q, gamma, tariff, new_tariff)
    assert eq.all_converged
    assert_allclose(eq.r_hat[0], want["r_hat"], rtol=1e-8)
    assert_allclose(eq.sector_price_hat[0], want["P_hat"], rtol=1e-8)
    assert_allclose(eq.welfare_hat[0], want["welfare_hat"], rtol=1e-8)


def test_without_io_and_tariffs_it_is_the_endowment_economy():
    """gamma = 0 and zero tariffs: c_hat = r_hat and the same equilibrium as the
    model without the new arguments."""
    flows, _, _, theta = dataset(8)
    tau = np.random.default_rng(8).uniform(1, 1.5, size=flows.shape)
    plain = equilibrium.solve(flows, theta, tau)
    zero = equilibrium.solve(
        flows, theta, tau, gamma=np.zeros(flows.shape[::2] + flows.shape[2:])
    )
    assert np.array_equal(plain.p_hat, plain.r_hat)
    assert_allclose(zero.flows, plain.flows, rtol=1e-13)


def test_a_tariff_raises_revenue_not_costs():
    """A small importer's tariff: it collects revenue, and compared with the same
    price wedge as an iceberg cost (which earns nothing) it is better off."""
    flows, gamma, _, theta = dataset(9)
    n, _, s = flows.shape
    wedge = np.ones((n, n, s))
    wedge[1:, 0] = 1.1  # region 0 taxes every import by 10%
    new_tariff = np.zeros((n, n, s))
    new_tariff[1:, 0] = 0.1
    as_tariff = equilibrium.solve(flows, theta, gamma=gamma, new_tariff=new_tariff)
    as_cost = equilibrium.solve(flows, theta, wedge, gamma=gamma)
    assert as_tariff.tariff_revenue[0, 0] > 0 and as_cost.tariff_revenue[0, 0] == 0
    assert as_tariff.welfare_hat[0, 0] > as_cost.welfare_hat[0, 0]


def test_analytic_jacobian_matches_finite_differences():
    flows, gamma, tariff, theta = dataset(10)
    rng = np.random.default_rng(10)
    new_tariff = tariff + rng.uniform(0, 0.2, size=flows.shape)
    base = accounts.aggregates(flows, gamma, tariff)
    tau = rng.uniform(0.9, 1.4, size=flows.shape)
    batch = accounts.batch_inputs(base, theta, tau, None, new_tariff)
    n, _, s = flows.shape
    log_c = rng.normal(scale=0.05, size=(1, n, s))
    state = system.evaluate(base, batch, log_c)
    jac = system.dense_jacobian(base, batch, state)  # columns in (s, i) order
    h, numeric = 1e-6, np.zeros_like(jac)
    for k in range(n * s):
        step = np.zeros((1, s, n))
        step.flat[k] = h
        step = step.transpose(0, 2, 1)
        up = system.rhs(base, batch, system.evaluate(base, batch, log_c + step))
        down = system.rhs(base, batch, system.evaluate(base, batch, log_c - step))
        numeric[0, :, k] = (up[0] - down[0]) / (2 * h)
    assert_allclose(jac, numeric, atol=1e-7 * np.abs(jac).max())


def test_krylov_solver_matches_dense(monkeypatch):
    """The matrix-free GMRES path (large models) and the dense Newton path give
    the same equilibrium to 1e-10, with IO, tariffs and a prohibited flow."""
    flows, gamma, tariff, theta = dataset(12)
    rng = np.random.default_rng(12)
    tau = rng.uniform(0.9, 1.6, size=(3, *flows.shape))
    tau[1, 0, 1] = np.inf
    new_tariff = tariff + rng.uniform(0, 0.3, size=flows.shape)
    args = (flows, theta, tau)
    kwargs = {"gamma": gamma, "tariff": tariff, "new_tariff": new_tariff}
    dense = equilibrium.solve(*args, **kwargs)
    monkeypatch.setattr(newton, "DENSE_MAX", 0)
    krylov = equilibrium.solve(*args, **kwargs)
    assert dense.all_converged and krylov.all_converged
    for field in ("r_hat", "p_hat", "welfare_hat", "price_hat", "flows"):
        assert_allclose(getattr(krylov, field), getattr(dense, field), rtol=1e-10)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"gamma": "negative"}, "gamma must be finite and >= 0"),
        ({"gamma": "too much"}, "sum to 1 or more"),
        ({"gamma": "starved"}, "final demand of region"),
        ({"tariff": -0.1}, "tariffs must be finite and >= 0"),
    ],
)
def test_bad_io_and_tariff_inputs_raise(change, message):
    flows, gamma, tariff, theta = dataset(11)
    if change.get("gamma") == "negative":
        gamma = gamma.copy()
        gamma[0, 0, 0] = -0.1
    elif change.get("gamma") == "too much":
        gamma = gamma * 0 + 0.5
    elif change.get("gamma") == "starved":
        gamma = gamma * 0
        gamma[0, :, 1] = 0.95  # region 0 would buy more of sector 1 than it does
    if "tariff" in change:
        tariff = tariff + change["tariff"]
    with pytest.raises(ValueError, match=message):
        equilibrium.solve(flows, theta, gamma=gamma, tariff=tariff)


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    io=st.floats(0.05, 0.7),
    shock=st.floats(1.05, 3.0),
)
def test_random_io_datasets_converge_or_report(seed, io, shock):
    flows, gamma, tariff, theta = dataset(seed, io=io)
    rng = np.random.default_rng(seed)
    tau = rng.uniform(1.0, shock, size=flows.shape)
    new_tariff = tariff * rng.uniform(0, 3, size=flows.shape)
    eq = equilibrium.solve(
        flows, theta, tau, gamma=gamma, tariff=tariff, new_tariff=new_tariff
    )
    ok = eq.converged
    assert np.all(np.isnan(eq.welfare_hat[~ok]))
    if ok.any():
        assert_allclose(eq.shares[ok].sum(axis=1), 1.0, rtol=1e-9)
        assert np.all(eq.flows[ok] >= 0)


def test_dense_jacobian_is_the_product_applied_to_the_identity():
    flows, gamma, tariff, theta = dataset(13)
    rng = np.random.default_rng(13)
    base = accounts.aggregates(flows, gamma, tariff)
    tau = rng.uniform(0.9, 1.4, size=(2, *flows.shape))
    new_tariff = tariff + rng.uniform(0, 0.2, size=flows.shape)
    batch = accounts.batch_inputs(base, theta, tau, None, new_tariff)
    n, _, s = flows.shape
    state = system.evaluate(base, batch, rng.normal(scale=0.05, size=(2, n, s)))
    v = rng.normal(size=(2, s, n, 3))
    product = system.jacobian_apply(base, system.linearise(base, batch, state), v)
    dense = system.dense_jacobian(base, batch, state)
    assert_allclose(
        product.reshape(2, s * n, 3), dense @ v.reshape(2, s * n, 3), atol=1e-12
    )
