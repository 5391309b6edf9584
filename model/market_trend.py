"""The no-policy market trend of the decade path: the baseline of every year.

The static model is calibrated to 2022. Markets do not stand still: the world
market for AI accelerators grew from the calibration's USD 12bn in 2022 to
Omdia's USD 78bn in 2024. The decade path therefore solves year ``t`` against
the *trend baseline* of that year, flows ``X_t[i, j, s]`` [USD bn at 2022
prices], so that what a policy costs in 2030 is measured in a 2030-sized market.

Data
----
``assets/data/market_trend/market_trend.csv`` (sidecar
``market_trend.meta.json`` with every source and assumption; its sha256 is
checked): for each sector the yearly growth ``g_s(y)`` of its world market
``M_s = sum_{i,j} X[i, j, s]`` [% a year], from a first year until the sector's
next row; the last rate continues to :data:`model.timeline.LAST_YEAR`. So::

    M_s(t) = M_s(2022) prod_{y=2023..t} (1 + g_s(y) / 100)

Construction (:func:`trend_flows`)
----------------------------------
Final spending on each sector grows, the rest follows through the input-output
table (a Leontief system), with 2022 import shares ``P[i, j, s] = X / E`` (at
producer over importer prices, so tariffs stay at their 2022 rates),
input-output shares ``gamma`` and the geography of every market held::

    f[j, s]     = E[j, s] - sum_k gamma[j, k, s] R[j, k]    final spending (2022)
    f_t[j, s]   = G_s(t) f[j, s]
    R_t[i, s]   = sum_j P[i, j, s] (f_t[j, s] + sum_k gamma[j, k, s] R_t[j, k])
    X_t[i, j, s] = P[i, j, s] (f_t[j, s] + sum_k gamma[j, k, s] R_t[j, k])

The final-spending growth ``G(t)`` (S,) solves the S x S linear system
``sum_k W[s, k] G_k = M_s(t)``, ``W[s, k]`` the world output of sector s that
the 2022 final spending on sector k calls for: every sector's world market is on
its trend exactly, and final use stays positive by construction. A common rate
in every sector scales every flow by the same factor, which moves no share and
no percentage change of the static model. In 2022 (``G = 1``) the trend is the
baseline itself, exactly.

``"2022 market held fixed"`` (``market_growth=False`` in :mod:`model.dynamics`)
skips this: every year is the 2022 baseline, the contrast.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from model import policy
from model.data import Baseline

FloatArray = npt.NDArray[np.float64]

TREND_DIR = Path(__file__).resolve().parent.parent / "assets" / "data" / "market_trend"
"""Folder of ``market_trend.csv`` and its sidecar."""
BASE_YEAR = 2022
"""The calibration year, where the trend starts (= :data:`model.timeline.BASE_YEAR`)."""


@dataclass(frozen=True)
class TrendTable:
    """The trend data as read: yearly growth rates by sector and their sources.

    ``rows`` has columns sector, year, growth_pct [% a year], quality,
    source_ids; ``sources`` the sidecar's list of ``{"id", "kind", "citation",
    "figures_used"}``.
    """

    rows: pd.DataFrame
    sources: tuple[dict[str, str], ...]

    def growth_pct(self, sector: str, year: int) -> float:
        """The growth of ``sector``'s world market from ``year - 1`` to ``year``
        [% a year]: the rate of the sector's last row starting by ``year``."""
        started = [rate for first, rate in self._rates.get(sector, ()) if first <= year]
        if not started:
            raise ValueError(f"market_trend.csv has no rate for {sector} in {year}")
        return started[-1]

    @functools.cached_property
    def _rates(self) -> dict[str, list[tuple[int, float]]]:
        """sector -> [(first year, rate)] by year."""
        ordered = self.rows.sort_values(["sector", "year"])
        rates: dict[str, list[tuple[int, float]]] = {}
        for sector, year, rate in ordered[["sector", "year", "growth_pct"]].itertuples(
            index=False
        ):
            rates.setdefault(sector, []).append((int(year), float(rate)))
        return rates


@functools.cache
def load_trend(folder: Path = TREND_DIR) -> TrendTable:
    """Read and check the trend data (columns, numbers, sha256, source ids).

    Raises
    ------
    ValueError
        A missing file, a CSV that does not match its sidecar's sha256, a
        non-numeric or out-of-range growth rate (it must exceed -100%), or a
        source id the sidecar does not list; the message names the file.
    """
    csv, meta_file = folder / "market_trend.csv", folder / "market_trend.meta.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    digest = hashlib.sha256(csv.read_bytes()).hexdigest()
    if digest != meta["sha256"]:
        raise ValueError(f"{csv.name}: sha256 {digest} differs from its sidecar's")
    rows = pd.read_csv(csv, dtype={"sector": str, "source_ids": str})
    rows["growth_pct"] = pd.to_numeric(rows["growth_pct"], errors="coerce")
    if not (rows["growth_pct"] > -100).all():
        raise ValueError(f"{csv.name}: growth_pct must be a number above -100")
    known = {source["id"] for source in meta["sources"]}
    for cell in rows["source_ids"]:
        unknown = set(cell.split(";")) - known
        if unknown:
            raise ValueError(f"{csv.name}: source id(s) {sorted(unknown)} not listed")
    return TrendTable(rows=rows, sources=tuple(meta["sources"]))


def world_markets(baseline: Baseline, year: int) -> FloatArray:
    """``M_s(year)``, each sector's world market on the trend (S,) [USD bn at 2022
    prices]."""
    markets = baseline.flows_usd_bn.sum(axis=(0, 1))
    return markets * _growth_index(baseline.sectors, year)


@functools.cache
def _growth_index(sectors: tuple[str, ...], year: int) -> FloatArray:
    """``M_s(year) / M_s(2022)`` (S,) from the trend data [ratio]."""
    if year <= BASE_YEAR:
        return np.ones(len(sectors))
    table = load_trend()
    rates = np.array([table.growth_pct(s, year) for s in sectors])
    return _growth_index(sectors, year - 1) * (1 + rates / 100)


class _Leontief:
    """The 2022 input-output system of a baseline, solved for any final spending."""

    def __init__(self, baseline: Baseline) -> None:
        flows, gamma = baseline.flows_usd_bn, baseline.gamma
        tariff = policy.baseline_tariffs(baseline.regions, baseline.sectors)
        spending = (flows * (1 + tariff)).sum(axis=0)  # E[j, s]
        output = flows.sum(axis=1)  # R[i, s]
        self.share = flows / spending[None]  # P[i, j, s]
        self.gamma = gamma
        self.final = spending - np.einsum("jks,jk->js", gamma, output)  # f[j, s]
        n, s = output.shape
        # R = P (f + Gamma' R): (I - A) vec(R) = vec(P f), A[(i,s),(j,k)]
        a = np.einsum("ijs,jks->isjk", self.share, gamma).reshape(n * s, n * s)
        self.inverse = np.linalg.inv(np.eye(n * s) - a)
        per_sector = np.stack(
            [
                self.output(self.final * (np.arange(s) == k)).sum(axis=0)
                for k in range(s)
            ],
            axis=1,
        )
        self.world_by_final = per_sector  # W[s, k]

    def output(self, final: FloatArray) -> FloatArray:
        """R (N, S) for final spending ``final`` (N, S)."""
        direct = np.einsum("ijs,js->is", self.share, final)
        return (self.inverse @ direct.ravel()).reshape(direct.shape)

    def flows(self, final: FloatArray) -> FloatArray:
        """X (N, N, S) for final spending ``final`` (N, S)."""
        output = self.output(final)
        spending = final + np.einsum("jks,jk->js", self.gamma, output)
        return self.share * spending[None]


@functools.cache
def _leontief(baseline: Baseline) -> _Leontief:
    return _Leontief(baseline)


@functools.cache
def trend_flows(baseline: Baseline, year: int) -> FloatArray:
    """``X_t`` (N, N, S), the trend baseline of ``year`` [USD bn at 2022 prices];
    the 2022 baseline itself in 2022. Read-only.

    Raises
    ------
    ValueError
        If the trend needs a negative final spending on some sector (the growth
        rates of the data cannot be reached with the 2022 input-output shares).
    """
    if year == BASE_YEAR:
        return baseline.flows_usd_bn
    system = _leontief(baseline)
    growth = np.linalg.solve(system.world_by_final, world_markets(baseline, year))
    if not np.all(growth > 0):
        raise ValueError(f"the market trend needs negative final spending in {year}")
    flows = system.flows(system.final * growth[None])
    flows.setflags(write=False)
    return flows
