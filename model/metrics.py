"""Headline metrics of a scenario: who loses what, and how much the fence leaks.

Every metric is computed for a batch of scenarios against the 2022 baseline (the
"no new policy" reference). The names are the same in code, JSON, CSV and the UI.
Notation: X and X' baseline and new flows [USD bn], i exporter, j importer, s
sector, T the six technology sectors, c = China, w_i the coalition weight (1 for the
USA, the participation share a_i for an ally, 0 for China and ROW), Y'_is = sum_j
X'_ijs the new sales of i in s, W_hat_j the real-income change of j.

china_tech_price_change_pct
    China's cost of controlled technology: 100 (P_hat_c,T - 1), where
    log P_hat_c,T = sum_{s in T} alpha_cs log P_hat_cs / sum_{s in T} alpha_cs is the
    Cobb-Douglas price index of the technology sectors in China [%].
china_tech_imports_change_pct
    Value of China's technology imports from all foreign suppliers,
    sum_{i != c, s in T} X'_ics, percent change [%].
china_tech_import_volume_change_pct
    The same in volume: delivered quantities at 2022 prices X'_ics / (p_hat_is
    tau_hat_ics) [%].
china_tech_imports_from_coalition_change_pct
    Value of China's technology imports from the coalition, sum_i w_i X'_ics,
    percent change [%].
coalition_tech_revenue_change_usd_bn
    The industry's loss: change in the coalition's technology sales to all
    destinations, sum_{i, s in T} w_i (Y'_is - Y_is) [USD bn].
us_tech_revenue_change_pct
    Change in U.S. technology sales to all destinations [%].
china_ict_hw_price_change_pct
    The downstream effect on China's electronics makers: the factory-gate price of
    ICT hardware made in China, 100 (p_hat_c,ict_hw - 1) [%]. (What China's buyers
    pay for ICT hardware from all suppliers is the ict_hw row of the by-sector
    china_tech_price_change_pct.)
china_ict_hw_output_change_pct
    Value of China's ICT-hardware output, its sales to all destinations, home
    included, Y'_c,ict_hw = sum_j X'_c,j,ict_hw, percent change [%]. The factor
    market gives Y'/Y = r_hat q_hat (factor price times capacity); the price is
    the unit cost c_hat = r_hat^beta prod_k P_hat_k^gamma_k, so with supply chains
    dearer inputs raise the price more than the output value; without them
    c_hat = r_hat and the two differ only by China's capacity change.
backfill_share
    Deliveries to China are volumes at 2022 prices:
    Q_ics = X_ics and Q'_ics = X'_ics / (p_hat_is tau_hat_ics), foreign supplier
    i != c, technology sector s, dQ_ics = Q'_ics - Q_ics. A supplier takes part in
    the controls with its coalition weight w_i and stays out with 1 - w_i, so its
    losses count for the coalition with weight w_i and its gains count as
    backfill with weight 1 - w_i. The fence stops

        L = sum_{i != c} sum_{s in T, c_is > 0} w_i max(-dQ_ics, 0)

    (the coalition's lost deliveries in the supplier-sectors the fence covers,
    c_is > 0), and the suppliers outside the coalition deliver

        G = sum_{i != c} sum_{s in T} (1 - w_i) max(dQ_ics, 0)

    more (L and G in USD bn at 2022 prices). backfill_share = G / L [share]: of
    each unit of technology the fence stops, the part suppliers outside the
    coalition deliver instead. The USA (w = 1) counts only in L, ROW and an ally
    at participation 0 (w = 0) only in G, an ally at participation w_i in both.
    A non-member the FDPR reaches (c_is > 0, w_i = 0) adds nothing to L: the
    reach shows as smaller gains in G. backfill_share >= 0, and 0 when no supplier
    outside the coalition delivers more. It stays below 1 when only the fence
    levers (yard, fence, evasion, allies, reach) move deliveries, but is not
    bounded by 1 in general: other levers (Belt and Road, the Chips Act, tariffs)
    move deliveries too, and G can exceed L when a leaky fence stops little.
    Undefined (NaN) when the fence stops nothing (L below RELATIVE_FLOOR of
    China's 2022 technology imports). Not monotone in participation in general
    (tests/test_sweeps.py).
leakage_share
    (G + sum_{s in T} max(dQ_ccs, 0)) / L [share], with G and L as for
    backfill_share: the part China replaces from suppliers outside the coalition
    and from its own producers. At least backfill_share; NaN when the fence stops
    nothing. 1 - leakage_share is the part China does without while the share is
    below 1; it can exceed 1, as China's producers also replace what L counts
    only in part (an ally's non-participating share, non-members the FDPR reaches)
    and add what China's own R&D push makes.
welfare_change_pct, welfare_change_usd_bn
    Real-income change of each region, 100 (W_hat_j - 1) [%] and
    (W_hat_j - 1) F_j [USD bn], F_j the baseline final spending (value added +
    tariff revenue + deficit; equal to total spending without supply chains).
world_welfare_change_pct
    100 sum_j (W_hat_j - 1) F_j / sum_j F_j [%].
coalition_welfare_change_usd_bn
    sum_j w_j (W_hat_j - 1) F_j: the coalition's welfare change, allies weighted
    by their participation [USD bn].
cost_effectiveness
    China's access-cost increase per USD bn of coalition welfare lost:
    china_tech_price_change_pct / (-sum_j w_j (W_hat_j - 1) F_j)
    [percentage points per USD bn]. NaN when the coalition loses no welfare.

Per-sector breakdowns (``by_sector``) exist for the first six metrics.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import numpy.typing as npt
import pandas as pd

from model.equilibrium import Equilibrium
from model.names import TARGET, TECH_SECTORS

FloatArray = npt.NDArray[np.float64]

ICT_HW = "ict_hw"
"""The downstream sector whose Chinese price and output are headline metrics."""


@dataclass(frozen=True)
class MetricInfo:
    """Name, unit and the subject of a metric, for tables and labels."""

    name: str
    unit: str
    label: str
    subject: str  # the "region" column of a scalar row: CHN, coalition, USA, world
    by: str  # "scalar" or "region"
    sector: str = "tech"  # the "sector" column of a scalar row: tech or one sector


METRICS: tuple[MetricInfo, ...] = (
    MetricInfo(
        "china_tech_price_change_pct",
        "%",
        "China's technology price index",
        TARGET,
        "scalar",
    ),
    MetricInfo(
        "china_tech_imports_change_pct",
        "%",
        "China's technology imports",
        TARGET,
        "scalar",
    ),
    MetricInfo(
        "china_tech_import_volume_change_pct",
        "%",
        "China's technology import volume",
        TARGET,
        "scalar",
    ),
    MetricInfo(
        "china_tech_imports_from_coalition_change_pct",
        "%",
        "China's technology imports from the coalition",
        TARGET,
        "scalar",
    ),
    MetricInfo(
        "coalition_tech_revenue_change_usd_bn",
        "USD bn",
        "Coalition technology revenue",
        "coalition",
        "scalar",
    ),
    MetricInfo(
        "us_tech_revenue_change_pct", "%", "U.S. technology revenue", "USA", "scalar"
    ),
    MetricInfo(
        "china_ict_hw_price_change_pct",
        "%",
        "China's ICT-hardware price",
        TARGET,
        "scalar",
        ICT_HW,
    ),
    MetricInfo(
        "china_ict_hw_output_change_pct",
        "%",
        "China's ICT-hardware output",
        TARGET,
        "scalar",
        ICT_HW,
    ),
    MetricInfo(
        "backfill_share", "share", "Backfill by non-participants", TARGET, "scalar"
    ),
    MetricInfo("leakage_share", "share", "Leakage of the fence", TARGET, "scalar"),
    MetricInfo("welfare_change_pct", "%", "Welfare", "", "region"),
    MetricInfo("welfare_change_usd_bn", "USD bn", "Welfare", "", "region"),
    MetricInfo("world_welfare_change_pct", "%", "World welfare", "world", "scalar"),
    MetricInfo(
        "coalition_welfare_change_usd_bn",
        "USD bn",
        "Coalition welfare",
        "coalition",
        "scalar",
    ),
    MetricInfo(
        "cost_effectiveness",
        "pp per USD bn",
        "China's cost increase per USD bn of coalition welfare lost",
        "coalition",
        "scalar",
    ),
)
METRICS_BY_NAME: dict[str, MetricInfo] = {m.name: m for m in METRICS}

TIDY_COLUMNS: tuple[str, ...] = (
    "metric",
    "region",
    "sector",
    "baseline",
    "scenario",
    "change",
)


@dataclass(frozen=True)
class Measure:
    """A metric's baseline level, scenario level and change, batched on axis 0.

    ``baseline`` and ``scenario`` are NaN where a level has no meaning (shares,
    ratios); ``change`` is the metric's value in its unit.
    """

    baseline: FloatArray
    scenario: FloatArray
    change: FloatArray


@dataclass(frozen=True)
class Metrics:
    """All metrics for a batch of B scenarios.

    ``values[name]`` has shape (B,) for scalar metrics and (B, N) for the
    by-region ones; ``by_sector[name]`` has shape (B, S).
    """

    regions: tuple[str, ...]
    sectors: tuple[str, ...]
    values: Mapping[str, Measure]  # read-only
    by_sector: Mapping[str, Measure]  # read-only

    def scalar(self, name: str, b: int = 0) -> float:
        """The value of a scalar metric for batch element ``b``."""
        return float(self.values[name].change[b])

    def security_cost_point(self, b: int = 0) -> dict[str, float]:
        """Element ``b`` on the security-cost plane: ``china_cost_pct``, the metric
        ``china_tech_price_change_pct`` [%], and ``coalition_cost_usd_bn``, minus
        the metric ``coalition_welfare_change_usd_bn`` [USD bn a year] (computed
        as ``0 - x``, so that no cost is +0.0, never -0.0)."""
        return {
            "coalition_cost_usd_bn": 0.0
            - self.scalar("coalition_welfare_change_usd_bn", b),
            "china_cost_pct": self.scalar("china_tech_price_change_pct", b),
        }

    def to_dict(self, b: int = 0) -> dict[str, object]:
        """JSON-ready metrics of element ``b``; NaN (undefined) becomes None."""
        metrics: dict[str, object] = {}
        for info in METRICS:
            change = self.values[info.name].change[b]
            metrics[info.name] = (
                _json_number(change)
                if info.by == "scalar"
                else dict(zip(self.regions, map(_json_number, change), strict=True))
            )
        by_sector = {
            name: dict(zip(self.sectors, map(_json_number, m.change[b]), strict=True))
            for name, m in self.by_sector.items()
        }
        return {
            "metrics": metrics,
            "by_sector": by_sector,
            "units": {info.name: info.unit for info in METRICS},
        }

    def to_frame(self, b: int = 0) -> pd.DataFrame:
        """Tidy table of element ``b``: metric, region, sector, baseline, scenario,
        change."""
        rows = []
        for info in METRICS:
            m = self.values[info.name]
            if info.by == "scalar":
                rows.append(
                    (
                        info.name,
                        info.subject,
                        info.sector,
                        m.baseline[b],
                        m.scenario[b],
                        m.change[b],
                    )
                )
            else:
                rows += [
                    (
                        info.name,
                        r,
                        "all",
                        m.baseline[b, k],
                        m.scenario[b, k],
                        m.change[b, k],
                    )
                    for k, r in enumerate(self.regions)
                ]
            if info.name in self.by_sector:
                s = self.by_sector[info.name]
                rows += [
                    (
                        info.name,
                        info.subject,
                        sector,
                        s.baseline[b, k],
                        s.scenario[b, k],
                        s.change[b, k],
                    )
                    for k, sector in enumerate(self.sectors)
                    if sector in TECH_SECTORS
                ]
        return pd.DataFrame(rows, columns=list(TIDY_COLUMNS))


def _json_number(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def _ratio(
    numerator: FloatArray, denominator: FloatArray, floor: float | FloatArray = 0.0
) -> FloatArray:
    """numerator / denominator where the denominator exceeds ``floor``, else NaN."""
    defined = denominator > floor
    return np.where(defined, numerator / np.where(defined, denominator, 1), np.nan)


def _pct(new: FloatArray, old: FloatArray) -> FloatArray:
    """Percent change; NaN where the old value is zero."""
    return 100 * (_ratio(new, old) - 1)


RELATIVE_FLOOR = 1e-9
"""Backfill, leakage and cost-effectiveness are undefined (NaN) when the loss they
divide by is below this fraction of its baseline scale: rounding, not policy."""


def compute_metrics(
    flows: FloatArray,
    equilibrium: Equilibrium,
    tau_hat: FloatArray,
    coalition_weight: FloatArray,
    covered_share: FloatArray,
    regions: Sequence[str],
    sectors: Sequence[str],
) -> Metrics:
    """Headline metrics for a solved batch (see the module docstring).

    Parameters
    ----------
    flows : array (N, N, S)
        Baseline flows [USD bn].
    equilibrium : Equilibrium
        Solved batch of B scenarios.
    tau_hat : array (B, N, N, S)
        The iceberg shocks the batch was solved with (for volumes).
    coalition_weight : array (B, N)
        w_i: 1 for the USA, the participation share for an ally, else 0.
    covered_share : array (B, N, S)
        c_is, the share of i's sales to China in sector s that the fence covers.
    regions, sectors : sequence of str
        Codes in array order.
    """
    regions, sectors = tuple(regions), tuple(sectors)
    c = regions.index(TARGET)
    usa = regions.index("USA")
    tech = np.isin(sectors, TECH_SECTORS)
    foreign = np.arange(len(regions)) != c
    eq = equilibrium
    w = coalition_weight

    x_to_c, x_new_to_c = flows[:, c, :], eq.flows[:, :, c, :]  # (N, S), (B, N, S)
    measures: dict[str, Measure] = {}
    sector: dict[str, Measure] = {}

    spending_c = flows[:, c, :].sum(axis=0)  # (S,)
    alpha_t = spending_c[tech] / spending_c[tech].sum()
    log_p = np.log(eq.sector_price_hat[:, c, :])  # (B, S)
    price_t = np.exp((log_p[:, tech] * alpha_t).sum(axis=1))
    ones = np.ones_like(price_t)
    measures["china_tech_price_change_pct"] = Measure(
        100 * ones, 100 * price_t, 100 * (price_t - 1)
    )
    sector["china_tech_price_change_pct"] = Measure(
        100 * np.ones_like(log_p), 100 * np.exp(log_p), 100 * (np.exp(log_p) - 1)
    )

    def imports(name: str, weights: FloatArray) -> None:
        """China's tech imports weighted by exporter (B, N), total and by sector."""
        old = np.einsum("bi,is->bs", weights, x_to_c)
        new = np.einsum("bi,bis->bs", weights, x_new_to_c)
        sector[name] = Measure(old, new, _pct(new, old))
        old_t, new_t = old[:, tech].sum(axis=1), new[:, tech].sum(axis=1)
        measures[name] = Measure(old_t, new_t, _pct(new_t, old_t))

    n_batch = eq.flows.shape[0]
    imports("china_tech_imports_change_pct", np.tile(foreign * 1.0, (n_batch, 1)))
    imports("china_tech_imports_from_coalition_change_pct", w)

    delivered_price = eq.p_hat[:, :, None, :] * tau_hat  # (B, N, N, S)
    volume = np.where(
        eq.flows > 0, eq.flows / np.where(eq.flows > 0, delivered_price, 1), 0
    )
    volume = np.where(np.isnan(eq.flows), np.nan, volume)
    vol_to_c = volume[:, :, c, :]  # (B, N, S)
    old_v = (x_to_c[foreign][:, tech]).sum()
    new_v = vol_to_c[:, foreign][:, :, tech].sum(axis=(1, 2))
    measures["china_tech_import_volume_change_pct"] = Measure(
        old_v * ones, new_v, _pct(new_v, old_v)
    )

    sales, new_sales = flows.sum(axis=1), eq.flows.sum(axis=2)  # (N, S), (B, N, S)
    old_rev = np.einsum("bi,is->bs", w, sales)
    new_rev = np.einsum("bi,bis->bs", w, new_sales)
    sector["coalition_tech_revenue_change_usd_bn"] = Measure(
        old_rev, new_rev, new_rev - old_rev
    )
    measures["coalition_tech_revenue_change_usd_bn"] = Measure(
        old_rev[:, tech].sum(axis=1),
        new_rev[:, tech].sum(axis=1),
        (new_rev - old_rev)[:, tech].sum(axis=1),
    )
    us_old, us_new = sales[usa], new_sales[:, usa]
    sector["us_tech_revenue_change_pct"] = Measure(
        us_old * np.ones_like(us_new), us_new, _pct(us_new, us_old)
    )
    us_old_t, us_new_t = us_old[tech].sum(), us_new[:, tech].sum(axis=1)
    measures["us_tech_revenue_change_pct"] = Measure(
        us_old_t * ones, us_new_t, _pct(us_new_t, us_old_t)
    )

    ict = sectors.index(ICT_HW)
    ict_price = eq.p_hat[:, c, ict]
    measures["china_ict_hw_price_change_pct"] = Measure(
        100 * ones, 100 * ict_price, 100 * (ict_price - 1)
    )
    ict_old, ict_new = sales[c, ict], new_sales[:, c, ict]
    measures["china_ict_hw_output_change_pct"] = Measure(
        ict_old * ones, ict_new, _pct(ict_new, ict_old)
    )

    d_vol = (vol_to_c - x_to_c)[:, :, tech]  # (B, N, T) by exporter and sector
    fenced = covered_share[:, :, tech] > 0
    w_t = w[:, :, None]  # (B, N, 1): the participating share of each supplier
    lost = np.where(fenced, w_t * np.maximum(-d_vol, 0), 0)[:, foreign].sum(axis=(1, 2))
    gained = ((1 - w_t) * np.maximum(d_vol, 0))[:, foreign].sum(axis=(1, 2))
    home_gain = np.maximum(d_vol[:, c], 0).sum(axis=1)
    nan = np.full_like(lost, np.nan)
    floor = RELATIVE_FLOOR * x_to_c[foreign][:, tech].sum()
    measures["backfill_share"] = Measure(nan, nan, _ratio(gained, lost, floor))
    measures["leakage_share"] = Measure(
        nan, nan, _ratio(gained + home_gain, lost, floor)
    )

    spending = eq.baseline_spending  # (B, N) final spending F
    measures["welfare_change_pct"] = Measure(
        spending, eq.welfare_hat * spending, eq.welfare_change_pct
    )
    measures["welfare_change_usd_bn"] = Measure(
        spending, eq.welfare_hat * spending, eq.welfare_change_value
    )
    world_old = spending.sum(axis=1)
    world_new = (eq.welfare_hat * spending).sum(axis=1)
    measures["world_welfare_change_pct"] = Measure(
        world_old, world_new, _pct(world_new, world_old)
    )
    coalition_old = (w * spending).sum(axis=1)
    coalition_change = (w * eq.welfare_change_value).sum(axis=1)
    measures["coalition_welfare_change_usd_bn"] = Measure(
        coalition_old, coalition_old + coalition_change, coalition_change
    )
    coalition_loss = -coalition_change
    measures["cost_effectiveness"] = Measure(
        nan,
        nan,
        _ratio(
            measures["china_tech_price_change_pct"].change,
            coalition_loss,
            RELATIVE_FLOOR * spending[:, usa],
        ),
    )
    return Metrics(
        regions=regions,
        sectors=sectors,
        values=MappingProxyType(measures),
        by_sector=MappingProxyType(sector),
    )
