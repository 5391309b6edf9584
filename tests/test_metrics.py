"""Headline metrics: definitions recomputed by hand from the equilibrium arrays."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from model import equilibrium, metrics, names
from model.data import load_baseline
from model.simulation import simulate, simulate_batch

REQUIRED = {
    "china_tech_price_change_pct",
    "china_tech_imports_change_pct",
    "china_tech_imports_from_coalition_change_pct",
    "coalition_tech_revenue_change_usd_bn",
    "us_tech_revenue_change_pct",
    "backfill_share",
    "leakage_share",
    "welfare_change_pct",
    "welfare_change_usd_bn",
    "world_welfare_change_pct",
    "cost_effectiveness",
    "china_ict_hw_price_change_pct",
    "china_ict_hw_output_change_pct",
}
OCT_2022_LIKE = {
    "scope_ai_chips": 1.0,
    "scope_sme": 0.3,
    "scope_chips": 0.05,
    "fence_pct": 150,
    "participation_nld": 0.5,
    "participation_jpn": 0.5,
    "us_tariff_pct": 25.0,
}
USA, CHN = names.REGIONS.index("USA"), names.REGIONS.index("CHN")
TECH = slice(0, 6)


@pytest.fixture(scope="module")
def base():
    return load_baseline()


@pytest.fixture(scope="module")
def sim(base):
    return simulate(OCT_2022_LIKE, base)


def value(sim, name):
    return sim.metrics.values[name].change[0]


def test_every_required_metric_is_reported(sim):
    assert REQUIRED <= set(metrics.METRICS_BY_NAME)
    assert REQUIRED <= set(sim.metrics.to_dict()["metrics"])
    assert REQUIRED <= set(sim.metrics.to_frame()["metric"])


def test_china_imports_by_hand(base, sim):
    old, new = base.flows_usd_bn, sim.equilibrium.flows[0]
    foreign = np.arange(8) != CHN
    total = new[foreign, CHN, TECH].sum() / old[foreign, CHN, TECH].sum()
    assert value(sim, "china_tech_imports_change_pct") == pytest.approx(
        100 * (total - 1), rel=1e-12
    )
    w = sim.shocks.coalition_weight[0]
    coalition = (w[:, None] * new[:, CHN, TECH]).sum() / (
        w[:, None] * old[:, CHN, TECH]
    ).sum()
    assert w[USA] == 1 and w[CHN] == 0 and w[names.REGIONS.index("ROW")] == 0
    assert value(sim, "china_tech_imports_from_coalition_change_pct") == pytest.approx(
        100 * (coalition - 1), rel=1e-12
    )


def test_revenue_and_welfare_by_hand(base, sim):
    old, new = base.flows_usd_bn, sim.equilibrium.flows[0]
    w = sim.shocks.coalition_weight[0]
    revenue = (w[:, None] * (new.sum(axis=1) - old.sum(axis=1))[:, TECH]).sum()
    assert value(sim, "coalition_tech_revenue_change_usd_bn") == pytest.approx(revenue)
    us = new[USA, :, TECH].sum() / old[USA, :, TECH].sum()
    assert value(sim, "us_tech_revenue_change_pct") == pytest.approx(100 * (us - 1))

    # welfare is real final spending: its money value is (W_hat - 1) F
    spending = equilibrium.accounts(old, base.gamma, sim.shocks.tariff).final_spending
    pct = value(sim, "welfare_change_pct")
    usd = value(sim, "welfare_change_usd_bn")
    assert_allclose(usd, pct / 100 * spending, rtol=1e-12)
    assert value(sim, "world_welfare_change_pct") == pytest.approx(
        100 * usd.sum() / spending.sum()
    )
    loss = -(w * usd).sum()
    assert loss > 0
    assert value(sim, "coalition_welfare_change_usd_bn") == pytest.approx(-loss)
    assert value(sim, "cost_effectiveness") == pytest.approx(
        value(sim, "china_tech_price_change_pct") / loss
    )


def test_china_tech_price_is_the_expenditure_weighted_index(base, sim):
    spend = base.flows_usd_bn[:, CHN, TECH].sum(axis=0)
    p_hat = sim.equilibrium.sector_price_hat[0, CHN, TECH]
    index = np.exp((spend / spend.sum() * np.log(p_hat)).sum())
    assert value(sim, "china_tech_price_change_pct") == pytest.approx(100 * (index - 1))
    by_sector = sim.metrics.by_sector["china_tech_price_change_pct"].change[0]
    assert_allclose(by_sector, 100 * (sim.equilibrium.sector_price_hat[0, CHN] - 1))


def test_china_ict_hardware_price_and_output_by_hand(base, sim):
    ict = names.SECTORS.index("ict_hw")
    p_hat = sim.equilibrium.p_hat[0, CHN, ict]
    assert value(sim, "china_ict_hw_price_change_pct") == pytest.approx(
        100 * (p_hat - 1), rel=1e-12
    )
    old = base.flows_usd_bn[CHN, :, ict].sum()  # sales at home and abroad
    new = sim.equilibrium.flows[0, CHN, :, ict].sum()
    assert value(sim, "china_ict_hw_output_change_pct") == pytest.approx(
        100 * (new / old - 1), rel=1e-12
    )
    rows = sim.metrics.to_frame().set_index("metric")
    for name in ("china_ict_hw_price_change_pct", "china_ict_hw_output_change_pct"):
        assert (rows.loc[name, "region"], rows.loc[name, "sector"]) == ("CHN", "ict_hw")


def test_china_ict_output_and_price_follow_the_factor_market(base):
    """The factor market gives China's ICT-hardware output value R'/R = r_hat q_hat
    and its factory-gate price is the unit cost c_hat = r_hat^beta prod P^gamma:
    with supply chains they part ways (the inputs' prices move c_hat too); without
    them c_hat = r_hat, and the two differ only by the capacity change."""
    chn, ict = base.regions.index("CHN"), base.sectors.index("ict_hw")
    push = OCT_2022_LIKE | {"china_rd_push_pct": 10.0}
    for levers, q_hat in ((OCT_2022_LIKE, 1.0), (push, 1.1)):
        for on in (True, False):
            case = simulate(levers | {"supply_chains": on}, base)
            eq = case.equilibrium
            price = 1 + value(case, "china_ict_hw_price_change_pct") / 100
            output = 1 + value(case, "china_ict_hw_output_change_pct") / 100
            assert output == pytest.approx(eq.r_hat[0, chn, ict] * q_hat, rel=1e-9)
            assert price == pytest.approx(eq.p_hat[0, chn, ict], rel=1e-12)
            if not on:
                assert output == pytest.approx(price * q_hat, rel=1e-9)


def test_sector_breakdowns_add_up(sim):
    for name in ("coalition_tech_revenue_change_usd_bn",):
        assert sim.metrics.by_sector[name].change[0, TECH].sum() == pytest.approx(
            value(sim, name)
        )
    for name in ("china_tech_imports_change_pct", "us_tech_revenue_change_pct"):
        m = sim.metrics.by_sector[name]
        total = m.scenario[0, TECH].sum() / m.baseline[0, TECH].sum()
        assert 100 * (total - 1) == pytest.approx(value(sim, name))


def tech_volume_changes(base, sim, b=0):
    """dQ[i, s]: change in deliveries to China at 2022 prices, tech sectors."""
    new = sim.equilibrium.flows[b][:, CHN, TECH]
    price = sim.equilibrium.p_hat[b][:, TECH] * sim.shocks.tau_hat[b][:, CHN, TECH]
    volume = np.where(new > 0, new / price, 0.0)
    return volume - base.flows_usd_bn[:, CHN, TECH]


def test_backfill_and_leakage_by_hand(base, sim):
    """A partly participating ally's losses count with w_i in the fenced loss, its
    gains with 1 - w_i in backfill (here the Netherlands and Japan at 50%)."""
    d_q = tech_volume_changes(base, sim)
    w = sim.shocks.coalition_weight[0][:, None]
    covered = sim.shocks.covered_share[0][:, TECH] > 0
    foreign = np.arange(8) != CHN
    lost = (w * np.maximum(-d_q, 0) * covered)[foreign].sum()
    gained = ((1 - w) * np.maximum(d_q, 0))[foreign].sum()
    home = np.maximum(d_q[CHN], 0).sum()
    partly = (w[:, 0] > 0) & (w[:, 0] < 1)
    assert partly.sum() == 2  # the case the weights are for
    assert value(sim, "backfill_share") == pytest.approx(gained / lost, rel=1e-12)
    assert value(sim, "leakage_share") == pytest.approx(
        (gained + home) / lost, rel=1e-12
    )
    backfill, leakage = value(sim, "backfill_share"), value(sim, "leakage_share")
    assert 0 < backfill < leakage < 1


def test_the_usa_never_backfills_and_row_never_counts_as_fenced(base):
    """The weights are the coalition's: the USA (w = 1) counts only in the fenced
    loss, ROW (w = 0) only in backfill, even where the FDPR covers it and cuts
    its deliveries."""
    reached = simulate(OCT_2022_LIKE | {"fdpr_reach": 1.0}, base)
    d_q = tech_volume_changes(base, reached)
    row = names.REGIONS.index("ROW")
    covered = reached.shocks.covered_share[0][:, TECH] > 0
    row_loss = (np.maximum(-d_q[row], 0) * covered[row]).sum()
    assert row_loss > 0  # the reach cuts some of ROW's covered deliveries
    us_loss = (np.maximum(-d_q[USA], 0) * covered[USA]).sum()
    w = reached.shocks.coalition_weight[0]
    allies = [names.REGIONS.index(a) for a in names.ALLIES]
    ally_loss = sum(w[k] * (np.maximum(-d_q[k], 0) * covered[k]).sum() for k in allies)
    outsiders = [k for k in range(8) if k not in (USA, CHN)]
    gained = sum((1 - w[k]) * np.maximum(d_q[k], 0).sum() for k in outsiders)
    assert value(reached, "backfill_share") == pytest.approx(
        gained / (us_loss + ally_loss), rel=1e-12
    )


def test_backfill_is_zero_when_no_outsider_delivers_more(base):
    """Every ally in, the FDPR reaching everyone, the whole yard denied: nobody
    outside the coalition can deliver more, so backfill is exactly 0."""
    sealed = {f"scope_{s}": 1.0 for s in names.TECH_SECTORS} | {
        f"participation_{a.lower()}": 1.0 for a in names.ALLIES
    }
    sim = simulate(sealed | {"fdpr_reach": 1.0, "prohibitive": True}, base)
    assert value(sim, "backfill_share") == 0.0
    assert value(sim, "leakage_share") > 0  # China's own producers still step in


FENCE_ONLY = st.fixed_dictionaries(
    {f"scope_{s}": st.floats(0, 1) for s in names.TECH_SECTORS}
    | {
        "fence_pct": st.floats(10, 500),
        "prohibitive": st.booleans(),
        "evasion": st.floats(0, 0.9),
        "fdpr_reach": st.floats(0, 1),
        "elasticities": st.sampled_from(["central", "low", "high", "short_run"]),
    }
    | {f"participation_{a.lower()}": st.floats(0, 1) for a in names.ALLIES}
)


@settings(max_examples=20, deadline=None)
@given(st.lists(FENCE_ONLY, min_size=1, max_size=8))
def test_backfill_is_a_share_when_only_the_fence_moves(batch):
    """Only the fence levers set: 0 <= backfill < 1 and backfill <= leakage, or
    both undefined together (a yard of 0 stops nothing)."""
    sim = simulate_batch(batch)
    assert sim.equilibrium.converged.all()
    backfill = sim.metrics.values["backfill_share"].change
    leakage = sim.metrics.values["leakage_share"].change
    assert_array_equal(np.isnan(backfill), np.isnan(leakage))
    defined = np.isfinite(backfill)
    assert np.all((backfill[defined] >= 0) & (backfill[defined] < 1))
    assert np.all(leakage[defined] >= backfill[defined])


def test_undefined_ratios_are_nan_and_null_in_json(base):
    friends_only = simulate({"friendshoring_pct": 10, "participation_jpn": 1}, base)
    assert np.isnan(value(friends_only, "cost_effectiveness"))  # coalition gains
    nothing = simulate({}, base)
    out = nothing.metrics.to_dict()["metrics"]
    assert out["backfill_share"] is None and out["leakage_share"] is None
    assert out["china_tech_price_change_pct"] == 0.0
    assert out["china_ict_hw_price_change_pct"] == 0.0
    assert out["china_ict_hw_output_change_pct"] == 0.0
    json.dumps(out, allow_nan=False)  # strict JSON: no NaN leaks out


def test_tidy_table_has_the_documented_columns(sim):
    frame = sim.metrics.to_frame()
    assert tuple(frame.columns) == metrics.TIDY_COLUMNS
    welfare = frame[frame.metric == "welfare_change_usd_bn"]
    assert list(welfare.region) == list(names.REGIONS)
    price = frame[(frame.metric == "china_tech_price_change_pct")]
    assert set(price.sector) == {"tech", *names.TECH_SECTORS}
    row = price[price.sector == "tech"].iloc[0]
    assert row.scenario - row.baseline == pytest.approx(row.change)
