"""Sweeps over the yard and the fence, allied participation, and the efficient frontier.

Every sweep is one batched solve (:func:`model.simulation.simulate_batch`): the
scenarios are stacked on the batch axis, never solved one by one in a Python loop.

Yard size
    One number ``y`` in [0, 1] stands for the whole yard. It fills the six
    technology sectors in the order of strategic focus :data:`model.names.YARD_ORDER`
    (AI accelerators, chip-making tools, other chips, telecom equipment, aerospace
    and instruments, ICT hardware; DESIGN.md section 3): with K = 6 sectors, sector
    k (0-based, in that order) gets ``scope = clip(K y - k, 0, 1)``. So y = 1/6
    covers AI accelerators fully and nothing else, y = 1/4 adds half of the
    chip-making tools, y = 1 covers everything. The scopes always sum to K y, so
    the mean scope equals y: :func:`yard_size` maps any scenario's scopes back to
    this axis as their mean (a scenario whose scopes are spread differently sits
    at the same yard size as the path point with the same mean).
Fence
    ``N - 1`` tariff equivalents evenly spaced from 0 to 500 % (the lever's range),
    then a last column "denied" (``prohibitive`` = True, presumption of denial).
Grid
    Every (yard, fence) pair starts from a base scenario's levers and overrides
    only the six scopes, ``fence_pct`` and ``prohibitive``: the fence axis is the
    master fence, and a sector whose own rule (``fence_rule_<sector>``) is
    "height" or "denied" keeps it in every cell. Cells whose solve did
    not converge hold NaN in every metric and ``converged`` = False; they are
    counted in :attr:`Grid.not_converged`, never filled in.
Frontier
    The coalition's cost is ``-coalition_welfare_change_usd_bn`` [USD bn], China's
    gain in access cost is ``china_tech_price_change_pct`` [%]. For each level of
    coalition cost the frontier is the highest China cost reachable on the grid at
    that cost or less: the upper-left envelope of the grid points (a step
    function; :func:`efficient_frontier` returns its corners, each a grid cell).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from model.data import Baseline
from model.levers import LEVERS_BY_NAME, Levers
from model.metrics import METRICS
from model.names import ALLIES, YARD_ORDER
from model.simulation import Simulation, simulate_batch

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

FENCE_MAX_PCT: float = LEVERS_BY_NAME["fence_pct"].bounds[1]
"""The fence axis ends at the lever's maximum [% tariff equivalent]."""

DENIED_LABEL = "denied"
"""Label of the last fence column: covered trade is prohibited."""

MIN_GRID, MAX_GRID = 2, 101
"""Allowed grid sizes N (N x N cells)."""

YARD_LEVERS: tuple[str, ...] = tuple(f"scope_{s}" for s in YARD_ORDER)
GRID_LEVERS: tuple[str, ...] = (*YARD_LEVERS, "fence_pct", "prohibitive")
"""The levers a grid overrides; every other lever keeps the base scenario's value."""

SCALAR_METRICS: tuple[str, ...] = tuple(m.name for m in METRICS if m.by == "scalar")
REGION_METRICS: tuple[str, ...] = tuple(m.name for m in METRICS if m.by == "region")

CHINA_COST = "china_tech_price_change_pct"
COALITION_COST = "coalition_cost_usd_bn"
"""Frontier axes: China's access-cost increase [%] and the coalition's welfare cost,
``-coalition_welfare_change_usd_bn`` [USD bn a year]."""

ALL_ALLIES = "all"
"""Participation sweep over every ally together."""


def yard_scopes(yard: float) -> dict[str, float]:
    """The six scope levers of yard size ``yard`` in [0, 1] (see the module doc).

    Raises
    ------
    ValueError
        ``yard`` outside [0, 1] or not a number.
    """
    if not 0.0 <= yard <= 1.0:  # also rejects NaN
        raise ValueError(f"yard size must be in [0, 1], got {yard!r}")
    k = len(YARD_ORDER)
    return {
        name: float(np.clip(k * yard - position, 0.0, 1.0))
        for position, name in enumerate(YARD_LEVERS)
    }


def yard_size(levers: Levers) -> float:
    """A scenario's position on the yard axis: the mean of its six scopes [0-1]."""
    return float(np.mean([levers[name] for name in YARD_LEVERS]))


def fence_axis(n_fence: int) -> tuple[FloatArray, BoolArray]:
    """The fence columns: ``n_fence - 1`` heights evenly from 0 to 500 %, then denied.

    Returns
    -------
    fence_pct : array (n_fence,)
        Tariff equivalent [%]; the last (denied) column holds 500, which the
        model ignores when covered trade is prohibited.
    prohibitive : array (n_fence,) of bool
        True only in the last column.
    """
    if n_fence < MIN_GRID:
        raise ValueError(f"the fence axis needs at least {MIN_GRID} columns")
    heights = np.linspace(0.0, FENCE_MAX_PCT, n_fence - 1)
    fence = np.append(heights, FENCE_MAX_PCT)
    prohibitive = np.zeros(n_fence, dtype=bool)
    prohibitive[-1] = True
    return fence, prohibitive


def fence_labels(fence_pct: FloatArray, prohibitive: BoolArray) -> list[str]:
    """Column labels: ``"150%"``-style heights and "denied"."""
    return [
        DENIED_LABEL if denied else f"{height:.0f}%"
        for height, denied in zip(fence_pct, prohibitive, strict=True)
    ]


@dataclass(frozen=True)
class Grid:
    """A solved yard x fence grid.

    ``frame`` has one row per cell, yard-major (row ``i * n_fence + j`` is yard
    ``i``, fence ``j``), with the columns of :func:`grid_columns`.
    """

    yard: FloatArray  # (n_yard,) yard size [0-1]
    fence_pct: FloatArray  # (n_fence,) fence height [% tariff equivalent]
    prohibitive: BoolArray  # (n_fence,) presumption of denial (last column)
    frame: pd.DataFrame  # one row per cell: levers, converged, metrics
    seconds: float  # wall-clock time of the batched solve (shocks + solve + metrics)

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.yard), len(self.fence_pct)

    @property
    def not_converged(self) -> int:
        """Number of cells without a converged solution (their metrics are NaN)."""
        return int((~self.frame["converged"]).sum())

    def surface(self, column: str) -> FloatArray:
        """Column ``column`` of the frame as a (n_yard, n_fence) array."""
        return self.frame[column].to_numpy(dtype=float).reshape(self.shape)

    def labels(self) -> list[str]:
        """Fence column labels (heights and "denied")."""
        return fence_labels(self.fence_pct, self.prohibitive)


def grid_columns(regions: tuple[str, ...]) -> list[str]:
    """Columns of a grid frame: yard, fence_pct, prohibitive, the six scopes,
    converged, every scalar metric, then every by-region metric as
    ``<REGION>_<metric>`` (e.g. ``USA_welfare_change_usd_bn``)."""
    return [
        "yard",
        "fence_pct",
        "prohibitive",
        *YARD_LEVERS,
        "converged",
        *SCALAR_METRICS,
        *(f"{region}_{name}" for name in REGION_METRICS for region in regions),
    ]


def _metrics_frame(sim: Simulation, index: pd.Index) -> pd.DataFrame:
    """Scalar and by-region metrics of a solved batch, NaN where not converged."""
    values = sim.metrics.values
    converged = sim.equilibrium.converged
    columns: dict[str, object] = {"converged": converged}
    for name in SCALAR_METRICS:
        columns[name] = np.where(converged, values[name].change, np.nan)
    for name in REGION_METRICS:
        change = values[name].change
        for k, region in enumerate(sim.metrics.regions):
            columns[f"{region}_{name}"] = np.where(converged, change[:, k], np.nan)
    return pd.DataFrame(columns, index=index)


def solve_grid(
    base: Levers,
    n: int = 25,
    *,
    n_fence: int | None = None,
    baseline: Baseline | None = None,
) -> Grid:
    """Solve the yard x fence grid around ``base`` in one batched call.

    Parameters
    ----------
    base : Levers
        The base scenario (defaults filled in); its scopes, ``fence_pct`` and
        ``prohibitive`` are overridden cell by cell.
    n : int
        Number of yard sizes, evenly from 0 to 1 (and of fence columns unless
        ``n_fence`` is given), in [2, 101].
    n_fence : int, optional
        Number of fence columns (``n_fence - 1`` heights plus "denied").
    baseline : Baseline, optional
        Default: the shipped 2022 baseline.

    Raises
    ------
    ValueError
        A grid size out of range, or a base lever unknown or out of range.
    """
    n_fence = n if n_fence is None else n_fence
    for label, size in (("grid size", n), ("fence columns", n_fence)):
        if isinstance(size, bool) or not isinstance(size, int | np.integer):
            raise ValueError(f"{label} must be an integer, got {size!r}")
        if not MIN_GRID <= size <= MAX_GRID:
            raise ValueError(
                f"{label} must be between {MIN_GRID} and {MAX_GRID}, got {size}"
            )
    start = Levers(base)
    yards = np.linspace(0.0, 1.0, n)
    fence, prohibitive = fence_axis(n_fence)
    scenarios = [
        start | yard_scopes(float(y)) | {"fence_pct": float(f), "prohibitive": bool(p)}
        for y in yards
        for f, p in zip(fence, prohibitive, strict=True)
    ]
    sim = simulate_batch(scenarios, baseline)
    cells = pd.DataFrame(
        {
            "yard": np.repeat(yards, n_fence),
            "fence_pct": np.tile(fence, n),
            "prohibitive": np.tile(prohibitive, n),
        }
        | {name: [s[name] for s in scenarios] for name in YARD_LEVERS}
    )
    frame = pd.concat([cells, _metrics_frame(sim, cells.index)], axis=1)
    return Grid(
        yard=yards,
        fence_pct=fence,
        prohibitive=prohibitive,
        frame=frame[grid_columns(sim.metrics.regions)],
        seconds=sim.seconds,
    )


def efficient_frontier(frame: pd.DataFrame) -> pd.DataFrame:
    """The upper-left envelope of a grid on the security-cost plane.

    Parameters
    ----------
    frame : DataFrame
        A grid frame (:attr:`Grid.frame`): needs ``coalition_welfare_change_usd_bn``
        and ``china_tech_price_change_pct``; ``yard``, ``fence_pct`` and
        ``prohibitive`` are carried along if present.

    Returns
    -------
    DataFrame
        The corners of the frontier, by rising coalition cost: ``cell`` (the row
        label in ``frame``), the cell's yard and fence, ``coalition_cost_usd_bn``
        and ``china_tech_price_change_pct``. Along it both columns rise strictly:
        a cell is kept when it reaches a higher China cost than every cell that
        costs the coalition no more. NaN cells are left out.
    """
    cost = 0.0 - frame["coalition_welfare_change_usd_bn"].to_numpy(dtype=float)
    gain = frame[CHINA_COST].to_numpy(dtype=float)
    finite = np.flatnonzero(np.isfinite(cost) & np.isfinite(gain))
    order = finite[np.lexsort((-gain[finite], cost[finite]))]  # cost up, gain down
    best = np.maximum.accumulate(gain[order])
    keep = np.ones(order.size, dtype=bool)
    keep[1:] = gain[order][1:] > best[:-1]
    rows = order[keep]
    carried = [c for c in ("yard", "fence_pct", "prohibitive") if c in frame]
    out = frame.iloc[rows][carried].copy()
    out.insert(0, "cell", frame.index[rows])
    out[COALITION_COST] = cost[rows]
    out[CHINA_COST] = gain[rows]
    return out.reset_index(drop=True)


def participation_levers(ally: str) -> tuple[str, ...]:
    """The participation lever(s) a sweep moves: one ally's or all five."""
    if ally == ALL_ALLIES:
        return tuple(f"participation_{a.lower()}" for a in ALLIES)
    if ally not in ALLIES:
        raise ValueError(
            f"ally must be {ALL_ALLIES!r} or one of {', '.join(ALLIES)}, got {ally!r}"
        )
    return (f"participation_{ally.lower()}",)


def participation_sweep(
    base: Levers,
    ally: str = ALL_ALLIES,
    n: int = 21,
    *,
    baseline: Baseline | None = None,
) -> pd.DataFrame:
    """Allied participation from 0 to 100 %, everything else as in ``base``.

    Parameters
    ----------
    base : Levers
        The scenario (its yard and fence are kept).
    ally : str
        An ally code (NLD, JPN, KOR, TWN, EUR), whose participation moves while
        the others keep ``base``'s values, or "all" (every ally together).
    n : int
        Number of participation shares, evenly from 0 to 1 (at least 2).

    Returns
    -------
    DataFrame
        One row per share: ``participation`` [0-1], ``converged``, every scalar
        metric and every by-region metric (``<REGION>_<metric>``); NaN where the
        solve did not converge.
    """
    names = participation_levers(ally)
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 2:
        raise ValueError(f"a participation sweep needs n >= 2 points, got {n!r}")
    start = Levers(base)
    shares = np.linspace(0.0, 1.0, n)
    sim = simulate_batch(
        [start | {name: float(a) for name in names} for a in shares], baseline
    )
    frame = pd.DataFrame({"participation": shares})
    return pd.concat([frame, _metrics_frame(sim, frame.index)], axis=1)
