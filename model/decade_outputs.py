"""What a decade path reports: the yearly outputs, how each is measured, the result.

Units and notation: ``b`` a batch element, ``t`` a year of the path, ``i`` a
region, ``c`` = China, ``s`` a technology sector (:data:`model.names.TECH_SECTORS`).
Values are USD bn at 2022 prices; ratios and shares are unitless.

Outputs per year (:data:`OUTPUTS`)
----------------------------------
Every year is measured against its trend baseline ``X_t``
(:mod:`model.market_trend`; the 2022 baseline when the market is held fixed):
USD figures are those of a year-t-sized market [USD bn at 2022 prices].

``china_tech_capability_ratio``: China's technology capability relative to the
no-policy path, the geometric mean of its capacities over the technology sectors
weighted by China's spending shares on the year's trend (the weights of
``china_tech_price_change_pct``) [ratio]::

    capability[b, t] = exp(sum_s a_s log q_hat_t[b, c, s]),
    a_s = E[c, s] / sum_s' E[c, s'],  E[c, s] = sum_i X_t[i, c, s] [USD bn]

By sector, ``china_tech_capacity_ratio`` = ``q_hat_t[b, c, s]``, the capacity used
in year t's solve [ratio]. ``china_self_sufficiency_share``: China's domestic
share of its own spending in each technology sector, ``pi'[c, c, s]`` (values)
[share]. Every scalar metric of :data:`model.metrics.METRICS` per year (e.g.
``coalition_tech_revenue_change_usd_bn`` and ``world_welfare_change_pct``),
welfare by region, and ``cumulative_coalition_revenue_lost_usd_bn``, the running
sum over the years from 2022 of ``-coalition_tech_revenue_change_usd_bn``
(undiscounted, 2022 prices) [USD bn]. ``china_indigenisation_cost_usd_bn``: the
year's cost of the capacity China paid for
(:func:`model.law_of_motion.indigenisation_cost`) [USD bn]; China's welfare, and
with it world welfare, is net of it: ``W_hat[c] - C / F_t[c]``.
``world_tech_market_usd_bn`` by sector: the world market, sales of every
supplier to every buyer ``sum_{i,j} X'[i, j, s]`` [USD bn]; on the no-policy
path, the trend.

Measurement (:func:`measure_outputs`)
-------------------------------------
A year on the no-policy path (no trade policy and every capacity at 1) has the
outputs of the static model's default scenario, whose zero shock returns the
baseline exactly; every other year's metrics come from its policy equilibrium
(:func:`model.metrics.compute_metrics`, one batch per baseline). A batch
element whose equilibrium failed in year t has NaN outputs from year t on, and so
has its running sum.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace

import numpy as np
import numpy.typing as npt
import pandas as pd

from model import equilibrium, metrics, simulation
from model.data import Baseline
from model.dynamic_parameters import Inputs
from model.levers import DEFAULT_LEVERS
from model.names import TARGET, TECH_SECTORS

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.intp]


@dataclass(frozen=True)
class OutputInfo:
    """A yearly output: its unit, label and breakdown (scalar, sector or region)."""

    name: str
    unit: str
    label: str
    by: str  # "scalar", "sector" (technology sectors) or "region"


OUTPUTS: tuple[OutputInfo, ...] = (
    OutputInfo(
        "china_tech_capability_ratio",
        "ratio to the no-policy path",
        "China's technology capability",
        "scalar",
    ),
    OutputInfo(
        "cumulative_coalition_revenue_lost_usd_bn",
        "USD bn",
        "Coalition technology revenue lost since 2022",
        "scalar",
    ),
    OutputInfo(
        "china_indigenisation_cost_usd_bn",
        "USD bn",
        "China's cost of the capacity it paid for",
        "scalar",
    ),
    *(
        OutputInfo(m.name, m.unit, m.label, "scalar")
        for m in metrics.METRICS
        if m.by == "scalar"
    ),
    OutputInfo(
        "china_self_sufficiency_share",
        "share",
        "China's domestic share of its technology spending",
        "sector",
    ),
    OutputInfo(
        "china_tech_capacity_ratio",
        "ratio to the no-policy path",
        "China's technology capacity",
        "sector",
    ),
    OutputInfo(
        "world_tech_market_usd_bn",
        "USD bn",
        "World market (sales of all suppliers)",
        "sector",
    ),
    OutputInfo("welfare_change_pct", "%", "Welfare", "region"),
    OutputInfo("welfare_change_usd_bn", "USD bn", "Welfare", "region"),
)
OUTPUTS_BY_NAME: dict[str, OutputInfo] = {o.name: o for o in OUTPUTS}


@dataclass(frozen=True)
class DecadePath:
    """Yearly outputs of a batch of B paths over T years.

    ``values[name]`` is (B, T) for a scalar output, (B, T, K) by technology sector
    (order ``tech_sectors``) and (B, T, N) by region, in the unit of
    :data:`OUTPUTS`. ``capacity`` is the technology capacity of every region used
    in each year's solve, relative to the no-policy path (B, T, N, K) [ratio].
    NaN where ``converged`` is False. ``state[t]`` is the position, in the
    timeline as given, of the entry in force in year t (-1: none, no policy).
    """

    years: tuple[int, ...]
    regions: tuple[str, ...]
    tech_sectors: tuple[str, ...]
    timeline_years: tuple[int, ...]
    state: tuple[int, ...]  # (T,) position in the timeline given; -1 = no policy
    inputs: Inputs
    values: dict[str, FloatArray]
    capacity: FloatArray  # (B, T, N, K) [ratio]
    converged: BoolArray  # (B, T)
    max_residual: FloatArray  # (B, T)
    seconds: float  # wall-clock time of the whole batch [s]
    market_growth: bool = True  # False: the 2022 market held fixed

    @property
    def size(self) -> int:
        return self.converged.shape[0]

    def keys(self, name: str) -> tuple[str, ...]:
        """The breakdown keys of an output (empty for a scalar)."""
        by = OUTPUTS_BY_NAME[name].by
        return {"scalar": (), "sector": self.tech_sectors, "region": self.regions}[by]

    def series(self, name: str, key: str | None = None) -> FloatArray:
        """(B, T) values of a scalar output, or of one sector or region of a
        breakdown."""
        info = OUTPUTS_BY_NAME.get(name)
        if info is None:
            raise ValueError(
                f"unknown output {name!r}; known: {', '.join(OUTPUTS_BY_NAME)}"
            )
        if info.by == "scalar":
            if key is not None:
                raise ValueError(f"{name} has no breakdown; got key {key!r}")
            return self.values[name]
        keys = self.keys(name)
        if key not in keys:
            raise ValueError(f"{name} needs one of {', '.join(keys)}; got {key!r}")
        return self.values[name][:, :, keys.index(key)]

    def year_index(self, year: int) -> int:
        if year not in self.years:
            raise ValueError(
                f"year {year} is not on the path {self.years[0]}-{self.years[-1]}"
            )
        return self.years.index(year)

    def window(self, first: int, last: int) -> DecadePath:
        """The same paths restricted to the years first..last."""
        a, b = self.year_index(first), self.year_index(last) + 1
        return DecadePath(
            years=self.years[a:b],
            regions=self.regions,
            tech_sectors=self.tech_sectors,
            timeline_years=self.timeline_years,
            state=self.state[a:b],
            inputs=self.inputs,
            values={k: v[:, a:b] for k, v in self.values.items()},
            capacity=self.capacity[:, a:b],
            converged=self.converged[:, a:b],
            max_residual=self.max_residual[:, a:b],
            seconds=self.seconds,
            market_growth=self.market_growth,
        )

    def to_dict(self, b: int = 0) -> dict[str, object]:
        """JSON-ready paths of element ``b``: ``{"years", "paths", "units",
        "converged"}``; a breakdown output is ``{key: [...]}``; NaN is None."""
        paths: dict[str, object] = {}
        for info in OUTPUTS:
            values = self.values[info.name][b]
            if info.by == "scalar":
                paths[info.name] = json_list(values)
            else:
                paths[info.name] = {
                    key: json_list(values[:, k])
                    for k, key in enumerate(self.keys(info.name))
                }
        return {
            "years": list(self.years),
            "paths": paths,
            "units": {info.name: info.unit for info in OUTPUTS},
            "converged": [bool(v) for v in self.converged[b]],
        }

    def frame(self, b: int = 0) -> pd.DataFrame:
        """Tidy table of element ``b``: year, output, key ("" for scalars), value."""
        rows = []
        for info in OUTPUTS:
            values = self.values[info.name][b]
            keys = self.keys(info.name)
            for t, year in enumerate(self.years):
                if info.by == "scalar":
                    rows.append((year, info.name, "", values[t]))
                else:
                    rows += [
                        (year, info.name, k, values[t, n]) for n, k in enumerate(keys)
                    ]
        return pd.DataFrame(rows, columns=["year", "output", "key", "value"])


def json_list(values: FloatArray) -> list[float | None]:
    """JSON-ready list of a 1-D array: NaN and inf become None."""
    return [float(v) if np.isfinite(v) else None for v in values]


# --- measuring the outputs of the years solved -----------------------------------


@dataclass(frozen=True)
class SolvedYear:
    """The policy equilibria of one year, for the elements still converging.

    Attributes
    ----------
    t : int
        Index of the year on the path.
    rows : IntArray
        (m,) the batch elements solved.
    equilibrium : model.equilibrium.Equilibrium
        (m, ...) their policy equilibria; NaN results where it or its
        counterfactual failed (``converged`` False).
    tau_hat : FloatArray
        (m, N, N, S) the trade-cost shocks solved with [ratio].
    coalition_weight : FloatArray
        (N,) the lever state's coalition weights [share].
    covered_share : FloatArray
        (N, S) the lever state's covered share of sales into China [share].
    indigenisation_cost : FloatArray
        (m,) the year's cost of the capacity China paid for [USD bn].
    """

    t: int
    rows: IntArray
    equilibrium: equilibrium.Equilibrium
    tau_hat: FloatArray
    coalition_weight: FloatArray
    covered_share: FloatArray
    indigenisation_cost: FloatArray


def measure_outputs(
    n_batch: int,
    years: Sequence[int],
    no_policy_years: Sequence[tuple[int, IntArray]],
    solved: Sequence[SolvedYear],
    capacity: FloatArray,
    baseline: Baseline,
    flows_of: Callable[[int], FloatArray],
) -> dict[str, FloatArray]:
    """Every output of :data:`OUTPUTS` for every element and year.

    Parameters
    ----------
    n_batch : int
        B elements.
    years : sequence of int
        The T years of the path.
    no_policy_years : sequence of (int, IntArray)
        Year index and the elements that were on the no-policy path that year.
    solved : sequence of SolvedYear
        The years solved, in order.
    capacity : FloatArray
        (B, T, N, K) technology capacities used in each year's solve [ratio].
    baseline : Baseline
        The 2022 baseline.
    flows_of : callable
        The baseline flows a year was solved against (N, N, S) [USD bn]; the same
        array for years with the same baseline.

    Returns
    -------
    dict of str to FloatArray
        (B, T) per scalar output, (B, T, K) by technology sector, (B, T, N) by
        region; NaN where nothing was solved or the solve failed.
    """
    n_tech = int(np.isin(baseline.sectors, TECH_SECTORS).sum())
    shape = {"scalar": (), "sector": (n_tech,), "region": (len(baseline.regions),)}
    out = {
        o.name: np.full((n_batch, len(years), *shape[o.by]), np.nan) for o in OUTPUTS
    }
    if no_policy_years:
        _fill_no_policy_years(out, no_policy_years, baseline)
        tech = np.isin(baseline.sectors, TECH_SECTORS)
        for t, rows in no_policy_years:
            markets = flows_of(years[t]).sum(axis=(0, 1))[tech]
            out["world_tech_market_usd_bn"][rows, t] = markets
    by_baseline: dict[int, list[SolvedYear]] = {}
    for year in solved:
        by_baseline.setdefault(id(flows_of(years[year.t])), []).append(year)
    for group in by_baseline.values():
        flows = flows_of(years[group[0].t])
        _fill_solved_years(out, group, capacity, flows, baseline)
    # running sum: a failed year is NaN and so is every later year (never solved)
    out["cumulative_coalition_revenue_lost_usd_bn"][:] = np.cumsum(
        -out["coalition_tech_revenue_change_usd_bn"], axis=1
    )
    return out


def _fill_no_policy_years(
    out: dict[str, FloatArray],
    years: Sequence[tuple[int, IntArray]],
    baseline: Baseline,
) -> None:
    """Outputs of the years on the no-policy path: the static model's default
    scenario, whose zero shock returns the baseline exactly (solved once, for every
    element)."""
    chn = baseline.regions.index(TARGET)
    tech = np.isin(baseline.sectors, TECH_SECTORS)
    static = simulation.simulate_batch([DEFAULT_LEVERS], baseline)
    eq, measured = static.equilibrium, static.metrics
    rows = np.concatenate([idx for _, idx in years])
    cols = np.concatenate([np.full(len(idx), t) for t, idx in years])
    for name, values in out.items():
        if name in measured.values:
            values[rows, cols] = measured.values[name].change[0]
    out["china_self_sufficiency_share"][rows, cols] = eq.shares[0, chn, chn, tech]
    out["china_tech_capacity_ratio"][rows, cols] = 1.0
    out["china_tech_capability_ratio"][rows, cols] = 1.0
    out["china_indigenisation_cost_usd_bn"][rows, cols] = 0.0


def _fill_solved_years(
    out: dict[str, FloatArray],
    solved: Sequence[SolvedYear],
    capacity: FloatArray,
    flows: FloatArray,
    baseline: Baseline,
) -> None:
    """Metrics of the solved years of one baseline ``flows`` in one batched call,
    written into ``out``."""
    regions, sectors = baseline.regions, baseline.sectors
    n, n_sectors = len(regions), len(sectors)
    chn = regions.index(TARGET)
    tech = np.isin(sectors, TECH_SECTORS)
    spending_c = flows[:, chn, :].sum(axis=0)
    weight_t = spending_c[tech] / spending_c[tech].sum()
    cost = np.concatenate([y.indigenisation_cost for y in solved])
    eq = charge_china(
        equilibrium.Equilibrium(
            *(
                np.concatenate([getattr(y.equilibrium, f.name) for y in solved])
                for f in fields(equilibrium.Equilibrium)
            )
        ),
        cost,
        chn,
    )
    tau = np.concatenate([y.tau_hat for y in solved])
    weight = np.concatenate(
        [np.broadcast_to(y.coalition_weight, (len(y.rows), n)) for y in solved]
    )
    covered = np.concatenate(
        [np.broadcast_to(y.covered_share, (len(y.rows), n, n_sectors)) for y in solved]
    )
    measured = metrics.compute_metrics(
        flows, eq, tau, weight, covered, regions, sectors
    )
    rows = np.concatenate([y.rows for y in solved])
    cols = np.concatenate([np.full(len(y.rows), y.t) for y in solved])
    ok = eq.converged
    r, c = rows[ok], cols[ok]
    for name, values in out.items():
        if name in measured.values:
            values[r, c] = measured.values[name].change[ok]
    out["china_self_sufficiency_share"][r, c] = eq.shares[ok][:, chn, chn][:, tech]
    china = capacity[r, c][:, chn]
    out["china_tech_capacity_ratio"][r, c] = china
    out["china_tech_capability_ratio"][r, c] = np.exp(np.log(china) @ weight_t)
    out["china_indigenisation_cost_usd_bn"][r, c] = cost[ok]
    out["world_tech_market_usd_bn"][r, c] = eq.flows[ok].sum(axis=(1, 2))[:, tech]


def charge_china(
    eq: equilibrium.Equilibrium, cost: FloatArray, china: int
) -> equilibrium.Equilibrium:
    """The equilibria with China's welfare net of the year's cost ``cost`` (B,)
    [USD bn]: ``W_hat[c] - C / F[c]``, ``F`` the baseline final spending. The
    resources buy China's final basket, so no price or flow changes."""
    welfare = eq.welfare_hat.copy()
    welfare[:, china] -= cost / eq.baseline_spending[:, china]
    return replace(
        eq,
        welfare_hat=welfare,
        welfare_change_pct=100 * (welfare - 1),
        welfare_change_value=(welfare - 1) * eq.baseline_spending,
    )


def take_elements(eq: equilibrium.Equilibrium, idx: slice) -> equilibrium.Equilibrium:
    """The batch elements ``idx`` of the equilibria."""
    return equilibrium.Equilibrium(*(getattr(eq, f.name)[idx] for f in fields(eq)))


def invalidate_elements(
    eq: equilibrium.Equilibrium, ok: BoolArray
) -> equilibrium.Equilibrium:
    """The equilibrium with every result of the elements not ``ok`` set to NaN."""
    values = {}
    for f in fields(eq):
        arr = getattr(eq, f.name)
        if f.name in ("iterations", "max_residual", "converged"):
            values[f.name] = arr if f.name != "converged" else arr & ok
        else:
            mask = ok.reshape((-1,) + (1,) * (arr.ndim - 1))
            values[f.name] = np.where(mask, arr, np.nan)
    return equilibrium.Equilibrium(**values)
