"""An independent reference: the same equilibrium in levels, solved by scipy.

Used by a cross-check test (tests/test_equilibrium.py) and by the benchmark
(agreement and speed ratio, ``python -m benchmarks``). It shares no code with
:mod:`model.equilibrium`.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import root


def solve_levels_with_scipy(
    flows: np.ndarray, theta: np.ndarray, tau: np.ndarray, q_hat: np.ndarray
) -> np.ndarray:
    """Factory-gate prices p[i, s] (baseline = 1) from ``scipy.optimize.root``.

    Baseline prices are 1, so CES taste weights equal baseline import shares.
    Market clearing: sum_j share[i, j, s] alpha[j, s] (Y'_j + D_j) = p q Y[i, s];
    one equation (Walras) is replaced by world income = baseline world income. A
    sector a region does not produce keeps p = 1. ``tau`` must be finite.
    """
    n, _, s = flows.shape
    spend_js = flows.sum(axis=0)
    alpha = spend_js / spend_js.sum(axis=1, keepdims=True)
    deficit = flows.sum(axis=(0, 2)) - flows.sum(axis=(1, 2))
    output = flows.sum(axis=1)
    producing = output > 0
    taste = flows / spend_js

    def excess(log_p: np.ndarray) -> np.ndarray:
        p = np.exp(log_p.reshape(n, s))
        cost = (p[:, None, :] * tau) ** -theta
        share = taste * cost / (taste * cost).sum(axis=0)
        income = (p * q_hat * output).sum(axis=1)
        demand = (share * alpha[None] * (income + deficit)[None, :, None]).sum(axis=1)
        gap = np.where(
            producing,
            (demand - p * q_hat * output) / np.where(producing, output, 1),
            log_p.reshape(n, s),
        ).ravel()
        gap[-1] = income.sum() / output.sum() - 1
        return gap

    solution = root(excess, np.zeros(n * s), method="hybr", tol=1e-13)
    if np.abs(excess(solution.x)).max() > 1e-11:
        raise RuntimeError(f"scipy did not converge: {solution.message}")
    return np.exp(solution.x.reshape(n, s))
