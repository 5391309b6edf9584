"""The law of motion of capacities on small cases computed by hand (no solves)."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from model import law_of_motion
from model.law_of_motion import advance_capacities, measure_drivers

# three regions (0 an ally, 1 an outsider, 2 China) and two sectors: 0 a
# technology sector, 1 the rest
CHINA = 2
TECH = np.array([True, False])


def test_one_year_by_hand():
    capacity = np.array([[[1.0, 1.0], [1.2, 1.0], [0.8, 1.0]]])  # (1, N, S)
    revenue = np.array([[[0.9, 0.5], [1.1, 2.0], [0.7, 0.3]]])
    imports = np.array([[0.6, 0.1]])  # China's technology imports: 40% denied
    got = advance_capacities(
        capacity, revenue, imports, 0.2, 0.1, 0.15, 5.0, china=CHINA, technology=TECH
    )
    want = np.array(
        [
            [
                [math.exp(0.2 * -0.1), 1.0],  # 10% less revenue: 0.02 slower
                [1.2 * math.exp(0.2 * 0.1), 1.0],  # a backfiller gains
                # China: 1.05 push, exp(kappa * 0.4 - delta * 0.4) = exp(0.02)
                [0.8 * 1.05 * math.exp(0.15 * 0.4 - 0.1 * 0.4), 1.0],
            ]
        ]
    )
    assert_allclose(got, want, rtol=1e-15)
    assert got[0, 0, 0] == pytest.approx(0.980198673, rel=1e-9)
    assert got[0, 2, 0] == pytest.approx(0.8 * 1.05 * 1.020201340, rel=1e-9)


def test_cheaper_imports_engage_learning_but_not_indigenisation():
    """w > 1 (a trade-cost cut): delta speeds China up, kappa does nothing."""
    one = np.ones((1, 3, 2))
    imports = np.array([[1.25, 1.0]])
    for kappa in (0.0, 0.3):
        got = advance_capacities(
            one, one, imports, 0.2, 0.2, kappa, 0.0, china=CHINA, technology=TECH
        )
        assert got[0, CHINA, 0] == pytest.approx(math.exp(0.2 * 0.25), rel=1e-15)


def test_no_policy_leaves_capacities_but_the_push_compounds():
    capacity = np.array([[[1.3, 1.0], [0.9, 1.0], [1.1, 1.0]]])
    one = np.ones((1, 3, 2))
    got = advance_capacities(
        capacity, one, np.ones((1, 2)), 0.4, 0.2, 0.3, 0.0, china=CHINA, technology=TECH
    )
    assert_array_equal(got, capacity)
    pushed = advance_capacities(
        got, one, np.ones((1, 2)), 0.4, 0.2, 0.3, 10.0, china=CHINA, technology=TECH
    )
    assert_allclose(pushed[0, CHINA], [1.1 * 1.1, 1.0], rtol=1e-15)


def test_a_full_cut_grows_china_at_exp_kappa_minus_delta_per_batch_element():
    one = np.ones((2, 3, 2))
    cut = np.zeros((2, 2))
    got = advance_capacities(
        one,
        one,
        cut,
        np.array([0.2, 0.2]),
        np.array([0.1, 0.2]),
        np.array([0.15, 0.0]),
        0.0,
        china=CHINA,
        technology=TECH,
    )
    assert_allclose(got[:, CHINA, 0], np.exp([0.05, -0.2]), rtol=1e-15)
    assert_array_equal(got[:, :CHINA], 1.0)


def test_drivers_by_hand():
    # flows[b, i, j, s]: exporter i to importer j; China is importer 2
    flows = np.zeros((1, 3, 3, 2))
    flows[0, 0, 2, 0] = 4.0  # ally -> China, technology
    flows[0, 1, 2, 0] = 2.0  # outsider -> China
    flows[0, 2, 2, 0] = 6.0  # China's own sales at home: not an import
    flows[0, 0, 1, 0] = 1.0  # ally -> outsider
    flows_cf = flows.copy()
    flows_cf[0, 0, 2, 0] = 8.0
    p_hat = np.ones((1, 3, 2))
    p_hat[0, 1, 0] = 2.0  # the outsider's price doubles
    tau = np.ones((1, 3, 3, 2))
    tau[0, 0, 2, 0] = 2.0  # the fence doubles the ally's cost into China
    revenue, imports = measure_drivers(flows, p_hat, tau, flows_cf, p_hat, CHINA)
    assert_allclose(revenue[0, :, 0], [(4 + 1) / (8 + 1), 1.0, 1.0])
    assert_array_equal(revenue[0, :, 1], 1.0)  # no sales: the ratio is 1
    # volumes: policy 4/(1*2) + 2/2 = 3; counterfactual 8/1 + 2/2 = 9
    assert_allclose(imports[0], [3 / 9, 1.0])


def test_the_docstring_example_holds():
    assert doctest.testmod(law_of_motion).failed == 0


def test_only_kappa_and_the_push_are_paid_for():
    imports = np.array([[0.6, 0.1], [1.5, 1.0]])  # 40% denied; cheaper imports
    paid = law_of_motion.paid_log_growth(imports, np.array([0.15, 0.15]), 5.0, TECH)
    assert_allclose(paid[:, 0], [0.15 * 0.4 + math.log(1.05), math.log(1.05)])
    assert paid.shape == (2, 1)  # technology sectors only
    none = law_of_motion.paid_log_growth(imports, 0.0, 0.0, TECH)
    assert_array_equal(none, 0.0)  # no effort, nothing to pay


def test_the_cost_is_phi_times_the_value_added_of_the_paid_capacity():
    capacity = np.array([[1.2, 0.9], [1.0, 1.0]])  # (B, T)
    paid = np.array([[math.log(1.2), 0.0], [0.0, 0.0]])
    value_added = np.array([50.0, 20.0])
    cost = law_of_motion.indigenisation_cost(
        capacity, paid, value_added, np.array([1.5, 1.0])
    )
    # 1.2 (1 - 1 / 1.2) = 0.2 of sector 0's 50 at phi 1.5; nothing paid elsewhere
    assert_allclose(cost, [1.5 * 0.2 * 50.0, 0.0], atol=1e-12)
