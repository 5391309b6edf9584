"""Monte Carlo and yard x fence sweeps on Dask: ``python -m model sweep``.

A sweep is a list of scenarios, each a base lever state plus what the sweep
varies, solved on one of two tables:

``baseline``
    The shipped 8-region x 7-sector baseline (:func:`model.data.load_baseline`),
    levers through :func:`model.policy.build_shocks`.
``icio2022``
    The 80-economy x 50-industry OECD ICIO 2022 table
    (:func:`model.datasets.load`), levers through :mod:`model.fullres`.

Monte Carlo
    Draw d (0-based) takes theta of every sector from a triangular distribution on
    the table's [low, high] with its mode at the central value, independently
    across sectors (the ASSUMPTION of :mod:`model.uncertainty`), with its own
    generator ``numpy.random.default_rng([seed, d])``. The draw depends only on
    the seed and its index, never on which worker solves it.
Grid
    The yard x fence grid of :mod:`model.sweeps` (``n`` yard sizes from 0 to 1,
    ``n - 1`` fence heights from 0 to 500 % and "denied"), theta of the base
    scenario's ``elasticities``.

Scenarios are cut into chunks of :data:`CHUNK` consecutive ones (by table), each
solved in one batched call on a Dask worker (a :class:`distributed.LocalCluster` of
``workers`` single-threaded processes by default, or an existing scheduler). The
chunks never depend on the number of workers, so the results are the same, to the
last bit, on 1 worker, 2 or a cluster.

Each row of the result: the scenario's index, what it varied, ``converged``,
``welfare_<REGION>_pct`` (welfare change of every region, %) and
``china_yard_imports_change_pct``: the change of China's imports from all other
suppliers in the sectors that hold controlled goods (the six technology sectors;
on icio2022 C26, C28 and C302T309) at producer prices [%]. A scenario that did not
converge has NaN metrics.
"""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from model import datasets, equilibrium, policy
from model.data import load_baseline
from model.fullres import (
    YARD_INDUSTRIES,
    FullShocks,
    build_full_shocks,
    load_lever_map,
)
from model.levers import SHORT_RUN_THETA, Levers
from model.names import TARGET, TECH_SECTORS
from model.sweeps import fence_axis, yard_scopes

FloatArray = npt.NDArray[np.float64]

TABLES: tuple[str, ...] = ("baseline", *datasets.NAMES)
"""The values of ``--dataset``."""
CHUNK: dict[str, int] = {"baseline": 50, "icio2022": 2}
"""Scenarios per task, by table: fixed, so the batches (and results) never depend
on the number of workers. Large on the 8-region table, where one scenario takes
milliseconds and a batched solve is cheaper per scenario; small on icio2022."""


@dataclass(frozen=True)
class Table:
    """A table to solve on: flows, IO shares, theta ranges and a shock builder."""

    name: str
    regions: tuple[str, ...]
    sectors: tuple[str, ...]
    flows: FloatArray  # (N, N, S)
    gamma: FloatArray  # (N, S, S)
    theta: FloatArray  # (3, S) low, central, high
    yard: tuple[int, ...]  # sectors that hold controlled goods
    shocks: Callable[[Mapping[str, np.ndarray], FloatArray], FullShocks]


@cache
def load_table(name: str) -> Table:
    """The table ``name`` (one of :data:`TABLES`), read once per process."""
    if name == "baseline":
        base = load_baseline()

        def shocks8(levers: Mapping[str, np.ndarray], theta: FloatArray) -> FullShocks:
            one = [
                policy.build_shocks(
                    {k: v[b : b + 1] for k, v in levers.items()},
                    base.regions,
                    base.sectors,
                    {"central": theta[b], "low": theta[b], "high": theta[b]},
                )
                for b in range(len(theta))
            ]
            return FullShocks(
                tau_hat=np.concatenate([s.tau_hat for s in one]),
                tariff=one[0].tariff,
                new_tariff=np.concatenate([s.new_tariff for s in one]),
                q_hat=np.concatenate([s.q_hat for s in one]),
                theta=theta,
                supply_chains=np.concatenate([s.supply_chains for s in one]),
            )

        return Table(
            name,
            base.regions,
            base.sectors,
            base.flows_usd_bn,
            base.gamma,
            np.stack([base.theta_low, base.theta, base.theta_high]),
            tuple(k for k, s in enumerate(base.sectors) if s in TECH_SECTORS),
            shocks8,
        )
    data = datasets.load(name)
    lmap = load_lever_map()
    theta = np.stack(
        [lmap.industry_theta(data.sectors, c) for c in ("low", "central", "high")]
    )

    def shocks_full(levers: Mapping[str, np.ndarray], theta: FloatArray) -> FullShocks:
        return build_full_shocks(levers, data.regions, data.sectors, lmap, theta)

    return Table(
        name,
        data.regions,
        data.sectors,
        np.asarray(data.flows.value),
        np.asarray(data.gamma),
        theta,
        tuple(data.sectors.index(k) for k in YARD_INDUSTRIES),
        shocks_full,
    )


def draw_theta(table: Table, seed: int, draw: int) -> FloatArray:
    """Theta (S,) of Monte Carlo draw ``draw``: triangular on [low, high], mode at
    the central value, generator ``default_rng([seed, draw])``."""
    low, mode, high = table.theta
    rng = np.random.default_rng([seed, draw])
    return rng.triangular(low, mode, high)


def solve_chunk(
    table_name: str, scenarios: Sequence[Mapping[str, object]], theta: FloatArray
) -> FloatArray:
    """Solve scenarios (lever mappings) with theta (B, S) in one batch.

    Returns (B, 2 + N): converged (1/0), China's yard-import change [%], and the
    welfare change of every region [%] (NaN where not converged). Runs on a worker.
    """
    table = load_table(table_name)
    stacked = policy.stack_levers([Levers(s) for s in scenarios])
    shocks = table.shocks(stacked, theta)
    out = np.full((len(scenarios), 2 + len(table.regions)), np.nan)
    for on in (True, False):
        rows = np.flatnonzero(shocks.supply_chains == on)
        if not rows.size:
            continue
        solved = equilibrium.solve(
            table.flows,
            shocks.theta[rows],
            shocks.tau_hat[rows],
            shocks.q_hat[rows],
            gamma=table.gamma if on else None,
            tariff=shocks.tariff,
            new_tariff=shocks.new_tariff[rows],
            region_names=table.regions,
            sector_names=table.sectors,
        )
        chn = table.regions.index(TARGET)
        yard = list(table.yard)
        before = np.delete(table.flows[:, chn, yard], chn, axis=0).sum()
        after = np.delete(solved.flows[:, :, chn][..., yard], chn, axis=1).sum((1, 2))
        out[rows, 0] = solved.converged
        out[rows, 1] = 100 * (after / before - 1)
        out[rows, 2:] = solved.welfare_change_pct
    return out


@dataclass(frozen=True)
class Sweep:
    """The scenarios of a sweep: what each varies, its levers and theta."""

    table: str
    varied: pd.DataFrame  # one row per scenario
    scenarios: tuple[Mapping[str, object], ...]
    theta: FloatArray  # (B, S)


def monte_carlo_sweep(table_name: str, base: Levers, draws: int, seed: int) -> Sweep:
    """``draws`` theta draws around the base scenario (see the module doc)."""
    table = load_table(table_name)
    theta = np.stack([draw_theta(table, seed, d) for d in range(draws)])
    varied = pd.DataFrame(theta, columns=[f"theta_{s}" for s in table.sectors])
    varied.insert(0, "draw", np.arange(draws))
    return Sweep(table_name, varied, (dict(base),) * draws, theta)


def grid_sweep(table_name: str, base: Levers, n: int) -> Sweep:
    """The n x n yard x fence grid around the base scenario, its theta."""
    table = load_table(table_name)
    yards = np.linspace(0.0, 1.0, n)
    fence, prohibitive = fence_axis(n)
    scenarios = tuple(
        dict(base)
        | yard_scopes(float(y))
        | {"fence_pct": float(f), "prohibitive": bool(p)}
        for y in yards
        for f, p in zip(fence, prohibitive, strict=True)
    )
    choice = str(base["elasticities"])
    low, central, high = table.theta
    theta_row = {"low": low, "central": central, "high": high}.get(
        choice, np.full(len(table.sectors), SHORT_RUN_THETA)
    )
    varied = pd.DataFrame(
        {
            "cell": np.arange(n * n),
            "yard": np.repeat(yards, n),
            "fence_pct": np.tile(fence, n),
            "prohibitive": np.tile(prohibitive, n),
        }
    )
    return Sweep(table_name, varied, scenarios, np.tile(theta_row, (n * n, 1)))


def _check_environment(client: Any, address: str) -> None:
    """ValueError unless the scheduler and every worker can import ``model``: the
    scheduler unpickles the tasks, the workers run them (otherwise the tasks would
    wait forever)."""
    where = {"scheduler": client.run_on_scheduler(importlib.util.find_spec, "model")}
    workers = client.run(importlib.util.find_spec, "model")
    if not workers:
        raise ValueError(f"the Dask scheduler at {address} has no workers")
    where |= {f"worker {w}": spec for w, spec in workers.items()}
    missing = [name for name, spec in where.items() if spec is None]
    if missing:
        raise ValueError(
            f"{', '.join(missing)} at {address} cannot import this project's model "
            "package: start them from the repository root with PYTHONPATH=$PWD "
            "(README, Sweeps on Dask)"
        )


@dataclass(frozen=True)
class SweepResult:
    frame: pd.DataFrame
    seconds: float
    workers: int


def run(
    sweep: Sweep,
    *,
    workers: int = 1,
    scheduler: str | None = None,
    show_progress: bool = True,
) -> SweepResult:
    """Solve every chunk of ``sweep`` on Dask and gather the rows in order.

    Parameters
    ----------
    workers : int
        Worker processes of the local cluster (ignored with ``scheduler``).
    scheduler : str, optional
        Address of an existing Dask scheduler, e.g. ``tcp://10.0.0.5:8786``; its
        workers need this project importable (the same checkout and venv).
    show_progress : bool
        A text progress bar on the terminal (dask.distributed's).
    """
    from dask.distributed import Client, LocalCluster, progress

    cluster = None
    if scheduler is None:
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        )
    client = Client(cluster if cluster is not None else scheduler)
    try:
        if scheduler is not None:
            _check_environment(client, scheduler)
        n_workers = len(client.scheduler_info()["workers"])
        start = time.perf_counter()
        size = CHUNK[sweep.table]
        futures = [
            client.submit(
                solve_chunk,
                sweep.table,
                sweep.scenarios[a : a + size],
                sweep.theta[a : a + size],
                pure=False,
            )
            for a in range(0, len(sweep.scenarios), size)
        ]
        if show_progress:
            progress(futures)
        parts = client.gather(futures)
        seconds = time.perf_counter() - start
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    values = np.concatenate(parts)
    table = load_table(sweep.table)
    metrics = pd.DataFrame(
        values[:, 1:],
        columns=[
            "china_yard_imports_change_pct",
            *(f"welfare_{r}_pct" for r in table.regions),
        ],
    )
    frame = pd.concat([sweep.varied.reset_index(drop=True), metrics], axis=1)
    frame.insert(len(sweep.varied.columns), "converged", values[:, 0] == 1)
    return SweepResult(frame, seconds, n_workers)
