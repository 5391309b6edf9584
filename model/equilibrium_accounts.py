"""Baseline aggregates and per-scenario inputs of :mod:`model.equilibrium`, checked.

:func:`aggregates` turns baseline flows ``X[i, j, s]`` (producer prices), tariffs
``t`` and input-output shares ``gamma`` into the objects of the model in changes
(notation of :mod:`model.equilibrium`): gross output ``R = sum_j X``, spending
``E = sum_i X (1 + t)``, import shares ``pi = X (1 + t) / E``, intermediate
purchases ``M[j,s] = sum_k gamma[j,k,s] R[j,k]``, final spending ``F`` and its
shares ``alpha``. :func:`batch_inputs` broadcasts the shocks to a batch and marks
the cells that are active (producing and able to sell), stranded (producing,
every sale prohibited) or prohibited.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, TypeVar

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


class _Dataclass(Protocol):
    __dataclass_fields__: ClassVar[dict[str, Any]]


Fields = TypeVar("Fields", bound=_Dataclass)
"""A dataclass of batched arrays (batch axis first)."""


@dataclass(frozen=True)
class Aggregates:
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


def aggregates(
    flows: FloatArray, gamma: npt.ArrayLike | None, tariff: npt.ArrayLike | None
) -> Aggregates:
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
    return Aggregates(
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


@dataclass(frozen=True)
class Batch:
    """Per-scenario inputs, with the batch axis first."""

    theta: FloatArray  # (B, S)
    log_cost: FloatArray  # (B, N, N, S) log(tau_hat t_hat), 0 where not allowed
    allowed: BoolArray  # (B, N, N, S): baseline flow > 0 and tau finite
    new_tariff: FloatArray  # (B, N, N, S) t'
    wedge: FloatArray  # (B, N, N, S) t' / (1 + t'), the tariff share of spending
    inverse_markup: FloatArray  # (B, N, N, S) 1 / (1 + t'), what the exporter gets
    tariff_ratio: FloatArray  # (B, N, N, S) (1 + t) / (1 + t')
    taxed: BoolArray  # (B,): any t' > 0
    q_hat: FloatArray  # (B, N, S)
    active: BoolArray  # (B, N, S): producing and able to sell somewhere
    stranded: BoolArray  # (B, N, S): producing but every sale prohibited

    def take(self, idx: npt.NDArray[np.intp]) -> Batch:
        return take(self, idx)


def check_flows(flows: npt.ArrayLike) -> FloatArray:
    arr = np.asarray(flows, dtype=np.float64)
    if arr.ndim != 3 or arr.shape[0] != arr.shape[1]:
        raise ValueError(f"flows must have shape (N, N, S), got {arr.shape}")
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError("flows must be finite and >= 0")
    return arr


def batch_inputs(
    base: Aggregates,
    theta: npt.ArrayLike,
    tau_hat: npt.ArrayLike | None,
    q_hat: npt.ArrayLike | None,
    new_tariff: npt.ArrayLike | None,
) -> Batch:
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
    return Batch(
        theta=np.ascontiguousarray(theta_b),
        log_cost=log_tau,
        allowed=allowed,
        new_tariff=t_b,
        wedge=t_b / (1 + t_b),
        inverse_markup=1 / (1 + t_b),
        tariff_ratio=(1 + base.tariff) / (1 + t_b),
        taxed=np.any(t_b > 0, axis=(1, 2, 3)),
        q_hat=np.ascontiguousarray(q_b),
        active=producing & can_sell,
        stranded=producing & ~can_sell,
    )


def check_every_market_supplied(
    base: Aggregates,
    batch: Batch,
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


def take(arrays: Fields, idx: npt.NDArray[np.intp]) -> Fields:
    """The batch elements ``idx`` of every array field (no copy if all are kept)."""
    fields = arrays.__dataclass_fields__
    if idx.size == len(getattr(arrays, next(iter(fields)))) and np.all(
        idx == np.arange(idx.size)
    ):
        return arrays
    return type(arrays)(*(getattr(arrays, f)[idx] for f in fields))
