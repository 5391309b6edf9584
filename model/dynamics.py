"""The decisive decade: a yearly path of static equilibria with evolving capacities.

Each year ``t`` from :data:`model.timeline.BASE_YEAR` (2022, the baseline) to an
end year solves the static model of :mod:`model.equilibrium` with that year's
policy (the lever state in force) and that year's technology capacities.
Capacities evolve from year to year with what the policy does to revenue and to
China's imports. This module runs the years; the pieces it runs are

* :mod:`model.timeline`: the years, and which lever state is in force when;
* :mod:`model.dynamic_parameters`: rho, delta, kappa (defaults, ranges,
  reasoning) and :class:`~model.dynamic_parameters.Inputs`, a batch of them;
* :mod:`model.law_of_motion`: how capacities move from one year to the next;
* :mod:`model.decade_outputs`: the yearly outputs, how they are measured, and
  :class:`~model.decade_outputs.DecadePath`, the result.

Units and notation: ``i`` a region, ``c`` = China, ``s`` a technology sector (the
six of :data:`model.names.TECH_SECTORS`; capacities of ``rest`` never move),
``t`` a year. Values are USD bn at 2022 prices; ratios are unitless.

The no-policy path: the market trend
------------------------------------
Year t is solved against the *trend baseline* ``X_t`` of
:mod:`model.market_trend`: every sector's world market on its documented trend
(AI accelerators from the calibration's USD 12bn in 2022 to Omdia's USD 78bn in
2024 and on), so that revenue lost in 2030 is measured in a 2030-sized market.
The zero shock returns ``X_t`` exactly, so the *no-policy path* is the trend, and
every output is measured against it: ``k = 1`` and every change is 0 on the
no-policy path. ``k[i, s]`` is the technology capacity of region ``i`` in sector
``s`` relative to the trend [ratio]; ``k = 1`` in 2022. With
``market_growth=False`` every year is the 2022 baseline ("2022 market held
fixed"), the contrast.

Year t
------
1. Shocks: ``tau_hat``, ``q_hat`` from :func:`model.policy.build_shocks` for the
   lever state in force, with the capacity shock multiplied by the state::

       q_hat_t[i, s] = q_static[i, s] * k_t[i, s]

   ``q_static`` holds the levers' one-year capacity effects: the CHIPS Act's
   added U.S. capacity (a level while the lever is in force) and one year of
   China's R&D push ``1 + china_rd_push_pct / 100``.
2. Policy equilibrium: solve with ``(tau_hat, q_hat_t)`` against ``X_t``. Its
   metrics are the year's outputs (:mod:`model.decade_outputs`), China's welfare
   net of the year's cost of the capacity it paid for
   (:func:`model.law_of_motion.indigenisation_cost`).
3. Counterfactual at the same capacities: solve with ``tau_hat = 1`` and the
   same ``q_hat_t``. It says what the trade policy itself does this year, given
   where capacities stand. (Not needed, and not solved, in a year with no trade
   policy: then it is the policy equilibrium.) Both are one batched solve.
4. Capacities for year t + 1: the drivers, policy equilibrium over
   counterfactual (``r`` sales revenue, ``w`` China's technology import volume),
   move ``k`` by the law of motion (:func:`model.law_of_motion.advance_capacities`):
   ``k[i, s] * exp(rho (r - 1))`` for suppliers, ``k[c, s] * (1 + push)
   * exp(kappa max(1 - w, 0) - delta (1 - w))`` for China. In a year with no trade
   policy both drivers are 1 and only the R&D push moves China's capacities.
   ``I``, the part of China's log capacity kappa and the push made (what China
   pays for), grows by ``kappa max(1 - w, 0) + log(1 + push)``.

A year with no trade policy and every capacity at 1 is on the no-policy path:
nothing is solved, its outputs are the trend's.

Batches
-------
:func:`simulate_paths` solves B paths at once, one set of inputs each
(:class:`~model.dynamic_parameters.Inputs`); every year is one solve for all of
them. Inputs with theta replace the ``elasticities`` lever (the fence's
trade-cost equivalent is recomputed at each element's theta, :mod:`model.policy`).
Monte Carlo bands and tornado swings are in :mod:`model.uncertainty`. An element
whose policy or counterfactual equilibrium fails in year t has NaN outputs from
year t on and ``converged[b, t] = False``; it is not solved again.

References
----------
DESIGN.md section 4; the references of :mod:`model.law_of_motion` and
:mod:`model.dynamic_parameters`.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from model import equilibrium, law_of_motion, market_trend, policy
from model.data import Baseline, load_baseline
from model.decade_outputs import (
    DecadePath,
    SolvedYear,
    invalidate_elements,
    measure_outputs,
    take_elements,
)
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
IntArray = npt.NDArray[np.intp]


def simulate_paths(
    timeline: Timeline,
    end_year: int = DEFAULT_END_YEAR,
    inputs: Inputs | None = None,
    baseline: Baseline | None = None,
    *,
    market_growth: bool = True,
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
    market_growth : bool
        True: each year is solved against its market trend
        (:func:`model.market_trend.trend_flows`); False: the 2022 market held
        fixed.

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
    lever_state = _lever_states(states, baseline, inputs)
    progress = _Progress.start(inputs.size, len(years), baseline)
    for t, k in enumerate(state_of_year):
        st = lever_state(k)
        rows = np.flatnonzero(progress.alive)
        if rows.size == 0:
            break
        q_hat = st.q_static[None] * progress.k_state[rows]
        if not st.trade_policy and np.all(q_hat == 1):
            _record_no_policy_year(progress, t, rows)
            continue
        flows = _flows_of(baseline, years[t], market_growth)
        year = _solve_year(st, rows, q_hat, flows, baseline, progress.warm_start)
        cost = _cost_of_year(progress, st, year, flows, inputs, baseline)
        _record_solved_year(progress, t, st, year, cost, baseline)
        _advance_capacities(progress, st, year, inputs, baseline)
    values = measure_outputs(
        inputs.size,
        years,
        progress.no_policy_years,
        progress.solved,
        progress.capacity,
        baseline,
        lambda year: _flows_of(baseline, year, market_growth),
    )
    return DecadePath(
        years=years,
        regions=tuple(baseline.regions),
        tech_sectors=tuple(s for s in baseline.sectors if s in TECH_SECTORS),
        timeline_years=tuple(int(entry[0]) for entry in timeline),
        state=tuple(-1 if k < 0 else position[k] for k in state_of_year),
        inputs=inputs,
        values=values,
        capacity=progress.capacity,
        converged=progress.converged,
        max_residual=progress.max_residual,
        seconds=time.perf_counter() - start,
        market_growth=market_growth,
    )


def _flows_of(baseline: Baseline, year: int, market_growth: bool) -> FloatArray:
    """The baseline flows year ``year`` is solved against [USD bn]."""
    if market_growth:
        return market_trend.trend_flows(baseline, year)
    return baseline.flows_usd_bn


def simulate_path(
    timeline: Timeline,
    end_year: int = DEFAULT_END_YEAR,
    *,
    rho: float | None = None,
    delta: float | None = None,
    kappa: float | None = None,
    baseline: Baseline | None = None,
    phi: float | None = None,
    market_growth: bool = True,
) -> DecadePath:
    """One path with the given (default: central) dynamic parameters.

    See :func:`simulate_paths`; ``rho``, ``delta``, ``kappa`` [per year] and
    ``phi`` [ratio] default to the central values of
    :data:`model.dynamic_parameters.DYNAMIC_PARAMETERS`.
    """
    return simulate_paths(
        timeline,
        end_year,
        central_inputs(rho, delta, kappa, phi),
        baseline,
        market_growth=market_growth,
    )


# --- the shocks of a lever state ----------------------------------------------------


@dataclass(frozen=True)
class _State:
    """Shocks of one lever state for the batch (built once per timeline entry)."""

    tau_hat: FloatArray  # (1 or B, N, N, S)
    new_tariff: FloatArray  # (N, N, S) the state's tariffs t' [ratio]
    gamma: FloatArray | None  # (N, S, S) input-output shares; None: supply chains off
    q_static: FloatArray  # (N, S)
    theta: FloatArray  # (B, S)
    coalition_weight: FloatArray  # (N,)
    covered_share: FloatArray  # (N, S)
    trade_policy: bool  # any tau_hat != 1 or tariff != its 2022 level
    rd_push_pct: float  # china_rd_push_pct [% per year]


def _lever_states(
    states: Sequence[Levers], baseline: Baseline, inputs: Inputs
) -> Callable[[int], _State]:
    """The shocks of sorted timeline entry k (-1: the defaults), each built the
    first time a year needs it."""

    @functools.cache
    def lever_state(k: int) -> _State:
        levers = DEFAULT_LEVERS if k < 0 else states[k]
        return _build_state(levers, baseline, inputs)

    return lever_state


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
        new_tariff=shocks.new_tariff[0],
        gamma=baseline.gamma if bool(shocks.supply_chains[0]) else None,
        q_static=shocks.q_hat[0],
        theta=theta,
        coalition_weight=shocks.coalition_weight[0],
        covered_share=shocks.covered_share[0],
        trade_policy=bool(
            np.any(tau != 1) or np.any(shocks.new_tariff[0] != shocks.tariff)
        ),
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
    height, denied = policy.sector_fences(stacked, sectors)
    control = policy.fence_tau(covered[None], height, denied, theta)
    tau = np.repeat(rest.tau_hat, len(theta), axis=0)
    tau[:, :, regions.index(TARGET), :] *= control
    return tau


# --- the steps of a year ------------------------------------------------------------


@dataclass
class _Progress:
    """The batch between years: capacities, who is alive, what was solved."""

    k_state: FloatArray  # (B, N, S) capacities before this year [ratio]
    paid_log: FloatArray  # (B, T) China's log capacity made by kappa, push
    alive: BoolArray  # (B,) no failed year yet
    capacity: FloatArray  # (B, T, N, K) capacities used in each year's solve
    converged: BoolArray  # (B, T)
    max_residual: FloatArray  # (B, T)
    no_policy_years: list[tuple[int, IntArray]]  # (t, elements on that path)
    solved: list[SolvedYear]
    warm_start: FloatArray  # (2, 2, B, N, S) last log p_hat (policy, cf) and its
    # change over the year before

    @classmethod
    def start(cls, n_batch: int, n_years: int, baseline: Baseline) -> _Progress:
        n, n_sectors = len(baseline.regions), len(baseline.sectors)
        n_tech = int(np.isin(baseline.sectors, TECH_SECTORS).sum())
        return cls(
            k_state=np.ones((n_batch, n, n_sectors)),
            paid_log=np.zeros((n_batch, n_tech)),
            alive=np.ones(n_batch, dtype=bool),
            capacity=np.full((n_batch, n_years, n, n_tech), np.nan),
            converged=np.zeros((n_batch, n_years), dtype=bool),
            max_residual=np.full((n_batch, n_years), np.nan),
            no_policy_years=[],
            solved=[],
            warm_start=np.zeros((2, 2, n_batch, n, n_sectors)),
        )


@dataclass(frozen=True)
class _Year:
    """One year's equilibria of the elements still alive."""

    rows: IntArray  # (m,) the batch elements solved
    q_hat: FloatArray  # (m, N, S) capacity shocks solved with
    tau_hat: FloatArray  # (m, N, N, S) trade-cost shocks solved with
    eq: equilibrium.Equilibrium  # policy equilibrium, NaN where eq or cf failed
    cf: equilibrium.Equilibrium  # without the trade policy (eq if there is none)
    ok: BoolArray  # (m,) both converged


def _record_no_policy_year(progress: _Progress, t: int, rows: IntArray) -> None:
    """The no-policy path: the year's trend exactly, nothing to solve."""
    progress.no_policy_years.append((t, rows))
    progress.converged[rows, t] = True
    progress.max_residual[rows, t] = 0.0
    progress.capacity[rows, t] = 1.0


def _solve_year(
    st: _State,
    rows: IntArray,
    q_hat: FloatArray,
    flows: FloatArray,
    baseline: Baseline,
    warm_start: FloatArray,
) -> _Year:
    """The policy equilibrium and, under a trade policy, its counterfactual at the
    same capacities, in one batched solve, each started from the same element's
    solution of the year before moved on by its change over the year before that
    (``warm_start``: last solutions and their changes, updated in place):
    capacities move smoothly from one year to the next, so Newton's method needs
    fewer steps.
    """
    last, trend = warm_start[0][:, rows], warm_start[1][:, rows]
    start = np.where(np.isfinite(last + trend), last + trend, last)
    regions, sectors = baseline.regions, baseline.sectors
    m, n, n_sectors = rows.size, len(regions), len(sectors)
    tau = st.tau_hat if st.tau_hat.shape[0] == 1 else st.tau_hat[rows]
    tau = np.broadcast_to(tau, (m, n, n, n_sectors))
    theta = st.theta[rows]
    tariff = policy.baseline_tariffs(regions, sectors)
    new_tariff = np.broadcast_to(st.new_tariff, (m, n, n, n_sectors))
    if st.trade_policy:
        both = equilibrium.solve(
            flows,
            np.concatenate([theta, theta]),
            np.concatenate([tau, np.ones_like(tau)]),
            np.concatenate([q_hat, q_hat]),
            gamma=st.gamma,
            tariff=tariff,
            new_tariff=np.concatenate([new_tariff, np.broadcast_to(tariff, tau.shape)]),
            start=np.concatenate([start[0], start[1]]),
            region_names=regions,
            sector_names=sectors,
        )
        eq, cf = take_elements(both, slice(0, m)), take_elements(both, slice(m, 2 * m))
        ok = eq.converged & cf.converged
    else:
        eq = equilibrium.solve(
            flows,
            theta,
            tau,
            q_hat,
            gamma=st.gamma,
            tariff=tariff,
            new_tariff=new_tariff,
            start=start[0],
            region_names=regions,
            sector_names=sectors,
        )
        cf, ok = eq, eq.converged
    with np.errstate(divide="ignore", invalid="ignore"):
        new = np.stack([np.log(eq.p_hat), np.log(cf.p_hat)])
        # a change is only a trend between two solved years (not from the baseline)
        solved_before = np.any(last != 0, axis=(2, 3), keepdims=True)
        warm_start[1][:, rows] = np.where(solved_before, new - last, 0.0)
        warm_start[0][:, rows] = new
    if not ok.all():  # a failed counterfactual fails the year too
        eq = invalidate_elements(eq, ok)
    return _Year(rows=rows, q_hat=q_hat, tau_hat=tau, eq=eq, cf=cf, ok=ok)


def _cost_of_year(
    progress: _Progress,
    st: _State,
    year: _Year,
    flows: FloatArray,
    inputs: Inputs,
    baseline: Baseline,
) -> FloatArray:
    """(m,) the year's cost of the capacity China paid for [USD bn]: kappa's and
    the push's part of the capacities solved with, this year's push included."""
    china = baseline.regions.index(TARGET)
    tech = np.isin(baseline.sectors, TECH_SECTORS)
    gamma = st.gamma if st.gamma is not None else np.zeros_like(baseline.gamma)
    value_added = (1 - gamma[china].sum(axis=1)) * flows[china].sum(axis=0)
    paid = progress.paid_log[year.rows] + np.log1p(st.rd_push_pct / 100)
    return law_of_motion.indigenisation_cost(
        year.q_hat[:, china, tech], paid, value_added[tech], inputs.cost[year.rows]
    )


def _record_solved_year(
    progress: _Progress,
    t: int,
    st: _State,
    year: _Year,
    cost: FloatArray,
    baseline: Baseline,
) -> None:
    """Keep the year's equilibria for the outputs; an element that failed is done."""
    progress.solved.append(
        SolvedYear(
            t=t,
            rows=year.rows,
            equilibrium=year.eq,
            tau_hat=year.tau_hat,
            coalition_weight=st.coalition_weight,
            covered_share=st.covered_share,
            indigenisation_cost=cost,
        )
    )
    good = year.rows[year.ok]
    progress.converged[good, t] = True
    progress.max_residual[year.rows, t] = np.maximum(
        year.eq.max_residual, year.cf.max_residual
    )
    tech = np.isin(baseline.sectors, TECH_SECTORS)
    progress.capacity[good, t] = year.q_hat[:, :, tech][year.ok]
    progress.alive[year.rows[~year.ok]] = False


def _advance_capacities(
    progress: _Progress, st: _State, year: _Year, inputs: Inputs, baseline: Baseline
) -> None:
    """Capacities for next year, by the law of motion (converged elements only;
    the others are done)."""
    china = baseline.regions.index(TARGET)
    if st.trade_policy:
        revenue, imports = law_of_motion.measure_drivers(
            year.eq.flows,
            year.eq.p_hat,
            year.tau_hat,
            year.cf.flows,
            year.cf.p_hat,
            china,
        )
    else:  # no trade policy: the policy equilibrium is the counterfactual
        m, n, n_sectors = year.q_hat.shape
        revenue, imports = np.ones((m, n, n_sectors)), np.ones((m, n_sectors))
    good = year.rows[year.ok]
    tech = np.isin(baseline.sectors, TECH_SECTORS)
    progress.paid_log[good] += law_of_motion.paid_log_growth(
        imports[year.ok], inputs.kappa[good], st.rd_push_pct, tech
    )
    progress.k_state[good] = law_of_motion.advance_capacities(
        progress.k_state[good],
        revenue[year.ok],
        imports[year.ok],
        inputs.rho[good],
        inputs.delta[good],
        inputs.kappa[good],
        st.rd_push_pct,
        china=china,
        technology=tech,
    )
