"""Multi-sector Armington general equilibrium in changes (exact hat algebra), with
input-output linkages and ad valorem tariffs that raise revenue.

Arrays follow the index convention ``[b, i, j, s]``: batch element ``b`` (one
scenario), exporter ``i``, importer ``j``, sector ``s``. Values are in the units of
the baseline flows (USD bn for the calibrated data); every "hat" is the ratio of
the new value to the baseline value.

Data: flows ``X[i, j, s]`` at producer prices (what the exporter receives; the
importer pays ``X (1 + t)`` with ``t[i, j, s]`` the baseline ad valorem tariff),
trade elasticities ``theta[s]`` and input-output shares ``gamma[i, s, k]``, the
share of input ``k`` (bought from all origins) in the gross output of sector ``s``
in region ``i``; ``beta[i, s] = 1 - sum_k gamma[i, s, k] > 0`` is the share of the
sector-specific factor. Baseline objects: gross output ``R[i,s] = sum_j X[i,j,s]``,
value added ``VA = beta R``, spending ``E[j,s] = sum_i X (1 + t)``, import shares
``pi = X (1 + t) / E``, intermediate purchases ``M[j,s] = sum_k gamma[j,k,s] R[j,k]``,
final spending ``alpha[j,s] F[j] = E[j,s] - M[j,s]``, tariff revenue ``T[j]`` and the
deficit ``D[j] = F[j] - VA[j] - T[j]``, held fixed.

Shocks: iceberg costs ``tau_hat[i, j, s]`` (``inf`` = prohibited; they earn nobody
anything), new tariffs ``t'[i, j, s]`` (revenue to the importer) and capacity
``q_hat[i, s]`` (scales the sector-specific factor). Unknown factor prices
``r_hat[i, s]``; in changes (Caliendo and Parro 2015, with sector-specific
factors)::

    c_hat[i,s]    = r_hat[i,s]^beta[i,s] prod_k P_hat[i,k]^gamma[i,s,k]   (unit cost)
    x[i,j,s]      = (c_hat[i,s] tau_hat[i,j,s] t_hat[i,j,s]) ** -theta[s]
    P_hat[j,s]^-theta[s] = sum_i pi[i,j,s] x[i,j,s]                       (= phi_hat)
    pi'[i,j,s]    = pi[i,j,s] x[i,j,s] / P_hat[j,s]^-theta[s]
    R'[i,s]       = r_hat q_hat R[i,s]              (factor market: beta R' = VA')
    E'[j,s]       = alpha[j,s] F'[j] + sum_k gamma[j,k,s] R'[j,k]
    F'[j]         = sum_s beta R'[j,s] + T'[j] + D[j]
    T'[j]         = sum_i,s t'[i,j,s] / (1 + t'[i,j,s]) pi'[i,j,s] E'[j,s]
    R'[i,s]       = sum_j pi'[i,j,s] E'[j,s] / (1 + t'[i,j,s])      (goods market)
    sum VA'       = sum VA                         (world value added: numeraire)

with ``t_hat = (1 + t') / (1 + t)``. Welfare is ``W_hat[j] = (F'[j] / F[j]) / P_hat[j]``
with the final-goods index ``P_hat[j] = prod_s P_hat[j,s] ** alpha[j,s]``. With
``gamma = 0`` and no tariffs this is the Armington endowment economy in changes of
Dekle, Eaton and Kortum (2008): ``c_hat = r_hat`` and ``E'[j,s] = alpha F'[j]``.

The solver (:mod:`model.equilibrium_newton`) is Newton's method on log unit
costs ``log c_hat``, batched over ``b``: given them, price indices and factor
prices are explicit (``log r = (log c - gamma log P) / beta``), so there is no
inner fixed point. Each Newton step solves with the analytic Jacobian
(:mod:`model.equilibrium_system`): as a dense matrix for a small model, by GMRES
with Jacobian-vector products and a block preconditioner for a large one (its
cost grows as ``N^2 S + N S^2`` per product; no ``(N S)^2`` matrix is formed).
All quantities are built as changes relative to the baseline, so a zero shock
returns ``c_hat = r_hat = 1`` and the baseline flows exactly.

Two edge cases are solved exactly rather than approximated:

* a supplier with zero output in a sector (``R[i,s] = 0``) keeps ``r_hat = 1``;
  its price is irrelevant because it has no flows;
* a supplier all of whose sales in a sector are prohibited is *stranded*: its
  output cannot be sold, so ``r_hat = 0`` and its revenue is zero.

A market that loses every supplier has no equilibrium (its price would be
infinite); :func:`solve` rejects such shocks with a ``ValueError``.

References
----------
Armington (1969); Anderson and van Wincoop (2003); Dekle, Eaton and Kortum (2008),
"Global rebalancing with gravity", IMF Staff Papers 55(3); Caliendo and Parro
(2015), "Estimates of the trade and welfare effects of NAFTA", REStud 82(1);
Costinot and Rodriguez-Clare (2014), Handbook of International Economics vol. 4,
ch. 4; Arkolakis, Costinot and Rodriguez-Clare (2012), AER 102(1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from model import equilibrium_newton as newton
from model.equilibrium_accounts import (
    Aggregates,
    Batch,
    aggregates,
    batch_inputs,
    check_every_market_supplied,
    check_flows,
)
from model.equilibrium_system import State, gamma_times

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

TOLERANCE = 1e-10
"""Convergence: max relative market-clearing residual and numeraire residual."""

MAX_ITERATIONS = 60

CHUNK = 32
"""Scenarios solved together: larger batches are solved in chunks of this size,
whose Jacobians fit the processor's caches (a speed choice, not a result)."""


@dataclass(frozen=True)
class Equilibrium:
    """Counterfactual equilibrium of a batch of scenarios.

    Results of an element that did not converge are NaN: never a made-up number.
    """

    p_hat: FloatArray  # (B, N, S) producer price (unit cost) change c_hat [ratio]
    r_hat: FloatArray  # (B, N, S) factor price change [ratio]
    flows: FloatArray  # (B, N, N, S) new flows X'[i, j, s] at producer prices
    shares: FloatArray  # (B, N, N, S) new import shares pi'[i, j, s] [0-1]
    sector_price_hat: FloatArray  # (B, N, S) P_hat[j, s] [ratio]
    price_hat: FloatArray  # (B, N) final-goods price index P_hat[j] [ratio]
    income: FloatArray  # (B, N) new value added VA'[j] [baseline units]
    spending: FloatArray  # (B, N) new final spending F'[j] [baseline units]
    baseline_spending: FloatArray  # (B, N) baseline final spending F[j]
    tariff_revenue: FloatArray  # (B, N) new tariff revenue T'[j] [baseline units]
    welfare_hat: FloatArray  # (B, N) real final spending W_hat[j] [ratio]
    welfare_change_pct: FloatArray  # (B, N) 100 (W_hat - 1) [%]
    welfare_change_value: FloatArray  # (B, N) (W_hat - 1) F[j] [baseline units]
    iterations: npt.NDArray[np.int64]  # (B,) Newton iterations taken
    max_residual: FloatArray  # (B,) max relative market-clearing residual
    converged: BoolArray  # (B,) residual below TOLERANCE

    @property
    def all_converged(self) -> bool:
        return bool(self.converged.all())


@dataclass(frozen=True)
class Accounts:
    """Baseline national accounts implied by flows, tariffs and IO shares.

    Attributes are arrays over regions (N,) [baseline units]: ``value_added``
    (sum_s beta R), ``final_spending`` (F), ``tariff_revenue`` (T), ``deficit``
    (D = F - VA - T).
    """

    value_added: FloatArray
    final_spending: FloatArray
    tariff_revenue: FloatArray
    deficit: FloatArray


def accounts(
    flows: npt.ArrayLike,
    gamma: npt.ArrayLike | None = None,
    tariff: npt.ArrayLike | None = None,
) -> Accounts:
    """The baseline accounts of ``flows`` (N, N, S) with IO shares ``gamma``
    (N, S, S) and ad valorem tariffs ``tariff`` (N, N, S) [ratio]; ValueError for
    inputs :func:`solve` rejects."""
    base = aggregates(check_flows(flows), gamma, tariff)
    return Accounts(
        value_added=(base.beta * base.output_is).sum(axis=1),
        final_spending=base.final,
        tariff_revenue=(base.tariff * base.flows).sum(axis=(0, 2)),
        deficit=base.final
        - (base.beta * base.output_is).sum(axis=1)
        - (base.tariff * base.flows).sum(axis=(0, 2)),
    )


def solve(
    flows: npt.ArrayLike,
    theta: npt.ArrayLike,
    tau_hat: npt.ArrayLike | None = None,
    q_hat: npt.ArrayLike | None = None,
    *,
    gamma: npt.ArrayLike | None = None,
    tariff: npt.ArrayLike | None = None,
    new_tariff: npt.ArrayLike | None = None,
    start: npt.ArrayLike | None = None,
    region_names: Sequence[str] | None = None,
    sector_names: Sequence[str] | None = None,
    tolerance: float = TOLERANCE,
    max_iterations: int = MAX_ITERATIONS,
) -> Equilibrium:
    """Solve the counterfactual equilibrium for a batch of shocks.

    Parameters
    ----------
    flows : array (N, N, S)
        Baseline flows X[i, j, s] >= 0 at producer prices, exporter i to importer
        j, incl. the diagonal (home sales) [any currency unit; results come back
        in the same unit].
    theta : array (S,) or (B, S)
        Trade elasticity per sector, > 0 [unitless].
    tau_hat : array (N, N, S) or (B, N, N, S), optional
        Iceberg trade-cost changes > 0; ``inf`` prohibits the flow. Default 1.
    q_hat : array (N, S) or (B, N, S), optional
        Capacity (sector-specific factor) changes > 0. Default 1.
    gamma : array (N, S, S), optional
        Input-output shares gamma[i, s, k] >= 0 with sum_k < 1. Default 0 (no
        intermediate inputs: the endowment economy).
    tariff : array (N, N, S), optional
        Baseline ad valorem tariffs t >= 0 [ratio, 0.25 = 25%]. Default 0.
    new_tariff : array (N, N, S) or (B, N, N, S), optional
        Counterfactual tariffs t' >= 0 [ratio]; their revenue goes to the
        importer. Default: the baseline tariffs.
    start : array (B, N, S), optional
        Where Newton's method starts: log c_hat, the log unit-cost change
        (``log p_hat``) of a nearby solution (the year before, in a decade path)
        [log points]; non-finite entries and cells without sales start at 0.
        Default 0, the baseline. The equilibrium is unique, so the start changes
        only how many steps it takes.
    region_names, sector_names : sequence of str, optional
        Used in error messages only.
    tolerance : float
        Convergence threshold on the max relative market-clearing residual.
    max_iterations : int
        Newton iterations before an element is reported as not converged.

    Returns
    -------
    Equilibrium
        Batched results; ``converged`` says which elements are valid (the others
        are NaN).

    Raises
    ------
    ValueError
        Inputs of the wrong shape, negative or non-finite flows, tariffs or input
        shares, input shares summing to 1 or more, final demand that would be
        negative, theta <= 0, shocks <= 0 or NaN, or a market left with no
        supplier.
    """
    base = aggregates(check_flows(flows), gamma, tariff)
    batch = batch_inputs(base, theta, tau_hat, q_hat, new_tariff)
    check_every_market_supplied(base, batch, region_names, sector_names)

    log_c0 = np.zeros(batch.q_hat.shape)
    if start is not None:
        given = np.broadcast_to(np.asarray(start, dtype=np.float64), log_c0.shape)
        log_c0 = np.where(np.isfinite(given) & batch.active, given, 0.0)
    n_batch = int(batch.q_hat.shape[0])
    with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
        # Trial points far from the solution may overflow; such points get an
        # infinite merit and are rejected by the line search, never returned.
        parts = []
        for k in range(0, n_batch, CHUNK):
            rows = np.arange(k, min(k + CHUNK, n_batch))
            sub = batch.take(rows)
            log_c, state, iterations, converged = newton.iterate(
                base, sub, log_c0[rows], tolerance, max_iterations
            )
            parts.append(_results(base, sub, log_c, state, iterations, converged))
    if len(parts) == 1:
        return parts[0]
    return Equilibrium(
        *(
            np.concatenate([getattr(part, f) for part in parts])
            for f in Equilibrium.__dataclass_fields__
        )
    )


def _results(
    base: Aggregates,
    batch: Batch,
    log_c: FloatArray,
    state: State,
    iterations: npt.NDArray[np.int64],
    converged: BoolArray,
) -> Equilibrium:
    theta = batch.theta[:, None, :]
    sector_price_hat = state.phi_hat ** (-1 / theta)
    price_hat = np.exp((base.alpha[None] * np.log(sector_price_hat)).sum(axis=2))
    final_hat = 1 + state.delta_final / base.final
    welfare_hat = final_hat / price_hat
    shares = state.share
    r_hat = np.where(batch.stranded, 0.0, np.exp(state.log_r))
    # an inactive cell's unit cost plays no part: report that of r_hat = 1
    log_c_seen = np.where(batch.active, log_c, gamma_times(base, state.log_p))
    p_hat = np.where(batch.stranded, 0.0, np.exp(log_c_seen))
    revenue = (state.flows * batch.new_tariff).sum(axis=(1, 3))  # T'[j]

    def valid(arr: FloatArray) -> FloatArray:
        mask = converged.reshape((-1,) + (1,) * (arr.ndim - 1))
        return np.where(mask, arr, np.nan)

    return Equilibrium(
        p_hat=valid(p_hat),
        r_hat=valid(r_hat),
        flows=valid(state.flows),
        shares=valid(shares),
        sector_price_hat=valid(sector_price_hat),
        price_hat=valid(price_hat),
        income=valid((base.beta * state.supply).sum(axis=2)),
        spending=valid(final_hat * base.final),
        baseline_spending=np.broadcast_to(base.final, final_hat.shape).copy(),
        tariff_revenue=valid(revenue),
        welfare_hat=valid(welfare_hat),
        welfare_change_pct=valid(100 * (welfare_hat - 1)),
        welfare_change_value=valid((welfare_hat - 1) * base.final),
        iterations=iterations,
        max_residual=state.max_residual,
        converged=converged,
    )
