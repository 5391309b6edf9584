"""Multi-sector Armington general equilibrium in changes (exact hat algebra).

Arrays follow the index convention ``[b, i, j, s]``: batch element ``b`` (one
scenario), exporter ``i``, importer ``j``, sector ``s``. Values are in the units of
the baseline flows (USD bn for the calibrated data); every "hat" is the ratio of
the new value to the baseline value.

The model (Dekle, Eaton and Kortum 2008; Costinot and Rodriguez-Clare 2014) with
baseline flows ``X[i, j, s]``, trade elasticities ``theta[s]``, iceberg shocks
``tau_hat[i, j, s]`` (``inf`` = prohibited) and capacity shocks ``q_hat[i, s]``;
unknown factory-gate prices ``p_hat[i, s]``::

    x[i,j,s]      = (p_hat[i,s] tau_hat[i,j,s]) ** -theta[s]
    Phi_hat[j,s]  = sum_i pi[i,j,s] x[i,j,s]          = P_hat[j,s] ** -theta[s]
    pi'[i,j,s]    = pi[i,j,s] x[i,j,s] / Phi_hat[j,s]
    Y'[i]         = sum_s p_hat[i,s] q_hat[i,s] Y[i,s]
    E'[j]         = Y'[j] + D[j]                        (deficits D fixed)
    p_hat[i,s] q_hat[i,s] Y[i,s] = sum_j pi'[i,j,s] alpha[j,s] E'[j]
    sum_i Y'[i]   = sum_i Y[i]                          (world GDP is the numeraire)

Welfare is ``W_hat[j] = (E'[j] / E[j]) / P_hat[j]`` with the Cobb-Douglas index
``P_hat[j] = prod_s P_hat[j,s] ** alpha[j,s]``.

The solver is Newton's method on ``log p_hat`` with the analytic Jacobian and a
backtracking line search, batched over ``b``. Excess demand has the gross-
substitutes property here, so the equilibrium is unique; the line search makes
each step decrease the residual. All quantities are built as changes relative to
the baseline, so a zero shock returns ``p_hat = 1`` and the baseline flows exactly.

Two edge cases are solved exactly rather than approximated:

* a supplier with zero output in a sector (``Y[i,s] = 0``) keeps ``p_hat = 1``;
  its price is irrelevant because it has no flows;
* a supplier all of whose sales in a sector are prohibited is *stranded*: its
  output cannot be sold, so ``p_hat = 0`` and its revenue is zero.

A market that loses every supplier has no equilibrium (its price would be
infinite); :func:`solve` rejects such shocks with a ``ValueError``.

The module is longer than most (about 540 lines) on purpose: it is one algorithm,
and the residual, its analytic Jacobian and the line search must change together.

References
----------
Armington (1969); Anderson and van Wincoop (2003); Dekle, Eaton and Kortum (2008),
"Global rebalancing with gravity", IMF Staff Papers 55(3); Costinot and
Rodriguez-Clare (2014), Handbook of International Economics vol. 4, ch. 4;
Arkolakis, Costinot and Rodriguez-Clare (2012), AER 102(1).
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


@dataclass(frozen=True)
class Equilibrium:
    """Counterfactual equilibrium of a batch of scenarios.

    Results of an element that did not converge are NaN: never a made-up number.
    """

    p_hat: FloatArray  # (B, N, S) factory-gate price change [ratio]
    flows: FloatArray  # (B, N, N, S) new flows X'[i, j, s] [baseline units]
    shares: FloatArray  # (B, N, N, S) new import shares pi'[i, j, s] [0-1]
    sector_price_hat: FloatArray  # (B, N, S) P_hat[j, s] [ratio]
    price_hat: FloatArray  # (B, N) aggregate price index P_hat[j] [ratio]
    income: FloatArray  # (B, N) new income (GDP) Y'[j] [baseline units]
    spending: FloatArray  # (B, N) new spending E'[j] [baseline units]
    welfare_hat: FloatArray  # (B, N) real income W_hat[j] [ratio]
    welfare_change_pct: FloatArray  # (B, N) 100 (W_hat - 1) [%]
    welfare_change_value: FloatArray  # (B, N) (W_hat - 1) E[j] [baseline units]
    iterations: npt.NDArray[np.int64]  # (B,) Newton iterations taken
    max_residual: FloatArray  # (B,) max relative market-clearing residual
    converged: BoolArray  # (B,) residual below TOLERANCE

    @property
    def all_converged(self) -> bool:
        return bool(self.converged.all())


@dataclass(frozen=True)
class _Baseline:
    """Baseline aggregates of the flow array X[i, j, s] (no batch axis)."""

    flows: FloatArray  # X (N, N, S)
    spending_js: FloatArray  # E[j, s] = sum_i X (N, S)
    output_is: FloatArray  # Y[i, s] = sum_j X (N, S)
    spending: FloatArray  # E[j] (N,)
    world_output: float  # sum_i Y[i]
    alpha: FloatArray  # E[j, s] / E[j] (N, S)


def _baseline(flows: FloatArray) -> _Baseline:
    spending_js = flows.sum(axis=0)
    spending = spending_js.sum(axis=1)
    if np.any(spending <= 0):
        j = int(np.flatnonzero(spending <= 0)[0])
        raise ValueError(f"importer {j} has no spending at all: welfare is undefined")
    output_is = flows.sum(axis=1)
    return _Baseline(
        flows=flows,
        spending_js=spending_js,
        output_is=output_is,
        spending=spending,
        world_output=float(output_is.sum()),
        alpha=spending_js / spending[:, None],
    )


_Fields = TypeVar("_Fields", "_Batch", "_State")
"""A dataclass of batched arrays (batch axis first)."""


@dataclass(frozen=True)
class _Batch:
    """Per-scenario inputs, with the batch axis first."""

    theta: FloatArray  # (B, S)
    log_tau: FloatArray  # (B, N, N, S), 0 where the flow is not allowed
    allowed: BoolArray  # (B, N, N, S): baseline flow > 0 and tau finite
    q_hat: FloatArray  # (B, N, S)
    active: BoolArray  # (B, N, S): producing and able to sell somewhere
    stranded: BoolArray  # (B, N, S): producing but every sale prohibited

    def take(self, idx: npt.NDArray[np.intp]) -> _Batch:
        return _take(self, idx)


@dataclass(frozen=True)
class _State:
    """Everything derived from log prices that the solver and the results need."""

    x: FloatArray  # (b, N, N, S) (p_hat tau_hat)^-theta, 0 where not allowed
    phi_hat: FloatArray  # (b, N, S) P_hat[j, s]^-theta
    e_hat: FloatArray  # (b, N) E'[j] / E[j]
    flows: FloatArray  # (b, N, N, S) X'
    demand: FloatArray  # (b, N, S) sum_j X'[i, j, s]
    supply: FloatArray  # (b, N, S) p_hat q_hat Y (0 if stranded)
    residual: FloatArray  # (b, N, S) (demand - supply) / (q_hat Y), 0 if inactive
    numeraire_residual: FloatArray  # (b,) sum_i Y'[i] / sum_i Y[i] - 1
    max_residual: FloatArray  # (b,) max relative residual; inf if infeasible
    feasible: BoolArray  # (b,) every region's spending E'[j] >= 0


def solve(
    flows: npt.ArrayLike,
    theta: npt.ArrayLike,
    tau_hat: npt.ArrayLike | None = None,
    q_hat: npt.ArrayLike | None = None,
    *,
    region_names: Sequence[str] | None = None,
    sector_names: Sequence[str] | None = None,
    tolerance: float = TOLERANCE,
    max_iterations: int = MAX_ITERATIONS,
) -> Equilibrium:
    """Solve the counterfactual equilibrium for a batch of shocks.

    Parameters
    ----------
    flows : array (N, N, S)
        Baseline flows X[i, j, s] >= 0, exporter i to importer j, incl. the diagonal
        (home sales) [any currency unit; results come back in the same unit].
    theta : array (S,) or (B, S)
        Trade elasticity per sector, > 0 [unitless].
    tau_hat : array (N, N, S) or (B, N, N, S), optional
        Iceberg trade-cost changes > 0; ``inf`` prohibits the flow. Default 1.
    q_hat : array (N, S) or (B, N, S), optional
        Capacity (endowment) changes > 0. Default 1.
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
        Inputs of the wrong shape, negative or non-finite flows, theta <= 0,
        shocks <= 0 or NaN, or a market left with no supplier.
    """
    base = _baseline(_check_flows(flows))
    batch = _batch_inputs(base, theta, tau_hat, q_hat)
    _check_every_market_supplied(base, batch, region_names, sector_names)

    with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
        # Trial points far from the solution may overflow; such points get an
        # infinite merit and are rejected by the line search, never returned.
        return _iterate(base, batch, tolerance, max_iterations)


def _iterate(
    base: _Baseline, batch: _Batch, tolerance: float, max_iterations: int
) -> Equilibrium:
    n_batch = batch.q_hat.shape[0]
    log_p = np.zeros(batch.q_hat.shape)
    iterations = np.zeros(n_batch, dtype=np.int64)
    converged = np.zeros(n_batch, dtype=bool)
    todo = np.arange(n_batch)  # elements still iterating
    sub, state = batch, _evaluate(base, batch, log_p)
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
        log_p[todo], state, stalled = _newton_step(base, sub, log_p[todo], state)
        if stalled.any():  # no step lowers the residual: give up on these
            moving = np.flatnonzero(~stalled)
            todo, sub, state = todo[moving], sub.take(moving), _take(state, moving)
            if todo.size == 0:
                break
    return _results(base, batch, log_p, iterations, converged)


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
) -> _Batch:
    n, _, s = base.flows.shape
    theta_arr = np.asarray(theta, dtype=np.float64)
    tau = np.ones((n, n, s)) if tau_hat is None else np.asarray(tau_hat, np.float64)
    q = np.ones((n, s)) if q_hat is None else np.asarray(q_hat, dtype=np.float64)
    for name, arr, shape in (
        ("theta", theta_arr, (s,)),
        ("tau_hat", tau, (n, n, s)),
        ("q_hat", q, (n, s)),
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

    sizes = {a.shape[0] for a, d in ((theta_arr, 2), (tau, 4), (q, 3)) if a.ndim == d}
    if len(sizes) > 1:
        raise ValueError(f"batch sizes differ: {sorted(sizes)}")
    n_batch = sizes.pop() if sizes else 1
    theta_b = np.broadcast_to(theta_arr, (n_batch, s))
    tau_b = np.broadcast_to(tau, (n_batch, n, n, s))
    q_b = np.broadcast_to(q, (n_batch, n, s))

    allowed = (base.flows > 0) & np.isfinite(tau_b)
    log_tau = np.where(allowed, np.log(np.where(allowed, tau_b, 1.0)), 0.0)
    producing = np.broadcast_to(base.output_is > 0, (n_batch, n, s))
    can_sell = allowed.any(axis=2)
    return _Batch(
        theta=np.ascontiguousarray(theta_b),
        log_tau=log_tau,
        allowed=allowed,
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


def _evaluate(base: _Baseline, batch: _Batch, log_p: FloatArray) -> _State:
    """Flows, demand and market-clearing residuals at the given log prices."""
    theta = batch.theta[:, None, None, :]
    x = np.where(
        batch.allowed,
        np.exp(-theta * (log_p[:, :, None, :] + batch.log_tau)),
        0.0,
    )
    weighted = base.flows * x
    has_market = base.spending_js > 0
    phi_hat = np.where(
        has_market, weighted.sum(axis=1) / np.where(has_market, base.spending_js, 1), 1
    )
    supply = np.where(batch.stranded, 0.0, np.exp(log_p) * batch.q_hat) * base.output_is
    # E'[j] = E[j] + (Y'[j] - Y[j]): built as a change so a zero shock is exact.
    extra_income = (supply - base.output_is).sum(axis=2)
    e_hat = 1 + extra_income / base.spending
    new_flows = weighted * (e_hat[:, None, :, None] / phi_hat[:, None, :, :])
    demand = new_flows.sum(axis=2)
    scale = _scale(base, batch)
    residual = np.where(
        batch.active, (demand - supply) / np.where(batch.active, scale, 1), 0.0
    )
    relative = np.where(
        batch.active, np.abs(demand - supply) / np.where(batch.active, supply, 1), 0.0
    )
    numeraire = supply.sum(axis=(1, 2)) / base.world_output - 1
    # With deficits fixed, a region whose income collapses could need negative
    # spending to pay for them: no equilibrium there, however small the residual.
    feasible = np.all(e_hat >= 0, axis=1) & np.all(np.isfinite(relative), axis=(1, 2))
    max_residual = np.where(feasible, relative.max(axis=(1, 2)), np.inf)
    return _State(
        x=x,
        phi_hat=phi_hat,
        e_hat=e_hat,
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
) -> tuple[FloatArray, FloatArray]:
    """Square system G(log p) = 0 and its Jacobian, flattened over (i, s).

    Rows are the scaled market-clearing residuals (demand - supply) / (q_hat Y).
    Walras' law makes one of them redundant, so the row of the largest active
    producer is replaced by the numeraire condition. Rows of inactive cells are
    ``log p = 0``. The Jacobian with respect to log p[k, t] is::

        dDemand[i,s] = 1[s=t] (-theta_s) (1[i=k] Demand[i,s]
                                         - sum_j X'[i,j,s] pi'[k,j,s])
                       + pi'[i,k,s] alpha[k,s] Y'[k,t]
        dSupply[i,s] = 1[i=k, s=t] Supply[i,s]
    """
    n_batch, n, s = state.supply.shape
    size = n * s
    has_market = base.spending_js > 0
    share = np.where(
        has_market,
        base.flows
        * state.x
        / np.where(has_market, base.spending_js * state.phi_hat, 1)[:, None, :, :],
        0.0,
    )  # pi'[i, j, s]
    # cross[b, s, i, k] = sum_j X'[i, j, s] pi'[k, j, s]
    cross = np.matmul(state.flows.transpose(0, 3, 1, 2), share.transpose(0, 3, 2, 1))
    substitution = -batch.theta[:, :, None, None] * (
        np.eye(n) * state.demand.transpose(0, 2, 1)[:, :, :, None] - cross
    )  # (b, s, i, k)
    # income[b, i, s, k, t] = pi'[i, k, s] alpha[k, s] Y'[k, t]
    weight = (share * base.alpha[None, None]).transpose(0, 1, 3, 2)  # (b, i, s, k)
    jac5 = np.empty((n_batch, n, s, n, s))
    np.multiply(weight[..., None], state.supply[:, None, None], out=jac5)
    sidx = np.arange(s)
    jac5[:, :, sidx, :, sidx] += substitution.transpose(1, 0, 2, 3)  # (s, b, i, k)
    jac = jac5.reshape(n_batch, size, size)
    diag = np.arange(size)
    jac[:, diag, diag] -= state.supply.reshape(n_batch, size)
    active = batch.active.reshape(n_batch, size)
    jac /= np.where(active, _scale(base, batch).reshape(n_batch, size), 1)[:, :, None]
    inactive = ~active
    jac[inactive] = 0.0
    b_idx, r_idx = np.nonzero(inactive)
    jac[b_idx, r_idx, r_idx] = 1.0

    rhs, ref = _rhs(base, batch, state)
    jac[np.arange(n_batch), ref, :] = (
        state.supply.reshape(n_batch, size) / base.world_output
    )
    return rhs, jac


def _newton_step(
    base: _Baseline, batch: _Batch, log_p: FloatArray, state: _State
) -> tuple[FloatArray, _State, BoolArray]:
    """One Newton step with backtracking on the squared residual norm.

    Returns the new log prices, the state there, and the elements for which no
    step length up to 2**-MAX_HALVINGS lowered the residual (stalled).
    """
    rhs, jac = _system(base, batch, state)
    try:
        step = -np.linalg.solve(jac, rhs[:, :, None])[:, :, 0].reshape(log_p.shape)
    except np.linalg.LinAlgError:
        step = _tatonnement_step(batch, state)
    largest = np.abs(step).max(axis=(1, 2))
    step *= np.minimum(1.0, MAX_LOG_STEP / np.maximum(largest, 1e-300))[:, None, None]

    merit = _merit(rhs, state)
    new_log_p = log_p + step
    new_state = _evaluate(base, batch, new_log_p)
    pending = np.flatnonzero(
        _merit(_rhs(base, batch, new_state)[0], new_state) >= merit
    )
    length = 1.0
    for _ in range(MAX_HALVINGS):
        if pending.size == 0:
            break
        length /= 2
        sub = batch.take(pending)
        trial = log_p[pending] + length * step[pending]
        trial_state = _evaluate(base, sub, trial)
        better = _merit(_rhs(base, sub, trial_state)[0], trial_state) < merit[pending]
        accepted = pending[better]
        new_log_p[accepted] = trial[better]
        _put(new_state, accepted, _take(trial_state, np.flatnonzero(better)))
        pending = pending[~better]
    stalled = np.zeros(log_p.shape[0], dtype=bool)
    stalled[pending] = True
    new_log_p[pending] = log_p[pending]
    return new_log_p, new_state, stalled


def _scale(base: _Baseline, batch: _Batch) -> FloatArray:
    """Row scale of the system: output at baseline prices q_hat Y (b, N, S)."""
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
    log_p: FloatArray,
    iterations: npt.NDArray[np.int64],
    converged: BoolArray,
) -> Equilibrium:
    state = _evaluate(base, batch, log_p)
    theta = batch.theta[:, None, :]
    sector_price_hat = state.phi_hat ** (-1 / theta)
    price_hat = np.exp((base.alpha[None] * np.log(sector_price_hat)).sum(axis=2))
    welfare_hat = state.e_hat / price_hat
    has_market = base.spending_js > 0
    # pi'[i, j, s] = X'[i, j, s] / (alpha[j, s] E'[j]) = X' / (E[j, s] E_hat[j])
    market_size = (
        np.where(has_market, base.spending_js, 1)[None] * state.e_hat[:, :, None]
    )
    shares = np.where(has_market, state.flows / market_size[:, None], 0.0)
    p_hat = np.where(batch.stranded, 0.0, np.exp(log_p))

    def valid(arr: FloatArray) -> FloatArray:
        mask = converged.reshape((-1,) + (1,) * (arr.ndim - 1))
        return np.where(mask, arr, np.nan)

    return Equilibrium(
        p_hat=valid(p_hat),
        flows=valid(state.flows),
        shares=valid(shares),
        sector_price_hat=valid(sector_price_hat),
        price_hat=valid(price_hat),
        income=valid(state.supply.sum(axis=2)),
        spending=valid(state.e_hat * base.spending),
        welfare_hat=valid(welfare_hat),
        welfare_change_pct=valid(100 * (welfare_hat - 1)),
        welfare_change_value=valid((welfare_hat - 1) * base.spending),
        iterations=iterations,
        max_residual=state.max_residual,
        converged=converged,
    )
