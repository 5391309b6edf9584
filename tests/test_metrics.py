"""Headline metrics: definitions recomputed by hand from the equilibrium arrays."""

from __future__ import annotations

import json

import numpy as np
import pytest
from numpy.testing import assert_allclose

from model import equilibrium, metrics, names
from model.data import load_baseline
from model.simulation import simulate

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


def test_sector_breakdowns_add_up(sim):
    for name in ("coalition_tech_revenue_change_usd_bn",):
        assert sim.metrics.by_sector[name].change[0, TECH].sum() == pytest.approx(
            value(sim, name)
        )
    for name in ("china_tech_imports_change_pct", "us_tech_revenue_change_pct"):
        m = sim.metrics.by_sector[name]
        total = m.scenario[0, TECH].sum() / m.baseline[0, TECH].sum()
        assert 100 * (total - 1) == pytest.approx(value(sim, name))


def test_backfill_and_leakage_are_shares_of_the_fenced_loss(sim):
    backfill, leakage = value(sim, "backfill_share"), value(sim, "leakage_share")
    assert 0 < backfill < leakage < 1


def test_undefined_ratios_are_nan_and_null_in_json(base):
    friends_only = simulate({"friendshoring_pct": 10, "participation_jpn": 1}, base)
    assert np.isnan(value(friends_only, "cost_effectiveness"))  # coalition gains
    nothing = simulate({}, base)
    out = nothing.metrics.to_dict()["metrics"]
    assert out["backfill_share"] is None and out["leakage_share"] is None
    assert out["china_tech_price_change_pct"] == 0.0
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
