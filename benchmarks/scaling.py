"""How the solver's cost grows with the model's size: ``python -m benchmarks
--scaling`` prints one JSON object.

The models are the OECD ICIO 2022 table (:mod:`model.datasets`, 80 economies x 50
industries, with its input-output shares) and aggregates of it: the ``N - 1``
economies with the largest gross output and the rest of the world, and ``S``
groups of consecutive ICIO industries (flows summed, input-output shares
aggregated as purchases over output, so every aggregate has consistent accounts).
The shock is the same at every size: iceberg trade costs up by a factor drawn
uniformly from [1, 1.3] (seed 0) on every cross-border flow into the largest
economy, theta = 5 in every sector.

Figures per size: wall-clock and CPU seconds (median of ``repeats`` solves),
Newton iterations, the solver path (dense Jacobian or GMRES), the peak of the
Python heap during one solve (tracemalloc) and the CPU time per Newton step.
"""

from __future__ import annotations

import functools
import statistics
import time
import tracemalloc

import numpy as np

from model import datasets, equilibrium
from model import equilibrium_newton as newton

SIZES = ((8, 7), (20, 10), (40, 25), (80, 50))
THETA = 5.0


def aggregate(
    flows: np.ndarray, gamma: np.ndarray, n: int, s: int
) -> tuple[np.ndarray, np.ndarray]:
    """Flows (n, n, s) and IO shares (n, s, s) of the aggregate described above."""
    n_full, _, s_full = flows.shape
    output = flows.sum(axis=1)  # Y[i, s]
    order = np.argsort(-output.sum(axis=1), kind="stable")
    region = np.full(n_full, n - 1)
    region[order[: n - 1]] = np.arange(n - 1)
    sector = np.arange(s_full) * s // s_full
    to_region = np.eye(n)[region]  # (80, n)
    to_sector = np.eye(s)[sector]  # (50, s)
    x = np.einsum(
        "ijs,iI,jJ,sS->IJS", flows, to_region, to_region, to_sector, optimize=True
    )
    bought = gamma * output[:, :, None]  # purchases[i, s, k]
    bought = np.einsum(
        "isk,iI,sS,kK->ISK", bought, to_region, to_sector, to_sector, optimize=True
    )
    out = x.sum(axis=1)
    return x, np.where(
        out[:, :, None] > 0, bought / np.where(out > 0, out, 1)[:, :, None], 0
    )


def shock(flows: np.ndarray) -> np.ndarray:
    """tau_hat: U[1, 1.3] on every import of the largest economy (seed 0)."""
    n, _, s = flows.shape
    target = int(np.argmax(flows.sum(axis=(1, 2))))
    tau = np.ones((n, n, s))
    draws = np.random.default_rng(0).uniform(1.0, 1.3, size=(n, s))
    tau[:, target, :] = draws
    tau[target, target, :] = 1.0
    return tau


def run(repeats: int = 5) -> dict[str, object]:
    """The scaling figures for every size of :data:`SIZES`."""
    full = datasets.load("icio2022")
    rows = []
    for n, s in SIZES:
        if (n, s) == full.flows.value.shape[1:]:
            flows, gamma = full.flows.value, full.gamma
        else:
            flows, gamma = aggregate(full.flows.value, full.gamma, n, s)
        tau = shock(flows)
        theta = np.full(s, THETA)

        solve = functools.partial(equilibrium.solve, flows, theta, tau, gamma=gamma)

        solved = solve()  # warm-up
        walls, cpus = [], []
        for _ in range(repeats):
            wall, cpu = time.perf_counter(), time.process_time()
            solve()
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        tracemalloc.start()
        solve()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        steps = int(solved.iterations[0])
        cpu = statistics.median(cpus)
        rows.append(
            {
                "regions": n,
                "sectors": s,
                "unknowns": n * s,
                "path": "dense" if n * s <= newton.DENSE_MAX else "gmres",
                "converged": bool(solved.converged[0]),
                "newton_iterations": steps,
                "wall_seconds_median": statistics.median(walls),
                "cpu_seconds_median": cpu,
                "cpu_ms_per_newton_step": 1000 * cpu / max(steps, 1),
                "peak_heap_mb": peak / 2**20,
            }
        )
    return {"repeats": repeats, "theta": THETA, "sizes": rows}
