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
(:class:`~model.dynamic_parameters.Inputs`), all on one timeline or each on its
own (the coalitions of :func:`model.attribution.attribute_path`); every year is
one solve for all of them (the shocks of each element's lever state stacked,
:mod:`model.decade_states`). Steps 1-4 act per element: the counterfactual is
solved for the elements under a trade policy, and an element with no trade
policy and every capacity at 1 is on the no-policy path. Inputs with theta
replace the ``elasticities`` lever (the fence's trade-cost equivalent is
recomputed at each element's theta, :mod:`model.policy`). Monte Carlo bands
and tornado swings are in :mod:`model.uncertainty`. An element whose policy or
counterfactual equilibrium fails in year t has NaN outputs from year t on and
``converged[b, t] = False``; it is not solved again.

References
----------
DESIGN.md section 4; the references of :mod:`model.law_of_motion` and
:mod:`model.dynamic_parameters`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, fields

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
from model.decade_states import (
    YearStates,
    distinct_states,
    inputs_for_timelines,
    lever_states,
    stack_states,
)
from model.dynamic_parameters import Inputs, central_inputs
from model.names import TARGET, TECH_SECTORS
from model.timeline import (
    BASE_YEAR,
    DEFAULT_END_YEAR,
    Timeline,
    check_year_range,
    state_index,
    timeline_batch,
)

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.intp]


def simulate_paths(
    timeline: Timeline | Sequence[Timeline],
    end_year: int = DEFAULT_END_YEAR,
    inputs: Inputs | None = None,
    baseline: Baseline | None = None,
    *,
    market_growth: bool = True,
) -> DecadePath:
    """Solve a batch of yearly paths from BASE_YEAR to ``end_year``.

    Parameters
    ----------
    timeline : sequence of (year, lever mapping), or a sequence of those
        The policy: the latest entry with ``year <= t`` is in force in year t;
        levers not given keep their defaults; before the first entry, no policy.
        A sequence of B timelines (:func:`model.timeline.timeline_batch`) gives
        each element its own; every year is still one batched solve.
    end_year : int
        Last year of the path, BASE_YEAR..LAST_YEAR.
    inputs : Inputs, optional
        B sets of rho, delta, kappa and optionally theta; default one path with
        the central values and each year's ``elasticities`` lever. With B
        timelines, one set (used for every timeline) or B.
    baseline : Baseline, optional
        The 2022 baseline; loaded when not given.
    market_growth : bool
        True: each year is solved against its market trend
        (:func:`model.market_trend.trend_flows`); False: the 2022 market held
        fixed.

    Returns
    -------
    DecadePath
        Outputs (B, T, ...), NaN from the year an element fails to converge;
        ``timeline_years`` and ``state`` are those of the first timeline.

    Raises
    ------
    ValueError
        A bad timeline (unknown lever, value out of range), years out of range,
        inputs that do not match the timelines, or a policy that leaves a market
        with no supplier at all.
    """
    start = time.perf_counter()
    check_year_range(BASE_YEAR, end_year)
    baseline = baseline or load_baseline()
    timelines = timeline_batch(timeline) or [timeline]  # type: ignore[list-item]
    inputs = inputs_for_timelines(inputs or central_inputs(), len(timelines))
    years = tuple(range(BASE_YEAR, end_year + 1))
    distinct, state_id, first = distinct_states(timelines, years, inputs.size)
    lever_state = lever_states(distinct, baseline, inputs)
    progress = _Progress.start(inputs.size, len(years), baseline)
    for t in range(len(years)):
        rows = np.flatnonzero(progress.alive)
        if rows.size == 0:
            break
        st = stack_states(lever_state, state_id[rows, t], rows)
        q_hat = st.q_static * progress.k_state[rows]
        idle = ~st.trade_policy & np.all(q_hat == 1, axis=(1, 2))
        if idle.any():
            _record_no_policy_year(progress, t, rows[idle])
            if idle.all():
                continue
            st, q_hat = st.take(~idle), q_hat[~idle]
        flows = _flows_of(baseline, years[t], market_growth)
        year = _solve_year(st, q_hat, flows, baseline, progress.warm_start)
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
    entry_years, _, position = first
    return DecadePath(
        years=years,
        regions=tuple(baseline.regions),
        tech_sectors=tuple(s for s in baseline.sectors if s in TECH_SECTORS),
        timeline_years=tuple(int(entry[0]) for entry in timelines[0]),
        state=tuple(
            -1 if (k := state_index(entry_years, y)) < 0 else position[k] for y in years
        ),
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
    timeline: Timeline | Sequence[Timeline],
    end_year: int = DEFAULT_END_YEAR,
    *,
    rho: float | None = None,
    delta: float | None = None,
    kappa: float | None = None,
    baseline: Baseline | None = None,
    phi: float | None = None,
    market_growth: bool = True,
) -> DecadePath:
    """One path with the given (default: central) dynamic parameters (or one
    per timeline, given a sequence of timelines).

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
    st: YearStates,
    q_hat: FloatArray,
    flows: FloatArray,
    baseline: Baseline,
    warm_start: FloatArray,
) -> _Year:
    """The policy equilibria and, for the elements under a trade policy, their
    counterfactuals at the same capacities, in one batched solve (one per
    setting of supply chains), each started from the same element's solution of
    the year before moved on by its change over the year before that
    (``warm_start``: last solutions and their changes, updated in place):
    capacities move smoothly from one year to the next, so Newton's method needs
    fewer steps.
    """
    rows = st.rows
    last, trend = warm_start[0][:, rows], warm_start[1][:, rows]
    start = np.where(np.isfinite(last + trend), last + trend, last)
    tariff = policy.baseline_tariffs(baseline.regions, baseline.sectors)
    m, trade = rows.size, np.flatnonzero(st.trade_policy)
    both = _solve_by_supply_chains(
        flows,
        np.concatenate([st.supply_chains, st.supply_chains[trade]]),
        baseline,
        {
            "theta": np.concatenate([st.theta, st.theta[trade]]),
            "tau_hat": np.concatenate([st.tau_hat, np.ones_like(st.tau_hat[trade])]),
            "q_hat": np.concatenate([q_hat, q_hat[trade]]),
            "new_tariff": np.concatenate(
                [st.new_tariff, np.broadcast_to(tariff, st.new_tariff[trade].shape)]
            ),
            "start": np.concatenate([start[0], start[1][trade]]),
        },
    )
    eq = take_elements(both, slice(0, m))
    cf = _with_elements(eq, trade, take_elements(both, slice(m, None)))
    ok = eq.converged & cf.converged
    with np.errstate(divide="ignore", invalid="ignore"):
        new = np.stack([np.log(eq.p_hat), np.log(cf.p_hat)])
        # a change is only a trend between two solved years (not from the baseline)
        solved_before = np.any(last != 0, axis=(2, 3), keepdims=True)
        warm_start[1][:, rows] = np.where(solved_before, new - last, 0.0)
        warm_start[0][:, rows] = new
    if not ok.all():  # a failed counterfactual fails the year too
        eq = invalidate_elements(eq, ok)
    return _Year(rows=rows, q_hat=q_hat, tau_hat=st.tau_hat, eq=eq, cf=cf, ok=ok)


def _solve_by_supply_chains(
    flows: FloatArray,
    supply_chains: BoolArray,
    baseline: Baseline,
    batch: dict[str, FloatArray],
) -> equilibrium.Equilibrium:
    """:func:`model.equilibrium.solve` of a batch at the 2022 tariffs, the
    elements with supply chains on with the baseline's input-output shares, the
    others without; ``batch``: theta, tau_hat, q_hat, new_tariff and start, one
    row per element."""
    parts = []
    for on in (True, False):
        at = np.flatnonzero(supply_chains == on)
        if at.size:
            solved = equilibrium.solve(
                flows,
                batch["theta"][at],
                batch["tau_hat"][at],
                batch["q_hat"][at],
                gamma=baseline.gamma if on else None,
                tariff=policy.baseline_tariffs(baseline.regions, baseline.sectors),
                new_tariff=batch["new_tariff"][at],
                start=batch["start"][at],
                region_names=baseline.regions,
                sector_names=baseline.sectors,
            )
            parts.append((at, solved))
    if len(parts) == 1:
        return parts[0][1]
    values = {}
    for f in fields(equilibrium.Equilibrium):
        first = getattr(parts[0][1], f.name)
        values[f.name] = np.empty((supply_chains.size, *first.shape[1:]), first.dtype)
        for at, solved in parts:
            values[f.name][at] = getattr(solved, f.name)
    return equilibrium.Equilibrium(**values)


def _with_elements(
    eq: equilibrium.Equilibrium, at: IntArray, other: equilibrium.Equilibrium
) -> equilibrium.Equilibrium:
    """``eq`` with its elements ``at`` replaced by those of ``other``."""
    if at.size == 0:
        return eq
    values = {}
    for f in fields(eq):
        arr = getattr(eq, f.name).copy()
        arr[at] = getattr(other, f.name)
        values[f.name] = arr
    return equilibrium.Equilibrium(**values)


def _cost_of_year(
    progress: _Progress,
    st: YearStates,
    year: _Year,
    flows: FloatArray,
    inputs: Inputs,
    baseline: Baseline,
) -> FloatArray:
    """(m,) the year's cost of the capacity China paid for [USD bn]: kappa's and
    the push's part of the capacities solved with, this year's push included."""
    china = baseline.regions.index(TARGET)
    tech = np.isin(baseline.sectors, TECH_SECTORS)
    cost = np.empty(year.rows.size)
    for on, push, at in _groups(st):
        gamma = baseline.gamma if on else np.zeros_like(baseline.gamma)
        value_added = (1 - gamma[china].sum(axis=1)) * flows[china].sum(axis=0)
        paid = progress.paid_log[year.rows[at]] + np.log1p(push / 100)
        cost[at] = law_of_motion.indigenisation_cost(
            year.q_hat[at][:, china, tech],
            paid,
            value_added[tech],
            inputs.cost[year.rows[at]],
        )
    return cost


def _groups(st: YearStates) -> list[tuple[bool, float, IntArray]]:
    """The elements by supply chains (on or off) and R&D push [% per year]."""
    pairs = zip(st.supply_chains.tolist(), st.rd_push_pct.tolist(), strict=True)
    keys = sorted(set(pairs))
    return [
        (on, push, np.flatnonzero((st.supply_chains == on) & (st.rd_push_pct == push)))
        for on, push in keys
    ]


def _record_solved_year(
    progress: _Progress,
    t: int,
    st: YearStates,
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
    progress: _Progress, st: YearStates, year: _Year, inputs: Inputs, baseline: Baseline
) -> None:
    """Capacities for next year, by the law of motion (converged elements only;
    the others are done). Without a trade policy both drivers are 1 (the policy
    equilibrium is the counterfactual)."""
    china = baseline.regions.index(TARGET)
    revenue, imports = law_of_motion.measure_drivers(
        year.eq.flows, year.eq.p_hat, year.tau_hat, year.cf.flows, year.cf.p_hat, china
    )
    revenue[~st.trade_policy], imports[~st.trade_policy] = 1.0, 1.0
    tech = np.isin(baseline.sectors, TECH_SECTORS)
    for _, push, at in _groups(st):
        at = at[year.ok[at]]
        good = year.rows[at]
        progress.paid_log[good] += law_of_motion.paid_log_growth(
            imports[at], inputs.kappa[good], push, tech
        )
        progress.k_state[good] = law_of_motion.advance_capacities(
            progress.k_state[good],
            revenue[at],
            imports[at],
            inputs.rho[good],
            inputs.delta[good],
            inputs.kappa[good],
            push,
            china=china,
            technology=tech,
        )
