"""The decade path: exact limits, signs, timeline, Monte Carlo and tornado."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from model import (
    decade_states,
    dynamics,
    equilibrium,
    law_of_motion,
    market_trend,
    policy,
    uncertainty,
)
from model import levers as lever_table
from model.__main__ import main
from model.cli import parse_year_range
from model.data import load_baseline
from model.decade_outputs import OUTPUTS_BY_NAME
from model.dynamic_parameters import (
    DYNAMIC_DEFAULTS,
    DYNAMIC_PARAMETERS,
    Inputs,
    central_inputs,
)
from model.levers import Levers
from model.metrics import METRICS
from model.names import TECH_SECTORS
from model.simulation import simulate
from model.timeline import levers_in_force, scenario_timeline
from scenarios.schema import scenario_from_json

OCT_2023 = {
    "scope_ai_chips": 1.0,
    "scope_sme": 0.4,
    "scope_chips": 0.08,
    "scope_ict_hw": 0.05,
    "fence_pct": 110.0,
    "evasion": 0.1,
    "participation_nld": 0.7,
    "participation_jpn": 0.7,
    "fdpr_reach": 0.5,
}
OCT_2022 = {
    "scope_ai_chips": 1.0,
    "scope_sme": 0.3,
    "scope_chips": 0.05,
    "scope_ict_hw": 0.05,
    "fence_pct": 100.0,
    "evasion": 0.3,
    "fdpr_reach": 0.3,
}
SCALARS = [m.name for m in METRICS if m.by == "scalar"]
END = 2030


@pytest.fixture(scope="module")
def baseline():
    return load_baseline()


def static_values(levers, baseline) -> dict[str, np.ndarray]:
    """The static model's metrics as the path stores them (scalars and welfare)."""
    sim = simulate(levers, baseline)
    values = {name: sim.metrics.values[name].change[0] for name in SCALARS}
    for name in ("welfare_change_pct", "welfare_change_usd_bn"):
        values[name] = sim.metrics.values[name].change[0]
    chn = baseline.regions.index("CHN")
    values["china_self_sufficiency_share"] = sim.equilibrium.shares[0, chn, chn, :6]
    return values


def test_no_policy_path_is_the_baseline_exactly(baseline):
    path = dynamics.simulate_path([], END, baseline=baseline)
    base = static_values({}, baseline)
    assert path.converged.all()
    assert_array_equal(path.capacity, 1.0)
    assert_array_equal(path.values["china_tech_capability_ratio"], 1.0)
    assert_array_equal(path.values["cumulative_coalition_revenue_lost_usd_bn"], 0.0)
    for name, want in base.items():
        got = path.values[name][0]
        assert_array_equal(got, np.broadcast_to(want, got.shape), err_msg=name)


def test_a_policy_that_never_starts_is_the_no_policy_path(baseline):
    later = dynamics.simulate_path(
        scenario_timeline(OCT_2023, END + 1), END, baseline=baseline
    )
    none = dynamics.simulate_path([], END, baseline=baseline)
    for name, values in none.values.items():
        assert_array_equal(later.values[name], values, err_msg=name)


@pytest.mark.parametrize("levers", [OCT_2022, OCT_2023, {"chips_act_capacity_pct": 20}])
def test_without_dynamics_every_year_is_the_static_result(levers, baseline):
    """In the 2022 market held fixed (the static model's baseline every year)."""
    path = dynamics.simulate_path(
        scenario_timeline(levers),
        END,
        rho=0.0,
        delta=0.0,
        kappa=0.0,
        baseline=baseline,
        market_growth=False,
    )
    assert path.converged.all()
    first = path.capacity[0, :1]
    assert_array_equal(path.capacity[0], np.broadcast_to(first, path.capacity[0].shape))
    # the same equilibrium, solved in another batch and from last year's prices:
    # equal to the solver's tolerance (1e-10 on market clearing)
    for name, want in static_values(levers, baseline).items():
        got = path.values[name][0]
        assert_allclose(got, np.broadcast_to(want, got.shape), rtol=1e-10, atol=1e-10)


def test_the_rd_push_compounds_once_a_year(baseline):
    levers = {**OCT_2023, "china_rd_push_pct": 5.0}
    path = dynamics.simulate_path(
        scenario_timeline(levers),
        END,
        rho=0.0,
        delta=0.0,
        kappa=0.0,
        baseline=baseline,
    )
    years = np.arange(len(path.years))
    assert_allclose(
        path.values["china_tech_capacity_ratio"][0],
        np.broadcast_to((1.05 ** (years + 1))[:, None], (len(years), 6)),
        rtol=1e-12,
    )
    # the first year applies one year of it, as the static solve does
    first = static_values(levers, baseline)
    assert_allclose(
        path.values["china_tech_price_change_pct"][0, 0],
        first["china_tech_price_change_pct"],
        rtol=1e-12,
    )


def test_the_timeline_switches_levers_in_the_right_years(baseline):
    timeline = [(2024, OCT_2023), (2023, OCT_2022), (2026, {})]
    assert levers_in_force(timeline, 2022) == lever_table.DEFAULTS
    assert levers_in_force(timeline, 2023)["fence_pct"] == 100.0
    assert levers_in_force(timeline, 2025)["fence_pct"] == 110.0
    assert levers_in_force(timeline, 2026) == lever_table.DEFAULTS
    # the same year twice: the entry listed last wins
    same = [(2023, OCT_2022), (2023, OCT_2023)]
    assert levers_in_force(same, 2023)["fence_pct"] == 110.0

    path = dynamics.simulate_path(
        timeline,
        2028,
        rho=0.0,
        delta=0.0,
        kappa=0.0,
        baseline=baseline,
        market_growth=False,
    )
    assert path.state == (-1, 1, 0, 0, 2, 2, 2)
    price = path.values["china_tech_price_change_pct"][0]
    want = [
        0.0,
        simulate(OCT_2022, baseline).metrics.scalar("china_tech_price_change_pct"),
        simulate(OCT_2023, baseline).metrics.scalar("china_tech_price_change_pct"),
    ]
    assert_allclose(price, [want[0], want[1], want[2], want[2], 0, 0, 0], atol=1e-12)


def test_capacities_stay_after_a_policy_is_lifted(baseline):
    path = dynamics.simulate_path(
        [(2022, OCT_2023), (2025, {})], END, baseline=baseline
    )
    capacity = path.values["china_tech_capacity_ratio"][0]
    lifted = path.years.index(2025)
    assert (capacity[lifted] > 1.0).any()
    assert_allclose(
        capacity[lifted:],
        np.broadcast_to(capacity[lifted], capacity[lifted:].shape),
        rtol=1e-15,
    )


@pytest.mark.parametrize("levers", [OCT_2022, OCT_2023])
def test_a_larger_kappa_never_slows_chinas_capability(levers, baseline):
    timeline = scenario_timeline(levers)
    kappas = np.linspace(0.0, 0.3, 4)
    inputs = Inputs(rho=np.full(4, 0.2), delta=np.full(4, 0.1), kappa=kappas)
    path = dynamics.simulate_paths(timeline, END, inputs, baseline)
    assert path.converged.all()
    capability = path.values["china_tech_capability_ratio"]
    assert np.all(np.diff(capability, axis=0) >= 0)  # across kappa, every year
    assert np.all(np.diff(capability[-1]) > 0)  # the largest kappa grows
    # and a larger delta (learning through imports) never speeds it
    inputs = Inputs(rho=np.full(4, 0.2), delta=kappas, kappa=np.full(4, 0.15))
    capability = dynamics.simulate_paths(timeline, END, inputs, baseline).values[
        "china_tech_capability_ratio"
    ]
    assert np.all(np.diff(capability, axis=0) <= 0)


def test_lost_revenue_slows_the_coalitions_capacity(baseline):
    path = dynamics.simulate_path(scenario_timeline(OCT_2023), END, baseline=baseline)
    usa = baseline.regions.index("USA")
    ai_chips = path.tech_sectors.index("ai_chips")
    us_ai = path.capacity[0, :, usa, ai_chips]
    assert us_ai[0] == 1.0
    assert np.all(np.diff(us_ai) < 0)
    lost = path.values["cumulative_coalition_revenue_lost_usd_bn"][0]
    assert_allclose(
        lost, np.cumsum(-path.values["coalition_tech_revenue_change_usd_bn"][0])
    )
    assert np.all(np.diff(lost) > 0)


def test_full_denial_stays_finite(baseline):
    levers = {
        **{f"scope_{s}": 1.0 for s in ("ai_chips", "sme", "chips")},
        "prohibitive": True,
        **{f"participation_{r}": 1.0 for r in ("nld", "jpn", "kor", "twn", "eur")},
        "fdpr_reach": 1.0,
    }
    path = dynamics.simulate_path(scenario_timeline(levers), END, baseline=baseline)
    assert path.converged.all()
    china = path.values["china_tech_capacity_ratio"][0]
    assert np.all(np.isfinite(china))
    # at w = 0 the yearly growth is exactly exp(kappa - delta)
    net = DYNAMIC_DEFAULTS["kappa"] - DYNAMIC_DEFAULTS["delta"]
    ai = path.tech_sectors.index("ai_chips")
    assert_allclose(china[1:, ai] / china[:-1, ai], np.exp(net), rtol=1e-9)


def test_drawn_theta_rebuilds_the_policys_trade_costs(baseline):
    """The fence at a drawn theta is model.policy's formula: at the calibrated
    sets it reproduces build_shocks."""
    theta_sets = {
        "central": baseline.theta,
        "low": baseline.theta_low,
        "high": baseline.theta_high,
    }
    cases = [
        OCT_2023,
        {**OCT_2023, "prohibitive": True, "friendshoring_pct": 10.0},
        {"scope_ai_chips": 1.0, "prohibitive": True, "belt_road_pct": 5.0},
        {**OCT_2022, "us_tariff_pct": 60.0, "china_retaliation_pct": 40.0},
        {  # the fence by sector: one sector denied, one at its own height
            **OCT_2023,
            "fence_rule_ai_chips": "denied",
            "fence_rule_sme": "height",
            "fence_pct_sme": 40.0,
        },
    ]
    for levers in cases:
        for name in ("central", "low", "high"):
            full = Levers({**levers, "elasticities": name})
            stacked = policy.stack_levers([full])
            want = policy.build_shocks(
                stacked, baseline.regions, baseline.sectors, theta_sets
            )
            got = decade_states.tau_at_theta(
                stacked, want.covered_share[0], baseline, theta_sets[name][None]
            )
            assert_array_equal(got, want.tau_hat)


def test_monte_carlo_is_reproducible_and_bands_are_ordered(baseline):
    timeline = scenario_timeline(OCT_2023)
    one = uncertainty.monte_carlo(timeline, END, n_draws=24, seed=7, baseline=baseline)
    two = uncertainty.monte_carlo(timeline, END, n_draws=24, seed=7, baseline=baseline)
    other = uncertainty.monte_carlo(
        timeline, END, n_draws=24, seed=8, baseline=baseline
    )
    assert one.failed.sum() == 0
    for name, q in one.quantiles.items():
        assert_array_equal(q, two.quantiles[name], err_msg=name)
        finite = np.isfinite(q[0])
        assert np.all(q[0][finite] <= q[1][finite]), name
        assert np.all(q[1][finite] <= q[2][finite]), name
    band = one.band("china_tech_capability_ratio")
    assert band[2, -1] > band[0, -1]  # the draws do spread
    phi = one.paths.inputs.phi  # the cost of indigenisation is drawn too
    assert phi is not None and 0.5 <= phi.min() < phi.max() <= 1.5
    assert_array_equal(phi, two.paths.inputs.phi)
    assert not np.array_equal(band, other.band("china_tech_capability_ratio"))
    # draws stay inside the documented ranges
    inputs = one.paths.inputs
    for p in DYNAMIC_PARAMETERS:
        values = getattr(inputs, p.name)
        assert values.min() >= p.low and values.max() <= p.high
    assert np.all(inputs.theta >= baseline.theta_low)
    assert np.all(inputs.theta <= baseline.theta_high)


def test_tornado_swings_bracket_the_central_value(baseline):
    tornado = uncertainty.tornado_paths(
        scenario_timeline(OCT_2023), END, baseline=baseline
    )
    central = dynamics.simulate_path(
        scenario_timeline(OCT_2023), END, baseline=baseline
    )
    table = tornado.table("china_tech_capability_ratio", END)
    assert list(table["swing"]) == sorted(table["swing"], reverse=True)
    assert_allclose(
        table["central"], central.values["china_tech_capability_ratio"][0, -1]
    )
    rows = table.set_index("parameter")
    # monotone parameters: kappa raises capability, delta lowers it
    assert rows.loc["kappa", "low_value"] < rows.loc["kappa", "central"]
    assert rows.loc["kappa", "central"] < rows.loc["kappa", "high_value"]
    assert rows.loc["delta", "low_value"] > rows.loc["delta", "central"]
    assert rows.loc["delta", "central"] > rows.loc["delta", "high_value"]
    for _, row in table.iterrows():
        low, high = sorted([row["low_value"], row["high_value"]])
        if row["parameter"] in ("kappa", "delta"):
            assert low <= row["central"] <= high
    # any output, any year, breakdowns too
    welfare = tornado.table("welfare_change_pct", 2025, key="CHN")
    assert len(welfare) == len(uncertainty.tornado_swings(baseline))
    with pytest.raises(ValueError, match="needs one of"):
        tornado.table("welfare_change_pct", 2025)
    with pytest.raises(ValueError, match="not on the path"):
        tornado.table("world_welfare_change_pct", 2040)


def test_non_convergence_is_reported_not_hidden(baseline, monkeypatch):
    original = equilibrium.solve
    calls = []

    def stingy(*args, **kwargs):
        calls.append(1)
        # from the third year on, one Newton step is all the solver gets
        return original(*args, **kwargs, max_iterations=1 if len(calls) > 2 else 60)

    monkeypatch.setattr(equilibrium, "solve", stingy)
    path = dynamics.simulate_path(scenario_timeline(OCT_2023), END, baseline=baseline)
    assert path.converged[0].tolist() == [True, True] + [False] * (END - 2023)
    for name, values in path.values.items():
        assert np.all(np.isfinite(values[0, :2])), name
        assert np.all(np.isnan(values[0, 2:])), name
    assert np.isnan(path.capacity[0, 2:]).all()
    payload = path.to_dict()
    assert payload["converged"][2] is False
    assert payload["paths"]["china_tech_capability_ratio"][2] is None


def test_failed_draws_are_left_out_of_the_bands_and_counted(baseline, monkeypatch):
    original = equilibrium.solve

    calls = []

    def fail_first(*args, **kwargs):
        solved = original(*args, **kwargs)
        converged = solved.converged.copy()
        if not calls:
            converged[0] = False  # draw 0 fails in the first year
        calls.append(1)
        return equilibrium.Equilibrium(**{**solved.__dict__, "converged": converged})

    monkeypatch.setattr(equilibrium, "solve", fail_first)
    bands = uncertainty.monte_carlo(
        scenario_timeline(OCT_2023), 2024, n_draws=5, seed=1, baseline=baseline
    )
    assert bands.failed.tolist() == [1, 1, 1]
    assert np.all(np.isnan(bands.paths.values["world_welfare_change_pct"][0]))
    assert np.all(np.isfinite(bands.band("world_welfare_change_pct")))
    assert bands.to_dict()["monte_carlo"]["failed"] == [1, 1, 1]
    assert bands.to_dict()["monte_carlo"]["failed_draws"] == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022-2035", (2022, 2035)),
        ("2030", (2030, 2030)),
        (" 2022 - 2060 ", (2022, 2060)),
    ],
)
def test_year_ranges_parse(text, expected):
    assert parse_year_range(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2035-2022", "comes after"),
        ("abc", "must look like"),
        ("2021-2030", "must lie in"),
        ("2022-2061", "must lie in"),
        ("2022-", "must look like"),
    ],
)
def test_bad_year_ranges_are_rejected(text, message):
    with pytest.raises(ValueError, match=message):
        parse_year_range(text)


def test_bad_timelines_and_parameters_are_rejected(baseline):
    with pytest.raises(ValueError, match="timeline entry 2023: unknown lever"):
        dynamics.simulate_path([(2023, {"fence": 1})], END, baseline=baseline)
    with pytest.raises(ValueError, match="outside its range"):
        dynamics.simulate_path([(2023, {"fence_pct": -1})], END, baseline=baseline)
    with pytest.raises(ValueError, match="rho must be"):
        central_inputs(rho=-0.1)
    with pytest.raises(ValueError, match="must lie in"):
        dynamics.simulate_path([], 2070, baseline=baseline)


def test_every_parameter_documents_its_range():
    for p in DYNAMIC_PARAMETERS:
        assert p.low <= p.default <= p.high
        assert "ASSUMPTION" in p.reasoning
        assert p.name in law_of_motion.__doc__


def test_outputs_json_round_trip(baseline):
    path = dynamics.simulate_path(scenario_timeline(OCT_2023), 2025, baseline=baseline)
    payload = path.to_dict()
    assert payload["years"] == [2022, 2023, 2024, 2025]
    assert set(payload["paths"]) == set(OUTPUTS_BY_NAME)
    assert set(payload["paths"]["welfare_change_pct"]) == set(baseline.regions)
    assert len(payload["paths"]["china_self_sufficiency_share"]["sme"]) == 4
    window = path.window(2024, 2025)
    assert window.years == (2024, 2025)
    assert_array_equal(
        window.values["world_welfare_change_pct"],
        path.values["world_welfare_change_pct"][:, 2:],
    )
    frame = path.frame()
    assert set(frame.columns) == {"year", "output", "key", "value"}


def test_cheaper_imports_do_not_slacken_chinas_own_effort(baseline):
    """kappa answers denied imports only; a trade-cost cut (w > 1) leaves it idle
    while delta (learning through imports) speeds China up."""
    timeline = scenario_timeline({"belt_road_pct": 10.0})
    inputs = Inputs(
        rho=np.zeros(3),
        delta=np.array([0.0, 0.0, 0.2]),
        kappa=np.array([0.0, 0.3, 0.0]),
    )
    capability = dynamics.simulate_paths(timeline, END, inputs, baseline).values[
        "china_tech_capability_ratio"
    ]
    assert_array_equal(capability[0], capability[1])
    assert np.all(capability[2, 1:] > capability[0, 1:])


# --- python -m model run --years / --draws -------------------------------------


def test_cli_years_adds_the_paths(tmp_path, baseline):
    out = tmp_path / "path.json"
    levers = json.dumps(OCT_2023)
    assert main(["run", levers, "--out", str(out), "--years", "2024-2027"]) == 0
    payload = json.loads(out.read_text())
    assert payload["years"] == [2024, 2025, 2026, 2027]
    assert "metrics" in payload and "bands" not in payload
    want = dynamics.simulate_path(
        scenario_timeline(OCT_2023), 2027, baseline=baseline
    ).values["china_tech_capability_ratio"][0, 2:]
    assert_allclose(payload["paths"]["china_tech_capability_ratio"], want, rtol=1e-12)
    assert set(payload["paths"]["china_self_sufficiency_share"]) == set(TECH_SECTORS)
    assert payload["dynamics"]["parameters"] == DYNAMIC_DEFAULTS
    assert all(payload["dynamics"]["converged"])


def test_cli_draws_add_ordered_reproducible_bands(tmp_path):
    files = [tmp_path / "a.json", tmp_path / "b.json"]
    for out in files:
        args = ["run", json.dumps(OCT_2022), "--out", str(out), "--years", "2022-2025"]
        assert main([*args, "--draws", "8", "--seed", "3"]) == 0
    one, two = (json.loads(f.read_text()) for f in files)
    assert one["bands"] == two["bands"]
    assert one["monte_carlo"]["draws"] == 8 and one["monte_carlo"]["seed"] == 3
    band = one["bands"]["china_tech_capability_ratio"]
    assert len(band["p10"]) == 4
    assert all(
        lo <= mid <= hi
        for lo, mid, hi in zip(band["p10"], band["p50"], band["p90"], strict=True)
    )
    welfare = one["bands"]["welfare_change_pct"]["USA"]
    assert set(welfare) == {"p10", "p50", "p90"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--years", "2035-2022"], "comes after"),
        (["--years", "abc"], "must look like"),
        (["--years", "2010-2030"], "must lie in"),
        (["--years", "2022-2061"], "must lie in"),
        (["--draws", "5"], "need --years"),
        (["--years", "2022-2030", "--draws", "0"], "between 1 and"),
        (["--years", "2022-2030", "--seed", "2"], "--seed needs --draws"),
        (["--years", "2022-2030", "--draws", "3", "--seed", "-1"], ">= 0"),
    ],
)
def test_cli_bad_years_or_draws_exit_2_with_one_line(tmp_path, capsys, args, message):
    out = tmp_path / "x.json"
    assert main(["run", "{}", "--out", str(out), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not out.exists()


def test_cli_years_need_json_output(tmp_path, capsys):
    out = tmp_path / "x.csv"
    assert main(["run", "{}", "--out", str(out), "--years", "2022-2030"]) == 2
    err = capsys.readouterr().err
    assert "needs JSON output" in err and err.count("\n") == 1
    assert not out.exists()


def test_cli_path_without_equilibrium_exits_3(tmp_path, capsys, monkeypatch):
    original = equilibrium.solve
    calls = []

    def stingy(*args, **kwargs):
        calls.append(1)  # call 1 is the static run; the path fails from its year 2
        return original(*args, **kwargs, max_iterations=1 if len(calls) > 2 else 60)

    monkeypatch.setattr(equilibrium, "solve", stingy)
    out = tmp_path / "x.json"
    args = ["run", json.dumps(OCT_2023), "--out", str(out), "--years", "2022-2026"]
    assert main(args) == 3
    err = capsys.readouterr().err
    assert "no equilibrium in 2023" in err and err.count("\n") == 1
    assert not out.exists()


# --- the market trend and the cost of indigenisation -------------------------------


def test_no_policy_path_is_the_trend_exactly(baseline):
    path = dynamics.simulate_path([], 2035, baseline=baseline)
    tech = np.isin(baseline.sectors, TECH_SECTORS)
    assert path.market_growth and path.converged.all()
    assert_array_equal(path.values["china_indigenisation_cost_usd_bn"], 0.0)
    assert_array_equal(path.values["world_welfare_change_pct"], 0.0)
    for t, year in enumerate(path.years):
        trend = market_trend.trend_flows(baseline, year).sum(axis=(0, 1))[tech]
        assert_array_equal(path.values["world_tech_market_usd_bn"][0, t], trend)
    # and the zero shock on a year's trend baseline returns that baseline
    flows = market_trend.trend_flows(baseline, 2030)
    tariff = policy.baseline_tariffs(baseline.regions, baseline.sectors)
    eq = equilibrium.solve(flows, baseline.theta, gamma=baseline.gamma, tariff=tariff)
    assert eq.converged.all()
    assert_allclose(eq.flows[0], flows, rtol=1e-12, atol=1e-9)


def test_the_trend_follows_its_data_with_a_consistent_input_output_table(baseline):
    ai = baseline.sectors.index("ai_chips")
    markets = {y: market_trend.world_markets(baseline, y) for y in (2022, 2024, 2030)}
    assert markets[2022][ai] == pytest.approx(12.0, rel=1e-3)  # A-ai1
    assert markets[2024][ai] == pytest.approx(78.0, rel=1e-3)  # Omdia, S14
    assert markets[2030][ai] == pytest.approx(78.0 * 1.2**6, rel=1e-3)
    other = market_trend.world_markets(baseline, 2035) / markets[2022]
    assert_allclose(np.delete(other, ai), 1.03**13, rtol=1e-12)
    tariff = policy.baseline_tariffs(baseline.regions, baseline.sectors)
    for year in (2024, 2035, 2060):
        flows = market_trend.trend_flows(baseline, year)
        world = market_trend.world_markets(baseline, year)
        assert_allclose(flows.sum(axis=(0, 1)), world, rtol=1e-10)
        spending = (flows * (1 + tariff)).sum(axis=0)
        final = spending - np.einsum("jks,jk->js", baseline.gamma, flows.sum(axis=1))
        assert (final > 0).all()


def test_revenue_lost_later_is_measured_in_a_larger_market(baseline):
    grown = dynamics.simulate_path(scenario_timeline(OCT_2023), END, baseline=baseline)
    fixed = dynamics.simulate_path(
        scenario_timeline(OCT_2023), END, baseline=baseline, market_growth=False
    )
    lost = "coalition_tech_revenue_change_usd_bn"
    assert grown.values[lost][0, 0] == pytest.approx(fixed.values[lost][0, 0])
    assert grown.values[lost][0, -1] < 1.5 * fixed.values[lost][0, -1] < 0


def test_indigenisation_is_charged_to_chinas_welfare_only(baseline):
    timeline = scenario_timeline({**OCT_2023, "china_rd_push_pct": 5.0})
    run = {
        phi: dynamics.simulate_path(timeline, END, baseline=baseline, phi=phi)
        for phi in (0.0, 1.0, 2.0)
    }
    cost = run[1.0].values["china_indigenisation_cost_usd_bn"][0]
    assert (cost > 0).all()
    assert_allclose(run[2.0].values["china_indigenisation_cost_usd_bn"][0], 2 * cost)
    assert_array_equal(run[0.0].capacity, run[1.0].capacity)  # no price moves
    welfare = {phi: p.values["welfare_change_usd_bn"][0] for phi, p in run.items()}
    chn = baseline.regions.index("CHN")
    assert_allclose(welfare[0.0][:, chn] - welfare[1.0][:, chn], cost, rtol=1e-9)
    others = np.arange(len(baseline.regions)) != chn
    assert_array_equal(welfare[0.0][:, others], welfare[1.0][:, others])


def _preset(preset_id: str) -> Levers:
    path = Path(__file__).resolve().parents[1] / "scenarios" / "presets"
    return scenario_from_json((path / f"{preset_id}.json").read_bytes()).levers()


@pytest.mark.parametrize("preset_id", ["oct_2022_rule", "full_decoupling"])
def test_trade_restricting_presets_raise_no_world_welfare(preset_id, baseline):
    """No free lunch: a preset that only restricts trade lowers world welfare in
    every year of the decade, capacity gains net of their cost."""
    levers = _preset(preset_id)
    assert levers["china_rd_push_pct"] == 0 and levers["belt_road_pct"] == 0
    path = dynamics.simulate_path(scenario_timeline(levers), 2035, baseline=baseline)
    assert (path.values["world_welfare_change_pct"][0] < 0).all()


def test_a_batch_of_timelines_matches_one_path_per_timeline(baseline):
    timelines = [
        scenario_timeline(OCT_2023),
        [],  # the no-policy path
        [(2024, {"china_rd_push_pct": 3.0})],  # no trade policy, a growing China
        [(2023, {"scope_ai_chips": 1.0, "fence_pct": 150.0}), (2026, OCT_2023)],
        [(2022, OCT_2023 | {"supply_chains": False})],
    ]
    batch = dynamics.simulate_paths(timelines, END, baseline=baseline)
    assert batch.size == len(timelines)
    assert batch.converged.all()
    for b, timeline in enumerate(timelines):
        one = dynamics.simulate_path(timeline, END, baseline=baseline)
        for name, values in one.values.items():
            assert_allclose(batch.values[name][b], values[0], rtol=1e-12, atol=1e-12)
        assert_allclose(batch.capacity[b], one.capacity[0], rtol=1e-12, atol=1e-12)
    with pytest.raises(ValueError, match="need one set of inputs"):
        dynamics.simulate_paths(
            timelines[:2], END, uncertainty.draw_inputs(3, 1, baseline), baseline
        )
