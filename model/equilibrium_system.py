"""The equilibrium of :mod:`model.equilibrium` as a square system in log unit costs.

Unknowns are ``u = log c_hat[i, s]``, the log changes of unit costs. Given ``u``
everything is explicit, with no inner fixed point:

* price indices ``log P_hat[j,s] = -(1/theta_s) log sum_i pi[i,j,s]
  exp(-theta_s (u[i,s] + log tau_hat t_hat))``;
* factor prices from the unit cost ``u = beta log r + gamma log P``:
  ``log r_hat = (u - gamma log P_hat) / beta``;
* supply ``R' = r_hat q_hat R``, spending ``E'`` and demand ``sum_j X'`` as in
  the module docstring of :mod:`model.equilibrium`.

The residuals are the relative market-clearing gaps ``(demand - supply) / (q_hat
R)``; Walras' law makes one redundant, so the row of the largest active producer
is replaced by the numeraire condition ``sum VA' / sum VA - 1``. Inactive cells
(no output, or every sale prohibited) have no flows, so their unit cost plays no
part; their rows are ``u = const``.

The Jacobian ``J = dG/du`` is never needed as a matrix of the model's size: with
``Q[(j,s),(i,s)] = pi'[i,j,s]`` (trade couples regions within a sector) and
``Gamma[(i,s),(i,k)] = gamma[i,s,k]`` (input-output couples sectors within a
region), a direction ``v`` maps to::

    dlogP = Q v                          dlogr = (v - Gamma dlogP) / beta
    dR'   = R' dlogr                     dM[j,s] = sum_k gamma[j,k,s] dR'[j,k]
    dtw   = -theta (Q_w v - tw dlogP)    (tariff share, Q_w = Q t'/(1+t'))
    dF'[j] = (sum_s beta dR' + sum_s tw dM + sum_s E' dtw) / (1 - sum_s tw alpha)
    dE'   = alpha dF' + dM
    dDemand[i,s] = theta (sum_j X'[i,j,s] dlogP[j,s] - Demand[i,s] v[i,s])
                   + sum_j pi'[i,j,s] / (1 + t'[i,j,s]) dE'[j,s]
    dG    = (dDemand - dR') / (q_hat R)

:func:`jacobian_apply` evaluates this for a block of directions at once; it costs
``O(N^2 S + N S^2)`` per direction. Applied to the identity it is the dense
Jacobian of a small model (:func:`dense_jacobian`). :func:`block_preconditioner`
keeps of ``J`` the part that couples regions within a sector (one ``N x N``
block per sector: substitution, own supply and own spending), the preconditioner
of the Krylov solve of a large model.

Vectors of the system are laid out ``(b, S, N)``: batch, sector, region.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from model.equilibrium_accounts import Aggregates, Batch, take

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.intp]
_Array = TypeVar("_Array", FloatArray, BoolArray)


@dataclass(frozen=True)
class State:
    """Everything derived from log unit costs that the solver needs."""

    log_c: FloatArray  # (b, N, S) log c_hat, the unknowns
    log_p: FloatArray  # (b, N, S) log P_hat
    log_r: FloatArray  # (b, N, S) log r_hat (0 where inactive)
    x: FloatArray  # (b, N, N, S) (c_hat tau_hat t_hat)^-theta, 0 where not allowed
    phi_hat: FloatArray  # (b, N, S) P_hat[j, s]^-theta
    share: FloatArray  # (b, N, N, S) pi'[i, j, s]
    delta_final: FloatArray  # (b, N) F'[j] - F[j]
    tariff_share: FloatArray  # (b, N, S) sum_i pi' t' / (1 + t')
    spending_hat: FloatArray  # (b, N, S) E'[j, s] / E[j, s]
    flows: FloatArray  # (b, N, N, S) X' at producer prices
    demand: FloatArray  # (b, N, S) sum_j X'[i, j, s]
    supply: FloatArray  # (b, N, S) R' = r_hat q_hat R (0 if stranded)
    residual: FloatArray  # (b, N, S) (demand - supply) / (q_hat R), 0 if inactive
    numeraire_residual: FloatArray  # (b,) sum VA' / sum VA - 1
    max_residual: FloatArray  # (b,) max relative residual; inf if infeasible
    feasible: BoolArray  # (b,) final spending and every E'[j, s] >= 0

    def take(self, idx: IntArray) -> State:
        return take(self, idx)


def gamma_times(base: Aggregates, w: FloatArray) -> FloatArray:
    """(Gamma w)[b, i, s] = sum_k gamma[i, s, k] w[b, i, k]."""
    return np.matmul(base.gamma, w[..., None])[..., 0]


def evaluate(base: Aggregates, batch: Batch, log_c: FloatArray) -> State:
    """Prices, flows and market-clearing residuals at log unit costs ``log_c``."""
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
    log_p = np.log(phi_hat) / -batch.theta[:, None, :]
    log_r = (log_c - gamma_times(base, log_p)) / base.beta if base.io else log_c
    log_r = np.where(batch.active, log_r, 0.0)
    supply = np.where(batch.stranded, 0.0, np.exp(log_r) * batch.q_hat) * base.output_is
    change = supply - base.output_is
    # Changes, not levels, so that a zero shock is exact.
    delta_va = (base.beta * change).sum(axis=2)
    delta_m = np.einsum("jks,bjk->bjs", base.gamma, change)
    share = np.where(
        has_market,
        base.gross * x / np.where(has_market, base.spending_js * phi_hat, 1)[:, None],
        0.0,
    )
    tariff_share = (share * batch.wedge).sum(axis=1)  # (b, N, S)
    numerator = (
        delta_va
        + (tariff_share * delta_m).sum(axis=2)
        + ((tariff_share - base.tariff_share) * base.spending_js).sum(axis=2)
    )
    delta_final = numerator / (1 - (tariff_share * base.alpha).sum(axis=2))
    e_hat = 1 + np.where(
        has_market,
        (base.alpha * delta_final[:, :, None] + delta_m)
        / np.where(has_market, base.spending_js, 1),
        0.0,
    )  # E'[j, s] / E[j, s]
    # X' = pi' E' / (1 + t') = X x (E'/E) / phi_hat (1 + t) / (1 + t'), the
    # tariff ratio exactly 1 where the tariff does not change
    new_flows = base.flows * x * (e_hat / phi_hat)[:, None] * batch.tariff_ratio
    demand = new_flows.sum(axis=2)
    scale = row_scale(base, batch)
    residual = np.where(batch.active, (demand - supply) / scale, 0.0)
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
    return State(
        log_c=log_c,
        log_p=log_p,
        log_r=log_r,
        x=x,
        phi_hat=phi_hat,
        share=share,
        delta_final=delta_final,
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


def row_scale(base: Aggregates, batch: Batch) -> FloatArray:
    """Row scale of the system: output at baseline prices q_hat R, 1 where inactive
    (b, N, S)."""
    return np.where(batch.active, batch.q_hat * base.output_is, 1.0)


def reference_row(base: Aggregates, batch: Batch) -> IntArray:
    """The (s, i)-flat row of the largest active producer of each element, which
    carries the numeraire condition."""
    size = base.beta.size
    scale = np.where(batch.active, batch.q_hat * base.output_is, -1.0)
    return np.argmax(scale.transpose(0, 2, 1).reshape(-1, size), axis=1)


def rhs(base: Aggregates, batch: Batch, state: State) -> FloatArray:
    """The residual vector of the square system, flat (b, S N)."""
    n_batch = state.supply.shape[0]
    out = state.residual.transpose(0, 2, 1).reshape(n_batch, -1).copy()
    out[np.arange(n_batch), reference_row(base, batch)] = state.numeraire_residual
    return out


def merit(values: FloatArray, state: State) -> FloatArray:
    """Squared norm of the system's residual; inf at infeasible points."""
    norm = np.einsum("bn,bn->b", values, values)
    return np.where(np.isfinite(norm) & state.feasible, norm, np.inf)


@dataclass(frozen=True)
class Linearisation:
    """The arrays of ``J`` at one state, laid out for products within a sector:
    every ``(b, S, N, N)`` array is contiguous, so that each product is one
    batched matrix product."""

    share_ji: FloatArray  # (b, S, j, i) pi'[i, j, s]
    flows_ij: FloatArray  # (b, S, i, j) X'[i, j, s]
    received_ij: FloatArray  # (b, S, i, j) pi'[i, j, s] / (1 + t'[i, j, s])
    taxed_ji: FloatArray | None  # (b, S, j, i) pi' t' / (1 + t'); None: no tariffs
    theta: FloatArray  # (b, S, 1, 1)
    beta: FloatArray  # (S, N, 1)
    gamma_t: FloatArray  # (N, S, S) gamma[j, k, s] as [j, s, k]
    supply: FloatArray  # (b, S, N, 1) R'
    demand: FloatArray  # (b, S, N, 1)
    tariff_share: FloatArray  # (b, S, N, 1) tw
    spending: FloatArray  # (b, S, N, 1) E'
    income_scale: FloatArray  # (b, N, 1) 1 / (1 - sum_s tw alpha)
    alpha: FloatArray  # (1, S, N, 1)
    scale: FloatArray  # (b, S, N, 1) row scale
    active: BoolArray  # (b, S, N, 1)
    reference: IntArray  # (b,) flat (s, i) row of the numeraire


def linearise(base: Aggregates, batch: Batch, state: State) -> Linearisation:
    """The arrays :func:`jacobian_apply` needs at ``state``, computed once."""

    def sector_major(arr: FloatArray, order: tuple[int, ...]) -> FloatArray:
        return np.ascontiguousarray(arr.transpose(*order))

    def column(arr: _Array) -> _Array:
        return np.ascontiguousarray(arr.transpose(0, 2, 1))[..., None]

    taxed = None
    if batch.taxed.any():
        taxed = sector_major(state.share * batch.wedge, (0, 3, 2, 1))
    return Linearisation(
        share_ji=sector_major(state.share, (0, 3, 2, 1)),
        flows_ij=sector_major(state.flows, (0, 3, 1, 2)),
        received_ij=sector_major(state.share * batch.inverse_markup, (0, 3, 1, 2)),
        taxed_ji=taxed,
        theta=batch.theta[:, :, None, None],
        beta=base.beta.T[:, :, None],
        gamma_t=np.ascontiguousarray(base.gamma.transpose(0, 2, 1)),
        supply=column(state.supply),
        demand=column(state.demand),
        tariff_share=column(state.tariff_share),
        spending=column(state.spending_hat * base.spending_js),
        income_scale=1 / (1 - (state.tariff_share * base.alpha).sum(axis=2))[..., None],
        alpha=base.alpha.T[None, :, :, None],
        scale=column(row_scale(base, batch)),
        active=column(batch.active),
        reference=reference_row(base, batch),
    )


def jacobian_apply(base: Aggregates, lin: Linearisation, v: FloatArray) -> FloatArray:
    """``J v`` for a block of directions ``v`` (b, S, N, K) -> (b, S, N, K).

    The formulas are in the module docstring; every product is a batched matrix
    product within a sector (``N x N``) or within a region (``S x S``).
    """
    dlog_p = np.matmul(lin.share_ji, v)  # (b, S, j, K)
    if base.io:
        # (Gamma w)[i,s] = sum_k gamma[i,s,k] w[i,k], in the (S, N) layout
        pushed = np.matmul(base.gamma, dlog_p.transpose(0, 2, 1, 3))
        d_supply = lin.supply * (v - pushed.transpose(0, 2, 1, 3)) / lin.beta
        # dM[j,s] = sum_k gamma[j,k,s] dR'[j,k]
        d_m = np.matmul(lin.gamma_t, d_supply.transpose(0, 2, 1, 3)).transpose(
            0, 2, 1, 3
        )
    else:
        d_supply = lin.supply * v
        d_m = np.zeros_like(v)
    d_income = (lin.beta * d_supply).sum(axis=1)  # (b, N, K)
    if lin.taxed_ji is not None:
        d_tw = -lin.theta * (np.matmul(lin.taxed_ji, v) - lin.tariff_share * dlog_p)
        d_income = d_income + (lin.tariff_share * d_m + lin.spending * d_tw).sum(axis=1)
        d_income = d_income * lin.income_scale
    d_spending = lin.alpha * d_income[:, None] + d_m
    d_demand = lin.theta * (
        np.matmul(lin.flows_ij, dlog_p) - lin.demand * v
    ) + np.matmul(lin.received_ij, d_spending)
    out = np.where(lin.active, (d_demand - d_supply) / lin.scale, v)
    n_batch, s, n, k = v.shape
    flat = out.reshape(n_batch, s * n, k)
    numeraire = (lin.beta * d_supply).sum(axis=(1, 2)) / base.world_value_added
    flat[np.arange(n_batch), lin.reference] = numeraire
    return out


def dense_jacobian(base: Aggregates, batch: Batch, state: State) -> FloatArray:
    """The Jacobian as a matrix (b, S N, S N), for small models.

    :func:`jacobian_apply` applied to the identity, built from the structure:
    ``Q`` is block diagonal by sector, so ``dlogP`` and the substitution term fill
    only the sector blocks, and ``dlogr = (I - Gamma Q) / beta`` with
    ``(Gamma Q)[(s,i),(k,m)] = gamma[i,s,k] pi'[m,i,k]``. Rows ``(s, i)``,
    columns ``(k, m)``.
    """
    n_batch, n, s = state.supply.shape
    size = s * n
    theta = batch.theta[:, :, None, None]  # (b, S, 1, 1)
    share_mj = state.share.transpose(0, 3, 1, 2)  # (b, S, m, j) pi'[m, j, s]
    flows_ij = state.flows.transpose(0, 3, 1, 2)  # (b, S, i, j)
    substitution = theta * np.matmul(flows_ij, share_mj.transpose(0, 1, 3, 2))
    regions = np.arange(n)
    substitution[:, :, regions, regions] -= theta[..., 0] * state.demand.transpose(
        0, 2, 1
    )
    supply = (state.supply / base.beta).transpose(0, 2, 1)[..., None, None]
    eye = np.eye(size).reshape(s, n, s, n)
    if base.io:
        # (Gamma Q)[b, s, i, k, m] = gamma[i, s, k] pi'[m, i, k]
        coupling = (
            base.gamma.transpose(1, 0, 2)[None, :, :, :, None]
            * state.share.transpose(0, 2, 3, 1)[:, None]
        )
        d_supply = supply * (eye - coupling)  # (b, S, N, S, N)
        flat = d_supply.reshape(n_batch, s, n, size).transpose(0, 2, 1, 3)
        # dM[j, s] = sum_t gamma[j, t, s] dR'[j, t]: within region j
        d_m = np.matmul(base.gamma.transpose(0, 2, 1), flat).transpose(0, 2, 1, 3)
    else:
        d_supply = supply * eye
        d_m = np.zeros((n_batch, s, n, size))
    d_supply = d_supply.reshape(n_batch, s, n, size)
    beta = base.beta.T[:, :, None]
    d_income = (beta * d_supply).sum(axis=1)  # (b, j, (k, m))
    if batch.taxed.any():
        tw = state.tariff_share  # (b, j, k)
        spending = state.spending_hat * base.spending_js  # E'[j, k]
        # sum_s E'[j,s] dtw[j,s] for column (k, m): -theta_k E'[j,k]
        # (pi' w'[m,j,k] - tw[j,k] pi'[m,j,k])
        by_price = (-batch.theta[:, None, :, None] * spending[..., None]) * (
            (state.share * batch.wedge).transpose(0, 2, 3, 1)
            - tw[..., None] * state.share.transpose(0, 2, 3, 1)
        )
        d_income = d_income + (tw.transpose(0, 2, 1)[..., None] * d_m).sum(axis=1)
        d_income = (d_income + by_price.reshape(n_batch, n, size)) / (
            1 - (tw * base.alpha).sum(axis=2)
        )[..., None]
    d_spending = base.alpha.T[None, :, :, None] * d_income[:, None] + d_m
    received = (state.share * batch.inverse_markup).transpose(0, 3, 1, 2)
    jac = np.matmul(received, d_spending) - d_supply  # (b, S, i, (k, m))
    blocks = jac.reshape(n_batch, s, n, s, n)
    sectors = np.arange(s)
    blocks[:, sectors, :, sectors, :] += substitution.transpose(1, 0, 2, 3)
    jac = jac.reshape(n_batch, size, size)
    jac /= row_scale(base, batch).transpose(0, 2, 1).reshape(n_batch, size, 1)
    inactive = ~batch.active.transpose(0, 2, 1).reshape(n_batch, size)
    jac[inactive] = 0.0
    b_idx, r_idx = np.nonzero(inactive)
    jac[b_idx, r_idx, r_idx] = 1.0
    numeraire = (beta * d_supply).sum(axis=(1, 2)) / base.world_value_added
    jac[np.arange(n_batch), reference_row(base, batch)] = numeraire
    return jac


def block_preconditioner(base: Aggregates, batch: Batch, state: State) -> FloatArray:
    """Inverses of the sector blocks of ``J`` (b, S, N, N).

    Block ``s`` keeps, for the regions ``i, m`` of sector ``s``, the substitution
    term ``theta (sum_j X'[i,j,s] pi'[m,j,s] - Demand[i,s] [i = m])``, own supply
    ``-R'[i,s] / beta[i,s]`` and the spending that own factor income buys at
    home, ``pi'[i,i,s] / (1 + t') (alpha beta + gamma[i,s,s]) R' / beta``;
    inactive rows and the numeraire row are diagonal.
    """
    theta = batch.theta[:, :, None, None]
    flows = state.flows.transpose(0, 3, 1, 2)  # (b, S, i, j)
    share = state.share.transpose(0, 3, 1, 2)  # (b, S, m, j)
    block = theta * np.matmul(flows, share.transpose(0, 1, 3, 2))
    n_batch, s, n, _ = block.shape
    regions = np.arange(n)
    home = state.share[:, regions, regions, :] / (
        1 + batch.new_tariff[:, regions, regions, :]
    )
    own_gamma = np.einsum("iss->is", base.gamma)
    supply = state.supply / base.beta
    diagonal = (
        -batch.theta[:, None, :] * state.demand
        - supply
        + home * (base.alpha * base.beta + own_gamma) * supply
    )
    block[:, :, regions, regions] += diagonal.transpose(0, 2, 1)
    scale = row_scale(base, batch).transpose(0, 2, 1)[..., None]
    block /= scale
    inactive = ~batch.active.transpose(0, 2, 1)
    block[inactive] = 0.0
    b_idx, s_idx, i_idx = np.nonzero(inactive)
    block[b_idx, s_idx, i_idx, i_idx] = 1.0
    ref = reference_row(base, batch)
    ref_s, ref_i = np.divmod(ref, n)
    every = np.arange(n_batch)
    block[every, ref_s, ref_i, :] = 0.0
    block[every, ref_s, ref_i, ref_i] = (
        state.supply[every, ref_i, ref_s] / base.world_value_added
    )
    try:
        return np.asarray(np.linalg.inv(block), np.float64)
    except np.linalg.LinAlgError:  # a degenerate block: precondition by its diagonal
        diagonal_only = np.diagonal(block, axis1=2, axis2=3)
        safe = np.where(diagonal_only != 0, diagonal_only, 1.0)
        return np.asarray(np.eye(n) / safe[..., None, :].swapaxes(-1, -2), np.float64)
