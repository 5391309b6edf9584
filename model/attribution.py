"""Why a number moved: Shapley values of every metric over the lever groups.

The lever groups ``g = 1..G`` are those of :data:`model.levers.GROUPS` (the yard,
the fence, the fence by sector, allies and reach, the trade war and industrial
policy, China's answers, the economic assumptions). A scenario is compared with a
*base* lever state; for a subset ``S`` of the groups, ``v(S)`` is a metric's value
with the levers of the groups in ``S`` at the scenario's values and all others at
the base's. The change to explain is ``v(N) - v(∅)`` (N = all groups), and group
``g``'s contribution is its Shapley value

    phi_g = sum_{S ⊆ N \\ {g}} |S|! (G - |S| - 1)! / G! * (v(S ∪ {g}) - v(S)),

the average, over all G! orders of switching the groups on one after another, of
the change when ``g`` is switched on. The contributions sum to the change exactly
(efficiency); a group whose levers equal the base's contributes 0 (its subsets are
the same lever states, solved once, so every difference is exactly 0); two groups
with the same effect in every coalition get equal shares (symmetry); and the result
does not depend on the order the groups are listed in. Interactions (the fence does
nothing without a yard) are not a separate term: the Shapley value splits each
interaction equally among the groups that make it.

All ``2^G`` subsets are built, the distinct lever states among them solved in one
batch (:func:`model.simulation.simulate_batch`), or, when the scenario moves six
groups or more, in three batches that start each coalition's solve from the
ones solved before (:func:`_solve_coalitions`). For a decade path
(:func:`attribute_path`) a subset is a timeline whose every entry has the groups
outside ``S`` at the base's values; the distinct timelines are one batch of paths
(:func:`model.dynamics.simulate_path` with one timeline per element: every year
is one batched solve for all of them), and every year is attributed on its own:
``phi_g[t]`` sums to the year's change ``v_t(N) - v_t(∅)``. Only the entries in
force in some year of the path count: a group changed only in an entry replaced
before 2022 is a null player.

Units: a contribution has the unit of its metric (%, USD bn, share, ratio).
A metric undefined (NaN) in any subset (e.g. backfill when the fence stops nothing)
has no attribution: its contributions are NaN and ``defined`` is False.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from model import dynamics, metrics
from model.data import Baseline, load_baseline
from model.decade_outputs import OUTPUTS, DecadePath
from model.levers import DEFAULT_LEVERS, GROUPS, LEVERS, Levers
from model.simulation import ConvergenceError, simulate_batch
from model.timeline import (
    BASE_YEAR,
    DEFAULT_END_YEAR,
    Timeline,
    check_timeline,
    state_index,
)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

GROUP_NAMES: tuple[str, ...] = tuple(GROUPS)
"""The players of the attribution: the lever groups, in lever-table order."""

LEVERS_OF_GROUP: dict[str, tuple[str, ...]] = {
    g: tuple(lever.name for lever in LEVERS if lever.group == g) for g in GROUP_NAMES
}


def shapley_weights(n_groups: int) -> FloatArray:
    """``w[k] = k! (G - k - 1)! / G!`` for a coalition of ``k`` other groups."""
    g = n_groups
    return np.array(
        [
            math.factorial(k) * math.factorial(g - k - 1) / math.factorial(g)
            for k in range(g)
        ]
    )


def shapley_values(values: npt.ArrayLike) -> FloatArray:
    """Exact Shapley values from the values of all ``2^G`` coalitions.

    Parameters
    ----------
    values : array (2^G, ...)
        ``values[mask]``: the value of the coalition whose members are the set
        bits of ``mask`` (bit ``g`` = player ``g``); trailing axes are separate
        games (metrics, years) solved at once.

    Returns
    -------
    array (G, ...)
        ``phi[g]`` = sum over masks without bit g of w(|mask|) (v(mask | 2^g) -
        v(mask)); NaN wherever a coalition's value is NaN.
    """
    v = np.asarray(values, dtype=float)
    n_groups = int(round(math.log2(v.shape[0])))
    if v.shape[0] != 2**n_groups or n_groups < 1:
        raise ValueError(f"need 2^G coalition values, got {v.shape[0]}")
    masks = np.arange(v.shape[0])
    size = np.array([bin(m).count("1") for m in masks])
    weight = shapley_weights(n_groups)
    phi = np.empty((n_groups, *v.shape[1:]))
    for g in range(n_groups):
        without = masks[(masks >> g) & 1 == 0]
        w = weight[size[without]].reshape(-1, *([1] * (v.ndim - 1)))
        phi[g] = np.sum(w * (v[without | (1 << g)] - v[without]), axis=0)
    return phi


def active_mask(
    target: Levers, base: Levers, groups: Sequence[str] = GROUP_NAMES
) -> int:
    """The bits of the groups with at least one lever where ``target`` differs
    from ``base``; the other groups are null players."""
    return sum(
        1 << g
        for g, group in enumerate(groups)
        if any(target[name] != base[name] for name in LEVERS_OF_GROUP[group])
    )


def coalition_levers(
    target: Levers, base: Levers, mask: int, groups: Sequence[str] = GROUP_NAMES
) -> Levers:
    """The lever state of coalition ``mask``: the levers of the groups whose bits
    are set at ``target``'s values, the rest at ``base``'s."""
    return base.replace(
        {
            name: target[name]
            for g, group in enumerate(groups)
            if mask >> g & 1
            for name in LEVERS_OF_GROUP[group]
            if target[name] != base[name]  # only these need checking
        }
    )


def distinct_coalitions(active: int, n_groups: int) -> tuple[list[int], IntArray]:
    """The coalitions worth solving and where each of the ``2^G`` finds its value.

    Coalitions that differ only in null players (bits outside ``active``) have the
    same lever states: ``index[mask]`` is the position of ``mask & active`` in
    the returned list of distinct masks (ascending).
    """
    masks = np.arange(2**n_groups)
    distinct = sorted({int(m) & active for m in masks})
    position = {m: k for k, m in enumerate(distinct)}
    return distinct, np.array([position[int(m) & active] for m in masks])


@dataclass(frozen=True)
class Attribution:
    """Contributions of each lever group to each metric's change.

    ``items`` names the M numbers explained, (metric, key) with key the region of
    a by-region metric (or sector of a by-sector output) and "" for a scalar.
    ``base`` and ``scenario`` are (T, M) values, ``contributions`` (G, T, M); T = 1
    and ``years = ()`` for a static scenario. ``change = scenario - base`` and
    ``contributions.sum(axis=0) == change`` where ``defined``.
    """

    groups: tuple[str, ...]
    items: tuple[tuple[str, str], ...]
    years: tuple[int, ...]
    base: FloatArray  # (T, M)
    scenario: FloatArray  # (T, M)
    contributions: FloatArray  # (G, T, M)
    solved: int  # distinct lever states (or timelines) solved
    seconds: float  # wall clock of building, solving and attributing [s]

    @property
    def change(self) -> FloatArray:
        return self.scenario - self.base

    @property
    def defined(self) -> npt.NDArray[np.bool_]:
        """(T, M): False where some coalition leaves the metric undefined."""
        return np.all(np.isfinite(self.contributions), axis=0)

    def window(self, first: int, last: int) -> Attribution:
        """The years first..last of a decade attribution."""
        if first not in self.years or last not in self.years:
            raise ValueError(f"years {first}-{last} are not all on the path")
        a, b = self.years.index(first), self.years.index(last) + 1
        return replace(
            self,
            years=self.years[a:b],
            base=self.base[a:b],
            scenario=self.scenario[a:b],
            contributions=self.contributions[:, a:b],
        )

    def item_index(self, metric: str, key: str = "") -> int:
        return self.items.index((metric, key))

    def of(self, metric: str, key: str = "", t: int = -1) -> dict[str, float]:
        """One metric's contribution by group in year index ``t`` (static: 0)."""
        m = self.item_index(metric, key)
        return {
            g: float(self.contributions[k, t, m]) for k, g in enumerate(self.groups)
        }

    def frame(self) -> pd.DataFrame:
        """Tidy table: [year,] metric, key, base, scenario, change, one column per
        group (``contribution_<group>``)."""
        rows = []
        for t in range(self.base.shape[0]):
            for m, (metric, key) in enumerate(self.items):
                row: dict[str, object] = (
                    {} if not self.years else {"year": self.years[t]}
                )
                row |= {
                    "metric": metric,
                    "key": key,
                    "base": self.base[t, m],
                    "scenario": self.scenario[t, m],
                    "change": self.change[t, m],
                }
                for k, g in enumerate(self.groups):
                    row[f"contribution_{g}"] = self.contributions[k, t, m]
                rows.append(row)
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: ``{"groups", "solved", "seconds", "metrics": {metric: {key
        or "total": {"base", "scenario", "change", "contributions": {group: x}}}}}``;
        in years mode also ``"years"``, and every number is a list over them. NaN
        becomes None."""

        def numbers(values: FloatArray) -> object:
            listed = [float(v) if np.isfinite(v) else None for v in values]
            return listed if self.years else listed[0]

        out: dict[str, dict[str, object]] = {}
        for m, (metric, key) in enumerate(self.items):
            out.setdefault(metric, {})[key or "total"] = {
                "base": numbers(self.base[:, m]),
                "scenario": numbers(self.scenario[:, m]),
                "change": numbers(self.change[:, m]),
                "contributions": {
                    g: numbers(self.contributions[k, :, m])
                    for k, g in enumerate(self.groups)
                },
            }
        payload: dict[str, object] = {
            "groups": {g: GROUPS[g] for g in self.groups},
            "solved": self.solved,
            "seconds": self.seconds,
        }
        if self.years:
            payload["years"] = list(self.years)
        payload["metrics"] = out
        return payload


def _static_items(regions: Sequence[str]) -> tuple[tuple[str, str], ...]:
    items: list[tuple[str, str]] = []
    for info in metrics.METRICS:
        if info.by == "scalar":
            items.append((info.name, ""))
        else:
            items += [(info.name, r) for r in regions]
    return tuple(items)


def _static_values(measured: metrics.Metrics) -> FloatArray:
    """(B, M) every scalar metric and every region's welfare, in item order."""
    columns = []
    for info in metrics.METRICS:
        change = measured.values[info.name].change
        columns.append(change[:, None] if info.by == "scalar" else change)
    return np.concatenate(columns, axis=1)


def attribute(
    target: Mapping[str, object],
    base: Mapping[str, object] | None = None,
    baseline: Baseline | None = None,
    groups: Sequence[str] = GROUP_NAMES,
) -> Attribution:
    """Shapley attribution of a static scenario's metrics against ``base``.

    Parameters
    ----------
    target : lever mapping
        The scenario (levers not given keep their defaults).
    base : lever mapping, optional
        What the change is measured from; default the lever defaults (the 2022
        policy). The dashboard passes the no-controls reference its KPIs compare
        with.
    baseline : Baseline, optional
    groups : sequence of str
        The players (default every lever group).

    Raises
    ------
    ConvergenceError
        A coalition's lever state has no equilibrium (no attribution then).
    """
    start = time.perf_counter()
    baseline = baseline or load_baseline()
    target_levers, base_levers = Levers(target), Levers(base or DEFAULT_LEVERS)
    active = active_mask(target_levers, base_levers, groups)
    unique, index = distinct_coalitions(active, len(groups))
    states = [coalition_levers(target_levers, base_levers, m, groups) for m in unique]
    values = _solve_coalitions(unique, states, active, baseline)[index]  # (2^G, M)
    phi = shapley_values(values)
    return Attribution(
        groups=tuple(groups),
        items=_static_items(baseline.regions),
        years=(),
        base=values[:1],
        scenario=values[-1:],
        contributions=phi[:, None, :],
        solved=len(unique),
        seconds=time.perf_counter() - start,
    )


STAGED_FROM_GROUPS = 6
"""From this many groups that the scenario moves on, the coalitions are solved
in stages (:func:`_solve_coalitions`); measured: with 5 it does not pay."""


def _solve_coalitions(
    masks: Sequence[int], states: Sequence[Levers], active: int, baseline: Baseline
) -> FloatArray:
    r"""(len(masks), M) the static values of the coalitions ``masks`` (lever states
    ``states``).

    With fewer than :data:`STAGED_FROM_GROUPS` groups in ``active``, one batch
    from the baseline. With more, three batches by a coalition's distance
    ``d = min(k, G - k)`` from the empty or the full coalition (``k`` of the
    ``G`` groups in it): first ``d <= 1`` from the baseline, then ``d = 2``, then
    the rest, each started from a guess of its log unit costs ``c`` expanded
    from the coalitions solved before: ``c(S)`` is ``sum_{T ⊆ S, |T| <= r}
    m(T)`` with ``m`` the Möbius transform of ``c`` (``m(T) = sum_{U ⊆ T}
    (-1)^{|T|-|U|} c(U)``; ``r = 1``: each group's own effect, ``r = 2`` adds
    the pairs' interactions), from below for ``k < G / 2``, the same over the
    groups left out from the full coalition for ``k > G / 2``, the mean of both
    at ``k = G / 2``. Newton's method then needs fewer steps; the start changes
    no equilibrium (to the solver's tolerance,
    :data:`model.equilibrium.TOLERANCE`).
    """
    players = [1 << g for g in range(active.bit_length()) if active >> g & 1]
    if len(players) < STAGED_FROM_GROUPS:
        sim = simulate_batch(states, baseline).require_converged()
        return _static_values(sim.metrics)
    position = {m: k for k, m in enumerate(masks)}
    size = len(players)

    def stage(mask: int) -> int:
        distance = min(bin(mask).count("1"), size - bin(mask).count("1"))
        return min(max(distance - 1, 0), 2)

    log_c: dict[int, FloatArray] = {}
    values: FloatArray | None = None
    for order in range(3):
        batch = [m for m in masks if stage(m) == order]
        if not batch:  # under six groups none is three from either end
            continue
        start = None
        if order:
            start = np.stack(
                [_coalition_guess(m, log_c, active, players, order) for m in batch]
            )
        sim = simulate_batch(
            [states[position[m]] for m in batch], baseline, start=start
        ).require_converged()
        solved = _static_values(sim.metrics)
        if values is None:
            values = np.empty((len(masks), solved.shape[1]))
        values[[position[m] for m in batch]] = solved
        with np.errstate(divide="ignore", invalid="ignore"):
            log_c |= dict(zip(batch, np.log(sim.equilibrium.p_hat), strict=True))
    assert values is not None  # three stages ran
    return values


def _coalition_guess(
    mask: int,
    log_c: Mapping[int, FloatArray],
    active: int,
    players: Sequence[int],
    order: int,
) -> FloatArray:
    """The start of :func:`_solve_coalitions` for coalition ``mask`` (N, S):
    the Möbius expansion of ``log_c`` to ``order``, from below or from above."""
    inside = [p for p in players if mask & p]
    outside = [p for p in players if not mask & p]
    below = _expansion(inside, order, lambda u: log_c[u])
    above = _expansion(outside, order, lambda u: log_c[active & ~u])
    excess = len(inside) - len(outside)
    guess = below if excess < 0 else above if excess > 0 else (below + above) / 2
    return np.asarray(guess, dtype=np.float64)


def _expansion(
    members: Sequence[int], order: int, value: Callable[[int], FloatArray]
) -> FloatArray:
    """``sum_{T ⊆ members, |T| <= order} m(T)``, ``m`` the Möbius transform of
    ``value`` (of a union of member bits)."""
    weight: dict[int, int] = {}
    for r in range(order + 1):
        for subset in itertools.combinations(members, r):
            for j in range(r + 1):
                for inner in itertools.combinations(subset, j):
                    u = sum(inner)
                    weight[u] = weight.get(u, 0) + (-1) ** (r - j)
    return sum((w * value(u) for u, w in weight.items() if w), np.zeros(()))


def _path_items(path: DecadePath) -> tuple[tuple[str, str], ...]:
    items: list[tuple[str, str]] = []
    for info in OUTPUTS:
        keys = path.keys(info.name)
        items += [(info.name, k) for k in keys] if keys else [(info.name, "")]
    return tuple(items)


def _path_values(path: DecadePath, b: int) -> FloatArray:
    """(T, M) the outputs of element ``b``, in :func:`_path_items` order."""
    columns = []
    for info in OUTPUTS:
        v = path.values[info.name][b]
        columns.append(v[:, None] if v.ndim == 1 else v)
    return np.concatenate(columns, axis=1)


def attribute_path(
    timeline: Timeline,
    end_year: int = DEFAULT_END_YEAR,
    base: Mapping[str, object] | None = None,
    baseline: Baseline | None = None,
    groups: Sequence[str] = GROUP_NAMES,
    **path_options: Any,
) -> Attribution:
    """Shapley attribution of every year of a decade path, per year.

    A coalition ``S`` is the timeline with, in every entry, the groups outside
    ``S`` at ``base``'s values (default the lever defaults, whose timeline is the
    no-policy path every decade output is measured against). Outputs are those
    of :data:`model.decade_outputs.OUTPUTS` (every breakdown key);
    ``path_options`` go to :func:`model.dynamics.simulate_path` unchanged (e.g.
    ``rho``; default the central dynamic parameters).

    Raises
    ------
    ConvergenceError
        A coalition's path finds no equilibrium in some year.
    """
    start = time.perf_counter()
    baseline = baseline or load_baseline()
    base_levers = Levers(base or DEFAULT_LEVERS)
    entry_years, states, _ = check_timeline(timeline)
    in_force = {
        state_index(entry_years, year) for year in range(BASE_YEAR, end_year + 1)
    }
    active = 0  # entries replaced before BASE_YEAR never act: their groups are null
    for k in in_force - {-1}:
        active |= active_mask(states[k], base_levers, groups)
    unique, index = distinct_coalitions(active, len(groups))
    coalitions = [
        [
            (year, coalition_levers(state, base_levers, mask, groups))
            for year, state in zip(entry_years, states, strict=True)
        ]
        for mask in unique
    ]
    path = dynamics.simulate_path(
        coalitions, end_year, baseline=baseline, **path_options
    )
    failed = np.flatnonzero(~path.converged.all(axis=0))
    if failed.size:
        raise ConvergenceError(
            f"a coalition's decade path found no equilibrium in "
            f"{path.years[int(failed[0])]}; no attribution"
        )
    values = [_path_values(path, b) for b in range(len(unique))]
    stacked = np.stack(values)[index]  # (2^G, T, M)
    return Attribution(
        groups=tuple(groups),
        items=_path_items(path),
        years=path.years,
        base=stacked[0],
        scenario=stacked[-1],
        contributions=shapley_values(stacked),
        solved=len(unique),
        seconds=time.perf_counter() - start,
    )
