"""The decisive decade: a yearly path of static equilibria with evolving capacities.

Each year ``t`` from :data:`model.timeline.BASE_YEAR` (2022, the baseline) to an
end year solves the static model of :mod:`model.equilibrium` with that year's
policy (the lever state in force) and that year's technology capacities.
Capacities evolve from year to year with what the policy does to revenue and to
China's imports.

Units and notation: ``i`` a region, ``c`` = China, ``s`` a technology sector (the
six of :data:`model.names.TECH_SECTORS`; capacities of ``rest`` never move),
``t`` a year. Values are USD bn at 2022 prices; ratios are unitless.

The no-policy path
------------------
The static model has no trend: with no policy every year is the 2022 baseline
(the zero shock returns it exactly), and capacities stay where they are. So the
*no-policy path* is the baseline repeated, and every output below is measured
against it: ``k = 1`` and every change is 0 on the no-policy path.

State and timeline
------------------
``k[i, s]`` is the technology capacity of region ``i`` in sector ``s`` relative to
the no-policy path [ratio]; ``k = 1`` in 2022. The policy is a *timeline* of
``(year, levers)`` entries (:mod:`model.timeline`: the latest entry with
``year <= t`` is in force in year ``t``; before the first entry, no new policy).

Year t
------
1. Shocks: ``tau_hat``, ``q_hat`` from :func:`model.policy.build_shocks` for the
   state in force, with the capacity shock multiplied by the state::

       q_hat_t[i, s] = q_static[i, s] * k_t[i, s]

   ``q_static`` holds the levers' one-year capacity effects: the CHIPS Act's
   added U.S. capacity (a level while the lever is in force) and one year of
   China's R&D push ``1 + china_rd_push_pct / 100``.
2. Policy equilibrium: solve with ``(tau_hat, q_hat_t)``. Its metrics
   (:func:`model.metrics.compute_metrics`) are the year's outputs.
3. Counterfactual at the same capacities: solve with ``tau_hat = 1`` and the
   same ``q_hat_t``. It says what the trade policy itself does this year, given
   where capacities stand. (Not needed, and not solved, in a year with no trade
   policy: then it is the policy equilibrium and both drivers below are 1.)
4. Drivers, policy equilibrium over counterfactual:

       r[i, s] = R[i, s] / R_cf[i, s]     R = sales revenue of i in s, all
                                          destinations [USD bn]; r = 1 if R_cf = 0
       w[s]    = M[s] / M_cf[s]           M = China's technology import VOLUME in s
                                          from all foreign suppliers, sum_i X'[i,c,s]
                                          / (p_hat[i,s] tau_hat[i,c,s]) [USD bn at
                                          2022 prices]; w = 1 if M_cf = 0

5. Capacities for year t + 1::

       k[i, s] <- k[i, s] * exp(rho * (r[i, s] - 1))                   i != China
       k[c, s] <- k[c, s] * (1 + china_rd_push_pct / 100)
                          * exp(kappa * max(1 - w[s], 0) - delta * (1 - w[s]))

   ``rho`` [per year]: revenue funds R&D; a supplier whose sales are 10% lower
   because of the policy grows ``0.1 rho`` (log points) slower that year: the
   industry's argument that lost China sales cut R&D. ``delta`` [per year]:
   learning through imports; China's capacity grows ``delta`` slower in a year in
   which it gets none of the imports it would get without the policy
   (``w = 0``), in proportion for a partial cut. ``kappa`` [per year]: induced
   indigenisation (guaranteed home demand, state funds such as the Big Fund);
   it grows ``kappa`` faster for the same cut. Under controls (``w <= 1``) the
   two combine to ``exp((kappa - delta) (1 - w))``. Where a policy makes imports
   cheaper (``w > 1``: the Belt and Road lever, lower tariffs) China learns more
   through them, but its own effort does not slacken: kappa responds to denied
   imports only (ASSUMPTION). China's R&D push compounds: it is
   applied once in the year's solve (step 1) and carried into the state, so year
   ``n`` of a push has ``(1 + push)^n`` and the first year equals the static
   solve, which applies one year of it. Nothing is counted twice.

Design choices (ASSUMPTIONS, with the reason):

* For small changes ``exp(rho (r - 1)) ~ r^rho`` and, under controls,
  ``exp((kappa - delta) (1 - w)) ~ w^(delta - kappa)``: the laws are the power
  laws of DESIGN.md section 4 to first order. The exponential-of-the-gap form
  is bounded: the power law makes a sector whose imports are cut entirely
  (``w = 0``, e.g. the full-decoupling preset) grow infinitely fast in a year.
* The drivers compare with the counterfactual at the *same* capacities, not with
  the 2022 baseline: against the baseline, China's own growth (which displaces
  imports) would count as "imports denied" and speed its growth further, a loop
  with no policy in it. At the corners of the parameter ranges that loop made
  the path explode (capacities of 10^5 and solver failures by 2035). Comparing
  at the same capacities keeps the drivers to what the policy itself does. The
  price: a supplier's revenue lost to China's growth in third markets does not
  feed back into its R&D; only what the policy takes directly does.
* Suppliers are every region but China, allies and outsiders alike: a supplier
  that backfills gains revenue and grows. A policy lifted later leaves
  capacities where they are (no catch-up): the drivers are 1 again.

Outputs per year (:data:`OUTPUTS`)
-------------------------------------
``china_tech_capability_ratio``: China's technology capability relative to the
no-policy path, the geometric mean of its capacities ``q_hat_t[c, s]`` over the
technology sectors weighted by China's 2022 spending shares (the weights of
``china_tech_price_change_pct``) [ratio]; by sector ``china_tech_capacity_ratio``.
``china_self_sufficiency_share``: China's domestic share of its own spending in
each technology sector, ``pi'[c, c, s]`` (values) [share]. Every scalar metric of
:data:`model.metrics.METRICS` per year (e.g. ``coalition_tech_revenue_change_usd_bn``
and ``world_welfare_change_pct``), welfare by region, and
``cumulative_coalition_revenue_lost_usd_bn``, the running sum over the years from
2022 of ``-coalition_tech_revenue_change_usd_bn`` (undiscounted, 2022 prices).

Batches
-------
:func:`simulate_paths` solves B paths at once, one set of inputs each
(:class:`~model.dynamic_parameters.Inputs`: rho, delta, kappa [per year] and
optionally theta by sector [unitless]); every year is one solve for all of them.
Inputs with theta replace the ``elasticities`` lever: the trade-cost equivalent
of the fence is recomputed at each element's theta with the covered-share
formula of :mod:`model.policy`.
Monte Carlo bands and tornado swings over these inputs are in
:mod:`model.uncertainty`.

Non-convergence is never hidden: a batch element whose policy or counterfactual
equilibrium fails in year t has NaN outputs from year t on and
``converged[b, t] = False``.

References
----------
DESIGN.md section 4. The scale of dynamic losses with technology diffusion:
Cerdeiro et al. (2021), IMF WP/21/69; Goes and Bekkers (2022), WTO ERSD-2022-09
(FACTS.md section 7, S46, S47). R&D and output: Griliches (1992); Hall, Mairesse
and Mohnen (2010), Handbook of the Economics of Innovation ch. 24. Imports and
technology diffusion: Coe and Helpman (1995), EER 39(5).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, fields

import numpy as np
import numpy.typing as npt
import pandas as pd

from model import equilibrium, law_of_motion, metrics, policy, simulation
from model.data import Baseline, load_baseline
from model.dynamic_parameters import Inputs, central_inputs
from model.levers import DEFAULT_LEVERS, Levers
from model.names import TARGET, TECH_SECTORS
from model.timeline import (
    BASE_YEAR,
    DEFAULT_END_YEAR,
    Timeline,
    check_timeline,
    check_year_range,
    state_index,
)

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


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
    OutputInfo("welfare_change_pct", "%", "Welfare", "region"),
    OutputInfo("welfare_change_usd_bn", "USD bn", "Welfare", "region"),
)
OUTPUTS_BY_NAME: dict[str, OutputInfo] = {o.name: o for o in OUTPUTS}


# --- the path -----------------------------------------------------------------------


@dataclass(frozen=True)
class DecadePath:
    """Yearly outputs of a batch of B paths over T years.

    ``values[name]`` is (B, T) for a scalar output, (B, T, K) by technology sector
    (order ``tech_sectors``) and (B, T, N) by region. ``capacity`` is the
    technology capacity of every region used in each year's solve, relative to
    the no-policy path (B, T, N, K). NaN where ``converged`` is False.
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


@dataclass(frozen=True)
class _State:
    """Shocks of one lever state for the batch (built once per timeline entry)."""

    tau_hat: FloatArray  # (1 or B, N, N, S)
    q_static: FloatArray  # (N, S)
    theta: FloatArray  # (B, S)
    coalition_weight: FloatArray  # (N,)
    covered_share: FloatArray  # (N, S)
    trade_policy: bool  # any tau_hat != 1
    rd_push_pct: float  # china_rd_push_pct [% per year]


def _build_state(levers: Levers, baseline: Baseline, inputs: Inputs) -> _State:
    regions, sectors = baseline.regions, baseline.sectors
    stacked = policy.stack_levers([levers])
    shocks = policy.build_shocks(stacked, regions, sectors, baseline.theta_sets)
    if inputs.theta is None:
        tau, theta = shocks.tau_hat, np.tile(shocks.theta, (inputs.size, 1))
    else:
        theta = inputs.theta
        tau = _tau_at_theta(stacked, shocks.covered_share[0], baseline, theta)
    return _State(
        tau_hat=tau,
        q_static=shocks.q_hat[0],
        theta=theta,
        coalition_weight=shocks.coalition_weight[0],
        covered_share=shocks.covered_share[0],
        trade_policy=bool(np.any(tau != 1)),
        rd_push_pct=float(levers["china_rd_push_pct"]),
    )


def _tau_at_theta(
    stacked: Mapping[str, np.ndarray],
    covered: FloatArray,
    baseline: Baseline,
    theta: FloatArray,
) -> FloatArray:
    """Trade-cost shocks (B, N, N, S) of one lever state at B drawn thetas.

    Everything but the fence is built by :func:`model.policy.build_shocks` with the
    yard emptied (it does not depend on theta); the fence on sales into China is
    :func:`model.policy.fence_tau` at each draw's theta.
    """
    regions, sectors = baseline.regions, baseline.sectors
    open_yard = dict(stacked)
    for sector in TECH_SECTORS:
        open_yard[f"scope_{sector}"] = np.zeros(1)
    rest = policy.build_shocks(open_yard, regions, sectors, baseline.theta_sets)
    control = policy.fence_tau(
        covered[None], stacked["fence_pct"], stacked["prohibitive"], theta
    )
    tau = np.repeat(rest.tau_hat, len(theta), axis=0)
    tau[:, :, regions.index(TARGET), :] *= control
    return tau


def _take(eq: equilibrium.Equilibrium, idx: slice) -> equilibrium.Equilibrium:
    return equilibrium.Equilibrium(*(getattr(eq, f.name)[idx] for f in fields(eq)))


def simulate_paths(
    timeline: Timeline,
    end_year: int = DEFAULT_END_YEAR,
    inputs: Inputs | None = None,
    baseline: Baseline | None = None,
) -> DecadePath:
    """Solve a batch of yearly paths from BASE_YEAR to ``end_year``.

    Parameters
    ----------
    timeline : sequence of (year, lever mapping)
        The policy: the latest entry with ``year <= t`` is in force in year t;
        levers not given keep their defaults; before the first entry, no policy.
    end_year : int
        Last year of the path, BASE_YEAR..LAST_YEAR.
    inputs : Inputs, optional
        B sets of rho, delta, kappa and optionally theta; default one path with
        the central values and each year's ``elasticities`` lever.
    baseline : Baseline, optional
        The 2022 baseline; loaded when not given.

    Returns
    -------
    DecadePath
        Outputs (B, T, ...), NaN from the year an element fails to converge.

    Raises
    ------
    ValueError
        A bad timeline (unknown lever, value out of range), years out of range, or
        a policy that leaves a market with no supplier at all.
    """
    start = time.perf_counter()
    check_year_range(BASE_YEAR, end_year)
    baseline = baseline or load_baseline()
    inputs = inputs or central_inputs()
    entry_years, states, position = check_timeline(timeline)
    years = tuple(range(BASE_YEAR, end_year + 1))
    state_of_year = tuple(state_index(entry_years, y) for y in years)

    regions, sectors = baseline.regions, baseline.sectors
    flows = baseline.flows_usd_bn
    n, n_sectors, n_batch, n_years = len(regions), len(sectors), inputs.size, len(years)
    chn = regions.index(TARGET)
    tech = np.isin(sectors, TECH_SECTORS)
    n_tech = int(tech.sum())
    spending_c = flows[:, chn, :].sum(axis=0)
    weight_t = spending_c[tech] / spending_c[tech].sum()

    built: dict[int, _State] = {}

    def state_for(k: int) -> _State:
        if k not in built:
            levers = DEFAULT_LEVERS if k < 0 else states[k]
            built[k] = _build_state(levers, baseline, inputs)
        return built[k]

    scalar_names = [o.name for o in OUTPUTS if o.by == "scalar"]
    out = {name: np.full((n_batch, n_years), np.nan) for name in scalar_names}
    out["china_self_sufficiency_share"] = np.full((n_batch, n_years, n_tech), np.nan)
    out["china_tech_capacity_ratio"] = np.full((n_batch, n_years, n_tech), np.nan)
    for name in ("welfare_change_pct", "welfare_change_usd_bn"):
        out[name] = np.full((n_batch, n_years, n), np.nan)
    capacity = np.full((n_batch, n_years, n, n_tech), np.nan)
    converged = np.zeros((n_batch, n_years), dtype=bool)
    max_residual = np.full((n_batch, n_years), np.nan)

    k_state = np.ones((n_batch, n, n_sectors))  # the state k before this year
    alive = np.ones(n_batch, dtype=bool)
    solved_years: list[tuple[int, npt.NDArray[np.intp], equilibrium.Equilibrium]] = []
    solved_tau: list[FloatArray] = []
    solved_state: list[_State] = []
    baseline_years: list[tuple[int, npt.NDArray[np.intp]]] = []

    for t in range(n_years):
        st = state_for(state_of_year[t])
        idx = np.flatnonzero(alive)
        if idx.size == 0:
            break
        m = idx.size
        q = st.q_static[None] * k_state[idx]
        if not st.trade_policy and np.all(q == 1):
            # the no-policy path: the 2022 baseline exactly, nothing to solve
            baseline_years.append((t, idx))
            converged[idx, t] = True
            max_residual[idx, t] = 0.0
            capacity[idx, t] = 1.0
            continue
        tau = st.tau_hat if st.tau_hat.shape[0] == 1 else st.tau_hat[idx]
        tau = np.broadcast_to(tau, (m, n, n, n_sectors))
        theta = st.theta[idx]
        if st.trade_policy:
            both = equilibrium.solve(
                flows,
                np.concatenate([theta, theta]),
                np.concatenate([tau, np.ones_like(tau)]),
                np.concatenate([q, q]),
                region_names=regions,
                sector_names=sectors,
            )
            eq, cf = _take(both, slice(0, m)), _take(both, slice(m, 2 * m))
            ok = eq.converged & cf.converged
        else:
            eq = equilibrium.solve(
                flows, theta, tau, q, region_names=regions, sector_names=sectors
            )
            cf, ok = eq, eq.converged
        if not ok.all():  # a failed counterfactual fails the year too
            eq = _invalidate(eq, ok)
        solved_years.append((t, idx, eq))
        solved_tau.append(tau)
        solved_state.append(st)
        good = idx[ok]
        converged[good, t] = True
        max_residual[idx, t] = np.maximum(eq.max_residual, cf.max_residual)
        used = q[:, :, tech]
        capacity[good, t] = used[ok]
        alive[idx[~ok]] = False

        # capacities for next year (converged elements only; the others are done)
        if st.trade_policy:
            revenue, w = law_of_motion.measure_drivers(
                eq.flows, eq.p_hat, tau, cf.flows, cf.p_hat, chn
            )
        else:  # no trade policy: the policy equilibrium is the counterfactual
            revenue, w = np.ones((m, n, n_sectors)), np.ones((m, n_sectors))
        k_state[good] = law_of_motion.advance_capacities(
            k_state[good],
            revenue[ok],
            w[ok],
            inputs.rho[good],
            inputs.delta[good],
            inputs.kappa[good],
            st.rd_push_pct,
            china=chn,
            technology=tech,
        )

    if baseline_years:
        _fill_baseline_years(out, baseline_years, baseline)
    _fill_outputs(
        out, solved_years, solved_tau, solved_state, baseline, capacity, weight_t
    )
    # running sum: a failed year is NaN and so is every later year (never solved)
    out["cumulative_coalition_revenue_lost_usd_bn"][:] = np.cumsum(
        -out["coalition_tech_revenue_change_usd_bn"], axis=1
    )
    return DecadePath(
        years=years,
        regions=tuple(regions),
        tech_sectors=tuple(s for s in sectors if s in TECH_SECTORS),
        timeline_years=tuple(int(entry[0]) for entry in timeline),
        state=tuple(-1 if k < 0 else position[k] for k in state_of_year),
        inputs=inputs,
        values=out,
        capacity=capacity,
        converged=converged,
        max_residual=max_residual,
        seconds=time.perf_counter() - start,
    )


def _invalidate(eq: equilibrium.Equilibrium, ok: BoolArray) -> equilibrium.Equilibrium:
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


def _fill_baseline_years(
    out: dict[str, FloatArray],
    years: list[tuple[int, npt.NDArray[np.intp]]],
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


def _fill_outputs(
    out: dict[str, FloatArray],
    solved: list[tuple[int, npt.NDArray[np.intp], equilibrium.Equilibrium]],
    taus: list[FloatArray],
    states: list[_State],
    baseline: Baseline,
    capacity: FloatArray,
    weight_t: FloatArray,
) -> None:
    """Metrics of every solved year in one batched call, written into ``out``."""
    if not solved:
        return
    regions, sectors = baseline.regions, baseline.sectors
    n, n_sectors = len(regions), len(sectors)
    chn = regions.index(TARGET)
    tech = np.isin(sectors, TECH_SECTORS)
    eq = equilibrium.Equilibrium(
        *(
            np.concatenate([getattr(e, f.name) for _, _, e in solved])
            for f in fields(solved[0][2])
        )
    )
    tau = np.concatenate(taus)
    weight = np.concatenate(
        [
            np.broadcast_to(st.coalition_weight, (len(i), n))
            for (_, i, _), st in zip(solved, states, strict=True)
        ]
    )
    covered = np.concatenate(
        [
            np.broadcast_to(st.covered_share, (len(i), n, n_sectors))
            for (_, i, _), st in zip(solved, states, strict=True)
        ]
    )
    measured = metrics.compute_metrics(
        baseline.flows_usd_bn, eq, tau, weight, covered, regions, sectors
    )
    rows = np.concatenate([i for _, i, _ in solved])
    cols = np.concatenate([np.full(len(i), t) for t, i, _ in solved])
    ok = eq.converged
    r, c = rows[ok], cols[ok]
    for name, values in out.items():
        if name in measured.values:
            values[r, c] = measured.values[name].change[ok]
    out["china_self_sufficiency_share"][r, c] = eq.shares[ok][:, chn, chn][:, tech]
    china = capacity[r, c][:, chn]
    out["china_tech_capacity_ratio"][r, c] = china
    out["china_tech_capability_ratio"][r, c] = np.exp(np.log(china) @ weight_t)


def simulate_path(
    timeline: Timeline,
    end_year: int = DEFAULT_END_YEAR,
    *,
    rho: float | None = None,
    delta: float | None = None,
    kappa: float | None = None,
    baseline: Baseline | None = None,
) -> DecadePath:
    """One path with the given (default: central) dynamic parameters."""
    return simulate_paths(
        timeline, end_year, central_inputs(rho, delta, kappa), baseline
    )
