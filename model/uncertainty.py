"""Uncertainty of the decade path: Monte Carlo bands and a one-at-a-time tornado.

The yearly path of :mod:`model.dynamics` rests on uncertain inputs: the trade
elasticity theta of every sector [unitless] and the dynamic parameters rho, delta
and kappa [per year] and phi [ratio] (defaults, ranges and reasoning in
:data:`model.dynamic_parameters.DYNAMIC_PARAMETERS`). This module draws or swings
them and solves all the resulting paths as one batch of
:func:`model.dynamics.simulate_paths`: every year is one solve for all draws or
swings. Outputs keep the names and units of :data:`model.decade_outputs.OUTPUTS`.

Monte Carlo
-----------
:func:`monte_carlo` draws theta of every sector from a triangular distribution
on the calibration's [low, high] with its mode at the central value
(``assets/data/baseline/elasticities.csv``; FACTS.md section 5), independently
across sectors (ASSUMPTION), and rho, delta, kappa, phi uniformly on their ranges,
with a seeded ``numpy.random.Generator`` (:data:`DEFAULT_DRAWS` draws and
:data:`DEFAULT_SEED` unless given; the same seed gives the same bands). It reports
the 10th, 50th and 90th percentiles (:data:`QUANTILES`) of every output per year
over the draws. Draws replace the ``elasticities`` lever; the trade-cost
equivalent of the fence is recomputed at each draw's theta with the covered-share
formula of :mod:`model.policy`.

Tornado
-------
:func:`tornado_paths` moves one parameter at a time to the low and the high end of
its range (theta of each sector separately, then rho, delta, kappa, phi), the others
at their central values (calibrated central theta, default rho, delta, kappa).
:meth:`TornadoPaths.table` ranks the swings of any output in any year by
``|high_value - low_value|``, in the output's unit.

Non-convergence is never hidden: a draw or swing whose equilibrium fails in year
t is NaN from year t on (see :mod:`model.dynamics`); bands leave it out and say
how many were left out (``Bands.failed``); a swing with a failed end has a NaN
swing and is listed last.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from model.data import Baseline, load_baseline
from model.decade_outputs import OUTPUTS, DecadePath, json_list
from model.dynamic_parameters import DYNAMIC_PARAMETERS, Inputs
from model.dynamics import simulate_paths
from model.timeline import DEFAULT_END_YEAR, Timeline

FloatArray = npt.NDArray[np.float64]

QUANTILES: tuple[int, ...] = (10, 50, 90)
DEFAULT_DRAWS = 200
DEFAULT_SEED = 2022


# --- inputs: draws and swings -------------------------------------------------------


def draw_inputs(n_draws: int, seed: int, baseline: Baseline) -> Inputs:
    """Monte Carlo draws: theta triangular(low, central, high) per sector, rho,
    delta, kappa uniform on their ranges; reproducible for a given seed."""
    if n_draws < 1:
        raise ValueError(f"the number of draws must be >= 1, got {n_draws}")
    rng = np.random.default_rng(seed)
    low, mode, high = baseline.theta_low, baseline.theta, baseline.theta_high
    theta = rng.triangular(low, mode, high, size=(n_draws, len(mode)))
    arrays = {
        p.name: rng.uniform(p.low, p.high, size=n_draws) for p in DYNAMIC_PARAMETERS
    }
    return Inputs(theta=theta, **arrays)


@dataclass(frozen=True)
class Swing:
    """One bar of a tornado: a parameter moved to its low and high end."""

    parameter: str  # "rho", "delta", "kappa" or "theta_<sector>"
    label: str
    low: float
    high: float


def tornado_swings(baseline: Baseline) -> tuple[Swing, ...]:
    """The one-at-a-time swings: theta of each sector, rho, delta, kappa."""
    swings = [
        Swing(
            f"theta_{sector}",
            f"Trade elasticity, {sector}",
            float(baseline.theta_low[k]),
            float(baseline.theta_high[k]),
        )
        for k, sector in enumerate(baseline.sectors)
    ]
    swings += [Swing(p.name, p.label, p.low, p.high) for p in DYNAMIC_PARAMETERS]
    return tuple(swings)


def _tornado_inputs(baseline: Baseline) -> Inputs:
    """Row 0 central, then low and high of every swing, in :func:`tornado_swings`
    order."""
    swings = tornado_swings(baseline)
    n = 1 + 2 * len(swings)
    theta = np.tile(baseline.theta, (n, 1))
    values = {p.name: np.full(n, p.default) for p in DYNAMIC_PARAMETERS}
    for k, swing in enumerate(swings):
        for row, value in ((1 + 2 * k, swing.low), (2 + 2 * k, swing.high)):
            if swing.parameter.startswith("theta_"):
                theta[row, baseline.sectors.index(swing.parameter[6:])] = value
            else:
                values[swing.parameter][row] = value
    return Inputs(theta=theta, **values)


# --- Monte Carlo and tornado -------------------------------------------------------


@dataclass(frozen=True)
class Bands:
    """Percentile bands of a Monte Carlo batch.

    ``quantiles[name]`` is (3, T) for a scalar output and (3, T, K) for a
    breakdown: the 10th, 50th and 90th percentiles over the converged draws.
    ``failed[t]`` counts the draws left out in year t (no equilibrium).
    """

    paths: DecadePath
    seed: int
    quantiles: dict[str, FloatArray]
    failed: npt.NDArray[np.int64]  # (T,)

    @property
    def years(self) -> tuple[int, ...]:
        return self.paths.years

    def window(self, first: int, last: int) -> Bands:
        """The same bands restricted to the years first..last."""
        a, b = self.paths.year_index(first), self.paths.year_index(last) + 1
        return Bands(
            paths=self.paths.window(first, last),
            seed=self.seed,
            quantiles={k: v[:, a:b] for k, v in self.quantiles.items()},
            failed=self.failed[a:b],
        )

    def band(self, name: str, key: str | None = None) -> FloatArray:
        """(3, T): p10, p50, p90 of a scalar output or one key of a breakdown."""
        self.paths.series(name, key)  # validates name and key
        q = self.quantiles[name]
        return q if q.ndim == 2 else q[:, :, self.paths.keys(name).index(key)]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready ``{"bands": {output: {"p10", "p50", "p90"}}, "monte_carlo"}``;
        a breakdown output is ``{key: {"p10", ...}}``. ``monte_carlo`` holds the
        draws, the seed, the draws left out by year (``failed``) and in all
        (``failed_draws``: a draw that fails is out from that year on)."""
        bands: dict[str, object] = {}
        for info in OUTPUTS:
            q = self.quantiles[info.name]
            if info.by == "scalar":
                bands[info.name] = _band_dict(q)
            else:
                bands[info.name] = {
                    key: _band_dict(q[:, :, k])
                    for k, key in enumerate(self.paths.keys(info.name))
                }
        return {
            "bands": bands,
            "monte_carlo": {
                "draws": self.paths.size,
                "seed": self.seed,
                "failed": [int(v) for v in self.failed],
                "failed_draws": int(self.failed.max(initial=0)),
                "seconds": self.paths.seconds,
            },
        }


def _band_dict(q: FloatArray) -> dict[str, list[float | None]]:
    return {f"p{p}": json_list(q[k]) for k, p in enumerate(QUANTILES)}


def percentile_bands(paths: DecadePath) -> dict[str, FloatArray]:
    """p10, p50, p90 over the batch axis of every output, ignoring failed draws
    (all-NaN years give NaN)."""
    result = {}
    for name, values in paths.values.items():
        q = np.full((len(QUANTILES),) + values.shape[1:], np.nan)
        finite = np.isfinite(values).any(axis=0)
        if finite.any():
            with np.errstate(invalid="ignore"):
                q[:, finite] = np.nanpercentile(values[:, finite], QUANTILES, axis=0)
        result[name] = q
    return result


def monte_carlo(
    timeline: Timeline,
    end_year: int = DEFAULT_END_YEAR,
    n_draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    baseline: Baseline | None = None,
    *,
    market_growth: bool = True,
) -> Bands:
    """Monte Carlo over theta, rho, delta, kappa and phi: ``n_draws`` paths in one
    batch, p10/p50/p90 per year. The same seed gives the same bands.
    ``market_growth`` as in :func:`model.dynamics.simulate_paths`."""
    baseline = baseline or load_baseline()
    paths = simulate_paths(
        timeline,
        end_year,
        draw_inputs(n_draws, seed, baseline),
        baseline,
        market_growth=market_growth,
    )
    return Bands(
        paths=paths,
        seed=seed,
        quantiles=percentile_bands(paths),
        failed=(~paths.converged).sum(axis=0),
    )


@dataclass(frozen=True)
class TornadoPaths:
    """The central path and every one-at-a-time swing, solved in one batch.

    Row 0 of ``paths`` is the central case (calibrated central theta, default
    rho, delta, kappa); rows 2k+1 and 2k+2 are swing k at its low and high end.
    """

    paths: DecadePath
    swings: tuple[Swing, ...]

    def table(self, name: str, year: int, key: str | None = None) -> pd.DataFrame:
        """The tornado of one output in one year, largest swing first.

        Columns: parameter, label, low_input, high_input, low_value, high_value,
        central, swing (= |high_value - low_value|, NaN if either failed).
        """
        values = self.paths.series(name, key)[:, self.paths.year_index(year)]
        rows = [
            (
                s.parameter,
                s.label,
                s.low,
                s.high,
                values[1 + 2 * k],
                values[2 + 2 * k],
            )
            for k, s in enumerate(self.swings)
        ]
        frame = pd.DataFrame(
            rows,
            columns=[
                "parameter",
                "label",
                "low_input",
                "high_input",
                "low_value",
                "high_value",
            ],
        )
        frame["central"] = values[0]
        frame["swing"] = (frame["high_value"] - frame["low_value"]).abs()
        return frame.sort_values(
            "swing", ascending=False, na_position="last", kind="stable"
        ).reset_index(drop=True)


def tornado_paths(
    timeline: Timeline,
    end_year: int = DEFAULT_END_YEAR,
    baseline: Baseline | None = None,
    *,
    market_growth: bool = True,
) -> TornadoPaths:
    """Solve the central case and every low/high swing (one batch, every year);
    :meth:`TornadoPaths.table` then gives the tornado of any output and year."""
    baseline = baseline or load_baseline()
    paths = simulate_paths(
        timeline,
        end_year,
        _tornado_inputs(baseline),
        baseline,
        market_growth=market_growth,
    )
    return TornadoPaths(
        paths=paths,
        swings=tornado_swings(baseline),
    )
