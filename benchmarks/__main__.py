"""Solver benchmarks: ``python -m benchmarks`` prints one JSON object.

* ``single_solve_ms_median``: one :func:`model.simulation.simulate` call (levers ->
  shocks -> solve -> metrics) of the default scenario, median of many runs [ms];
  ``single_solve_ms_median_oct_2022`` the same for a scenario with controls in the
  style of the October 2022 rule (the default scenario needs no iteration).
* ``batch_solves_per_s``: 1,000 random lever vectors solved in one batched call.
* ``scipy_*``: the same equilibrium written in levels and solved by
  ``scipy.optimize.root`` (benchmarks/reference.py): the largest relative
  difference in prices and the ratio of scipy's time to ours.

Targets on the 2-core machine (DESIGN.md section 8): single solve <= 2 ms median,
>= 2,000 solves/s batched.
"""

from __future__ import annotations

import json
import platform
import statistics
import time

import numpy as np

from benchmarks.reference import solve_levels_with_scipy
from model import equilibrium, policy
from model.data import load_baseline
from model.simulation import simulate, simulate_batch

OCT_2022_STYLE = {
    "scope_ai_chips": 1.0,
    "scope_sme": 0.3,
    "scope_chips": 0.05,
    "fence_pct": 150.0,
    "evasion": 0.1,
}


def median_ms(run, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def random_levers(rng: np.random.Generator, count: int) -> list[dict[str, object]]:
    """Lever vectors drawn uniformly over every lever's range."""
    scenarios = []
    for _ in range(count):
        levers: dict[str, object] = {}
        for lever in policy.LEVERS:
            if lever.kind == "number":
                levers[lever.name] = float(rng.uniform(lever.minimum, lever.maximum))
            elif lever.kind == "bool":
                levers[lever.name] = bool(rng.random() < 0.2)
            else:
                levers[lever.name] = str(rng.choice(lever.choices))
        scenarios.append(levers)
    return scenarios


def main() -> None:
    base = load_baseline()
    simulate({}, base)  # warm-up
    result: dict[str, object] = {
        "machine": f"{platform.machine()}, {platform.python_version()}, "
        f"numpy {np.__version__}",
        "single_solve_ms_median": median_ms(lambda: simulate({}, base), 300),
        "single_solve_ms_median_oct_2022": median_ms(
            lambda: simulate(OCT_2022_STYLE, base), 300
        ),
    }

    scenarios = random_levers(np.random.default_rng(0), 1000)
    start = time.perf_counter()
    batch = simulate_batch(scenarios, base)
    seconds = time.perf_counter() - start
    result["batch_scenarios"] = len(scenarios)
    result["batch_seconds"] = seconds
    result["batch_solves_per_s"] = len(scenarios) / seconds
    result["batch_converged_share"] = float(batch.equilibrium.converged.mean())
    result["batch_max_iterations"] = int(batch.equilibrium.iterations.max())

    sim = simulate(OCT_2022_STYLE, base)
    shocks = sim.shocks
    args = (base.flows_usd_bn, shocks.theta[0], shocks.tau_hat[0], shocks.q_hat[0])
    ours = equilibrium.solve(*args)
    reference = solve_levels_with_scipy(*args)
    result["scipy_max_rel_difference"] = float(
        np.abs(ours.p_hat[0] / reference - 1).max()
    )
    ours_ms = median_ms(lambda: equilibrium.solve(*args), 100)
    scipy_ms = median_ms(lambda: solve_levels_with_scipy(*args), 20)
    result["solve_ms_median_ours"] = ours_ms
    result["solve_ms_median_scipy"] = scipy_ms
    result["scipy_time_ratio"] = scipy_ms / ours_ms
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
