"""Newton's method on log unit costs for :mod:`model.equilibrium`, batched.

Each step solves ``J step = -G`` for the system of
:mod:`model.equilibrium_system`:

* small models (``N S <= DENSE_MAX``): ``J`` as a dense matrix, one LU solve;
* large models: GMRES without forming ``J`` (Jacobian-vector products cost
  ``O(N^2 S + N S^2)``), right-preconditioned by the inverses of ``J``'s sector
  blocks (``S`` matrices of ``N x N``). An inexact Newton method: the linear
  solve stops at a relative residual of ``|G|^2`` between ``KRYLOV_FLOOR`` and
  ``FORCING``, so the steps
  are Newton steps to rounding where it matters, near the solution (and the
  answers those of the dense path to about 1e-12).

A backtracking line search on ``|G|^2`` and a trust region of ``MAX_LOG_STEP``
log points per step keep it safe far from the solution. Memory is
``O(N^2 S)`` per scenario either way for large models; nothing of size
``(N S)^2`` is formed.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from model.equilibrium_accounts import Aggregates, Batch
from model.equilibrium_system import (
    State,
    block_preconditioner,
    dense_jacobian,
    evaluate,
    jacobian_apply,
    linearise,
    merit,
    rhs,
)

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.intp]

MAX_LOG_STEP = 2.0
"""Largest change of any log unit cost in one Newton step (a trust region)."""

MAX_HALVINGS = 40

DENSE_MAX = 400
"""Largest N S solved with a dense Jacobian; above it, GMRES (a speed choice)."""

FORCING = 0.1
"""Largest relative residual of a GMRES solve (smaller near the solution)."""

KRYLOV_FLOOR = 1e-11
"""Smallest relative residual asked of GMRES (about what rounding allows)."""

MAX_KRYLOV = 120
"""GMRES iterations per cycle at most."""

RESTARTS = 3
"""GMRES cycles per Newton step at most."""


def iterate(
    base: Aggregates,
    batch: Batch,
    log_c0: FloatArray,
    tolerance: float,
    max_iterations: int,
) -> tuple[FloatArray, State, npt.NDArray[np.int64], BoolArray]:
    """Solve from ``log_c0``: log unit costs, the state there, iterations taken
    and which elements converged."""
    n_batch = batch.q_hat.shape[0]
    log_c = log_c0.copy()
    iterations = np.zeros(n_batch, dtype=np.int64)
    converged = np.zeros(n_batch, dtype=bool)
    todo = np.arange(n_batch)  # elements still iterating
    final = state = evaluate(base, batch, log_c)  # final: every element's last
    sub = batch
    for iteration in range(max_iterations + 1):
        iterations[todo] = iteration
        ok = (state.max_residual < tolerance) & (
            np.abs(state.numeraire_residual) < tolerance
        )
        converged[todo[ok]] = True
        if ok.all() or iteration == max_iterations:
            break
        keep = np.flatnonzero(~ok)
        todo, sub, state = todo[keep], sub.take(keep), state.take(keep)
        log_c[todo], state, stalled = _newton_step(base, sub, log_c[todo], state)
        moving = np.flatnonzero(~stalled)
        _put(final, todo[moving], state.take(moving))
        if stalled.any():  # no step lowers the residual: give up on these
            todo, sub, state = todo[moving], sub.take(moving), state.take(moving)
            if todo.size == 0:
                break
    return log_c, final, iterations, converged


def _direction(
    base: Aggregates, batch: Batch, state: State, values: FloatArray
) -> FloatArray:
    """The Newton direction (b, N, S) for the residual ``values`` (b, S N)."""
    n_batch, n, s = state.supply.shape
    if n * s <= DENSE_MAX:
        jac = dense_jacobian(base, batch, state)
        try:
            flat = -np.linalg.solve(jac, values[:, :, None])[:, :, 0]
        except np.linalg.LinAlgError:
            return _tatonnement_step(batch, state)
    else:
        inverse = block_preconditioner(base, batch, state)
        lin = linearise(base, batch, state)

        def precondition(u: FloatArray) -> FloatArray:
            return np.matmul(inverse, u.reshape(n_batch, s, n, 1)).reshape(u.shape)

        def product(u: FloatArray) -> FloatArray:
            return jacobian_apply(base, lin, u.reshape(n_batch, s, n, 1)).reshape(
                u.shape
            )

        size = np.sqrt(np.einsum("bn,bn->b", values, values))
        rtol = np.clip(size**2, KRYLOV_FLOOR, FORCING)
        flat = -gmres(product, precondition, values, rtol)
    return np.asarray(flat.reshape(n_batch, s, n).transpose(0, 2, 1), np.float64)


def gmres(
    operator: Callable[[FloatArray], FloatArray],
    precondition: Callable[[FloatArray], FloatArray],
    b: FloatArray,
    rtol: FloatArray,
) -> FloatArray:
    """Solve ``A y = b`` (b: (B, n)) by right-preconditioned GMRES, batched.

    ``operator(u)`` is ``A u``, ``precondition(u)`` is ``M^-1 u`` for (B, n)
    arrays; the iteration ends when every element's residual is below
    ``rtol |b|``. Up to ``RESTARTS`` cycles of at most ``MAX_KRYLOV`` iterations
    each, every cycle on the true residual of the last (which also refines a
    solution that rounding left short of the tolerance).
    """
    y = np.zeros_like(b)
    target = rtol * np.sqrt(np.einsum("bn,bn->b", b, b))
    residual = b
    for _ in range(RESTARTS):
        y = y + _gmres_cycle(operator, precondition, residual, rtol)
        residual = b - operator(y)
        if np.all(np.sqrt(np.einsum("bn,bn->b", residual, residual)) <= target):
            break
    return y


def _gmres_cycle(
    operator: Callable[[FloatArray], FloatArray],
    precondition: Callable[[FloatArray], FloatArray],
    b: FloatArray,
    rtol: FloatArray,
) -> FloatArray:
    """One cycle of GMRES: Arnoldi with classical Gram-Schmidt done twice,
    Givens rotations for the least-squares problem."""
    n_batch, size = b.shape
    norm0 = np.sqrt(np.einsum("bn,bn->b", b, b))
    if not np.any(norm0 > 0):
        return np.zeros_like(b)
    most = min(MAX_KRYLOV, size)
    basis = np.zeros((most + 1, n_batch, size))
    basis[0] = b / np.where(norm0 > 0, norm0, 1)[:, None]
    hess = np.zeros((n_batch, most + 1, most))
    cos, sin = np.zeros((n_batch, most)), np.zeros((n_batch, most))
    g = np.zeros((n_batch, most + 1))
    g[:, 0] = norm0
    every = np.arange(n_batch)
    steps = 0
    for k in range(most):
        w = operator(precondition(basis[k]))
        h = np.zeros((n_batch, k + 1))
        for _ in range(2):
            coef = np.einsum("kbn,bn->bk", basis[: k + 1], w)
            w = w - np.einsum("kbn,bk->bn", basis[: k + 1], coef)
            h += coef
        norm = np.sqrt(np.einsum("bn,bn->b", w, w))
        basis[k + 1] = w / np.where(norm > 0, norm, 1)[:, None]
        col = np.concatenate([h, norm[:, None]], axis=1)
        for j in range(k):  # earlier rotations
            a, c = col[:, j].copy(), col[:, j + 1].copy()
            col[:, j] = cos[:, j] * a + sin[:, j] * c
            col[:, j + 1] = -sin[:, j] * a + cos[:, j] * c
        radius = np.hypot(col[:, k], col[:, k + 1])
        safe = np.where(radius > 0, radius, 1)
        cos[:, k] = np.where(radius > 0, col[:, k] / safe, 1)
        sin[:, k] = np.where(radius > 0, col[:, k + 1] / safe, 0)
        col[:, k], col[:, k + 1] = radius, 0.0
        hess[:, : k + 2, k] = col
        g[every, k + 1] = -sin[:, k] * g[:, k]
        g[:, k] = cos[:, k] * g[:, k]
        steps = k + 1
        if np.all(np.abs(g[:, k + 1]) <= rtol * norm0):
            break
    upper = hess[:, :steps, :steps]
    diag = np.abs(np.diagonal(upper, axis1=1, axis2=2))
    upper = upper + np.eye(steps) * (diag == 0)[:, None, :]  # breakdown guard
    y = np.linalg.solve(upper, g[:, :steps, None])[:, :, 0]
    return precondition(np.einsum("kbn,bk->bn", basis[:steps], y))


def _newton_step(
    base: Aggregates, batch: Batch, log_c: FloatArray, state: State
) -> tuple[FloatArray, State, BoolArray]:
    """One Newton step with backtracking on the squared residual norm.

    Returns the new log unit costs, the state there, and the elements for which
    no step length up to 2**-MAX_HALVINGS lowered the residual (stalled).
    """
    values = rhs(base, batch, state)
    step = _direction(base, batch, state, values)
    step = np.where(batch.active, step, 0.0)
    largest = np.abs(step).max(axis=(1, 2))
    step *= np.minimum(1.0, MAX_LOG_STEP / np.maximum(largest, 1e-300))[:, None, None]
    before = merit(values, state)
    new_log_c = log_c + step
    new_state = evaluate(base, batch, new_log_c)
    pending = np.flatnonzero(merit(rhs(base, batch, new_state), new_state) >= before)
    length = 1.0
    for _ in range(MAX_HALVINGS):
        if pending.size == 0:
            break
        length /= 2
        sub = batch.take(pending)
        trial = log_c[pending] + length * step[pending]
        trial_state = evaluate(base, sub, trial)
        better = merit(rhs(base, sub, trial_state), trial_state) < before[pending]
        accepted = pending[better]
        new_log_c[accepted] = trial[better]
        _put(new_state, accepted, trial_state.take(np.flatnonzero(better)))
        pending = pending[~better]
    stalled = np.zeros(log_c.shape[0], dtype=bool)
    stalled[pending] = True
    new_log_c[pending] = log_c[pending]
    return new_log_c, new_state, stalled


def _put(target: State, idx: IntArray, source: State) -> None:
    """Write the elements of ``source`` into ``target`` at batch positions ``idx``."""
    for f in target.__dataclass_fields__:
        getattr(target, f)[idx] = getattr(source, f)


def _tatonnement_step(batch: Batch, state: State) -> FloatArray:
    """Damped fixed-point step log(demand / supply) / (1 + theta), a fallback."""
    ratio = np.where(
        batch.active, state.demand / np.where(batch.active, state.supply, 1), 1.0
    )
    return np.log(ratio) / (1 + batch.theta[:, None, :])
