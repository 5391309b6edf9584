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

The solver is Newton's method on ``log r_hat`` with the analytic Jacobian and a
backtracking line search, batched over ``b``. Given ``log r_hat`` the price indices
solve ``log P = -(1/theta) log sum_i pi exp(-theta (beta log r + gamma log P +
log tau t_hat))``, a contraction when every ``beta > 0``, solved by an inner Newton
iteration (explicit when ``gamma = 0``); the Jacobian goes through it by implicit
differentiation: ``d log c = (I - Gamma Pi')^-1 beta d log r``. All quantities are
built as changes relative to the baseline, so a zero shock returns ``r_hat = 1``
and the baseline flows exactly.

Two edge cases are solved exactly rather than approximated:

* a supplier with zero output in a sector (``R[i,s] = 0``) keeps ``r_hat = 1``;
  its price is irrelevant because it has no flows;
* a supplier all of whose sales in a sector are prohibited is *stranded*: its
  output cannot be sold, so ``r_hat = 0`` and its revenue is zero.

A market that loses every supplier has no equilibrium (its price would be
infinite); :func:`solve` rejects such shocks with a ``ValueError``.

The module is longer than most on purpose: it is one algorithm, and the
residual, its analytic Jacobian and the line search must change together.

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
from typing import TypeVar

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

TOLERANCE = 1e-10
"""Convergence: max relative market-clearing residual and numeraire residual."""

MAX_ITERATIONS = 60
MAX_LOG_STEP = 2.0
"""Largest change of any log price in one Newton step (a trust region)."""

MAX_HALVINGS = 40

INNER_TOLERANCE = 1e-13
"""Convergence of the price-index fixed point given factor prices [log points];
a thousand times below what the market-clearing tolerance can see."""

MAX_INNER_ITERATIONS = 30

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


@dataclass(frozen=True)
class _Baseline:
    """Baseline aggregates (no batch axis); see the module docstring."""

    flows: FloatArray  # X (N, N, S) at producer prices
    gross: FloatArray  # X (1 + t) (N, N, S) at importer prices
    tariff: FloatArray  # t (N, N, S)
    gamma: FloatArray  # (N, S, S) gamma[i, s, k]
    beta: FloatArray  # (N, S)
    io: bool  # any gamma > 0
    spending_js: FloatArray  # E[j, s] (N, S)
    output_is: FloatArray  # R[i, s] (N, S)
    intermediate: FloatArray  # M[j, s] (N, S)
    final: FloatArray  # F[j] (N,)
    alpha: FloatArray  # final-spending shares (N, S)
    tariff_share: FloatArray  # sum_i pi t / (1 + t) (N, S)
    world_value_added: float


def accounts(
    flows: npt.ArrayLike,
    gamma: npt.ArrayLike | None = None,
    tariff: npt.ArrayLike | None = None,
) -> Accounts:
    """The baseline accounts of ``flows`` (N, N, S) with IO shares ``gamma``
    (N, S, S) and ad valorem tariffs ``tariff`` (N, N, S) [ratio]; ValueError for
    inputs :func:`solve` rejects."""
    base = _baseline(_check_flows(flows), gamma, tariff)
    return Accounts(
        value_added=(base.beta * base.output_is).sum(axis=1),
        final_spending=base.final,
        tariff_revenue=(base.tariff * base.flows).sum(axis=(0, 2)),
        deficit=base.final
        - (base.beta * base.output_is).sum(axis=1)
        - (base.tariff * base.flows).sum(axis=(0, 2)),
    )


def _baseline(
    flows: FloatArray, gamma: npt.ArrayLike | None, tariff: npt.ArrayLike | None
) -> _Baseline:
    n, _, s = flows.shape
    gamma_arr = np.zeros((n, s, s)) if gamma is None else np.asarray(gamma, float)
    if gamma_arr.shape != (n, s, s):
        raise ValueError(f"gamma must have shape {(n, s, s)}, got {gamma_arr.shape}")
    if not np.all(np.isfinite(gamma_arr)) or np.any(gamma_arr < 0):
        raise ValueError("gamma must be finite and >= 0")
    beta = 1 - gamma_arr.sum(axis=2)
    if np.any(beta <= 0):
        i, k = (int(v) for v in np.argwhere(beta <= 0)[0])
        raise ValueError(
            f"the input shares of region {i}, sector {k} sum to 1 or more: no "
            "value added is left"
        )
    t = np.zeros((n, n, s)) if tariff is None else np.asarray(tariff, float)
    if t.shape != (n, n, s):
        raise ValueError(f"tariff must have shape {(n, n, s)}, got {t.shape}")
    if not np.all(np.isfinite(t)) or np.any(t < 0):
        raise ValueError("tariffs must be finite and >= 0")
    gross = flows * (1 + t)
    spending_js = gross.sum(axis=0)
    output_is = flows.sum(axis=1)
    intermediate = np.einsum("jks,jk->js", gamma_arr, output_is)
    final_js = spending_js - intermediate
    if np.any(final_js < -1e-9 * np.maximum(spending_js, 1.0)):
        j, k = (int(v) for v in np.argwhere(final_js < 0)[0])
        raise ValueError(
            f"final demand of region {j} for sector {k} would be negative: its "
            "intermediate purchases exceed what it buys"
        )
    final_js = np.maximum(final_js, 0.0)
    final = final_js.sum(axis=1)
    if np.any(final <= 0):
        j = int(np.flatnonzero(final <= 0)[0])
        raise ValueError(f"importer {j} has no final spending: welfare is undefined")
    has_market = spending_js > 0
    share = np.where(has_market, gross / np.where(has_market, spending_js, 1), 0.0)
    return _Baseline(
        flows=flows,
        gross=gross,
        tariff=t,
        gamma=gamma_arr,
        beta=beta,
        io=bool(np.any(gamma_arr > 0)),
        spending_js=spending_js,
        output_is=output_is,
        intermediate=intermediate,
        final=final,
        alpha=final_js / final[:, None],
        tariff_share=(share * (t / (1 + t))).sum(axis=0),
        world_value_added=float((beta * output_is).sum()),
    )


_Fields = TypeVar("_Fields", "_Batch", "_State")
"""A dataclass of batched arrays (batch axis first)."""


@dataclass(frozen=True)
class _Batch:
    """Per-scenario inputs, with the batch axis first."""

    theta: FloatArray  # (B, S)
    log_cost: FloatArray  # (B, N, N, S) log(tau_hat t_hat), 0 where not allowed
    allowed: BoolArray  # (B, N, N, S): baseline flow > 0 and tau finite
    new_tariff: FloatArray  # (B, N, N, S) t'
    q_hat: FloatArray  # (B, N, S)
    active: BoolArray  # (B, N, S): producing and able to sell somewhere
    stranded: BoolArray  # (B, N, S): producing but every sale prohibited

    def take(self, idx: npt.NDArray[np.intp]) -> _Batch:
        return _take(self, idx)


@dataclass(frozen=True)
class _State:
    """Everything derived from log factor prices that the solver needs."""

    log_c: FloatArray  # (b, N, S) log c_hat
    log_p: FloatArray  # (b, N, S) log P_hat
    x: FloatArray  # (b, N, N, S) (c_hat tau_hat t_hat)^-theta, 0 where not allowed
    phi_hat: FloatArray  # (b, N, S) P_hat[j, s]^-theta
    delta_final: FloatArray  # (b, N) F'[j] - F[j]
    delta_intermediate: FloatArray  # (b, N, S) M'[j, s] - M[j, s]
    tariff_share: FloatArray  # (b, N, S) sum_i pi' t' / (1 + t')
    spending_hat: FloatArray  # (b, N, S) E'[j, s] / E[j, s]
    flows: FloatArray  # (b, N, N, S) X' at producer prices
    demand: FloatArray  # (b, N, S) sum_j X'[i, j, s]
    supply: FloatArray  # (b, N, S) R' = r_hat q_hat R (0 if stranded)
    residual: FloatArray  # (b, N, S) (demand - supply) / (q_hat R), 0 if inactive
    numeraire_residual: FloatArray  # (b,) sum VA' / sum VA - 1
    max_residual: FloatArray  # (b,) max relative residual; inf if infeasible
    feasible: BoolArray  # (b,) final spending and every E'[j, s] >= 0


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
        Where Newton's method starts: log r_hat of a nearby solution (the year
        before, in a decade path) [log points]; non-finite entries and cells
        without sales start at 0. Default 0, the baseline. The equilibrium is
        unique, so the start changes only how many steps it takes.
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
    base = _baseline(_check_flows(flows), gamma, tariff)
    batch = _batch_inputs(base, theta, tau_hat, q_hat, new_tariff)
    _check_every_market_supplied(base, batch, region_names, sector_names)

    n_batch = batch.q_hat.shape[0]
    log_r0 = np.zeros(batch.q_hat.shape)
    if start is not None:
        given = np.broadcast_to(np.asarray(start, dtype=np.float64), log_r0.shape)
        log_r0 = np.where(np.isfinite(given) & batch.active, given, 0.0)
    with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
        # Trial points far from the solution may overflow; such points get an
        # infinite merit and are rejected by the line search, never returned.
        if n_batch <= CHUNK:
            return _iterate(base, batch, log_r0, tolerance, max_iterations)
        parts = [
            _iterate(
                base,
                batch.take(np.arange(k, min(k + CHUNK, n_batch))),
                log_r0[k : k + CHUNK],
                tolerance,
                max_iterations,
            )
            for k in range(0, n_batch, CHUNK)
        ]
    return Equilibrium(
        *(
            np.concatenate([getattr(part, f) for part in parts])
            for f in Equilibrium.__dataclass_fields__
        )
    )


def _iterate(
    base: _Baseline,
    batch: _Batch,
    log_r0: FloatArray,
    tolerance: float,
    max_iterations: int,
) -> Equilibrium:
    n_batch = batch.q_hat.shape[0]
    log_r = log_r0.copy()
    iterations = np.zeros(n_batch, dtype=np.int64)
    converged = np.zeros(n_batch, dtype=bool)
    todo = np.arange(n_batch)  # elements still iterating
    sub, state = batch, _evaluate(base, batch, log_r)
    log_p = state.log_p.copy()  # the price indices at log_r, to start from
    for iteration in range(max_iterations + 1):
        iterations[todo] = iteration
        ok = (state.max_residual < tolerance) & (
            np.abs(state.numeraire_residual) < tolerance
        )
        converged[todo[ok]] = True
        if ok.all() or iteration == max_iterations:
            break
        keep = np.flatnonzero(~ok)
        todo, sub, state = todo[keep], sub.take(keep), _take(state, keep)
        log_r[todo], state, stalled = _newton_step(base, sub, log_r[todo], state)
        log_p[todo] = state.log_p
        if stalled.any():  # no step lowers the residual: give up on these
            moving = np.flatnonzero(~stalled)
            todo, sub, state = todo[moving], sub.take(moving), _take(state, moving)
            if todo.size == 0:
                break
    return _results(base, batch, log_r, log_p, iterations, converged)


def _check_flows(flows: npt.ArrayLike) -> FloatArray:
    arr = np.asarray(flows, dtype=np.float64)
    if arr.ndim != 3 or arr.shape[0] != arr.shape[1]:
        raise ValueError(f"flows must have shape (N, N, S), got {arr.shape}")
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError("flows must be finite and >= 0")
    return arr


def _batch_inputs(
    base: _Baseline,
    theta: npt.ArrayLike,
    tau_hat: npt.ArrayLike | None,
    q_hat: npt.ArrayLike | None,
    new_tariff: npt.ArrayLike | None,
) -> _Batch:
    n, _, s = base.flows.shape
    theta_arr = np.asarray(theta, dtype=np.float64)
    tau = np.ones((n, n, s)) if tau_hat is None else np.asarray(tau_hat, np.float64)
    q = np.ones((n, s)) if q_hat is None else np.asarray(q_hat, dtype=np.float64)
    t_new = base.tariff if new_tariff is None else np.asarray(new_tariff, np.float64)
    for name, arr, shape in (
        ("theta", theta_arr, (s,)),
        ("tau_hat", tau, (n, n, s)),
        ("q_hat", q, (n, s)),
        ("new_tariff", t_new, (n, n, s)),
    ):
        if arr.shape[-len(shape) :] != shape or arr.ndim > len(shape) + 1:
            raise ValueError(
                f"{name} must have shape {shape} or (B, *{shape}), got {arr.shape}"
            )
    if not np.all(np.isfinite(theta_arr) & (theta_arr > 0)):
        raise ValueError("theta must be finite and > 0")
    if np.any(np.isnan(tau) | (tau <= 0)):
        raise ValueError("tau_hat must be > 0 (inf allowed for a prohibited flow)")
    if not np.all(np.isfinite(q) & (q > 0)):
        raise ValueError("q_hat must be finite and > 0")
    if not np.all(np.isfinite(t_new) & (t_new >= 0)):
        raise ValueError("new tariffs must be finite and >= 0")

    dims = ((theta_arr, 2), (tau, 4), (q, 3), (t_new, 4))
    sizes = {a.shape[0] for a, d in dims if a.ndim == d}
    if len(sizes) > 1:
        raise ValueError(f"batch sizes differ: {sorted(sizes)}")
    n_batch = sizes.pop() if sizes else 1
    theta_b = np.broadcast_to(theta_arr, (n_batch, s))
    tau_b = np.broadcast_to(tau, (n_batch, n, n, s))
    q_b = np.broadcast_to(q, (n_batch, n, s))
    t_b = np.broadcast_to(t_new, (n_batch, n, n, s))

    allowed = (base.flows > 0) & np.isfinite(tau_b)
    log_tau = np.where(allowed, np.log(np.where(allowed, tau_b, 1.0)), 0.0)
    if np.any(t_b != base.tariff) or np.any(base.tariff != 0):
        log_tau = log_tau + np.where(
            allowed, np.log((1 + t_b) / (1 + base.tariff)), 0.0
        )
    producing = np.broadcast_to(base.output_is > 0, (n_batch, n, s))
    can_sell = allowed.any(axis=2)
    return _Batch(
        theta=np.ascontiguousarray(theta_b),
        log_cost=log_tau,
        allowed=allowed,
        new_tariff=t_b,
        q_hat=np.ascontiguousarray(q_b),
        active=producing & can_sell,
        stranded=producing & ~can_sell,
    )


def _check_every_market_supplied(
    base: _Baseline,
    batch: _Batch,
    region_names: Sequence[str] | None,
    sector_names: Sequence[str] | None,
) -> None:
    cut_off = (base.spending_js > 0) & ~batch.allowed.any(axis=1)
    if cut_off.any():
        b, j, s = (int(v) for v in np.argwhere(cut_off)[0])
        region = region_names[j] if region_names else f"importer {j}"
        sector = sector_names[s] if sector_names else f"sector {s}"
        raise ValueError(
            f"scenario {b}: every supplier of {sector} to {region} is prohibited; "
            "the market has no equilibrium price"
        )


def _cost_terms(
    base: _Baseline, batch: _Batch, log_c: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """x = (c_hat tau_hat t_hat)^-theta (0 where not allowed) and phi_hat."""
    theta = batch.theta[:, None, None, :]
    x = np.where(
        batch.allowed, np.exp(-theta * (log_c[:, :, None, :] + batch.log_cost)), 0.0
    )
    has_market = base.spending_js > 0
    phi_hat = np.where(
        has_market,
        (base.gross * x).sum(axis=1) / np.where(has_market, base.spending_js, 1),
        1,
    )
    return x, phi_hat


def _unit_costs(
    base: _Baseline,
    batch: _Batch,
    log_r: FloatArray,
    log_p: FloatArray | None,
    inverse: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """log c_hat, x, phi_hat and log P_hat at factor prices ``log_r``.

    With input-output links the price indices solve the fixed point
    ``log P = -(1/theta) log phi_hat(beta log r + gamma log P)`` by Newton's
    method from ``log_p`` (a prediction; zeros if None):
    ``(I - Q Gamma) d log P = -H`` with ``H`` the fixed-point gap and
    ``(Q Gamma)[(j,s),(i,k)] = pi'[i,j,s] gamma[i,s,k]``. Given ``inverse``, the
    matrix ``(I - Gamma Q)^-1`` of a nearby point (from the Jacobian), the steps
    use ``(I - Q Gamma)^-1 = I + Q (I - Gamma Q)^-1 Gamma`` instead of a solve.
    """
    if not base.io:
        x, phi_hat = _cost_terms(base, batch, log_r)
        return log_r, x, phi_hat, np.log(phi_hat) / -batch.theta[:, None, :]
    n_batch, n, s = log_r.shape
    theta = batch.theta[:, None, :]
    log_p = np.zeros((n_batch, n, s)) if log_p is None else log_p
    for _ in range(MAX_INNER_ITERATIONS):
        log_c = base.beta * log_r + np.einsum("isk,bik->bis", base.gamma, log_p)
        x, phi_hat = _cost_terms(base, batch, log_c)
        gap = log_p + np.log(phi_hat) / theta
        # each element stops on its own, so that a result never depends on the
        # other scenarios of its batch
        done = np.all((np.abs(gap) < INNER_TOLERANCE) | ~np.isfinite(gap), axis=(1, 2))
        if done.all():
            break
        gap = np.where(done[:, None, None], 0.0, gap)
        share = _new_shares(base, x, phi_hat)
        if inverse is not None:
            pushed = np.einsum("isk,bik->bis", base.gamma, gap).reshape(-1, n * s, 1)
            back = np.matmul(inverse, pushed).reshape(n_batch, n, s)
            log_p = log_p - gap - np.einsum("bijs,bis->bjs", share, back)
            continue
        # d gap / d log P = I - Q Gamma, Q[(j,s),(i,s)] = pi'[i,j,s]
        q_gamma = (
            share.transpose(0, 2, 3, 1)[..., None]
            * base.gamma.transpose(1, 0, 2)[None, None]
        )
        matrix = np.eye(n * s) - q_gamma.reshape(n_batch, n * s, n * s)
        try:
            step = np.linalg.solve(matrix, gap.reshape(n_batch, n * s, 1))
        except np.linalg.LinAlgError:
            step = gap.reshape(n_batch, n * s, 1)
        log_p = log_p - step.reshape(n_batch, n, s)
    return log_c, x, phi_hat, log_p


def _new_shares(base: _Baseline, x: FloatArray, phi_hat: FloatArray) -> FloatArray:
    """pi'[i, j, s] = pi x / phi_hat (0 in markets with no spending)."""
    has_market = base.spending_js > 0
    return np.where(
        has_market,
        base.gross
        * x
        / np.where(has_market, base.spending_js * phi_hat, 1)[:, None, :, :],
        0.0,
    )


def _evaluate(
    base: _Baseline,
    batch: _Batch,
    log_r: FloatArray,
    log_p: FloatArray | None = None,
    inverse: FloatArray | None = None,
) -> _State:
    """Flows, demand and market-clearing residuals at the given log factor prices
    (``log_p``: a prediction of the log price indices there, and ``inverse`` a
    nearby ``(I - Gamma Q)^-1``, both for the inner solve).
    """
    log_c, x, phi_hat, log_p = _unit_costs(base, batch, log_r, log_p, inverse)
    supply = np.where(batch.stranded, 0.0, np.exp(log_r) * batch.q_hat) * base.output_is
    change = supply - base.output_is
    # Changes, not levels, so that a zero shock is exact.
    delta_va = (base.beta * change).sum(axis=2)
    delta_m = np.einsum("jks,bjk->bjs", base.gamma, change)
    share = _new_shares(base, x, phi_hat)
    wedge = batch.new_tariff / (1 + batch.new_tariff)
    tariff_share = (share * wedge).sum(axis=1)  # (b, N, S)
    numerator = (
        delta_va
        + (tariff_share * delta_m).sum(axis=2)
        + ((tariff_share - base.tariff_share) * base.spending_js).sum(axis=2)
    )
    delta_final = numerator / (1 - (tariff_share * base.alpha).sum(axis=2))
    has_market = base.spending_js > 0
    e_hat = 1 + np.where(
        has_market,
        (base.alpha * delta_final[:, :, None] + delta_m)
        / np.where(has_market, base.spending_js, 1),
        0.0,
    )  # E'[j, s] / E[j, s]
    # X' = pi' E' / (1 + t') = X x (E'/E) / phi_hat (1 + t) / (1 + t'), the
    # tariff ratio exactly 1 where the tariff does not change
    new_flows = (
        base.flows
        * x
        * (e_hat[:, None, :, :] / phi_hat[:, None, :, :])
        * ((1 + base.tariff) / (1 + batch.new_tariff))
    )
    demand = new_flows.sum(axis=2)
    scale = _scale(base, batch)
    residual = np.where(
        batch.active, (demand - supply) / np.where(batch.active, scale, 1), 0.0
    )
    relative = np.where(
        batch.active, np.abs(demand - supply) / np.where(batch.active, supply, 1), 0.0
    )
    numeraire = (base.beta * supply).sum(axis=(1, 2)) / base.world_value_added - 1
    # With deficits fixed, a region whose income collapses could need negative
    # spending to pay for them: no equilibrium there, however small the residual.
    feasible = (
        np.all(base.final + delta_final >= 0, axis=1)
        & np.all(e_hat >= 0, axis=(1, 2))
        & np.all(np.isfinite(relative), axis=(1, 2))
    )
    max_residual = np.where(feasible, relative.max(axis=(1, 2)), np.inf)
    return _State(
        log_c=log_c,
        log_p=log_p,
        x=x,
        phi_hat=phi_hat,
        delta_final=delta_final,
        delta_intermediate=delta_m,
        tariff_share=tariff_share,
        spending_hat=e_hat,
        flows=new_flows,
        demand=demand,
        supply=supply,
        residual=residual,
        numeraire_residual=numeraire,
        max_residual=max_residual,
        feasible=feasible,
    )


def _take(arrays: _Fields, idx: npt.NDArray[np.intp]) -> _Fields:
    """The batch elements ``idx`` of every array field (no copy if all are kept)."""
    fields = arrays.__dataclass_fields__
    if idx.size == len(getattr(arrays, next(iter(fields)))) and np.all(
        idx == np.arange(idx.size)
    ):
        return arrays
    return type(arrays)(*(getattr(arrays, f)[idx] for f in fields))


def _put(target: _State, idx: npt.NDArray[np.intp], source: _State) -> None:
    """Write the elements of ``source`` into ``target`` at batch positions ``idx``."""
    for f in target.__dataclass_fields__:
        getattr(target, f)[idx] = getattr(source, f)


def _system(
    base: _Baseline, batch: _Batch, state: _State
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray | None]:
    """Square system G(log r) = 0 and its Jacobian, flattened over (i, s).

    Rows are the scaled market-clearing residuals (demand - supply) / (q_hat R).
    Walras' law makes one of them redundant, so the row of the largest active
    producer is replaced by the numeraire condition. Rows of inactive cells are
    ``log r = 0``. With ``L = d log c / d log r = (I - Gamma Q)^-1 diag(beta)``
    (the identity without IO links), ``Q[(j,s),(i,s)] = pi'[i,j,s]`` so that
    ``d log P = Q L d log r``, and ``E'`` the new spending, the Jacobian is::

        dDemand[i,s] = theta_s (sum_j X'[i,j,s] dlogP[j,s] - Demand[i,s] dlogc[i,s])
                       + sum_j pi'[i,j,s] / (1 + t'[i,j,s]) dE'[j,s]
        dE'[j,s]     = alpha[j,s] dF'[j] + sum_k gamma[j,k,s] R'[j,k] dlogr[j,k]
        dF'[j]       = (sum_s beta R' dlogr + sum_s tw'[j,s] dM[j,s]
                        + sum_s E'[j,s] dtw[j,s]) / (1 - sum_s tw'[j,s] alpha[j,s])
        dtw[j,s]     = -theta_s (sum_i pi' w' dlogc[i,s] - tw'[j,s] dlogP[j,s])
        dSupply[i,s] = R'[i,s] dlogr[i,s]

    where ``w' = t' / (1 + t')`` and ``tw' = sum_i pi' w'`` (the tariff share).
    """
    n_batch, n, s = state.supply.shape
    size = n * s
    share = _new_shares(base, state.x, state.phi_hat)  # pi'[i, j, s]
    theta = batch.theta[:, :, None, None]  # (b, S, 1, 1)
    # Blocks are laid out (b, S, N, N*S): sector, region, then the column (k, t).
    if base.io:
        # A[(i,s),(m,k)] = gamma[i,s,k] pi'[m,i,k]: d log c = beta dr + A d log c
        coupling = (
            base.gamma[None, :, :, None, :] * share.transpose(0, 2, 1, 3)[:, :, None]
        ).reshape(n_batch, size, size)
        try:
            leontief = np.asarray(np.linalg.inv(np.eye(size) - coupling), np.float64)
        except np.linalg.LinAlgError:
            leontief = np.broadcast_to(np.eye(size), coupling.shape).copy()
        inverse: FloatArray | None = leontief
        lever = leontief * base.beta.reshape(1, 1, size)  # columns times beta
        dlog_c = lever.reshape(n_batch, n, s, size).transpose(0, 2, 1, 3)
    else:
        inverse = None
        dlog_c = np.broadcast_to(
            np.eye(size).reshape(n, s, size).transpose(1, 0, 2), (n_batch, s, n, size)
        )
    dlog_p = np.matmul(share.transpose(0, 3, 2, 1), dlog_c)  # (b, S, j, NS)
    substitution = theta * (
        np.matmul(state.flows.transpose(0, 3, 1, 2), dlog_p)
        - state.demand.transpose(0, 2, 1)[..., None] * dlog_c
    )
    regions = np.arange(n)
    # d VA' (+ tariff revenue on intermediates), (b, j, (k, t))
    d_income = np.zeros((n_batch, n, n, s))
    d_income[:, regions, regions, :] = base.beta * state.supply
    d_spending = np.zeros((n_batch, s, n, n, s))  # dM[b, s, j, (j, k)]
    if base.io:
        d_spending[:, :, regions, regions, :] = np.einsum(
            "jks,bjk->bsjk", base.gamma, state.supply
        )
    if np.any(batch.new_tariff):
        wedge = batch.new_tariff / (1 + batch.new_tariff)
        tw = state.tariff_share  # (b, N, S)
        d_tw = -theta * (
            np.matmul((share * wedge).transpose(0, 3, 2, 1), dlog_c)
            - tw.transpose(0, 2, 1)[..., None] * dlog_p
        )  # (b, S, j, NS)
        new_spending = state.spending_hat * base.spending_js  # E'[j, s]
        d_income[:, regions, regions, :] += state.supply * np.einsum(
            "jks,bjs->bjk", base.gamma, tw
        )
        by_price = np.matmul(new_spending[:, :, None, :], d_tw.transpose(0, 2, 1, 3))
        d_final = (d_income.reshape(n_batch, n, size) + by_price[:, :, 0, :]) / (
            1 - (tw * base.alpha).sum(axis=2)
        )[..., None]
    else:
        d_final = d_income.reshape(n_batch, n, size)
    d_spending = d_spending.reshape(n_batch, s, n, size) + (
        base.alpha.T[None, :, :, None] * d_final[:, None, :, :]
    )
    received = share / (1 + batch.new_tariff)  # pi' / (1 + t')
    income = np.matmul(received.transpose(0, 3, 1, 2), d_spending)  # (b, S, i, NS)
    jac = (substitution + income).transpose(0, 2, 1, 3).reshape(n_batch, size, size)
    diag = np.arange(size)
    jac[:, diag, diag] -= state.supply.reshape(n_batch, size)
    active = batch.active.reshape(n_batch, size)
    jac /= np.where(active, _scale(base, batch).reshape(n_batch, size), 1)[:, :, None]
    inactive = ~active
    jac[inactive] = 0.0
    b_idx, r_idx = np.nonzero(inactive)
    jac[b_idx, r_idx, r_idx] = 1.0

    rhs, ref = _rhs(base, batch, state)
    jac[np.arange(n_batch), ref, :] = (base.beta * state.supply).reshape(
        n_batch, size
    ) / base.world_value_added
    return rhs, jac, dlog_p, inverse


def _newton_step(
    base: _Baseline, batch: _Batch, log_r: FloatArray, state: _State
) -> tuple[FloatArray, _State, BoolArray]:
    """One Newton step with backtracking on the squared residual norm.

    Returns the new log factor prices, the state there, and the elements for
    which no step length up to 2**-MAX_HALVINGS lowered the residual (stalled).
    """
    rhs, jac, dlog_p, inverse = _system(base, batch, state)
    try:
        step = -np.linalg.solve(jac, rhs[:, :, None])[:, :, 0].reshape(log_r.shape)
    except np.linalg.LinAlgError:
        step = _tatonnement_step(batch, state)
    largest = np.abs(step).max(axis=(1, 2))
    step *= np.minimum(1.0, MAX_LOG_STEP / np.maximum(largest, 1e-300))[:, None, None]

    merit = _merit(rhs, state)
    new_log_r = log_r + step
    # first-order prediction of the price indices: d log P = Q L d log r
    n_batch, n, s = log_r.shape
    price_step = np.matmul(dlog_p, step.reshape(n_batch, 1, n * s, 1))[..., 0]
    price_step = price_step.transpose(0, 2, 1)  # (b, N, S)
    new_state = _evaluate(base, batch, new_log_r, state.log_p + price_step, inverse)
    pending = np.flatnonzero(
        _merit(_rhs(base, batch, new_state)[0], new_state) >= merit
    )
    length = 1.0
    for _ in range(MAX_HALVINGS):
        if pending.size == 0:
            break
        length /= 2
        sub = batch.take(pending)
        trial = log_r[pending] + length * step[pending]
        predicted = state.log_p[pending] + length * price_step[pending]
        trial_state = _evaluate(
            base, sub, trial, predicted, None if inverse is None else inverse[pending]
        )
        better = _merit(_rhs(base, sub, trial_state)[0], trial_state) < merit[pending]
        accepted = pending[better]
        new_log_r[accepted] = trial[better]
        _put(new_state, accepted, _take(trial_state, np.flatnonzero(better)))
        pending = pending[~better]
    stalled = np.zeros(log_r.shape[0], dtype=bool)
    stalled[pending] = True
    new_log_r[pending] = log_r[pending]
    return new_log_r, new_state, stalled


def _scale(base: _Baseline, batch: _Batch) -> FloatArray:
    """Row scale of the system: output at baseline prices q_hat R (b, N, S)."""
    return batch.q_hat * base.output_is


def _rhs(
    base: _Baseline, batch: _Batch, state: _State
) -> tuple[FloatArray, npt.NDArray[np.intp]]:
    """The residual vector of the square system and the replaced (reference) row."""
    n_batch = state.supply.shape[0]
    size = state.supply.shape[1] * state.supply.shape[2]
    scale = np.where(batch.active, _scale(base, batch), -1).reshape(n_batch, size)
    ref = np.argmax(scale, axis=1)
    rhs = state.residual.reshape(n_batch, size).copy()
    rhs[np.arange(n_batch), ref] = state.numeraire_residual
    return rhs, ref


def _merit(rhs: FloatArray, state: _State) -> FloatArray:
    """Squared norm of the system's residual; inf at infeasible points."""
    merit = np.einsum("bn,bn->b", rhs, rhs)
    return np.where(np.isfinite(merit) & state.feasible, merit, np.inf)


def _tatonnement_step(batch: _Batch, state: _State) -> FloatArray:
    """Damped fixed-point step log(demand / supply) / (1 + theta), a fallback."""
    ratio = np.where(
        batch.active, state.demand / np.where(batch.active, state.supply, 1), 1.0
    )
    return np.log(ratio) / (1 + batch.theta[:, None, :])


def _results(
    base: _Baseline,
    batch: _Batch,
    log_r: FloatArray,
    log_p: FloatArray,
    iterations: npt.NDArray[np.int64],
    converged: BoolArray,
) -> Equilibrium:
    state = _evaluate(base, batch, log_r, log_p)
    theta = batch.theta[:, None, :]
    sector_price_hat = state.phi_hat ** (-1 / theta)
    price_hat = np.exp((base.alpha[None] * np.log(sector_price_hat)).sum(axis=2))
    final_hat = 1 + state.delta_final / base.final
    welfare_hat = final_hat / price_hat
    shares = _new_shares(base, state.x, state.phi_hat)
    r_hat = np.where(batch.stranded, 0.0, np.exp(log_r))
    p_hat = np.where(batch.stranded, 0.0, np.exp(state.log_c))
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
