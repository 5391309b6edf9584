"""Scenarios in, results out: levers -> shocks -> equilibrium -> metrics.

This is the model's main entry point for the dashboard and the command line.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from model import equilibrium, metrics, policy
from model.data import Baseline, load_baseline
from model.frozen import read_only
from model.levers import Levers

FLOW_COLUMNS: tuple[str, ...] = (
    "exporter",
    "importer",
    "sector",
    "baseline_usd_bn",
    "scenario_usd_bn",
    "change_pct",
    "baseline_volume",
    "scenario_volume",
    "volume_change_pct",
)
"""Columns of :meth:`Simulation.bilateral_flows`, in order."""


class ConvergenceError(RuntimeError):
    """The solver did not reach the tolerance: there is no result to report."""


@dataclass(frozen=True)
class Simulation:
    """A solved batch of scenarios.

    Element ``b`` of every array belongs to ``levers[b]``. Elements that did not
    converge hold NaN; :meth:`require_converged` turns that into an error. Every
    array is read-only (:func:`model.frozen.read_only`): caches share it.
    """

    baseline: Baseline
    levers: tuple[Levers, ...]
    shocks: policy.Shocks
    equilibrium: equilibrium.Equilibrium
    metrics: metrics.Metrics
    seconds: float  # wall-clock time of shocks + solve + metrics [s]

    def require_converged(self) -> Simulation:
        """Return self, or raise ConvergenceError naming the failed scenarios."""
        failed = np.flatnonzero(~self.equilibrium.converged)
        if failed.size:
            b = int(failed[0])
            raise ConvergenceError(
                f"{failed.size} of {len(self.levers)} scenario(s) did not converge "
                f"(first: #{b}, residual {self.equilibrium.max_residual[b]:.2e} after "
                f"{self.equilibrium.iterations[b]} iterations); no results reported"
            )
        return self

    def flows_frame(self, b: int = 0) -> pd.DataFrame:
        """Tidy flows of element ``b``, one row per exporter, importer and sector.

        Columns: ``baseline_usd_bn`` and ``scenario_usd_bn`` (values), their change
        ``change_pct``; ``scenario_volume_usd_bn``, the delivered quantity at 2022
        prices X' / (p_hat tau_hat), and its change ``volume_change_pct`` [%].
        Changes are NaN where the baseline flow is zero.
        """
        regions, sectors = self.baseline.regions, self.baseline.sectors
        old = self.baseline.flows_usd_bn
        new = self.equilibrium.flows[b]
        price = self.equilibrium.p_hat[b][:, None, :] * self.shocks.tau_hat[b]
        with np.errstate(divide="ignore", invalid="ignore"):
            volume = np.where(new > 0, new / price, 0.0)
            change = np.where(old > 0, 100 * (new / old - 1), np.nan)
            volume_change = np.where(old > 0, 100 * (volume / old - 1), np.nan)
        index = pd.MultiIndex.from_product(
            [regions, regions, sectors], names=["exporter", "importer", "sector"]
        )
        return pd.DataFrame(
            {
                "baseline_usd_bn": old.ravel(),
                "scenario_usd_bn": new.ravel(),
                "change_pct": change.ravel(),
                "scenario_volume_usd_bn": volume.ravel(),
                "volume_change_pct": volume_change.ravel(),
            },
            index=index,
        ).reset_index()

    def bilateral_flows(self, b: int = 0) -> pd.DataFrame:
        """Every bilateral flow of element ``b`` (N x N x S rows), in the columns
        of :data:`FLOW_COLUMNS`, the table of ``python -m model run --flows-out``.

        Values ``X`` are at producer prices (what the exporter receives, net of any
        tariff, including the iceberg trade cost) [current USD bn]. Volumes are
        the quantities the importer receives at 2022 prices [USD bn of 2022]:
        the value deflated by the delivered price change ``p_hat_i tau_hat_ijs``,
        the exporter's mill-price change times the change of the pair's trade
        cost (tariffs excluded), so ``volume' = X' / (p_hat_i tau_hat_ijs)`` and
        the baseline volume is the baseline value. This is the quantity in the
        importer's Armington aggregate and the volume of the headline metric
        ``china_tech_import_volume_change_pct``; deflating by the mill price
        alone would count the units lost to a fence as delivered. Changes [%]
        are empty (NaN) where the baseline flow is zero; a prohibited flow has
        value and volume 0.
        """
        frame = self.flows_frame(b).rename(
            columns={"scenario_volume_usd_bn": "scenario_volume"}
        )
        frame["baseline_volume"] = frame["baseline_usd_bn"]
        return frame[list(FLOW_COLUMNS)]

    def regions_frame(self, b: int = 0) -> pd.DataFrame:
        """Per region of element ``b``: welfare [%, USD bn], income (value added)
        and final spending before and after [USD bn], price-index change [%]."""
        eq, base = self.equilibrium, self.baseline
        before = equilibrium.accounts(
            base.flows_usd_bn,
            base.gamma if self.shocks.supply_chains[b] else None,
            self.shocks.tariff,
        )
        return pd.DataFrame(
            {
                "region": base.regions,
                "welfare_change_pct": eq.welfare_change_pct[b],
                "welfare_change_usd_bn": eq.welfare_change_value[b],
                "income_baseline_usd_bn": before.value_added,
                "income_scenario_usd_bn": eq.income[b],
                "spending_baseline_usd_bn": before.final_spending,
                "spending_scenario_usd_bn": eq.spending[b],
                "price_index_change_pct": 100 * (eq.price_hat[b] - 1),
            }
        )

    def solver_info(self, b: int = 0) -> dict[str, object]:
        """Iterations, max residual, converged flag and seconds, JSON-ready."""
        eq = self.equilibrium
        return {
            "iterations": int(eq.iterations[b]),
            "max_residual": float(eq.max_residual[b]),
            "converged": bool(eq.converged[b]),
            "seconds": self.seconds,
        }


def simulate_batch(
    scenarios: Sequence[Mapping[str, object]],
    baseline: Baseline | None = None,
    *,
    start: np.ndarray | None = None,
) -> Simulation:
    """Solve many scenarios in one batch: :class:`Levers` states, or lever mappings
    (defaults filled in, validated here). ``start`` (B, N, S), optional: where
    each scenario's Newton iteration starts, the log unit-cost change of a nearby
    solution (:func:`model.equilibrium.solve`); it changes the number of steps,
    not the equilibrium (to the solver's tolerance).

    Raises ``ValueError`` for unknown levers or values out of range. Scenarios that
    fail to converge are flagged in ``equilibrium.converged``, not raised.
    """
    baseline = baseline or load_baseline()
    clock = time.perf_counter()
    checked = tuple(Levers(s) for s in scenarios)
    stacked = policy.stack_levers(checked)
    shocks = policy.build_shocks(
        stacked,
        baseline.regions,
        baseline.sectors,
        baseline.theta_sets,
    )
    solved = solve_shocks(baseline, shocks, start)
    measured = metrics.compute_metrics(
        baseline.flows_usd_bn,
        solved,
        shocks.tau_hat,
        shocks.coalition_weight,
        shocks.covered_share,
        baseline.regions,
        baseline.sectors,
    )
    read_only((shocks, solved, measured))  # the baseline's arrays are already
    return Simulation(
        baseline=baseline,
        levers=checked,
        shocks=shocks,
        equilibrium=solved,
        metrics=measured,
        seconds=time.perf_counter() - clock,
    )


def solve_shocks(
    baseline: Baseline, shocks: policy.Shocks, start: np.ndarray | None = None
) -> equilibrium.Equilibrium:
    """The equilibrium of every scenario of ``shocks`` on ``baseline`` (Newton's
    method started at ``start`` (B, N, S) where given, else at the baseline).

    Scenarios with ``supply_chains`` on are solved with the baseline's
    input-output shares, the others with none; each group in one batched call,
    the results back in the scenarios' order.
    """
    groups = [
        (rows, baseline.gamma if on else None)
        for on in (True, False)
        if (rows := np.flatnonzero(shocks.supply_chains == on)).size
    ]
    parts = [
        equilibrium.solve(
            baseline.flows_usd_bn,
            shocks.theta[rows],
            shocks.tau_hat[rows],
            shocks.q_hat[rows],
            gamma=gamma,
            tariff=shocks.tariff,
            new_tariff=shocks.new_tariff[rows],
            start=None if start is None else start[rows],
            region_names=baseline.regions,
            sector_names=baseline.sectors,
        )
        for rows, gamma in groups
    ]
    if len(parts) == 1:
        return parts[0]
    return equilibrium.Equilibrium(
        *(
            _interleave([getattr(p, f.name) for p in parts], [g for g, _ in groups])
            for f in fields(equilibrium.Equilibrium)
        )
    )


def _interleave(arrays: Sequence[np.ndarray], rows: Sequence[np.ndarray]) -> np.ndarray:
    """One array whose elements ``rows[k]`` are ``arrays[k]``."""
    n = sum(len(r) for r in rows)
    out = np.empty((n, *arrays[0].shape[1:]), dtype=arrays[0].dtype)
    for array, where in zip(arrays, rows, strict=True):
        out[where] = array
    return out


def simulate(
    levers: Mapping[str, object] | None = None, baseline: Baseline | None = None
) -> Simulation:
    """Solve one scenario; raises ConvergenceError if it does not converge."""
    return simulate_batch([levers or {}], baseline).require_converged()
