"""The shocks of the lever states in force in a year of the decade path.

A batch of decade paths (:func:`model.dynamics.simulate_paths`) may follow one
timeline or one timeline per element; either way element ``b`` has, in year t,
the lever state of the entry of its timeline in force then
(:func:`model.timeline.state_index`). The shocks of a lever state
(:class:`LeverState`: trade costs ``tau_hat`` [ratio], tariffs ``t'`` [ratio], the
one-year capacity effects ``q_static`` [ratio], the elasticities ``theta``
[unitless], ...) are built once per distinct state (:func:`lever_states`), and
those of a year are stacked, one row per element solved (:class:`YearStates`,
:func:`stack_states`), so that the year is one batched solve however many
different states the elements are in.

Inputs with theta (:class:`model.dynamic_parameters.Inputs`) replace the
``elasticities`` lever: the fence's trade-cost equivalent is recomputed at each
element's theta (:func:`tau_at_theta`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from model import policy
from model.data import Baseline
from model.dynamic_parameters import Inputs
from model.levers import DEFAULT_LEVERS, Levers
from model.names import TARGET, TECH_SECTORS
from model.timeline import Timeline, check_timeline, state_index

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.intp]


@dataclass(frozen=True)
class LeverState:
    """Shocks of one lever state for the batch (built once per distinct state)."""

    tau_hat: FloatArray  # (1 or B, N, N, S)
    new_tariff: FloatArray  # (N, N, S) the state's tariffs t' [ratio]
    supply_chains: bool  # solved with the baseline's input-output shares
    q_static: FloatArray  # (N, S)
    theta: FloatArray  # (B, S)
    coalition_weight: FloatArray  # (N,)
    covered_share: FloatArray  # (N, S)
    trade_policy: bool  # any tau_hat != 1 or tariff != its 2022 level
    rd_push_pct: float  # china_rd_push_pct [% per year]


@dataclass(frozen=True)
class YearStates:
    """The shocks of the lever state each of m elements is in this year."""

    rows: IntArray  # (m,) the batch elements
    tau_hat: FloatArray  # (m, N, N, S) [ratio]
    new_tariff: FloatArray  # (m, N, N, S) [ratio]
    supply_chains: BoolArray  # (m,)
    q_static: FloatArray  # (m, N, S) [ratio]
    theta: FloatArray  # (m, S) [unitless]
    coalition_weight: FloatArray  # (m, N) [share]
    covered_share: FloatArray  # (m, N, S) [share]
    trade_policy: BoolArray  # (m,)
    rd_push_pct: FloatArray  # (m,) [% per year]

    def take(self, keep: BoolArray) -> YearStates:
        """The elements where ``keep`` (m,) is True."""
        return YearStates(
            **{name: getattr(self, name)[keep] for name in self.__dataclass_fields__}
        )


def inputs_for_timelines(inputs: Inputs, n_timelines: int) -> Inputs:
    """``inputs`` for a batch of ``n_timelines`` timelines: one set repeated for
    each, or one set per timeline as given."""
    if n_timelines == 1 or inputs.size == n_timelines:
        return inputs
    if inputs.size != 1:
        raise ValueError(
            f"{n_timelines} timelines need one set of inputs or {n_timelines}, "
            f"got {inputs.size}"
        )

    def repeat(values: FloatArray) -> FloatArray:
        return np.repeat(values, n_timelines, axis=0)

    return Inputs(
        rho=repeat(inputs.rho),
        delta=repeat(inputs.delta),
        kappa=repeat(inputs.kappa),
        theta=None if inputs.theta is None else repeat(inputs.theta),
        phi=None if inputs.phi is None else repeat(inputs.phi),
    )


def distinct_states(
    timelines: Sequence[Timeline], years: Sequence[int], n_batch: int
) -> tuple[
    list[Levers], IntArray, tuple[tuple[int, ...], tuple[Levers, ...], tuple[int, ...]]
]:
    """The distinct lever states of the timelines, ``state_id[b, t]`` (B, T) the
    one element b is in in year t (-1: the defaults, no policy), and the first
    timeline checked (:func:`model.timeline.check_timeline`). With one timeline
    every element follows it."""
    distinct: dict[Levers, int] = {}
    state_id = np.full((len(timelines), len(years)), -1, dtype=np.intp)
    checked = [check_timeline(timeline) for timeline in timelines]
    for b, (entry_years, states, _) in enumerate(checked):
        for t, year in enumerate(years):
            k = state_index(entry_years, year)
            if k >= 0:
                state_id[b, t] = distinct.setdefault(states[k], len(distinct))
    if len(timelines) == 1:
        state_id = np.repeat(state_id, n_batch, axis=0)
    return list(distinct), state_id, checked[0]


def lever_states(
    states: Sequence[Levers], baseline: Baseline, inputs: Inputs
) -> Callable[[int], LeverState]:
    """The shocks of distinct lever state k (-1: the defaults), each built the
    first time a year needs it."""

    @functools.cache
    def lever_state(k: int) -> LeverState:
        levers = DEFAULT_LEVERS if k < 0 else states[k]
        return build_state(levers, baseline, inputs)

    return lever_state


def build_state(levers: Levers, baseline: Baseline, inputs: Inputs) -> LeverState:
    """The shocks of ``levers`` for every element of ``inputs``."""
    regions, sectors = baseline.regions, baseline.sectors
    stacked = policy.stack_levers([levers])
    shocks = policy.build_shocks(stacked, regions, sectors, baseline.theta_sets)
    if inputs.theta is None:
        tau, theta = shocks.tau_hat, np.tile(shocks.theta, (inputs.size, 1))
    else:
        theta = inputs.theta
        tau = tau_at_theta(stacked, shocks.covered_share[0], baseline, theta)
    return LeverState(
        tau_hat=tau,
        new_tariff=shocks.new_tariff[0],
        supply_chains=bool(shocks.supply_chains[0]),
        q_static=shocks.q_hat[0],
        theta=theta,
        coalition_weight=shocks.coalition_weight[0],
        covered_share=shocks.covered_share[0],
        trade_policy=bool(
            np.any(tau != 1) or np.any(shocks.new_tariff[0] != shocks.tariff)
        ),
        rd_push_pct=float(levers["china_rd_push_pct"]),
    )


def stack_states(
    lever_state: Callable[[int], LeverState], state_ids: IntArray, rows: IntArray
) -> YearStates:
    """The year's shocks of elements ``rows`` (m,), element ``rows[r]`` in
    distinct state ``state_ids[r]`` (-1: the defaults)."""
    ids = np.unique(state_ids)
    first = lever_state(int(ids[0]))
    m, (n, _, n_sectors) = rows.size, first.new_tariff.shape
    out = YearStates(
        rows=rows,
        tau_hat=np.empty((m, n, n, n_sectors)),
        new_tariff=np.empty((m, n, n, n_sectors)),
        supply_chains=np.empty(m, dtype=bool),
        q_static=np.empty((m, n, n_sectors)),
        theta=np.empty((m, n_sectors)),
        coalition_weight=np.empty((m, n)),
        covered_share=np.empty((m, n, n_sectors)),
        trade_policy=np.empty(m, dtype=bool),
        rd_push_pct=np.empty(m),
    )
    for k in ids:
        st, at = lever_state(int(k)), np.flatnonzero(state_ids == k)
        shared = st.tau_hat.shape[0] == 1  # the same for every element
        out.tau_hat[at] = st.tau_hat if shared else st.tau_hat[rows[at]]
        out.theta[at] = st.theta[rows[at]]
        out.new_tariff[at] = st.new_tariff
        out.supply_chains[at] = st.supply_chains
        out.q_static[at] = st.q_static
        out.coalition_weight[at] = st.coalition_weight
        out.covered_share[at] = st.covered_share
        out.trade_policy[at] = st.trade_policy
        out.rd_push_pct[at] = st.rd_push_pct
    return out


def tau_at_theta(
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
