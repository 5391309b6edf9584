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


def solve_io_levels_with_scipy(
    flows: np.ndarray,
    theta: np.ndarray,
    tau: np.ndarray,
    q_hat: np.ndarray,
    gamma: np.ndarray,
    tariff: np.ndarray,
    new_tariff: np.ndarray,
) -> dict[str, np.ndarray]:
    """Factor prices r, price indices P and real final spending W (baseline = 1)
    of the input-output model with tariffs, from ``scipy.optimize.root`` on the
    joint system in (log r, log P), levels formulation.

    Baseline prices are 1: taste weights are the import shares at importer prices
    ``X (1 + t) / E``. Equations: P[j,s]^-theta = sum_i taste (c tau t_hat)^-theta
    with c = r^beta prod_k P[i,k]^gamma[i,s,k]; market clearing
    sum_j share E'[j,s] / (1 + t') = r q R[i,s] with E' = alpha F' + sum_k gamma
    r q R and F' = value added + tariff revenue + deficit; one market-clearing
    equation is replaced by world value added = baseline. Every flow must be
    positive and ``tau`` finite.
    """
    n, _, s = flows.shape
    beta = 1 - gamma.sum(axis=2)
    gross = flows * (1 + tariff)
    spend_js = gross.sum(axis=0)
    output = flows.sum(axis=1)
    inputs = np.einsum("jks,jk->js", gamma, output)
    final = (spend_js - inputs).sum(axis=1)
    alpha = (spend_js - inputs) / final[:, None]
    deficit = final - (beta * output).sum(axis=1) - (tariff * flows).sum(axis=(0, 2))
    taste = gross / spend_js
    t_hat = (1 + new_tariff) / (1 + tariff)
    wedge = new_tariff / (1 + new_tariff)

    def parts(z: np.ndarray) -> tuple[np.ndarray, ...]:
        log_r, log_p = z[: n * s].reshape(n, s), z[n * s :].reshape(n, s)
        log_c = beta * log_r + np.einsum("isk,ik->is", gamma, log_p)
        cost = np.exp(-theta * (log_c[:, None, :] + np.log(tau * t_hat)))
        share = taste * cost / (taste * cost).sum(axis=0)
        gross_output = np.exp(log_r) * q_hat * output
        bought = np.einsum("jks,jk->js", gamma, gross_output)
        tw = (share * wedge).sum(axis=0)
        final_new = (
            (beta * gross_output).sum(axis=1) + deficit + (tw * bought).sum(1)
        ) / (1 - (tw * alpha).sum(axis=1))
        spend_new = alpha * final_new[:, None] + bought
        return log_r, log_p, cost, share, gross_output, spend_new, final_new

    def equations(z: np.ndarray) -> np.ndarray:
        log_r, log_p, cost, _, gross_output, spend_new, _ = parts(z)
        price = log_p + np.log((taste * cost).sum(axis=0)) / theta
        share = taste * cost / (taste * cost).sum(axis=0)
        demand = (share * spend_new[None] / (1 + new_tariff)).sum(axis=1)
        market = ((demand - gross_output) / output).ravel()
        market[-1] = (beta * gross_output).sum() / (beta * output).sum() - 1
        return np.concatenate([market, price.ravel()])

    solution = root(equations, np.zeros(2 * n * s), method="hybr", tol=1e-13)
    if np.abs(equations(solution.x)).max() > 1e-11:
        raise RuntimeError(f"scipy did not converge: {solution.message}")
    log_r, log_p, _, _, _, _, final_new = parts(solution.x)
    welfare = (final_new / final) / np.exp((alpha * log_p).sum(axis=1))
    return {"r_hat": np.exp(log_r), "P_hat": np.exp(log_p), "welfare_hat": welfare}
