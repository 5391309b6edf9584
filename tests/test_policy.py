"""Policy levers: the lever table, validation, levers -> shocks, monotone responses."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from model import levers as lever_table
from model import names, policy
from model.data import load_baseline
from model.levers import Levers
from model.simulation import simulate, simulate_batch
from scenarios.schema import scenario_from_json

USA, CHN, NLD, JPN, ROW = (
    names.REGIONS.index(r) for r in ("USA", "CHN", "NLD", "JPN", "ROW")
)
AI, SME, REST = (names.SECTORS.index(s) for s in ("ai_chips", "sme", "rest"))


@pytest.fixture(scope="module")
def base():
    return load_baseline()


def shocks(base, **levers) -> policy.Shocks:
    checked = Levers(levers)
    return policy.build_shocks(
        policy.stack_levers([checked]),
        base.regions,
        base.sectors,
        {"central": base.theta, "low": base.theta_low, "high": base.theta_high},
    )


def test_lever_table_is_complete_and_consistent():
    assert len({lever.name for lever in lever_table.LEVERS}) == len(lever_table.LEVERS)
    for sector in names.TECH_SECTORS:
        assert f"scope_{sector}" in lever_table.LEVERS_BY_NAME
    for ally in names.ALLIES:
        assert f"participation_{ally.lower()}" in lever_table.LEVERS_BY_NAME
    for sector in names.TECH_SECTORS:  # the fence by sector, defaults: the master
        rule = lever_table.LEVERS_BY_NAME[f"fence_rule_{sector}"]
        height = lever_table.LEVERS_BY_NAME[f"fence_pct_{sector}"]
        assert rule.choices == lever_table.FENCE_RULES and rule.default == "master"
        assert height.bounds == lever_table.LEVERS_BY_NAME["fence_pct"].bounds
        assert rule.group == height.group == "fence_by_sector"
    for lever in lever_table.LEVERS:
        assert lever.group in lever_table.GROUPS
        assert lever.label and lever.unit and lever.meaning.endswith(".")
        assert lever.validate(lever.default) == lever.default
        if lever.kind == "number":
            assert lever.minimum <= lever.default <= lever.maximum and lever.step > 0


@pytest.mark.parametrize(
    ("levers", "message"),
    [
        ({"fence": 10}, "unknown lever 'fence'"),
        ({"fence_pct": 501}, r"fence_pct = 501 is outside its range \[0, 500\]"),
        ({"scope_sme": -0.1}, r"scope_sme = -0.1 is outside its range \[0, 1\]"),
        ({"scope_sme": float("nan")}, "scope_sme = nan is outside"),
        ({"evasion": "high"}, "evasion must be a number, got 'high'"),
        ({"prohibitive": 1}, "prohibitive must be true or false"),
        ({"elasticities": "medium"}, "elasticities must be one of central, low"),
    ],
)
def test_bad_levers_are_rejected_with_a_clear_message(levers, message):
    with pytest.raises(ValueError, match=message):
        Levers(levers)


def test_defaults_are_no_policy_at_all(base):
    s = shocks(base)
    assert np.array_equal(s.tau_hat, np.ones((1, 8, 8, 7)))
    assert np.array_equal(s.q_hat, np.ones((1, 8, 7)))
    result = simulate({}, base)
    assert np.array_equal(result.equilibrium.flows[0], base.flows_usd_bn)


def test_covered_share_follows_the_design_formula(base):
    s = shocks(
        base,
        scope_sme=0.4,
        evasion=0.25,
        participation_nld=0.6,
        fdpr_reach=0.5,
        fence_pct=80,
    )
    c = s.covered_share[0]
    assert c[USA, SME] == pytest.approx(0.4 * 0.75)
    assert c[NLD, SME] == pytest.approx(0.4 * 0.75 * (0.6 + 0.4 * 0.5))
    assert c[ROW, SME] == pytest.approx(0.4 * 0.75 * 0.5)
    assert c[CHN, SME] == 0 and c[USA, REST] == 0 and c[USA, AI] == 0
    theta = base.theta[SME]
    expected = ((1 - c[NLD, SME]) + c[NLD, SME] * 1.8**-theta) ** (-1 / theta)
    assert s.tau_hat[0, NLD, CHN, SME] == pytest.approx(expected, rel=1e-14)
    assert s.tau_hat[0, NLD, JPN, SME] == 1.0  # only sales into China are fenced


def test_full_coverage_is_the_fence_itself_and_prohibition_is_infinite(base):
    full = shocks(base, scope_ai_chips=1.0, fence_pct=150)
    assert full.tau_hat[0, USA, CHN, AI] == pytest.approx(2.5, rel=1e-14)
    denied = shocks(base, scope_ai_chips=1.0, prohibitive=True)
    assert denied.tau_hat[0, USA, CHN, AI] == np.inf
    partial = shocks(base, scope_ai_chips=0.75, prohibitive=True)
    theta = base.theta[AI]
    assert partial.tau_hat[0, USA, CHN, AI] == pytest.approx(0.25 ** (-1 / theta))


# --- the fence by sector -------------------------------------------------------------

TECH = names.TECH_SECTORS
PRESET_PATHS = sorted(
    (Path(__file__).resolve().parents[1] / "scenarios" / "presets").glob("*.json")
)
THETA_SETS = ("central", "low", "high", "short_run")


def _one_fence_tau(covered, fence_pct, prohibitive, theta):
    """The fence as build_shocks applied it before sector rules existed (copied
    from model/policy.py at that time): one height (B,) and one denial switch (B,)
    for every sector."""
    fence = (1 + fence_pct[:, None] / 100) ** -theta  # (B, S)
    fence = np.where(prohibitive[:, None], 0.0, fence)
    passing = (1 - covered) + covered * fence[:, None, :]
    with np.errstate(divide="ignore"):
        return np.where(passing > 0, passing, 0.0) ** (-1 / theta[:, None, :])


def _theta_sets(base):
    return {"central": base.theta, "low": base.theta_low, "high": base.theta_high}


def test_fence_tau_takes_one_height_per_sector_and_reproduces_one_fence():
    rng = np.random.default_rng(3)
    b, n, s = 5, 8, 7
    covered = rng.uniform(0, 1, (b, n, s))
    covered[0, 0, :] = 1.0  # full coverage: infinite when denied
    fence_pct = rng.uniform(0, 500, b)
    prohibitive = np.array([True, False, True, False, False])
    theta = rng.uniform(0.5, 9, (b, s))
    old = _one_fence_tau(covered, fence_pct, prohibitive, theta)
    per_sector = policy.fence_tau(
        covered,
        np.repeat(fence_pct[:, None], s, axis=1),
        np.repeat(prohibitive[:, None], s, axis=1),
        theta,
    )
    assert_array_equal(per_sector, old)
    assert_array_equal(policy.fence_tau(covered, fence_pct, prohibitive, theta), old)
    assert np.isinf(old[0, 0]).all()


@pytest.mark.parametrize(
    ("rule", "master_denied", "height", "denied"),
    [
        ("master", False, 60.0, False),
        ("master", True, 60.0, True),
        ("height", False, 25.0, False),
        ("height", True, 25.0, False),  # its own height overrides the master denial
        ("denied", False, 60.0, True),
        ("denied", True, 60.0, True),
    ],
)
def test_sector_fences_follow_the_rule(rule, master_denied, height, denied):
    levers = Levers(
        {
            "fence_pct": 60.0,
            "prohibitive": master_denied,
            "fence_rule_sme": rule,
            "fence_pct_sme": 25.0,
        }
    )
    heights, denials = policy.sector_fences(
        policy.stack_levers([levers]), names.SECTORS
    )
    assert heights.shape == denials.shape == (1, len(names.SECTORS))
    assert heights[0, SME] == height and denials[0, SME] == denied
    others = [k for k in range(len(names.SECTORS)) if k != SME]
    assert (heights[0, others] == 60.0).all()
    assert (denials[0, others] == master_denied).all()


@pytest.mark.parametrize("path", PRESET_PATHS, ids=lambda p: p.stem)
@pytest.mark.parametrize("elasticities", THETA_SETS)
def test_presets_at_the_master_rule_give_the_one_fence_shocks(
    base, monkeypatch, path, elasticities
):
    """Every built-in preset with its sector rules at "master" (and its sector
    heights moved, which must then be ignored) gives exactly the shocks of the
    one-fence build_shocks: the same function with the fence applied as before."""
    levers = scenario_from_json(path.read_bytes()).levers()
    levers |= {"elasticities": elasticities}
    levers |= {f"fence_rule_{s}": "master" for s in TECH}
    levers |= {f"fence_pct_{s}": 345.0 for s in TECH}
    stacked = policy.stack_levers([levers])
    got = policy.build_shocks(stacked, base.regions, base.sectors, _theta_sets(base))
    with monkeypatch.context() as patch:  # the build_shocks of before sector rules
        patch.setattr(
            policy,
            "sector_fences",
            lambda lev, sectors: (lev["fence_pct"], lev["prohibitive"]),
        )
        patch.setattr(policy, "fence_tau", _one_fence_tau)
        want = policy.build_shocks(
            stacked, base.regions, base.sectors, _theta_sets(base)
        )
    for field in ("tau_hat", "q_hat", "theta", "coalition_weight", "covered_share"):
        assert_array_equal(getattr(got, field), getattr(want, field), err_msg=field)


def test_a_denied_sector_is_cut_while_another_keeps_the_master_fence(base):
    common = {
        "scope_ai_chips": 1.0,
        "scope_sme": 0.4,
        "evasion": 0.1,
        "fdpr_reach": 0.5,
        "participation_nld": 0.7,
        "fence_pct": 110.0,
    }
    master = shocks(base, **common)
    ruled = shocks(base, **common, fence_rule_ai_chips="denied")
    for region in (USA, NLD, ROW):
        c = ruled.covered_share[0, region, AI]
        theta = base.theta[AI]
        assert ruled.tau_hat[0, region, CHN, AI] == pytest.approx(
            (1 - c) ** (-1 / theta), rel=1e-14
        )
        assert ruled.tau_hat[0, region, CHN, AI] > master.tau_hat[0, region, CHN, AI]
    assert_array_equal(ruled.tau_hat[..., SME], master.tau_hat[..., SME])
    c = master.covered_share[0, USA, SME]
    theta = base.theta[SME]
    assert master.tau_hat[0, USA, CHN, SME] == pytest.approx(
        ((1 - c) + c * 2.1**-theta) ** (-1 / theta), rel=1e-14
    )
    untouched = [k for k in range(len(names.SECTORS)) if k != AI]
    assert_array_equal(ruled.tau_hat[..., untouched], master.tau_hat[..., untouched])


def test_a_sector_height_replaces_the_master_and_its_denial(base):
    common = {"scope_ai_chips": 1.0, "scope_sme": 0.4, "prohibitive": True}
    s = shocks(base, **common, fence_rule_sme="height", fence_pct_sme=40.0)
    c = s.covered_share[0, USA, SME]
    theta = base.theta[SME]
    assert s.tau_hat[0, USA, CHN, SME] == pytest.approx(
        ((1 - c) + c * 1.4**-theta) ** (-1 / theta), rel=1e-14
    )
    assert s.tau_hat[0, USA, CHN, AI] == np.inf  # ai_chips keeps the master denial


def test_trade_war_friendshoring_belt_and_road_and_capacity(base):
    s = shocks(
        base,
        us_tariff_pct=25,
        china_retaliation_pct=20,
        friendshoring_pct=10,
        participation_jpn=0.5,
        belt_road_pct=5,
        chips_act_capacity_pct=12,
        china_rd_push_pct=3,
    )
    tau, q = s.tau_hat[0], s.q_hat[0]
    # tariffs raise revenue: they are not trade costs
    assert_allclose(tau[CHN, USA], 1.0)
    assert_allclose(tau[USA, CHN], 1.0)
    assert_allclose(s.new_tariff[0, CHN, USA], 0.25)
    assert_allclose(s.new_tariff[0, USA, CHN], 0.20)
    assert_allclose(s.tariff[CHN, USA], lever_table.BASELINE_US_TARIFF_PCT / 100)
    assert_allclose(s.tariff[USA, CHN], lever_table.BASELINE_CHINA_TARIFF_PCT / 100)
    others = np.ones((8, 8), dtype=bool)
    others[CHN, USA] = others[USA, CHN] = False
    assert np.all(s.new_tariff[0][others] == 0) and np.all(s.tariff[others] == 0)
    assert_allclose(tau[USA, JPN, :6], 1 - 0.10 * 0.5)
    assert_allclose(tau[USA, JPN, REST], 1.0)
    assert_allclose(tau[USA, NLD, :6], 1.0)  # NLD does not participate
    assert_allclose(tau[CHN, ROW], 0.95)
    assert_allclose(tau[ROW, CHN], 0.95)
    assert_allclose(q[USA, [AI, SME, names.SECTORS.index("chips")]], 1.12)
    assert_allclose(q[USA, REST], 1.0)
    assert_allclose(q[CHN, :6], 1.03)
    assert_allclose(q[CHN, REST], 1.0)


def test_elasticity_sets(base):
    assert_allclose(shocks(base, elasticities="low").theta[0], base.theta_low)
    assert_allclose(shocks(base, elasticities="high").theta[0], base.theta_high)
    assert_allclose(shocks(base, elasticities="short_run").theta[0], 0.76)


FULL_FENCE = {
    "scope_ai_chips": 1.0,
    "scope_sme": 0.4,
    "scope_chips": 0.1,
    **{f"participation_{a.lower()}": 1.0 for a in names.ALLIES},
}


def china_tech_price(base, scenarios) -> np.ndarray:
    sim = simulate_batch(scenarios, base).require_converged()
    return sim.metrics.values["china_tech_price_change_pct"].change


def test_higher_fence_never_lowers_china_access_cost(base):
    fences = np.linspace(0, 500, 11)
    prices = china_tech_price(base, [FULL_FENCE | {"fence_pct": f} for f in fences])
    assert np.all(np.diff(prices) > 0)
    denied = china_tech_price(base, [FULL_FENCE | {"prohibitive": True}])
    assert denied[0] > prices[-1]


def test_wider_yard_never_lowers_china_access_cost(base):
    yards = np.linspace(0, 1, 6)
    scenarios = [
        {f"scope_{s}": y for s in names.TECH_SECTORS} | {"fence_pct": 60} for y in yards
    ]
    assert np.all(np.diff(china_tech_price(base, scenarios)) > 0)


def test_more_participation_raises_cost_and_cuts_backfill(base):
    shares = np.linspace(0, 1, 6)  # all five allies together
    scenarios = [
        FULL_FENCE
        | {f"participation_{a.lower()}": a_k for a in names.ALLIES}
        | {"fence_pct": 100}
        for a_k in shares
    ]
    sim = simulate_batch(scenarios, base).require_converged()
    price = sim.metrics.values["china_tech_price_change_pct"].change
    backfill = sim.metrics.values["backfill_share"].change
    assert np.all(np.diff(price) > 0)
    # Backfill falls while allies stay (partly) out; once every ally is fenced too
    # only ROW backfills, and its share can creep up as the fenced loss grows.
    assert np.all(np.diff(backfill[:4]) < 0)
    assert backfill[-1] < 0.2 * backfill[0]
